import os
from datetime import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import PersonalAccountFactory, StaffUserFactory, deposit_history

pytest_plugins = ["tests.processes"]

# Tests whose work happens in other processes (workers, gunicorn, Chromium, a killed process) or that
# spend minutes in one loop (hypothesis, every page in Chinese, benchmark smoke runs): `make test` runs
# them without coverage's tracer, which makes in-process Python about half again slower.
UNTRACED_MODULES = {
    "test_fuzz.py",
    "test_benchmarks.py",
    "test_chinese.py",
    "test_production.py",
    "test_demo_sqlite.py",
    "test_stateful.py",
    "test_worker.py",
    "test_concurrency.py",
    "test_lock_order.py",
    "test_prepayment_crash.py",
    "test_restore_drill.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (
            item.path.name in UNTRACED_MODULES
            or item.get_closest_marker("browser")
            or item.get_closest_marker("worker")
        ):
            item.add_marker(pytest.mark.untraced)


def pytest_configure(config):
    # Money and locking behave differently on SQLite and in eager Celery: refuse to run there.
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("Tests run on PostgreSQL only: use `make test` (or set DATABASE_URL).", returncode=2)
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.exit("Tests need Redis as the Celery broker: use `make test` (or set CELERY_BROKER_URL).", returncode=2)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and staged lists live in the (test) Redis cache: each test starts empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.FastPBKDF2PasswordHasher"]


TEST_SIGNING_KEY = None


@pytest.fixture(autouse=True)
def _signing_key(settings):
    """A configured center signs its 跨省通办 messages (without a key no case may start: crosscenter.signing);
    tests that need a particular key set their own."""
    global TEST_SIGNING_KEY
    if TEST_SIGNING_KEY is None:
        from crosscenter.signing import key_pair_new

        TEST_SIGNING_KEY = key_pair_new()[0]
    settings.GJJ_CENTER_SIGNING_KEY = TEST_SIGNING_KEY


@pytest.fixture
def policy(db):
    """The Liaoning profile, present even after a transactional test flushed the tables, with the
    withdrawal window open all day so tests do not depend on the clock (window tests narrow it)."""
    from policy.center import current_policy, policy_cache_clear
    from policy.models import BusinessWindow, CenterPolicy, InterestRate, LoanRate, PolicyBank
    from policy.profiles import load_profiles

    load_profiles(CenterPolicy, PolicyBank, BusinessWindow, InterestRate, LoanRate)
    BusinessWindow.objects.filter(policy__code="liaoning", business="withdrawal").update(
        days="daily", opens_at=time(0, 0), closes_at=time(23, 59, 59, 999999)
    )
    policy_cache_clear()
    yield current_policy()
    policy_cache_clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def depositor(policy, today):
    """Like 张伟: normal account in Shenyang, 24 months of deposits (46,080.00 at 8,000 × 24%)."""
    account = PersonalAccountFactory(user__full_name="张伟", name="张伟")
    deposit_history(account, months=24, today=today)
    return account.user


@pytest.fixture
def other_depositor(policy, today):
    account = PersonalAccountFactory()
    deposit_history(account, months=12, today=today)
    return account.user


def _staff_in(group_name):
    from hall.services import staff_groups_ensure

    groups = staff_groups_ensure()
    user = StaffUserFactory()
    user.groups.add(groups[group_name])
    return user


@pytest.fixture
def reviewer(db):
    return _staff_in("初审")


@pytest.fixture
def releaser(db):
    return _staff_in("复核/财务")


@pytest.fixture
def staff_groups(db):
    return Group.objects.all()


@pytest.fixture
def demo_world(policy, transactional_db):
    """The demo world of the spec (`manage.py seed_demo`), committed so other processes see it."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))


@pytest.fixture
def loan_acceptor(db):
    return _staff_in("贷款受理")


@pytest.fixture
def loan_approver(db):
    return _staff_in("贷款审批")


@pytest.fixture
def loan_clerk(db):
    return _staff_in("贷款经办")
