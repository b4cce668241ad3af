"""Prometheus metrics (prometheus-client): what every request costs, counted here; the business figures
(payouts, outbox, beat, queue) are read at scrape time by hall.ops and served at /metrics.

Under gunicorn each worker is its own process: gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before any
worker starts, each worker writes its counters there, and a scrape adds them up (multiprocess mode)."""

import time

from prometheus_client import Counter, Histogram

METHODS = {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter("gjj_http_requests", "Requests answered, by method and status code", ["method", "status"])
LATENCY = Histogram(
    "gjj_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The view's URL name, never the path: a path carries numbers, one series each.
        view = (match.view_name or "unnamed") if match else "unmatched"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method if request.method in METHODS else "other", str(response.status_code)).inc()
        return response
