from django.apps import AppConfig, apps

# Third-party apps that name themselves in English in admin ("Axes", "Captcha").
CHINESE_APP_NAMES = {"axes": "登录安全", "captcha": "图形验证码", "auth": "认证和授权"}


class GjjPortalConfig(AppConfig):
    name = "gjj_portal"
    verbose_name = "中心政策"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)

        for label, name in CHINESE_APP_NAMES.items():
            if apps.is_installed(label) or label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
