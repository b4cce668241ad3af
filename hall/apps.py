from django.apps import AppConfig


class HallConfig(AppConfig):
    """The hall (网厅): the pages that show several apps' data — the home page, 我发起的, the layout's
    header counts — and what is set up across apps (the demo world, the staff groups). It sits on top:
    it may import every app, and no app imports it (tests/test_structure.py)."""

    name = "hall"
    verbose_name = "网上服务大厅"
