"""Admin lists at a center's size: exact, indexed searches and counts that never walk a table."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deposits.models import LedgerEntry, PersonalAccount
from gjj_portal.admin import LargeTablePaginator
from tests.factories import PersonalAccountFactory, deposit_history
from tests.withdrawals.helpers import submitted_rent

LEDGER = "/admin/deposits/ledgerentry/"
ACCOUNTS = "/admin/deposits/personalaccount/"
APPLICATIONS = "/admin/withdrawals/withdrawalapplication/"


def _shown(response) -> list[str]:
    return re.findall(r'<th class="field-[a-z_]+"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def accounts(policy, today):
    made = [PersonalAccountFactory() for _ in range(3)]
    for account in made:
        deposit_history(account, months=4, today=today)
    return made


def test_searches_are_exact_and_never_a_substring_scan(admin_client, accounts):
    target = accounts[1]
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(LEDGER, {"q": f" {target.grzh} "})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 4
    assert {e.account_id for e in page.context["cl"].result_list} == {target.pk}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "LIKE" not in sql and "UPPER(" not in sql
    # A part of a number finds nothing: the search is by whole business numbers only.
    assert admin_client.get(LEDGER, {"q": target.grzh[:6]}).context["cl"].result_count == 0
    # 身份证号 with a lower-case x, a name, an employer's 单位账号.
    found = admin_client.get(ACCOUNTS, {"q": target.id_number.lower()}).context["cl"].result_list
    assert [a.pk for a in found] == [target.pk]
    assert [a.pk for a in admin_client.get(ACCOUNTS, {"q": target.name}).context["cl"].result_list] == [target.pk]
    by_employer = admin_client.get(ACCOUNTS, {"q": target.employer.dwzh}).context["cl"].result_list
    assert target.pk in [a.pk for a in by_employer]


def test_an_application_is_found_by_its_number_or_its_depositor(admin_client, depositor, accounts):
    application = submitted_rent(depositor)
    account = depositor.account
    for term in (application.number, application.number.lower(), account.grzh, account.id_number, account.name):
        result = admin_client.get(APPLICATIONS, {"q": term, "status__exact": application.status})
        assert [a.pk for a in result.context["cl"].result_list] == [application.pk], term
    assert admin_client.get(APPLICATIONS, {"q": "TQ2026"}).context["cl"].result_count == 0


def test_a_filtered_list_counts_at_most_the_cap(admin_client, accounts, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "CAP", 5)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(LEDGER, {"kind__exact": "remittance"})
    cl = page.context["cl"]
    assert cl.paginator.approximate and cl.result_count == 6
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "ledgerentry" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    assert "超过 5 条账户明细" in page.content.decode()


def test_an_unfiltered_big_list_takes_the_planners_estimate(admin_client, accounts, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "CAP", 5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deposits_ledgerentry")
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(LEDGER)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "ledgerentry" in q["sql"]]
    assert page.context["cl"].result_count == LedgerEntry.objects.count() == 12
    assert "约 12 条账户明细" in page.content.decode()
    assert page.context["cl"].paginator.num_pages == 1  # CAP // per_page: no deep pages offered


def test_a_small_list_counts_exactly(admin_client, accounts):
    cl = admin_client.get(ACCOUNTS).context["cl"]
    assert not cl.paginator.approximate and cl.result_count == PersonalAccount.objects.count()
