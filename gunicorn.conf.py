"""gunicorn's settings for the portal. gunicorn reads ./gunicorn.conf.py by itself, so the image, compose and
the page benchmark (benchmarks/pages.py) serve with the same ones; flags on the command line win.

Workers: gunicorn's own rule, two per core plus one (GUNICORN_WORKERS to change it). A page waits on
PostgreSQL and Redis several times; with more workers than cores another request runs meanwhile."""

import multiprocessing
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = 60
# The TLS proxy in front (GJJ_TRUSTED_PROXIES, the same list the portal's client_ip believes): only its
# X-Forwarded-For / X-Forwarded-Proto are taken; anyone else's are ignored.
forwarded_allow_ips = os.environ.get("GJJ_TRUSTED_PROXIES", "127.0.0.1") or "127.0.0.1"

# /metrics adds up every worker's counters (prometheus-client's multiprocess mode): each worker writes its own
# files in this directory, a fresh private one per gunicorn start (mkdtemp: mode 0700, no dead workers' counts),
# set before any worker imports the portal; a dead worker's live gauges are dropped (child_exit).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gjj-prometheus-")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
