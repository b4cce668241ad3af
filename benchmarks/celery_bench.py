"""The portal's Celery app plus a no-op task with the payout task's options: the limit payouts are
measured against (`celery -A benchmarks.celery_bench worker`, started by payouts.py)."""

from gjj_portal.celery import app


@app.task(name="bench.noop", acks_late=True)
def noop(n: int) -> int:
    return n


@app.task(name="bench.noop_many", acks_late=True)
def noop_many(items: list[int]) -> int:
    """The like-for-like limit of a payout batch: one message carrying as many items as a payout task does."""
    return len(items)
