"""One lock order for the rows money moves through: account → application → payout.

Every service's row locks (SELECT … FOR UPDATE) are read from the SQL it sends; a lock of an
earlier kind after a later one could deadlock against another service, so it fails here."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from withdrawals import payouts
from withdrawals.models import Payout, Status
from withdrawals.review import payout_release, withdrawal_approve

from .helpers import submitted_rent

ORDER = ["deposits_personalaccount", "withdrawals_withdrawalapplication", "withdrawals_payout"]


def locked_tables(queries):
    order = []
    for q in queries:
        sql = q["sql"]
        if "FOR UPDATE" in sql:
            table = next((t for t in ORDER if f'FROM "{t}"' in sql), None)
            if table and table not in order:
                order.append(table)
    return order


def assert_in_order(queries, what):
    tables = locked_tables(queries)
    assert tables, f"{what} locks nothing"
    ranks = [ORDER.index(t) for t in tables]
    assert ranks == sorted(ranks), f"{what} locks {tables}: against the order {ORDER}"


def sending(user, reviewer, releaser):
    application = submitted_rent(user)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout_release(application_id=application.pk, releaser=releaser)
    payout = Payout.objects.get(application=application)
    payouts._payouts_claim(payout_ids=[payout.pk])
    return payout


def test_every_money_service_locks_in_the_one_order(depositor, other_depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    with CaptureQueriesContext(connection) as q:
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    assert_in_order(q.captured_queries, "withdrawal_approve")
    with CaptureQueriesContext(connection) as q:
        payout_release(application_id=application.pk, releaser=releaser)
    assert_in_order(q.captured_queries, "payout_release")
    payout = Payout.objects.get(application=application)
    with CaptureQueriesContext(connection) as q:
        assert [p.status for p in payouts._payouts_claim(payout_ids=[payout.pk])] == [Payout.State.SENDING]
    assert_in_order(q.captured_queries, "_payouts_claim")
    with CaptureQueriesContext(connection) as q:
        payouts.payout_complete(payout_id=payout.pk, reference="R1")
    assert_in_order(q.captured_queries, "payout_complete")
    payout = sending(other_depositor, reviewer, releaser)
    with CaptureQueriesContext(connection) as q:
        payouts.payout_fail(payout_id=payout.pk, reason="测试")
    assert_in_order(q.captured_queries, "payout_fail")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_release_and_completion_race_without_deadlock(depositor, reviewer, releaser, round_):
    """A release and a completion of the same application at once, on PostgreSQL: both finish."""
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout = Payout.objects.get(application=application)
    errors, start = [], threading.Barrier(2)

    def run(action):
        try:
            start.wait()
            action()
        except Exception as exc:  # noqa: BLE001 — any failure, a deadlock above all, is the finding
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda: payout_release(application_id=application.pk, releaser=releaser),)),
        threading.Thread(target=run, args=(lambda: payouts.payout_complete(payout_id=payout.pk, reference="R"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    application.refresh_from_db()
    assert application.status in (Status.APPROVED, Status.PAID)
