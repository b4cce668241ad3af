"""Payouts through Celery + Redis + the sandbox bank, against a no-op task on the same worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/payouts.py [N]

On the generated database (generate.py). Starts a real worker (prefork, one process per core, the
production settings: DEBUG off) on its own Redis database and queue, then:
- the limit: N items as no-op tasks (acks_late, like the payout task) carrying GJJ_PAYOUT_BATCH items a
  message, as a payout task carries its batch (like for like), drained, per second; and, for reference, N
  no-op tasks of one item each;
- the work: N approved applications whose payouts were released (pending), handed to the workers as
  a bulk release or the sweep does (`payouts_enqueue`: GJJ_PAYOUT_BATCH payouts a task, each still
  its own bank request and key), through the sandbox bank (no failures, no delay), drained, per second;
- for comparison, N more released one at a time (`payout_send`, one task and three commits each).
Afterwards every one is checked: paid once (one transfer per key at the bank, asked once), the
application 已到账 with its 付款中 and 已到账 rows; when that check fails the run says MISSED and exits 1,
whatever the rates. Its broker and queue are its own, set over the environment's. Target: payouts ≥ 50 % of
the batched no-op rate.
"""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
QUEUE = "gjj-bench"


def worker_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=common.database_url(),
        CELERY_BROKER_URL=BROKER,
        CELERY_QUEUE=QUEUE,
        GJJ_BANK_GATEWAY="sandbox",
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",
        PYTHONPATH=str(common.ROOT),
    )
    return env


