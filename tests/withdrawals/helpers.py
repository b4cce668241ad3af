from decimal import Decimal

from django.utils import timezone

from withdrawals.services import RentRequest, rent_withdrawal_create


def rent_request(**changes) -> RentRequest:
    year = timezone.localdate().year
    data = dict(
        region="沈阳市",
        address="沈阳市和平区南京北街1号",
        year=year,
        start_month=1,
        end_month=3,
        monthly_rent=Decimal("1200.00"),
        bank="建设银行",
        card_number="6217000010001234",
        amount=Decimal("3600.00"),
    )
    data.update(changes)
    return RentRequest(**data)


def submitted_rent(user, **changes):
    return rent_withdrawal_create(user=user, account=user.account, request=rent_request(**changes))
