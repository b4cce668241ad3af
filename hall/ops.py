"""What operations watch: /healthz/ for the load balancer and a person's glance, /metrics for Prometheus.

Beat's heartbeat: beat schedules `hall.tasks.beat_heartbeat` every 30 s and a worker stamps the time in Redis,
so a stale stamp means beat stopped (or no worker takes its tasks) — the payout sweep, the outbox and the
purges have stopped with it. The business figures are read at scrape time through partial indexes that hold
only the unfinished rows (a few among millions)."""

import hmac
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from crosscenter.models import OutboxMessage
from gjj_portal.http import client_ip, in_networks
from withdrawals.models import Payout

BEAT_KEY = "ops:beat:last_run"
UNPAID = [Payout.State.HELD, Payout.State.PENDING, Payout.State.SENDING, Payout.State.FAILED]


def beat_heartbeat() -> None:
    cache.set(BEAT_KEY, time.time(), None)


def _iso(at: float | None) -> str | None:
    return datetime.fromtimestamp(at, UTC).isoformat() if at else None


def ops_report() -> dict:
    """The figures, read now. Ages in seconds (None: nothing of that kind waits)."""
    now = time.time()
    beat = cache.get(BEAT_KEY)
    by_state = dict(
        Payout.objects.filter(status__in=UNPAID)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    oldest_payout = Payout.objects.filter(status__in=[Payout.State.PENDING, Payout.State.SENDING]).aggregate(
        at=Min("released_at")
    )["at"]
    outbox = OutboxMessage.objects.filter(status=OutboxMessage.State.PENDING).aggregate(
        n=Count("pk"), at=Min("created_at")
    )
    return {
        "beat_last_run": beat,
        "beat_age_seconds": round(now - beat) if beat else None,
        "beat_ok": bool(beat) and now - beat < settings.GJJ_BEAT_STALE_SECONDS,
        "payouts": {state: by_state.get(state, 0) for state in UNPAID},
        "oldest_pending_payout": oldest_payout.timestamp() if oldest_payout else None,
        "outbox_pending": outbox["n"],
        "outbox_oldest": outbox["at"].timestamp() if outbox["at"] else None,
        "queue_length": _queue_length(),
        "now": now,
    }


def _queue_length() -> int | None:
    """Messages waiting in the Celery queue (Redis list of the queue's name); None without a broker (demo)."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    import redis

    try:
        with redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2) as client:
            return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except redis.RedisError:
        return None


def _age(now: float, at: float | None) -> float:
    return round(now - at, 1) if at else 0.0


class BusinessCollector:
    """Read at each scrape (never from a worker's memory: every process would tell another story)."""

    def collect(self):
        r = ops_report()
        payouts = GaugeMetricFamily("gjj_payouts", "Payouts not yet paid, by state", labels=["state"])
        for state, n in r["payouts"].items():
            payouts.add_metric([state], n)
        yield payouts
        yield GaugeMetricFamily(
            "gjj_payout_oldest_pending_age_seconds",
            "Age of the oldest released payout not yet paid (0: none waits)",
            value=_age(r["now"], r["oldest_pending_payout"]),
        )
        yield GaugeMetricFamily(
            "gjj_outbox_pending", "跨省通办 messages not yet taken by partners", value=r["outbox_pending"]
        )
        yield GaugeMetricFamily(
            "gjj_outbox_oldest_age_seconds",
            "Age of the oldest pending message (0: none)",
            value=_age(r["now"], r["outbox_oldest"]),
        )
        yield GaugeMetricFamily(
            "gjj_beat_last_run_timestamp_seconds",
            "When beat's heartbeat last ran (0: never)",
            value=r["beat_last_run"] or 0,
        )
        yield GaugeMetricFamily("gjj_beat_ok", "1 while beat's heartbeat is fresh", value=1 if r["beat_ok"] else 0)
        if r["queue_length"] is not None:
            yield GaugeMetricFamily(
                "gjj_celery_queue_length", "Tasks waiting in the Celery queue", value=r["queue_length"]
            )


def _may_scrape(request) -> bool:
    """Staff, an address on the metrics networks (the Prometheus server), or the metrics token."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.GJJ_METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    return in_networks(client_ip(request), settings.GJJ_METRICS_NETWORKS)


@never_cache
def metrics(request):
    if not _may_scrape(request):
        raise Http404
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY  # one process (runserver, tests): its own counters
    output = generate_latest(registry) + generate_latest(_business)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)


_business = CollectorRegistry(auto_describe=False)
_business.register(BusinessCollector())


@never_cache
def healthz(request):
    """For the load balancer (200 while the portal can serve: the database answers) and for a person's glance:
    beat's last run and the oldest payout waiting. `status` is "degraded" when beat is stale; alerting reads it
    (or /metrics), the load balancer keeps sending traffic — the web still serves."""
    try:
        r = ops_report()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    body = {
        "status": "ok" if r["beat_ok"] else "degraded",
        "beat": {"last_run": _iso(r["beat_last_run"]), "age_seconds": r["beat_age_seconds"], "ok": r["beat_ok"]},
        "oldest_pending_payout": {
            "released_at": _iso(r["oldest_pending_payout"]),
            "age_seconds": round(r["now"] - r["oldest_pending_payout"]) if r["oldest_pending_payout"] else None,
        },
        "outbox_pending": r["outbox_pending"],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
