"""What operations watch: /healthz/ reports beat's last run and the oldest payout waiting; /metrics shows the
payout, outbox, beat and queue figures to Prometheus (and to nobody else); every answer and log line carries
a request id, which follows the request into the Celery tasks it enqueues."""

import json
import logging
import logging.config
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hall.ops import BEAT_KEY, beat_heartbeat
from tests.processes import wait_for
from withdrawals.models import Payout
from withdrawals.review import payout_release, withdrawal_approve

from ..withdrawals.helpers import submitted_rent


def released(depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout_release(application_id=application.pk, releaser=releaser)
    return Payout.objects.get(application=application)


def test_healthz_reports_beat_and_the_oldest_payout_waiting(client, depositor, reviewer, releaser):
    body = client.get("/healthz/").json()
    assert body["status"] == "degraded" and body["beat"] == {"last_run": None, "age_seconds": None, "ok": False}
    beat_heartbeat()
    body = client.get("/healthz/").json()
    assert body["status"] == "ok" and body["beat"]["ok"] and body["beat"]["age_seconds"] == 0
    assert body["oldest_pending_payout"]["released_at"] is None
    payout = released(depositor, reviewer, releaser)
    body = client.get("/healthz/").json()
    assert body["oldest_pending_payout"]["released_at"] == payout.released_at.isoformat()
    cache.set(BEAT_KEY, time.time() - 600, None)  # beat last ran ten minutes ago
    body = client.get("/healthz/").json()
    assert body["status"] == "degraded" and not body["beat"]["ok"] and body["beat"]["age_seconds"] >= 600


def test_metrics_show_payouts_outbox_and_beat_to_prometheus_only(client, depositor, reviewer, releaser, settings):
    released(depositor, reviewer, releaser)
    beat_heartbeat()
    client.get(reverse("accounts:login"))
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'gjj_payouts{state="held"} 0.0' in text and 'gjj_payouts{state="pending"} 1.0' in text
    assert "gjj_payout_oldest_pending_age_seconds" in text and "gjj_outbox_pending 0.0" in text
    assert "gjj_beat_ok 1.0" in text and "gjj_celery_queue_length" in text
    assert 'gjj_http_requests_total{method="GET",status="200"}' in text
    assert 'gjj_http_request_duration_seconds_count{view="accounts:login"}' in text
    # Nobody else: another address, a depositor, a wrong token — 404, as if there were nothing.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    client.force_login(depositor)
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    client.logout()
    settings.GJJ_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert ok.status_code == 200
    client.force_login(reviewer)
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_every_answer_carries_a_request_id_and_json_log_lines_carry_it(db, client, settings, capsys):
    given = "0f4d8d0e2c2e4f9b8a1f3b6c5d7e9a10"
    answer = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID=given)
    assert answer["X-Request-ID"] == given
    fresh = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="<script>")  # not a UUID: replaced
    assert fresh["X-Request-ID"] != "<script>" and len(fresh["X-Request-ID"]) == 32

    config = json.loads(json.dumps(settings.LOGGING))
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    try:
        from django_guid import set_guid

        set_guid(given)
        logging.getLogger("gjj.test").warning("已受理 %s", "T1")
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        logging.config.dictConfig(settings.LOGGING)
    record = json.loads(line)
    assert record["message"] == "已受理 T1" and record["request_id"] == given
    assert record["level"] == "WARNING" and record["logger"] == "gjj.test" and "time" in record


@pytest.mark.worker
def test_a_stopped_beat_makes_healthz_report_it(start_worker, client, settings):
    """Real beat and a real worker: the heartbeat arrives; beat is stopped; /healthz/ says so."""
    settings.GJJ_BEAT_STALE_SECONDS = 8
    worker = start_worker(pool="solo", GJJ_LOG_FORMAT="json")
    # A task enqueued under a request id logs under it in the worker (django-guid's Celery integration).
    from django_guid import set_guid

    from hall.tasks import heartbeat

    set_guid("5b0d6a3c9e8f4a7b8c1d2e3f4a5b6c7d")
    heartbeat.delay()
    set_guid(None)
    wait_for(lambda: "5b0d6a3c9e8f4a7b8c1d2e3f4a5b6c7d" in worker.log.read_text(), what="the task's log line")
    done = [
        json.loads(x) for x in worker.log.read_text().splitlines() if "hall.tasks.heartbeat" in x and "succeeded" in x
    ]
    assert done and done[0]["request_id"] == "5b0d6a3c9e8f4a7b8c1d2e3f4a5b6c7d" and done[0]["celery_current_id"]
    beat = start_worker.beat()
    wait_for(lambda: client.get("/healthz/").json()["beat"]["ok"], timeout=90, what="beat's heartbeat")
    assert client.get("/healthz/").json()["status"] == "ok"
    beat.terminate()
    beat.wait(timeout=30)
    stopped_at = timezone.now()
    wait_for(lambda: client.get("/healthz/").json()["status"] == "degraded", timeout=60, what="beat reported stopped")
    assert (timezone.now() - stopped_at).total_seconds() < 45
    assert not client.get("/healthz/").json()["beat"]["ok"]
