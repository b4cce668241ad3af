from django.conf import settings
from django.core.checks import Warning, register


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
