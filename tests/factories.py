from datetime import date
from decimal import Decimal

import factory
from django.db import transaction

from accounts.models import Role, User
from deposits.models import Employer, EntryKind, PersonalAccount
from deposits.rules import monthly_contribution
from deposits.services import account_lock, ledger_post
from gjj_portal.identity import id_check_digit


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    dwzh = factory.Sequence(lambda n: f"2101001{n:05d}")
    name = factory.Sequence(lambda n: f"沈阳测试单位{n}有限公司")
    credit_code = factory.Sequence(lambda n: f"91210100TEST{n:06d}")
    region = "沈阳市"


def _id_number(n: int) -> str:
    """A valid GB 11643 number for person n (born 1990-01-01 + n days within the month)."""
    body = f"210102199001{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + id_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    # Declared once, here: a subclass redeclaring it would run it after `_save`.
    password = factory.PostGenerationMethodCall("set_password", "demo1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepositorUserFactory(UserFactory):
    role = Role.DEPOSITOR
    id_number = factory.Sequence(_id_number)
    username = factory.SelfAttribute("id_number")
    full_name = factory.Sequence(lambda n: f"测试职工{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class StaffUserFactory(UserFactory):
    role = Role.STAFF
    is_staff = True
    username = factory.Sequence(lambda n: f"staff{n}")


class PersonalAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalAccount

    user = factory.SubFactory(DepositorUserFactory)
    grzh = factory.Sequence(lambda n: f"2101{n:08d}")
    name = factory.SelfAttribute("user.full_name")
    id_number = factory.SelfAttribute("user.id_number")
    phone = factory.SelfAttribute("user.phone")
    employer = factory.SubFactory(EmployerFactory)
    base = Decimal("8000.00")
    opened_on = date(2020, 1, 1)
    household_region = "沈阳市"


def months_back(today: date, n: int) -> str:
    index = today.year * 12 + today.month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@transaction.atomic
def deposit_history(account: PersonalAccount, *, months: int, today: date, skip_current: bool = True) -> None:
    """Post `months` monthly remittances ending last month (or this month), like a real employer would."""
    amount = monthly_contribution(account.base, account.employer_ratio, account.employee_ratio)
    locked = account_lock(account_id=account.pk)
    first = 1 if skip_current else 0
    for n in range(first + months - 1, first - 1, -1):
        period = months_back(today, n)
        ledger_post(
            account=locked,
            kind=EntryKind.REMITTANCE,
            amount=amount,
            reference=f"HJ{period}",
            occurred_on=date(int(period[:4]), int(period[5:]), 15),
            period=period,
        )
    account.refresh_from_db()


def work_after_commit(callbacks) -> list:
    """The on-commit callbacks that do work (tasks, messages), without the person cache's own: every write a
    page shows drops the person's cached reads after commit as well (gjj_portal/cache.py)."""
    from gjj_portal.cache import forget

    return [c for c in callbacks if getattr(c, "func", None) is not forget]
