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


@register(deploy=True)
def sms_backend_check(app_configs, **kwargs):
    """The development SMS backend writes every one-time code to the log and to admin."""
    if not settings.DEBUG and settings.GJJ_SMS_BACKEND in DEVELOPMENT_SMS_BACKENDS:
        return [
            Error(
                "GJJ_SMS_BACKEND is the development backend while DEBUG is off: one-time codes would be logged.",
                hint="Set GJJ_SMS_BACKEND to the dotted path of the center's SMS provider adapter "
                "(a subclass of accounts.sms.SmsBackend).",
                id="gjj.E001",
            )
        ]
    return []
