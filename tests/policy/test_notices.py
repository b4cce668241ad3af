"""通知公告 and 办事指南: staff publish a notice in admin; it shows on the login page, the home page and
通知公告 at once (the cache is dropped on save); a notice dated ahead or 撤下 is not shown and answers 404.
Every service's 办事指南 page opens without logging in."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from policy.models import Notice
from policy.notices import notices_current


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", password="x-long-enough-1")


def test_a_notice_published_in_admin_shows_at_once_and_a_withdrawn_one_is_gone(client, editor, depositor):
    assert "春节" not in client.get(reverse("accounts:login")).content.decode()  # the empty list is now kept
    client.force_login(editor)
    now = timezone.localtime()
    form = {
        "title": "关于春节期间网厅服务时间的通知",
        "body": "春节期间网厅正常办理查询业务。",
        "published_at": (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(reverse("admin:policy_notice_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    assert notice.author == editor
    client.logout()
    assert "关于春节期间网厅服务时间的通知" in client.get(reverse("accounts:login")).content.decode()
    page = client.get(reverse("hall:notice", args=[notice.public_id])).content.decode()
    assert "春节期间网厅正常办理查询业务" in page
    client.force_login(depositor)
    assert "关于春节期间网厅服务时间的通知" in client.get(reverse("home")).content.decode()
    client.force_login(editor)
    url = reverse("admin:policy_notice_change", args=[notice.pk])
    client.post(url, {**form, "withdrawn": "on"})
    assert client.get(reverse("hall:notice", args=[notice.public_id])).status_code == 404
    assert "春节" not in client.get(reverse("hall:notices")).content.decode()
    # Nothing is deleted: what was said stays on record.
    assert client.post(reverse("admin:policy_notice_delete", args=[notice.pk]), {"post": "yes"}).status_code == 403
    assert Notice.objects.count() == 1


def test_a_notice_dated_ahead_waits(db):
    ahead = Notice.objects.create(title="下月起调整缴存基数", body="…", published_at=timezone.now() + timedelta(days=1))
    assert ahead not in notices_current()


def test_every_service_has_its_guide_page_before_logging_in(client, policy):
    page = client.get(reverse("hall:guides")).content.decode()
    keys = ["rent", "commercial_loan", "hpf_loan", "retirement", "disability", "leaving", "standing", "loan"]
    for key in keys:
        assert reverse("hall:guide", args=[key]) in page
        guide = client.get(reverse("hall:guide", args=[key])).content.decode()
        assert "谁可以申请" in guide and "需要的材料" in guide and "在线办理" in guide
    assert client.get(reverse("hall:guide", args=["nonsense"])).status_code == 404


def test_the_centers_logo_uploaded_in_the_policy_is_the_headers_and_an_svg_is_refused(client, editor, policy):
    import io

    from PIL import Image

    from policy.models import CenterPolicy, logo_check

    generic = client.get(reverse("accounts:login")).content.decode()
    assert "img/logo" in generic and "/brand/logo/" not in generic
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    svg.name, svg.size = "logo.svg", len(svg.getvalue())
    with pytest.raises(Exception, match="PNG 或 JPEG"):
        logo_check(svg)
    png = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(png, format="PNG")
    from django.core.files.base import ContentFile

    center = CenterPolicy.objects.get(code=policy.code)
    center.logo.save("logo.png", ContentFile(png.getvalue()))
    from policy.center import policy_cache_clear

    policy_cache_clear()
    page = client.get(reverse("accounts:login")).content.decode()
    address = page.split('class="gjj-logo"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert address.startswith("/brand/logo/?v=")
    served = client.get(address.replace("&amp;", "&"))
    assert served["Content-Type"] == "image/png" and b"".join(served.streaming_content) == png.getvalue()
    assert "immutable" in served["Cache-Control"]


def test_the_publishing_time_is_chosen_from_lists_in_chinese_and_kept_on_an_error(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:policy_notice_add")).content.decode()
    assert 'type="datetime-local"' not in page
    for unit in ("年", "月", "日", "时", "分"):
        assert f'aria-label="发布时间：{unit}"' in page
    assert ">09时</option>" in page and ">05分</option>" in page
    year = timezone.localdate().year
    chosen = {"published_at_year": str(year), "published_at_month": "3", "published_at_day": "5",
              "published_at_hour": "9", "published_at_minute": "30"}  # fmt: skip
    answer = client.post(reverse("admin:policy_notice_add"), {"title": "", "body": "…", **chosen})
    assert answer.status_code == 200  # no title: the form again, the time as chosen
    kept = answer.content.decode()
    assert (
        f'<option value="{year}" selected>{year}年</option>' in kept
        and '<option value="30" selected>30分</option>' in kept
    )
    assert (
        client.post(reverse("admin:policy_notice_add"), {"title": "三月通知", "body": "…", **chosen}).status_code == 302
    )
    published = timezone.localtime(Notice.objects.get().published_at)
    assert (published.year, published.month, published.day, published.hour, published.minute) == (year, 3, 5, 9, 30)
    half = {**chosen, "published_at_hour": ""}
    answer = client.post(reverse("admin:policy_notice_add"), {"title": "又一则", "body": "…", **half})
    assert answer.status_code == 200 and Notice.objects.count() == 1
