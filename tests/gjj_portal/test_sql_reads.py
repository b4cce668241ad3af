"""The reads written once as SQL for the pages every depositor opens (gjj_portal/sql.py, #14) answer what the
ORM queries they replace answer: the same rows, in the same order, as the same model objects. Each case
has rows made to catch a wrong filter (another person's, deleted, read, paid) or a wrong order (ties)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Case, Q, Sum, When
from django.utils import timezone

from crosscenter import transfer
from crosscenter.models import JointCase, Role, TransferCase, TransferDirection
from crosscenter.selectors import cases_of_user_read
from deposits.models import EntryKind, LedgerEntry
from deposits.selectors import account_balance_on_read, account_entries_between_read, account_recent_entries_read
from deposits.services import account_lock, ledger_post
from gjj_portal.sql import models, read_all
from loans.models import Instalment
from loans.selectors import contracts_of_user, loans_overview_read, unpaid_instalments
from messages_center.models import Message
from messages_center.selectors import InboxList, home_tasks_read
from tests.crosscenter.helpers import partner_with_key
from tests.loans.conftest import make_contract
from withdrawals.models import WithdrawalApplication, WithdrawalKind
from withdrawals.selectors import application_count_read, applications_of_user_read


def one(read):
    """A read on its own, as a page would send it with others (gjj_portal/sql.py)."""
    return read_all(read)[0]


def fetch_models(model, sql, params):
    return one(models(model, sql, params))


def ids(rows):
    return [row.pk for row in rows]


def test_the_entries_are_the_orms(depositor, other_depositor, today):
    assert LedgerEntry.objects.filter(account=depositor.account).count() > 12  # the fixture's history
    assert LedgerEntry.objects.filter(account=other_depositor.account).exists()
    same_day = LedgerEntry.objects.filter(account=depositor.account).order_by("-occurred_on").first().occurred_on
    for n in range(3):  # ties on the day: the order falls back to the id, newest first
        ledger_post(
            account=account_lock(account_id=depositor.account.pk),
            kind=EntryKind.INTEREST,
            amount=Decimal("1.01"),
            reference=f"T{n}",
            occurred_on=same_day,
        )
    account = depositor.account
    for limit in (1, 5, 10, 100):
        assert ids(one(account_recent_entries_read(account=account, limit=limit))) == ids(
            LedgerEntry.objects.for_account(account)[:limit]
        )
    for start, end in [(today - timedelta(days=365), today), (today - timedelta(days=3000), today), (today, today)]:
        sql = one(account_entries_between_read(account=account, start=start, end=end))
        orm = list(LedgerEntry.objects.for_account(account).filter(occurred_on__range=(start, end)))
        assert ids(sql) == ids(orm)
        assert [(e.amount, e.balance_after, e.occurred_on, e.kind, e.get_kind_display()) for e in sql] == [
            (e.amount, e.balance_after, e.occurred_on, e.kind, e.get_kind_display()) for e in orm
        ]
    for day in [today - timedelta(days=5000), same_day - timedelta(days=1), same_day, today]:
        orm = LedgerEntry.objects.filter(account=account, occurred_on__lte=day).aggregate(s=Sum("amount"))["s"] or 0
        assert one(account_balance_on_read(account=account, day=day)) == orm
        assert isinstance(one(account_balance_on_read(account=account, day=day)), Decimal)


def test_the_home_pages_open_messages_are_the_orms(depositor, other_depositor):
    rng = random.Random(14)
    now = timezone.now()
    for n in range(40):
        Message.objects.create(
            recipient=rng.choice([depositor, depositor, other_depositor]),
            kind=rng.choice([Message.Kind.NOTICE, Message.Kind.TODO]),
            business="测试",
            title=f"第{n}条",
            body="-",
            key=f"k{n}",  # one open 待办 per key
            read_at=rng.choice([None, now]),
            done_at=rng.choice([None, None, now]),
            deleted_at=rng.choice([None, None, None, now]),
        )
    Message.objects.filter(recipient=depositor).update(created_at=now)  # every one a tie but for the id
    Message.objects.filter(recipient=depositor, pk__in=ids(Message.objects.all()[:9])).update(
        created_at=now - timedelta(hours=1)
    )
    orm = list(
        Message.objects.of_user(depositor)
        .filter(Q(kind=Message.Kind.TODO, done_at__isnull=True) | Q(kind=Message.Kind.NOTICE, read_at__isnull=True))
        .order_by(Case(When(kind=Message.Kind.TODO, then=0), default=1), "-created_at", "-id")
    )
    for latest in (1, 3, 50):
        depositor.__dict__.pop("_gjj_inbox_counts", None)
        tasks = one(home_tasks_read(user=depositor, latest=latest))
        assert ids(tasks["todos"] + tasks["notices"]) == ids(orm[:latest])


def test_the_home_pages_loans_are_the_orms(depositor, other_depositor, today):
    first = make_contract(depositor.account, contract_no="JK-B")
    second = make_contract(other_depositor.account, contract_no="JK-A", disbursed_on=None)  # not disbursed
    second.co_borrower = depositor.account
    second.save(update_fields=["co_borrower"])
    make_contract(other_depositor.account, contract_no="JK-C")  # someone else's alone
    Instalment.objects.filter(contract=first, period__lte=2).update(state=Instalment.State.PAID)
    orm = [{"contract": c, "next": unpaid_instalments(contract=c).first()} for c in contracts_of_user(user=depositor)]
    sql = one(loans_overview_read(user=depositor))
    assert [(r["contract"].pk, r["next"] and r["next"].pk) for r in sql] == [
        (r["contract"].pk, r["next"] and r["next"].pk) for r in orm
    ]
    assert sql[1]["next"].period == 3 and sql[0]["next"] is None  # JK-A has no schedule yet
    assert one(loans_overview_read(user=depositor))[1]["contract"].get_status_display()


def test_my_applications_are_the_orms(depositor, other_depositor):
    now = timezone.now()
    for n, (user, minutes) in enumerate([(depositor, 5), (depositor, 5), (other_depositor, 1), (depositor, 9)]):
        made = WithdrawalApplication.objects.create(
            applicant=user,
            account=user.account,
            kind=WithdrawalKind.RENT,
            amount=Decimal(100 + n),
            bank="建设银行",
            card_number="6217000040004444",
        )
        WithdrawalApplication.objects.filter(pk=made.pk).update(created_at=now - timedelta(minutes=minutes))  # a tie
    for user in (depositor, other_depositor):
        orm = list(WithdrawalApplication.objects.of_user(user).order_by("-created_at", "-id"))
        assert ids(one(applications_of_user_read(user=user))) == ids(orm)
        assert one(application_count_read(user=user)) == len(orm)
    assert [a.amount for a in one(applications_of_user_read(user=depositor))] == [
        Decimal(101),
        Decimal(100),
        Decimal(103),
    ]


def test_cross_cases_are_the_orms(depositor, other_depositor):
    partner, _private = partner_with_key()
    for account in (depositor.account, other_depositor.account):  # one open transfer-in a person
        transfer.transfer_in_start(account=account, partner=partner)
    cases = one(cases_of_user_read(user=depositor))
    assert ids(cases["transfers"]) == ids(
        TransferCase.objects.filter(direction=TransferDirection.IN, account__user=depositor).order_by(
            "-created_at", "-id"
        )
    )
    assert len(cases["transfers"]) == 1 and cases["transfers"][0].partner.name == partner.name
    assert ids(cases["joint"]) == ids(JointCase.objects.filter(role=Role.ACCEPTANCE, account__user=depositor))


def test_fetch_models_defers_what_it_was_not_given_and_refuses_a_stranger(depositor):
    [entry] = fetch_models(LedgerEntry, "SELECT id, amount FROM deposits_ledgerentry ORDER BY id LIMIT 1", [])
    assert entry.get_deferred_fields() >= {"memo", "balance_after"}
    assert entry.balance_after == LedgerEntry.objects.order_by("id").first().balance_after  # loaded on first use
    with pytest.raises(ValueError, match="no column"):
        fetch_models(LedgerEntry, "SELECT 1 AS nonsense", [])
    assert fetch_models(LedgerEntry, "SELECT * FROM deposits_ledgerentry WHERE id = -1", []) == []


def test_the_inbox_lists_are_the_orms(depositor, other_depositor):
    rng = random.Random(41)
    now = timezone.now()
    for n in range(70):
        made = Message.objects.create(
            recipient=rng.choice([depositor, depositor, other_depositor]),
            kind=rng.choice([Message.Kind.NOTICE, Message.Kind.TODO]),
            business="测试",
            title=f"第{n}条",
            body="-",
            key=f"k{n}",
            read_at=rng.choice([None, now]),
            done_at=rng.choice([None, now]),
            deleted_at=rng.choice([None, None, None, now]),
        )
        Message.objects.filter(pk=made.pk).update(created_at=now - timedelta(minutes=rng.randint(0, 5)))  # ties
    mine = Message.objects.of_user(depositor)
    for tab, orm in [("notices", mine.unread_notices()), ("todos", mine.open_todos()), ("read", mine.read_notices())]:
        depositor.__dict__.pop("_gjj_inbox_counts", None)
        listed = InboxList(user=depositor, tab=tab)
        assert listed.count() == len(listed) == orm.count() > 0, tab
        for part in (slice(0, 10), slice(10, 20), slice(3, 7), slice(0, 100)):
            assert ids(listed[part]) == ids(orm[part]), (tab, part)


def test_reads_sent_together_answer_what_each_answers_alone_in_one_round_trip(depositor, other_depositor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deposits.selectors import account_balance_on_read, account_recent_entries_read
    from gjj_portal.sql import read_all
    from loans.selectors import loans_overview_read
    from messages_center.selectors import home_tasks_read
    from withdrawals.selectors import applications_of_user_read

    make_contract(depositor.account, contract_no="JK-R")
    Message.objects.create(recipient=depositor, kind=Message.Kind.TODO, business="测试", title="补件", body="-")
    day = timezone.localdate() - timedelta(days=100)
    reads = [
        lambda: account_recent_entries_read(account=depositor.account, limit=5),
        lambda: account_balance_on_read(account=other_depositor.account, day=day),
        lambda: loans_overview_read(user=depositor),
        lambda: applications_of_user_read(user=depositor),
        lambda: home_tasks_read(user=depositor),
    ]
    alone = []
    for read in reads:
        depositor.__dict__.pop("_gjj_inbox_counts", None)
        alone.append(read_all(read())[0])
    depositor.__dict__.pop("_gjj_inbox_counts", None)
    with CaptureQueriesContext(connection) as sent:
        together = read_all(*(read() for read in reads), reads[0]())  # the same statement twice: sent once
    assert len(sent) == 1 and sent[0]["sql"].count("deposits_ledgerentry WHERE account_id") == 2
    assert ids(together[0]) == ids(together[-1]) == ids(alone[0]) and len(alone[0]) == 5
    assert together[1] == alone[1] == one(account_balance_on_read(account=other_depositor.account, day=day)) > 0
    assert [r["contract"].pk for r in together[2]] == [r["contract"].pk for r in alone[2]] != []
    assert together[2][0]["next"].pk == alone[2][0]["next"].pk
    assert together[4]["counts"] == alone[4]["counts"] == {**depositor._gjj_inbox_counts, "mine": 0}
    assert depositor._gjj_inbox_counts["todos"] == 1 and [m.title for m in together[4]["todos"]] == ["补件"]
    assert read_all() == []


def test_an_inbox_page_read_ahead_is_not_read_again_and_one_out_of_range_is(depositor, django_assert_num_queries):
    from gjj_portal.sql import read_all

    for n in range(3):
        Message.objects.create(recipient=depositor, kind=Message.Kind.NOTICE, business="测试", title=f"{n}", body="-")
    listed = InboxList(user=depositor, tab="notices")
    read_all(listed.read(start=0, limit=10))
    with django_assert_num_queries(0):
        assert len(listed[0:3]) == 3  # the paginator asks for no more than there are
    with django_assert_num_queries(1):
        assert listed[10:20] == []


def test_a_json_column_comes_back_as_the_orm_gives_it(depositor):
    partner, _private = partner_with_key()
    case = transfer.transfer_in_start(account=depositor.account, partner=partner)
    TransferCase.objects.filter(pk=case.pk).update(continuity={"months": 12, "名称": "连续缴存"})
    [read] = one(cases_of_user_read(user=depositor))["transfers"]
    assert read.continuity == {"months": 12, "名称": "连续缴存"}