def start_worker(log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "celery", "-A", "benchmarks.celery_bench", "worker", "-l", "info", "-P", "prefork",
            "-c", str(os.cpu_count() or 2), "-Q", QUEUE, "--without-gossip", "--without-mingle",
            "--without-heartbeat"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=common.ROOT, env=worker_env(), stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while "ready." not in log.read_text():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            sys.exit(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return proc


def drained(redis) -> bool:
    return redis.llen(QUEUE) == 0 and redis.hlen("unacked") == 0


def run(send, redis) -> float:
    """Seconds from the first enqueue until the queue is empty and nothing is unacknowledged."""
    t0 = time.perf_counter()
    send()
    while not drained(redis):
        time.sleep(0.01)
    return time.perf_counter() - t0


def make_payouts(n: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """WITH picked AS (
                 SELECT id, user_id, name FROM deposits_personalaccount
                 WHERE user_id IS NOT NULL AND status = 'normal' ORDER BY random() LIMIT %s),
               apps AS (
                 INSERT INTO withdrawals_withdrawalapplication
                   (public_id, number, kind, status, amount, bank, card_number, card_luhn_ok, needs_materials,
                    review_opinion, submitted_at, created_at, account_id, applicant_id, account_status_before)
                 SELECT gen_random_uuid(), 'TB' || lpad(nextval('bench_payout_seq')::text, 16, '0'), 'rent',
                        'approved', 1000, '中国工商银行', '6222020200112233445', true, false, '同意', now(), now(),
                        p.id, p.user_id, ''
                 FROM picked p RETURNING id, account_id)
               INSERT INTO withdrawals_payout
                 (application_id, idempotency_key, amount, bank, card_number, payee_name, status, attempts,
                  bank_reference, batch_file, last_error, created_at, updated_at, released_at)
               SELECT a.id, gen_random_uuid(), 1000, '中国工商银行', '6222020200112233445', p.name, 'pending', 0,
                      '', '', '', now(), now(), now()
               FROM apps a JOIN deposits_personalaccount p ON p.id = a.account_id
               RETURNING id""",
            [n],
        )
        return [row[0] for row in cursor.fetchall()]


def check(ids: list[int]) -> list[str]:
    from django.db.models import Count

    from gjj_portal.models import SandboxTransfer
    from withdrawals.models import Payout, Status, StatusChange

    problems = []
    payouts = Payout.objects.filter(pk__in=ids)
    if payouts.exclude(status=Payout.State.PAID).exists():
        problems.append(f"{payouts.exclude(status=Payout.State.PAID).count()} not paid")
    keys = [str(k) for k in payouts.values_list("idempotency_key", flat=True)]
    transfers = SandboxTransfer.objects.filter(idempotency_key__in=keys)
    if transfers.count() != len(ids) or transfers.exclude(times_requested=1).exists():
        problems.append("a key was sent to the bank more than once, or never")
    apps = payouts.values_list("application_id", flat=True)
    if StatusChange.objects.filter(application_id__in=apps).count() != 2 * len(ids):
        problems.append("status rows missing or doubled")
    counts = StatusChange.objects.filter(application_id__in=apps).values("to_status").annotate(n=Count("id"))
    if {c["to_status"]: c["n"] for c in counts} != {Status.PAYING: len(ids), Status.PAID: len(ids)}:
        problems.append("not every application went 付款中 → 已到账 once")
    return problems


def main(n: int) -> int:
    # Its own broker and queue, whatever the deployment's environment says: a queue no worker reads would
    # look "drained" at once and measure nothing.
    os.environ["CELERY_BROKER_URL"], os.environ["CELERY_QUEUE"] = BROKER, QUEUE
    common.setup_django()
    meta = common.require_generated()
    import redis as redis_lib
    from django.conf import settings
    from django.db import connection

    from benchmarks.celery_bench import noop, noop_many

    if settings.CELERY_TASK_DEFAULT_QUEUE != QUEUE or settings.CELERY_BROKER_URL != BROKER:
        print(f"MISSED: tasks would go to {settings.CELERY_TASK_DEFAULT_QUEUE} on {settings.CELERY_BROKER_URL}")
        return 1
    from gjj_portal.celery import app
    from withdrawals.payouts import payouts_enqueue
    from withdrawals.tasks import payout_send

    redis = redis_lib.Redis.from_url(BROKER)
    redis.flushdb()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS bench_payout_seq")
    log = Path("/tmp/gjj-bench-worker.log")
    worker = start_worker(log)
    try:
        with app.producer_or_acquire() as producer:
            run(lambda: [noop.apply_async((i,), producer=producer) for i in range(200)], redis)  # warm-up
            noop_s = run(lambda: [noop.apply_async((i,), producer=producer) for i in range(n)], redis)
            size = settings.GJJ_PAYOUT_BATCH
            batches = [list(range(i, min(i + size, n))) for i in range(0, n, size)]
            noop_many_s = run(lambda: [noop_many.apply_async((b,), producer=producer) for b in batches], redis)
            ids = make_payouts(n)
            pay_s = run(lambda: payouts_enqueue(payout_ids=ids), redis)
            singles = make_payouts(n)
            single_s = run(lambda: [payout_send.apply_async((i,), producer=producer) for i in singles], redis)
    finally:
        worker.terminate()
        worker.wait(30)
    problems = check(ids + singles)
    noop_rate, pay_rate, single_rate = n / noop_s, n / pay_s, n / single_s
    batch_rate = n / noop_many_s
    table = common.Table(f"Payouts through Celery + Redis + the sandbox bank ({meta['accounts']:,} accounts)")
    table.add("no-op task, one item a message", f"{noop_rate:,.0f} /s")
    table.add(f"no-op task, {size} items a message (the limit)", f"{batch_rate:,.0f} items/s")
    table.add(
        f"payouts ({n:,}, released together: {size} a task)",
        f"{pay_rate:,.0f} /s",
        f"no-op batch {batch_rate:,.0f} /s",
        f"{pay_rate / batch_rate:.0%}",
        "≥ 50 %",
        pay_rate >= 0.5 * batch_rate and not problems,
    )
    table.add(
        f"payouts ({n:,}, released one by one: a task each)",
        f"{single_rate:,.0f} /s",
        f"no-op {noop_rate:,.0f} /s",
        f"{single_rate / noop_rate:.0%}",
    )
    table.add("each paid exactly once, with its status rows", "; ".join(problems) or "yes", ok=not problems)
    table.print()
    if problems:
        print("MISSED: the correctness check failed, so no figure above counts:", "; ".join(problems))
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
