"""发送验证码's countdown on the page is the server's own wait between two codes."""

from pathlib import Path

from django.conf import settings

from accounts.sms import RESEND_AFTER


def test_every_send_button_counts_down_the_servers_resend_wait():
    templates = Path(settings.BASE_DIR) / "templates"
    buttons = [p for p in templates.rglob("*.html") if ">发送验证码</button>" in p.read_text()]
    assert len(buttons) >= 3
    for path in buttons:
        assert f'data-resend="{int(RESEND_AFTER.total_seconds())}"' in path.read_text(), path
