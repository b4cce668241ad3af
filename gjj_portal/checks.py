from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def captcha_test_mode_check(app_configs, **kwargs):
    if getattr(settings, "CAPTCHA_TEST_MODE", False) and not settings.DEBUG:
        return [
            Warning(
                "GJJ_CAPTCHA_TEST_MODE is on while DEBUG is off: the captcha accepts 'PASSED' from anyone.",
                hint="Unset GJJ_CAPTCHA_TEST_MODE outside automated browser tests.",
                id="gjj.W001",
            )
        ]
    return []


DEVELOPMENT_SMS_BACKENDS = {"accounts.sms.DatabaseSmsBackend"}


def unsafe_start_refusal() -> str | None:
    """Why a deployed web server or worker must not start: the development SMS backend with DEBUG off keeps
    every one-time code in a table (and, unmasked, in the log). A staging system says so (GJJ_SMS_STAGING)."""
    if settings.DEBUG or settings.GJJ_SMS_STAGING or settings.GJJ_SMS_BACKEND not in DEVELOPMENT_SMS_BACKENDS:
        return None
    return (
        "GJJ_SMS_BACKEND is the development backend while DEBUG is off: one-time codes would be readable. "
        "Set GJJ_SMS_BACKEND to the center's SMS provider adapter, or GJJ_SMS_STAGING=true on a staging system."
    )


def refuse_unsafe_start() -> None:
    """Called by the WSGI application and the Celery worker as they start (not by build steps such as
    collectstatic, which send no SMS)."""
    from django.core.exceptions import ImproperlyConfigured

    if reason := unsafe_start_refusal():
        raise ImproperlyConfigured(reason)


@register(deploy=True)
def sms_backend_check(app_configs, **kwargs):
    """The development SMS backend writes every one-time code to the log and to admin."""
    if unsafe_start_refusal():
        return [
            Error(
                "GJJ_SMS_BACKEND is the development backend while DEBUG is off: one-time codes would be logged.",
                hint="Set GJJ_SMS_BACKEND to the dotted path of the center's SMS provider adapter "
                "(a subclass of accounts.sms.SmsBackend).",
                id="gjj.E001",
            )
        ]
    return []


@register(deploy=True)
def signing_key_check(app_configs, **kwargs):
    """Issued documents are signed with the center's key: a deployment names it (else a demo certificate)."""
    import os

    files = {
        "GJJ_SIGNING_KEY_FILE": settings.GJJ_SIGNING_KEY_FILE,
        "GJJ_SIGNING_CERT_FILE": settings.GJJ_SIGNING_CERT_FILE,
    }
    missing = [name for name, path in files.items() if not path or not os.path.isfile(path)]
    if missing and not settings.DEBUG:
        return [
            Error(
                f"{', '.join(missing)} not set or not a file: documents would carry a demo certificate's signature.",
                hint="Point them at the center's document-signing key and certificate (PEM); README: deploy.",
                id="gjj.E003",
            )
        ]
    return []


@register(deploy=True)
def sms_provider_check(app_configs, **kwargs):
    """A provider named by GJJ_SMS_BACKEND needs the center's account with it: key, secret, 签名, template."""
    needed = {
        "aliyun": ["GJJ_SMS_ACCESS_KEY_ID", "GJJ_SMS_ACCESS_KEY_SECRET", "GJJ_SMS_SIGN_NAME", "GJJ_SMS_TEMPLATE"],
        "tencent": ["GJJ_SMS_ACCESS_KEY_ID", "GJJ_SMS_ACCESS_KEY_SECRET", "GJJ_SMS_SIGN_NAME", "GJJ_SMS_TEMPLATE",
                    "GJJ_SMS_APP_ID"],
    }.get(settings.GJJ_SMS_BACKEND, [])  # fmt: skip
    missing = [name for name in needed if not getattr(settings, name)]
    if missing:
        return [
            Error(
                f"GJJ_SMS_BACKEND={settings.GJJ_SMS_BACKEND} needs {', '.join(missing)}.",
                hint="The center's account with the SMS provider (README: deploy, SMS).",
                id="gjj.E004",
            )
        ]
    return []
