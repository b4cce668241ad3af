"""What every personal page pays: the person, the account and its employer in one query; a few ORM
reads; one Redis client per pool. benchmarks/pages.py measures the effect; these keep its causes from
coming undone."""

import pytest
from django.core.cache import cache

PAGES_AND_QUERIES = [  # the session is in Redis; the person with the account and its employer is one query;
    ("/", 1),  # the page's reads come from the person's cache (gjj_portal/cache.py) once it has seen them
    ("/statement/", 1),
    ("/profile/", 1),
    ("/messages/", 1),
    ("/messages/todos/", 1),
    ("/messages/mine/", 1),
    ("/withdrawals/mine/", 1),
    ("/loans/", 1),
]


@pytest.mark.parametrize(("path", "most"), PAGES_AND_QUERIES)
def test_a_personal_page_runs_few_queries(client, depositor, path, most, django_assert_max_num_queries):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    client.get(path)  # the policy is cached after the first page
    with django_assert_max_num_queries(most):
        answer = client.get(path)
    assert answer.status_code == 200
    assert depositor.account.grzh in answer.content.decode(), "the header's panel shows the account on every page"


def test_the_header_shows_the_account_and_employer_read_with_the_person(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    page = client.get("/profile/").content.decode()
    assert depositor.account.grzh in page and depositor.account.employer.name in page


def test_the_cache_keeps_one_redis_client_per_pool():
    backend = cache._cache
    if not hasattr(backend, "_clients"):
        pytest.skip("the tests' cache is not Redis")
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("gjj:test:client", 1)
    assert cache.get("gjj:test:client") == 1


def test_the_home_page_read_again_counts_the_inbox_once(client, depositor, django_assert_max_num_queries):
    """After a change the home page reads the database: the header's counts and 个人任务管理's are one query."""
    from gjj_portal.cache import person_changed

    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    client.get("/")
    person_changed(depositor.pk)
    # the person; the inbox counts; the newest open messages; 我发起的's number (withdrawals, and the 贷款申请
    # that also give 我的贷款 its open application); the loans; the recent entries — 7; then 我现在能办什么
    # (withdrawals.offers), kept for the day once read: the months deposited in a row, this year's 租房提取, the
    # commercial loans, the HPF loans being repaid, an open closing application, and the interest to date (2).
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200
