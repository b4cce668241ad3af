"""The demo world of SPEC §11, the same in every environment. Safe to run twice."""

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deposits.models import Employer, EntryKind, PersonalAccount, SealReason
from deposits.rules import monthly_contribution
from deposits.services import account_seal, account_user_link, ledger_post
from gjj_portal.months import month_start
from hall.services import staff_groups_ensure
from loans.demo import seed_loans, seed_settled_loan

DEPOSITOR_PASSWORD = "demo1234"


@dataclass(frozen=True)
class Person:
    grzh: str
    name: str
    id_number: str
    phone: str
    base: Decimal
    ratio: Decimal
    household: str
    sealed_months_ago: int = 0
    seal_reason: str = ""


PEOPLE = [
    Person("210100000001", "张伟", "210102199001011237", "13800000001", Decimal("8000"), Decimal("0.12"), "沈阳市"),
    Person("210100000002", "李秀兰", "210103196503150029", "13800000002", Decimal("6000"), Decimal("0.10"), "沈阳市"),
    Person(
        "210100000003",
        "王芳",
        "21010219860620204X",
        "13800000003",
        Decimal("5000"),
        Decimal("0.12"),
        "沈阳市",
        sealed_months_ago=3,
        seal_reason=SealReason.DISABILITY,
    ),
    Person("210100000004", "刘强", "210204197108083010", "13800000004", Decimal("9000"), Decimal("0.12"), "大连市"),
    Person(
        "210100000005",
        "陈刚",
        "330203198805120011",
        "13800000005",
        Decimal("7000"),
        Decimal("0.12"),
        "宁波市",
        sealed_months_ago=8,
        seal_reason=SealReason.MOVED_AWAY,
    ),
]
HISTORY_MONTHS = 24
STAFF = [
    ("reviewer", "review1234", "初审"),
    ("releaser", "release1234", "复核/财务"),
    ("window", "window1234", "跨省通办专窗"),
    ("loanaccept", "loan1234", "贷款受理"),
    ("loanapprove", "loan1234", "贷款审批"),
    ("loanclerk", "loan1234", "贷款经办"),
]


def demo_partners_register() -> str:
    """GJJ_DEMO_PARTNERS="liuzhou=http://127.0.0.1:8001": the other demo center, known by its demo key
    (development only: production registers partners with `manage.py register_partner_center`)."""
    from django.conf import settings

    from crosscenter.models import PartnerCenter
    from crosscenter.signing import demo_public_key
    from policy.profiles import PROFILES

    if not settings.DEBUG:
        return ""
    names = []
    for item in filter(None, os.environ.get("GJJ_DEMO_PARTNERS", "").split(",")):
        profile, _, url = item.partition("=")
        data = PROFILES[profile.strip()]
        code, name = str(data["center_code"]), str(data["center_name"])
        PartnerCenter.objects.update_or_create(
            code=code,
            defaults={"name": name, "base_url": url.strip(), "public_key": demo_public_key(code)},
        )
        names.append(name)
    return f"; partner centers: {'、'.join(names)}" if names else ""


def months_before(d: date, n: int) -> date:
    return month_start(d, -n)


class Command(BaseCommand):
    help = "Create the demo depositors, employer, staff and unit user of SPEC §11 (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        employer, _ = Employer.objects.get_or_create(
            dwzh="210100100001",
            defaults={"name": "沈阳示例科技有限公司", "credit_code": "91210100MA0XXXXX1A", "region": "沈阳市"},
        )
        created = sum(self._person(p, employer, today) for p in PEOPLE)
        seed_loans(PersonalAccount.objects.get(id_number="210204197108083010"), today)
        seed_settled_loan(PersonalAccount.objects.get(id_number="210103196503150029"))
        groups = staff_groups_ensure()
        for username, password, group in STAFF:
            user, was_created = User.objects.get_or_create(
                username=username, defaults={"role": Role.STAFF, "is_staff": True, "full_name": username}
            )
            if was_created:
                user.set_password(password)
                user.save()
            user.groups.add(groups[group])
        if not User.objects.filter(username="operator").exists():
            User.objects.create_superuser("operator", password="operator1234", role=Role.STAFF, full_name="运维")
        if not User.objects.filter(username="unit001").exists():
            User.objects.create_user(
                "unit001", password="unit1234", role=Role.UNIT, employer=employer, full_name=employer.name
            )
        partners = demo_partners_register()
        self.stdout.write(f"demo world ready: {created} depositors created, {len(PEOPLE)} in all{partners}")

    def _person(self, p: Person, employer: Employer, today: date) -> bool:
        if PersonalAccount.objects.filter(id_number=p.id_number).exists():
            return False
        last_month = months_before(today, 1 + p.sealed_months_ago)
        first_month = months_before(last_month, HISTORY_MONTHS - 1)
        user = User.objects.create_user(
            username=p.id_number,
            password=DEPOSITOR_PASSWORD,
            role=Role.DEPOSITOR,
            full_name=p.name,
            id_number=p.id_number,
            phone=p.phone,
        )
        account = PersonalAccount.objects.create(
            grzh=p.grzh,
            name=p.name,
            id_number=p.id_number,
            phone=p.phone,
            employer=employer,
            base=p.base,
            employer_ratio=p.ratio,
            employee_ratio=p.ratio,
            opened_on=first_month,
            household_region=p.household,
        )
        account = account_user_link(account_id=account.pk, user=user, how="演示数据")
        monthly = monthly_contribution(p.base, p.ratio, p.ratio)
        for n in range(HISTORY_MONTHS):
            month = months_before(last_month, HISTORY_MONTHS - 1 - n)
            period = f"{month:%Y-%m}"
            ledger_post(
                account=account,
                kind=EntryKind.REMITTANCE,
                amount=monthly,
                reference=f"HJ{employer.dwzh}{period}",
                occurred_on=month.replace(day=employer.contribution_day),
                period=period,
                memo=f"{period}汇缴",
            )
        PersonalAccount.objects.filter(pk=account.pk).update(last_paid_month=last_month)
        if p.sealed_months_ago:
            sealed_on = months_before(today, p.sealed_months_ago)
            label = SealReason(p.seal_reason).label
            account_seal(account=account, seal_reason=p.seal_reason, reason=f"单位办理封存：{label}", on=sealed_on)
        return True
