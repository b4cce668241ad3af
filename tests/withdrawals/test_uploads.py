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
