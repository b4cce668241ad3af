from django.apps import AppConfig


class GjjPortalConfig(AppConfig):
    name = "gjj_portal"
    verbose_name = "中心政策"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
