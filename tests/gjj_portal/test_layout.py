"""The layout around every page (templates/base.html): what a page relies on it for."""

import re

from django.template.loader import render_to_string
from django.urls import reverse


def test_a_page_and_its_layout_post_with_the_same_csrf_token(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    page = client.get(reverse("loans:calculator")).content.decode()  # forms in the page and in the header
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(re.findall(r'name="csrfmiddlewaretoken"', page)) >= 4
    assert len(tokens) == 1, "one masked token per page, as {% csrf_token %} gave"


def test_the_blocks_of_a_page_land_in_the_layout(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    page = client.get(reverse("deposits:profile")).content.decode()
    assert "<title>个人基本信息 - " in page
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert '<h1 class="h5 mb-3">个人基本信息</h1>' in main, "the content block is inside <main>"
    assert 'class="nav-link active" href="/profile/"' in page.replace("nav-link active ", "nav-link active"), (
        "the menu marks the page"
    )


def test_a_page_for_nobody_has_the_public_layout(client, policy):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "个人网上服务大厅" in page and 'id="gjj-menu"' not in page
    assert page.count('<main id="main"') == 1


def test_a_depositor_on_a_missing_page_gets_the_layout_without_a_menu_mark(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    assert 'id="gjj-menu"' in answer.content.decode() and "nav-link active" not in answer.content.decode()


def test_a_page_rendered_without_a_request_still_renders(policy):
    html = render_to_string("closed.html", {})  # e.g. a page built outside a request: no menu mark, no next
    assert "</html>" in html


def test_messages_show_above_the_page(client, depositor):
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    answer = client.post(reverse("accounts:display"), {"set": "sound_on", "next": "/profile/"}, follow=True)
    assert answer.status_code == 200
    assert 'data-sound="' in answer.content.decode(), "the layout reads the choice just saved"


def test_the_layout_escapes_what_people_typed(client, depositor):
    depositor.full_name = "<b>张</b>"
    depositor.save(update_fields=["full_name"])
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    page = client.get(reverse("deposits:profile")).content.decode()
    assert "&lt;b&gt;张&lt;/b&gt;" in page and "<b>张</b>" not in page


def test_a_message_shows_its_time_in_beijing_time(client, depositor):
    import datetime

    from messages_center.models import Message

    message = Message.objects.create(recipient=depositor, business="测试", title="时区", body="-")
    Message.objects.filter(pk=message.pk).update(created_at=datetime.datetime(2026, 1, 2, 23, 30, tzinfo=datetime.UTC))
    client.force_login(depositor, backend="accounts.backends.DepositorBackend")
    assert "2026-01-03 07:30" in client.get(reverse("messages_center:inbox")).content.decode()
    assert "01-03 07:30" in client.get(reverse("home")).content.decode()


def test_month_ends_are_relativedeltas_month_ends():
    import random
    from datetime import date, timedelta

    from gjj_portal.charts import month_ends
    from gjj_portal.months import month_end, month_start

    def reference(start, end):
        days, month = [], month_start(start)
        while month <= end:
            days.append(min(month_end(month), end))
            month = month_start(month, 1)
        return days

    rng = random.Random(7)
    for _ in range(500):
        start = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2600))
        end = start + timedelta(days=rng.randint(-3, 800))
        assert month_ends(start, end) == reference(start, end), (start, end)
    assert month_ends(date(2024, 1, 31), date(2024, 3, 5)) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 5)]
