"""A person's pages are kept in the cache (gjj_portal/cache.py) until a service changes what they show: each
change a depositor can see on 我的公积金, 消息中心, 我发起的 and 贷款信息 shows on the next page, and a value
read before a change is never served as current after it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import EntryKind
from deposits.services import account_lock, ledger_post
from gjj_portal import cache as person_cache
from messages_center.services import message_delete, message_mark_read, message_send

pytestmark = pytest.mark.usefixtures("_person_cache_on")


@pytest.fixture
def _person_cache_on(settings):
    settings.GJJ_PERSON_CACHE = True


@pytest.fixture
def signed_in(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    return client


def test_a_kept_read_is_served_until_the_person_changes(depositor):
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    assert person_cache.person_reads(depositor.pk, x=read) == {"x": 1}
    assert person_cache.person_reads(depositor.pk, x=read) == {"x": 1}, "kept"
    person_cache.person_changed(depositor.pk)
    assert person_cache.person_reads(depositor.pk, x=read) == {"x": 2}, "read again after a change"
    person_cache.everyone_changed()
    assert person_cache.person_reads(depositor.pk, x=read) == {"x": 3}, "read again after a change for everyone"
    assert person_cache.person_reads(depositor.pk, x=read) == {"x": 3}


def test_a_value_read_before_a_change_is_not_kept_as_current(depositor):
    """A page reads while a writer's change is on its way: what it read is stored under the versions it saw
    before reading, which the change (dropped again after commit) replaces."""

    def read_during_a_change():
        person_cache.person_changed(depositor.pk)  # the writer commits between the version read and the store
        return "old"

    assert person_cache.person_reads(depositor.pk, x=read_during_a_change) == {"x": "old"}
    assert person_cache.person_reads(depositor.pk, x=lambda: "new") == {"x": "new"}


def test_one_persons_change_leaves_anothers_pages_kept(depositor, other_depositor):
    person_cache.person_reads(other_depositor.pk, x=lambda: "kept")
    person_cache.person_changed(depositor.pk)
    assert person_cache.person_reads(other_depositor.pk, x=lambda: "read again") == {"x": "kept"}


def test_without_a_shared_cache_every_page_reads_the_database(settings, depositor):
    settings.GJJ_PERSON_CACHE = False
    person_cache.person_reads(depositor.pk, x=lambda: 1)
    assert person_cache.person_reads(depositor.pk, x=lambda: 2) == {"x": 2}


def test_a_new_message_shows_in_the_header_and_the_inbox_at_once(signed_in, depositor):
    assert 'data-unread="0"' in signed_in.get(reverse("home")).content.decode()
    signed_in.get(reverse("messages_center:inbox"))
    message = message_send(recipient=depositor, business="提取", title="审核通过", body="-")
    home = signed_in.get(reverse("home")).content.decode()
    assert 'data-unread="1"' in home and "审核通过" in home
    assert "审核通过" in signed_in.get(reverse("messages_center:inbox")).content.decode()
    message_mark_read(message=message)
    assert "审核通过" not in signed_in.get(reverse("messages_center:inbox")).content.decode()
    assert "审核通过" in signed_in.get(reverse("messages_center:read")).content.decode()
    message_delete(message=message)
    assert "审核通过" not in signed_in.get(reverse("messages_center:read")).content.decode()


def test_a_new_entry_shows_on_the_home_page_and_the_statement_at_once(signed_in, depositor, today):
    signed_in.get(reverse("home"))
    signed_in.get(reverse("deposits:statement"))
    ledger_post(
        account=account_lock(account_id=depositor.account.pk),
        kind=EntryKind.SUPPLEMENTARY,
        amount=Decimal("123.45"),
        reference="BJ-TEST",
        occurred_on=today,
    )
    assert "123.45" in signed_in.get(reverse("home")).content.decode()
    assert "123.45" in signed_in.get(reverse("deposits:statement")).content.decode()


def test_an_application_shows_in_mine_at_once_and_its_status_follows(signed_in, depositor, reviewer):
    from tests.withdrawals.helpers import submitted_rent
    from withdrawals.review import withdrawal_reject

    assert "租房提取" not in signed_in.get(reverse("hall:mine")).content.decode()
    application = submitted_rent(depositor)
    assert application.number in signed_in.get(reverse("hall:mine")).content.decode()
    withdrawal_reject(application_id=application.pk, reviewer=reviewer, opinion="材料不全，请重新申请")
    assert "审核不通过" in signed_in.get(reverse("hall:mine")).content.decode()


def test_a_loan_opened_and_disbursed_shows_on_the_home_page_and_loans_at_once(signed_in, depositor):
    from tests.loans.conftest import make_contract

    assert "JK-CACHE-1" not in signed_in.get(reverse("loans:info")).content.decode()
    signed_in.get(reverse("home"))
    make_contract(depositor.account, contract_no="JK-CACHE-1", disbursed_on=None)
    assert "JK-CACHE-1" in signed_in.get(reverse("loans:info")).content.decode()
    assert "JK-CACHE-1" in signed_in.get(reverse("home")).content.decode()
    assert signed_in.get(reverse("loans:info")).context["next_payment"] is None, "not disbursed: no schedule"
    from loans.models import LoanContract
    from loans.services import loan_disburse

    loan_disburse(contract_id=LoanContract.objects.get(contract_no="JK-CACHE-1").pk, on=date(2025, 1, 10))
    assert signed_in.get(reverse("loans:info")).context["next_payment"], "the schedule's next instalment"


def test_every_personal_page_twice_in_turn_reads_what_it_kept(signed_in, depositor):
    """Kept values are one person's across pages: a name one page keeps is never another page's (the home
    page's 我的贷款 part and 贷款信息's rows were both "loans" once, and the second page failed)."""
    from tests.loans.conftest import make_contract

    make_contract(depositor.account, contract_no="JK-CACHE-2")
    pages = ["/", "/loans/", "/statement/", "/messages/", "/messages/mine/", "/withdrawals/mine/", "/profile/"]
    first = {path: signed_in.get(path) for path in pages}
    for path in pages * 2:
        answer = signed_in.get(path)
        assert answer.status_code == 200, path
        assert answer.content == first[path].content or b"csrfmiddlewaretoken" in answer.content, path
    assert b"JK-CACHE-2" in signed_in.get("/").content and b"JK-CACHE-2" in signed_in.get("/loans/").content
