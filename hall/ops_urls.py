"""Operations' addresses, outside any namespace: /healthz/ (load balancer, compose) and /metrics (Prometheus)."""

from django.urls import path

from . import ops

urlpatterns = [
    path("healthz/", ops.healthz, name="healthz"),
    path("metrics", ops.metrics, name="metrics"),
]
