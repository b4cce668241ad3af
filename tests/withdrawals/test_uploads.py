"""Uploads staff will open: PDFs rewritten without active content, limits per application, and no
redirect off the portal."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from messages_center.services import message_send
from withdrawals.models import Material, WithdrawalApplication

from .test_views import URL, form_data, png_bytes


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client, application, name, content):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("withdrawals:materials", args=[application.public_id]), {"action": "upload", "files": f})


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


@pytest.fixture
def draft(client_zw, depositor):
    client_zw.post(URL, form_data(region="大连市"))
    return WithdrawalApplication.objects.get(applicant=depositor)


def test_a_pdf_with_javascript_is_stored_without_it(client_zw, draft):
    original = pdf_with_javascript()
    assert b"/JavaScript" in original
    upload(client_zw, draft, "合同.pdf", original)
    stored = Material.objects.get(application=draft)
    data = stored.file.read()
    assert stored.content_type == "application/pdf" and b"/JavaScript" not in data and b"/OpenAction" not in data
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_broken_or_encrypted_pdf_is_refused(client_zw, draft):
    page = upload(client_zw, draft, "坏.pdf", b"%PDF-1.7\n garbage \n%%EOF").content.decode()
    assert "无法识别为有效的PDF" in page
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert "设有密码" in upload(client_zw, draft, "密.pdf", out.getvalue()).content.decode()
    assert not Material.objects.exists()


def test_an_application_takes_at_most_ten_files(client_zw, draft, settings):
    for n in range(10):
        upload(client_zw, draft, f"{n}.png", png_bytes())
    page = upload(client_zw, draft, "11.png", png_bytes()).content.decode()
    assert "最多上传10个材料文件" in page and Material.objects.filter(application=draft).count() == 10


def test_an_application_takes_a_limited_total(client_zw, draft, settings):
    settings.GJJ_MATERIALS_MAX_BYTES = 2000
    page = upload(client_zw, draft, "big.png", png_bytes() * 1 + b"\x00" * 3000).content.decode()
    assert "合计不能超过" in page and not Material.objects.exists()


def test_message_deletion_never_redirects_off_site(client_zw, depositor):
    for back, expected in [("https://evil.example/phish", reverse("messages_center:inbox")),
                           ("//evil.example", reverse("messages_center:inbox")),
                           (reverse("messages_center:read"), reverse("messages_center:read"))]:  # fmt: skip
        message = message_send(recipient=depositor, business="测试", title="t", body="b")
        response = client_zw.post(reverse("messages_center:delete", args=[message.public_id]), {"back": back})
        assert response.status_code == 302 and response["Location"] == expected


def test_each_slot_is_named_in_the_guides_words():
    from withdrawals.guides import MATERIAL_SLOTS, MATERIALS

    for kind, slots in MATERIAL_SLOTS.items():
        assert slots and all(name in MATERIALS[kind] for name in slots), kind


def test_a_script_upload_answers_json_into_its_slot_and_a_wrong_slot_stores_nothing(client_zw, draft):
    url = reverse("withdrawals:materials", args=[draft.public_id])
    f = io.BytesIO(png_bytes())
    f.name = "凭证.png"
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    refused = client_zw.post(url, {"action": "upload", "slot": "别的材料", "files": f}, **xhr)
    assert refused.status_code == 400 and refused.json() == {"error": "请选择要上传的材料项目。"}
    assert not Material.objects.exists()
    f.seek(0)
    stored = client_zw.post(url, {"action": "upload", "slot": "租金支付凭证", "files": f}, **xhr)
    assert stored.json() == {"ok": True} and Material.objects.get().slot == "租金支付凭证"
    empty = client_zw.post(url, {"action": "upload", "slot": "租金支付凭证"}, **xhr)
    assert empty.status_code == 400 and "请选择要上传的材料文件" in empty.json()["error"]


def test_a_wrong_file_is_removed_before_submission_but_what_the_reviewer_saw_stays(client_zw, draft, reviewer):
    from withdrawals.review import withdrawal_request_materials

    url = reverse("withdrawals:materials", args=[draft.public_id])
    upload(client_zw, draft, "拍错了.png", png_bytes())
    wrong = Material.objects.get()
    page = client_zw.post(url, {"action": "remove", "material": str(wrong.public_id)}, follow=True).content.decode()
    assert "已删除“拍错了.png”" in page and not Material.objects.exists()
    upload(client_zw, draft, "合同.png", png_bytes())
    client_zw.post(url, {"action": "confirm"})
    seen = Material.objects.get()
    withdrawal_request_materials(application_id=draft.pk, reviewer=reviewer, reason="请补充租金凭证")
    refused = client_zw.post(url, {"action": "remove", "material": str(seen.public_id)}).content.decode()
    assert "不能删除" in refused and Material.objects.filter(pk=seen.pk).exists()
    page = client_zw.get(url).content.decode()
    assert "中心要求补充的材料" in page and f'value="{seen.public_id}"' not in page  # no 删除 beside it
