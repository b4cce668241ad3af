"""个人登录 at a million users: the lookup of the person and the whole `authenticate()` call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/login.py [SAMPLES]

On the generated database (generate.py). A depositor logs in with a 身份证号 (either case of a final X),
a 手机号 or a 个人账号; the portal resolves it by exact, indexed lookups (accounts.lockout.depositor_for).
Printed: the lookup's median and p95 over SAMPLES identifiers of random people (a third of each kind,
plus unknown ones), the median of a complete `authenticate()` through every backend (django-axes'
lockout check included) with the password hasher swapped for a cheap one — the real PBKDF2 cost is
deliberate and printed on its own —, against the limit: one primary-key fetch from the same table.
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
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import get_hasher, make_password
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
    pbkdf2 = get_hasher("pbkdf2_sha256")
    encoded = pbkdf2.encode("bench1234", pbkdf2.salt())
    hashing = common.timed(lambda: pbkdf2.verify("bench1234", encoded), 3)
    table.add("the password hash itself (PBKDF2, deliberate)", f"{common.median_ms(hashing):.0f} ms")

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
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 400))
