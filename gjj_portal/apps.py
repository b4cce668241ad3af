from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

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
        post_migrate.connect(permissions_in_chinese, dispatch_uid="gjj-permissions-in-chinese")


PERMISSION_VERBS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def permissions_in_chinese(sender=None, using="default", **kwargs):
    """Django stores its default permission names in English ("Can add log entry"); operators assign
    them on the user and group pages, so they are renamed in Chinese after every migrate."""
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        for perm in Permission.objects.using(using).filter(name__startswith="Can ").select_related("content_type"):
            action = perm.codename.split("_", 1)[0]
            model = perm.content_type.model_class()
            if action in PERMISSION_VERBS and model is not None:
                perm.name = f"可以{PERMISSION_VERBS[action]}{model._meta.verbose_name}"[:255]
                perm.save(update_fields=["name"])
