from datetime import date

from django.shortcuts import get_object_or_404

from deposits.models import PersonalAccount
from deposits.selectors import account_continuous_deposit_months

from .models import Status, WithdrawalApplication, WithdrawalKind
from .rules import RentFacts


def rent_facts(*, account: PersonalAccount, today: date) -> RentFacts:
    return RentFacts(
        account_status=account.status,
        owns_house=account.owns_house,
        continuous_months=account_continuous_deposit_months(account=account, today=today),
        balance=account.balance,
        rent_withdrawals_this_year=WithdrawalApplication.objects.active()
        .filter(account=account, kind=WithdrawalKind.RENT, rental__year=today.year)
        .count(),
    )


def application_get_for_user(*, user, public_id) -> WithdrawalApplication:
    """The one lookup for a depositor's application: anyone else's answers 404."""
    return get_object_or_404(
        WithdrawalApplication.objects.select_related("account", "rental").of_user(user), public_id=public_id
    )


def applications_of_user(*, user):
    return WithdrawalApplication.objects.of_user(user).select_related("rental").order_by("-created_at")


def review_queue():
    return WithdrawalApplication.objects.filter(status=Status.SUBMITTED).order_by("submitted_at")
