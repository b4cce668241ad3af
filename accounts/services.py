from django.contrib.auth.models import Group, Permission

# Staff groups and what each may do. The two-person rule: 初审 approves, 复核/财务 releases.
STAFF_GROUPS = {
    "初审": [
        "withdrawals.view_withdrawalapplication",
        "withdrawals.review_withdrawal",
        "withdrawals.view_statuschange",
        "deposits.view_personalaccount",
        "deposits.view_ledgerentry",
    ],
    "复核/财务": [
        "withdrawals.view_withdrawalapplication",
        "withdrawals.view_payout",
        "withdrawals.release_payout",
        "withdrawals.view_statuschange",
        "deposits.view_personalaccount",
        "deposits.view_ledgerentry",
    ],
}


def staff_groups_ensure() -> dict[str, Group]:
    groups = {}
    for name, perms in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[name] = group
    return groups
