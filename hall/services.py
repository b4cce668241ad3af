"""What the whole portal sets up across apps: the staff groups and their permissions in every app."""

from django.contrib.auth.models import Group, Permission

LOAN_READS = ["loans.view_loancontract", "deposits.view_personalaccount", "deposits.view_ledgerentry"]

# Staff groups and what each may do. The two-person rule: 初审 approves, 复核/财务 releases.
STAFF_GROUPS = {
    "初审": [
        "withdrawals.view_withdrawalapplication",
        "withdrawals.review_withdrawal",
        "withdrawals.view_statuschange",
        "withdrawals.view_standinginstruction",
        "withdrawals.view_standinginstructionchange",
        "withdrawals.view_standingrun",
        "deposits.view_profilechange",
        "deposits.view_personalaccount",
        "deposits.view_accountchange",
        "deposits.view_ledgerentry",
        # 单位暂存款退款: 初审 reviews the employer's request; 复核/财务 releases it (another person).
        "deposits.view_suspenserefund",
        "deposits.review_refund",
    ],
    "复核/财务": [
        "withdrawals.view_withdrawalapplication",
        "withdrawals.view_payout",
        "withdrawals.view_payoutchange",
        "withdrawals.release_payout",
        "withdrawals.view_statuschange",
        "deposits.view_personalaccount",
        "deposits.view_accountchange",
        "deposits.view_ledgerentry",
        # 到账 of an employer's declared list, then 入账 (finance sees the bank's credit).
        "deposits.view_remittancebatch",
        "deposits.view_remittancebatchchange",
        "deposits.confirm_funds",
        # The bank's credits on the 归集 account (finance imports the statement) and the employers' 单位暂存款.
        "deposits.view_bankcredit",
        "deposits.view_suspenseentry",
        "deposits.view_suspenserefund",
        "loans.view_loanapplication",
        "loans.release_loan",
        "loans.view_loancontract",
    ],
    # 贷款: 受理 (and 补件), 审批 by another person, 签订合同 and 抵押登记 at the 面签; 复核/财务 releases 放款.
    "贷款受理": ["loans.view_loanapplication", "loans.accept_loan", "loans.view_loanmaterial", *LOAN_READS],
    "贷款审批": ["loans.view_loanapplication", "loans.approve_loan", "loans.view_loanmaterial", *LOAN_READS],
    "贷款经办": ["loans.view_loanapplication", "loans.sign_loan", "loans.view_loanmaterial", *LOAN_READS],
    # 通知发布: writes the 通知公告 the login and home pages show (撤下 instead of deleting: none may delete).
    "通知发布": ["policy.view_notice", "policy.add_notice", "policy.change_notice"],
    # 跨省通办专窗: registers 两地联办 cases for other centers' depositors, reviews 转移接续 as the old center.
    "跨省通办专窗": [
        "crosscenter.handle_crosscenter",
        "crosscenter.view_jointcase",
        "crosscenter.add_jointcase",
        "crosscenter.view_transfercase",
        "crosscenter.view_partnercenter",
        "crosscenter.view_outboxmessage",
        "crosscenter.view_inboxmessage",
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
