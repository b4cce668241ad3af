"""贯标 codes (#15 item 5): every account status, employer status, withdrawal reason and ID type has its
national code, shown in admin and written to the bank file."""

from django.urls import reverse

from deposits.models import ACCOUNT_STATUS_CODES, AccountStatus, Employer
from gjj_portal.identity import ID_TYPE_CODES, RESIDENT_ID_CARD
from withdrawals.models import WITHDRAWAL_REASON_CODES, WithdrawalKind


def test_every_stored_value_has_its_national_code():
    assert {s.value for s in AccountStatus} == set(ACCOUNT_STATUS_CODES)
    assert ACCOUNT_STATUS_CODES[AccountStatus.TRANSFERRED_OUT] == "04" and ACCOUNT_STATUS_CODES["withdrawn"] == "05"
    assert {s.value for s in Employer.Status} == set(Employer.STATUS_CODES)
    assert Employer.STATUS_CODES == {"normal": "01", "sealed": "05", "closed": "04"}
    assert {k.value for k in WithdrawalKind} == set(WITHDRAWAL_REASON_CODES)
    assert ID_TYPE_CODES[RESIDENT_ID_CARD] == "身份证"


def test_admin_lists_show_the_codes(admin_client, depositor):
    page = admin_client.get(reverse("admin:deposits_personalaccount_changelist")).content.decode()
    assert "账户状态（GRZHZT）" in page and "正常（01）" in page
    account = depositor.account
    detail = admin_client.get(reverse("admin:deposits_personalaccount_change", args=[account.pk])).content.decode()
    assert "身份证（01）" in detail and "未绑定" in detail
    page = admin_client.get(reverse("admin:deposits_employer_changelist")).content.decode()
    assert "单位状态（DWZHZT）" in page and "正常（01）" in page
