"""What every personal page pays (#14, faster pages): the person, the account and its employer in one
query; the page's reads and the header's inbox counts in one round trip; links without arguments reversed
once per process; one Redis client per pool. benchmarks/pages.py measures the effect; these keep its
causes from coming undone."""

import uuid

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from gjj_portal.templatetags import memo_url

PAGES_AND_QUERIES = [  # session in Redis; then person+account+employer, and the page's reads with the inbox counts
    ("/", 2),
    ("/statement/", 2),
    ("/profile/", 2),
    ("/messages/", 2),
    ("/messages/todos/", 2),
    ("/messages/mine/", 2),
    ("/withdrawals/mine/", 2),
    ("/loans/", 2),
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


def test_a_remembered_link_is_the_link_reverse_gives(rf):
    memo_url._reversed.clear()
    request = rf.get("/")
    template = Template("{% url 'home' %}|{% url 'deposits:statement' %}|{% url 'messages_center:detail' pk %}")
    one, two = uuid.uuid4(), uuid.uuid4()
    first = template.render(Context({"request": request, "pk": one}))
    again = template.render(Context({"request": request, "pk": two}))
    assert first == f"{reverse('home')}|{reverse('deposits:statement')}|{reverse('messages_center:detail', args=[one])}"
    assert again.endswith(reverse("messages_center:detail", args=[two])), "links with arguments are not remembered"
    assert ("home", None, "/", "gjj_portal.urls") in memo_url._reversed


def test_a_remembered_link_follows_the_script_prefix_and_the_urlconf(rf):
    template = Template("{% url 'deposits:statement' %}")
    set_script_prefix("/gjj/")
    try:
        assert template.render(Context({})) == "/gjj/statement/"
    finally:
        clear_script_prefix()
    assert template.render(Context({})) == "/statement/"
    with override_settings(ROOT_URLCONF="benchmarks.site.urls"):
        assert not memo_url._reversed, "a new URLconf forgets what was remembered"
        assert template.render(Context({})) == "/statement/"


def test_a_link_that_does_not_exist_still_fails():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context({}))


def test_the_cache_keeps_one_redis_client_per_pool():
    backend = cache._cache
    if not hasattr(backend, "_clients"):
        pytest.skip("the tests' cache is not Redis")
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("gjj:test:client", 1)
    assert cache.get("gjj:test:client") == 1


def _names_of_links_with_one_uuid(resolver=None, namespace=""):
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import UUIDConverter

    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names_of_links_with_one_uuid(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = list(entry.pattern.converters.values())
            if len(converters) == 1 and isinstance(converters[0], UUIDConverter):
                yield namespace + entry.name


def test_a_remembered_link_with_a_uuid_is_the_link_reverse_gives():
    names = sorted(set(_names_of_links_with_one_uuid()))
    assert {"messages_center:detail", "withdrawals:detail", "crosscenter:joint_detail"} <= set(names)
    where = memo_url.where_of(None)
    for name in names:
        for _ in range(3):
            value = uuid.uuid4()
            assert memo_url.remembered_reverse_uuid(name, where, value) == reverse(name, args=[value]), name
    set_script_prefix("/gjj/")
    try:
        value = uuid.uuid4()
        assert memo_url.remembered_reverse_uuid("withdrawals:detail", memo_url.where_of(None), value) == (
            f"/gjj/withdrawals/{value}/"
        )
    finally:
        clear_script_prefix()
