"""The portal's production settings, plus one URL the page benchmark measures against (benchmarks/pages.py)."""

from gjj_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.site.urls"
