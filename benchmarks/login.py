"""个人登录 at a million users: the lookup of the person and the whole `authenticate()` call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/login.py [SAMPLES]

On the generated database (generate.py). A depositor logs in with a 身份证号 (either case of a final X),
a 手机号 or a 个人账号; the portal resolves it by exact, indexed lookups (accounts.lockout.depositor_for).
Printed: the lookup's median and p95 over SAMPLES identifiers of random people (a third of each kind,
plus unknown ones), the median of a complete `authenticate()` through every backend (django-axes'
lockout check included) with the password hasher swapped for a cheap one, against the limit: one
primary-key fetch from the same table. Then logins per second per core: complete login POSTs (form,
captcha, axes, the real Argon2id hash, the session) by random people, one process, against the bare login
page (GET) in the same run, and the hash alone (Argon2id, and PBKDF2 at Django's iterations as it was).
Then every query a login sends is EXPLAINed: none may scan the user or account table.
"""

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

SCANNED_TABLES = {"accounts_user", "deposits_personalaccount"}


def identifiers(n: int, users: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(n):
        k = rng.randint(1, users)
        kind = i % 4
        if kind == 0:
            out.append(f"21{k:015d}x" if i % 8 == 0 else f"21{k:015d}X")
        elif kind == 1:
            out.append(f"139{k:08d}")
        elif kind == 2:
            out.append(f"9{k:011d}")
        else:
            out.append(f"9{users + 10 + k:011d}")  # nobody: a failed login costs the same
    return out


def login_throughput(users: int, rng: random.Random, n: int) -> tuple[float, float]:
    """(logins per second, login pages per second) in this one process: a fresh browser each time, the
    whole POST through every middleware with the person's real (Argon2id) password hash."""
    from captcha.conf import settings as captcha_settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User

    captcha_settings.CAPTCHA_TEST_MODE = True  # read once at import: "PASSED" answers the image, as in tests

    people = [f"21{rng.randint(1, users):015d}X" for _ in range(n)]
    User.objects.filter(id_number__in=people).update(password=make_password("bench1234", hasher="argon2"))
    assert all(p.startswith("argon2$argon2id$") for p in User.objects.filter(id_number__in=people).values_list(
        "password", flat=True))  # fmt: skip
    with override_settings(ALLOWED_HOSTS=["*"]):
        pages = common.timed(lambda: Client().get("/accounts/login/"), n * 4)

        def login(person):
            browser = Client()
            answer = browser.post(
                "/accounts/login/",
                {"identifier": person, "password": "bench1234", "captcha_0": "x", "captcha_1": "PASSED"},
                REMOTE_ADDR=f"10.8.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            )
            assert answer.status_code == 302, answer.content.decode()[-3000:]
            assert "_auth_user_id" in browser.session, answer.url  # logged in, not sent elsewhere
            assert User.objects.get(id_number=person).password.startswith("argon2$argon2id$")  # verified as such

        logins = []
        for person in people:
            logins += common.timed(lambda person=person: login(person), 1)
    return 1000 / common.median_ms(logins), 1000 / common.median_ms(pages)


def plan_scans(sql: str, params) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, stack = set(), [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in SCANNED_TABLES:
            found.add(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    return found


def main(samples: int) -> int:
    common.setup_django()
    meta = common.require_generated()
    from django.conf import settings
    from django.contrib.auth import authenticate, hashers
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from accounts.lockout import depositor_for
    from accounts.models import User

    rng = random.Random(17)
    users = meta["users"]
    table = common.Table(f"个人登录 at {users:,} registered users ({meta['accounts']:,} accounts)")
    names = identifiers(samples, users, rng)

    lookups = []
    for name in names:
        lookups += common.timed(lambda name=name: depositor_for(name), 1)
    some_id = User.objects.get(id_number=f"21{users // 2:015d}X").pk
    limit = common.timed(lambda: list(User.objects.filter(pk=some_id).values_list("pk", flat=True)), samples)
    ratio = common.median_ms(lookups) / common.median_ms(limit)
    table.add(
        "lookup of the person (median)",
        f"{common.median_ms(lookups):.2f} ms",
        f"pk fetch {common.median_ms(limit):.2f} ms",
        f"{ratio:.1f}×",
        "< 5 ms",
        common.median_ms(lookups) < 5,
    )
    table.add("lookup of the person (p95)", f"{common.p95_ms(lookups):.2f} ms")

    # The whole authenticate(), with a cheap hasher on the sampled people (the real one is timed apart).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    people = [f"21{rng.randint(1, users):015d}X" for _ in range(max(10, samples // 4))]
    User.objects.filter(id_number__in=people).update(
        password=make_password("bench1234", hasher="md5")  # noqa: S106 - a benchmark's own users
    )
    factory = RequestFactory()

    def login(person):
        request = factory.post("/accounts/login/", REMOTE_ADDR="10.9.9.9")
        assert authenticate(request, username=person, password="bench1234") is not None  # noqa: S106

    logins = []
    for person in people:
        logins += common.timed(lambda person=person: login(person), 1)
    table.add(
        "authenticate(), hasher excluded (median)",
        f"{common.median_ms(logins):.2f} ms",
        f"pk fetch {common.median_ms(limit):.2f} ms",
        f"{common.median_ms(logins) / common.median_ms(limit):.1f}×",
        "< 5 ms",
        common.median_ms(logins) < 5,
    )
    scanned = set()
    with CaptureQueriesContext(connection) as queries:
        for name in names[:8]:
            depositor_for(name)
        login(people[0])
    for query in queries.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            scanned |= plan_scans(query["sql"], None)
    table.add(
        f"login queries EXPLAINed ({len(queries.captured_queries)})",
        "no sequential scan" if not scanned else "SCANS " + ", ".join(sorted(scanned)),
        ok=not scanned,
    )
    real_hashers(table, users, rng, samples)
    table.print()
    return 1 if table.failed else 0


def real_hashers(table, users: int, rng: random.Random, samples: int) -> None:
    """The rows measured with the real hashers (the cheap one taken out again)."""
    from django.conf import settings
    from django.contrib.auth import hashers
    from django.contrib.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # the real hashers again (and their cache:
    hashers.get_hashers.cache_clear()  # assigning the setting sends no setting_changed signal)
    hashers.get_hashers_by_algorithm.cache_clear()
    logins_per_core, page_per_core = login_throughput(users, rng, max(12, samples // 20))
    table.add(
        "login POST, real Argon2id (logins/s per core)",
        f"{logins_per_core:.1f}/s",
        f"login page GET {page_per_core:.0f}/s",
        f"{logins_per_core / page_per_core:.2f}×",
        "≥ 8/s",
        logins_per_core >= 8,
    )
    argon2 = get_hasher("argon2")
    encoded = argon2.encode("bench1234", argon2.salt())
    hashing = common.timed(lambda: argon2.verify("bench1234", encoded), 5)
    table.add("the hash alone: Argon2id (19 MiB, t=2)", f"{common.median_ms(hashing):.0f} ms")
    pbkdf2 = get_hasher("pbkdf2_sha256")
    encoded = pbkdf2.encode("bench1234", pbkdf2.salt())
    hashing = common.timed(lambda: pbkdf2.verify("bench1234", encoded), 3)
    table.add("the hash alone: PBKDF2 (Django's, as before)", f"{common.median_ms(hashing):.0f} ms")


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 400))
