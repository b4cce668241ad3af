import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

URL = reverse("accounts:login")


def captcha():
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


@pytest.mark.parametrize("identifier", ["id_number", "phone"])
def test_depositor_logs_in_with_id_number_or_phone(client, depositor, identifier):
    response = client.post(URL, {"identifier": getattr(depositor, identifier), "password": "demo1234", **captcha()})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gets_a_message_that_does_not_say_whether_the_id_exists(client, depositor):
    wrong = client.post(URL, {"identifier": depositor.id_number, "password": "nope", **captcha()}).content.decode()
    unknown = client.post(URL, {"identifier": "110101199003071234", "password": "nope", **captcha()}).content.decode()
    assert "身份证号/手机号/个人账号或密码错误" in wrong and "身份证号/手机号/个人账号或密码错误" in unknown


def test_wrong_captcha_is_refused_and_the_identifier_kept(client, depositor):
    data = {"identifier": depositor.id_number, "password": "demo1234", **captcha()}
    data["captcha_1"] = "zzzz"
    page = client.post(URL, data).content.decode()
    assert "验证码错误" in page and depositor.id_number in page
    assert client.get(reverse("home")).status_code == 302


def test_staff_cannot_use_the_depositor_login(client, reviewer):
    response = client.post(URL, {"identifier": reviewer.username, "password": "demo1234", **captcha()})
    assert response.status_code == 200


def test_logout_needs_post_and_ends_the_session(client, depositor):
    client.force_login(depositor)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_elder_mode_chosen_at_the_login_page_is_kept_after_logging_in(client, depositor):
    from django.urls import reverse

    from tests.accounts.test_identity import captcha

    client.post(reverse("accounts:display"), {"set": "elder_on"})
    assert client.cookies["gjj_elder"].value == "1"
    client.post(reverse("accounts:login"), {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    depositor.refresh_from_db()
    assert depositor.elder_mode  # the choice just made wins over the stored one
    home = client.get(reverse("home"))
    assert home.context["elder"] is True
    client.post(reverse("accounts:display"), {"set": "elder_off"})
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    depositor.refresh_from_db()
    assert not depositor.elder_mode and client.get(reverse("home")).context["elder"] is False


def test_admin_greets_staff_by_name_as_written(client, reviewer):
    reviewer.full_name = "李审核"
    reviewer.save(update_fields=["full_name"])
    client.force_login(reviewer)
    page = client.get("/admin/").content.decode()
    assert "李审核" in page and "css/admin.css" in page  # the style that keeps names as written


def test_the_admin_search_box_has_a_visible_label(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/withdrawals/withdrawalapplication/", follow=True).content.decode()
    assert 'alt=""> 搜索</label>' in page
