"""Every issued PDF carries the center's digital signature (PAdES) with the visible 电子印章 and the signing
time. A bank validates the downloaded file offline with pyHanko against the center's CA; the public verification
page says the same for an upload, and refuses the file with one byte changed."""

import io
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tests.pki import throwaway_pki


@pytest.fixture
def pki(settings, tmp_path):
    files = throwaway_pki(tmp_path / "pki")
    settings.GJJ_SIGNING_KEY_FILE, settings.GJJ_SIGNING_CERT_FILE = files["key"], files["cert"]
    settings.GJJ_SIGNING_CHAIN_FILE, settings.GJJ_SIGNING_TRUST_FILE = files["chain"], files["ca"]
    return files


@pytest.fixture
def certificate(client, depositor, pki):
    client.force_login(depositor)
    response = client.post(reverse("deposits:certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.logout()
    return response.content


def test_a_downloaded_certificate_validates_against_the_centers_ca(certificate, pki):
    signature = PdfFileReader(io.BytesIO(certificate)).embedded_signatures[-1]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(pki["ca"])]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "沈阳住房公积金管理中心"
    assert signature.sig_field["/Rect"] and "/AP" in signature.sig_field  # a visible seal, not only a signature
    # Another CA's verifier does not trust it.
    stranger = throwaway_pki(Path(pki["ca"]).parent.parent / "stranger")
    other = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(stranger["ca"])]))
    assert other.intact and not other.trusted


def test_the_verification_page_accepts_the_file_and_refuses_it_with_one_byte_changed(client, certificate):
    page = client.post(reverse("deposits:verify"), {"document": SimpleUploadedFile("证明.pdf", certificate)})
    assert page.status_code == 200 and "签名有效，文件自签章后未被修改" in page.content.decode()
    assert "沈阳住房公积金管理中心" in page.content.decode()
    changed = bytearray(certificate)
    at = certificate.index(b"stream", len(certificate) // 4) + 40  # inside the first page's content, signed
    changed[at] ^= 0x01
    page = client.post(reverse("deposits:verify"), {"document": SimpleUploadedFile("证明.pdf", bytes(changed))})
    text = page.content.decode()
    assert page.status_code == 200 and "签名有效" not in text and ("被修改" in text or "无法验证" in text)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"not a pdf at all", "不是 PDF 文件"),
        (b"%PDF-1.4\n%%EOF\n", "无法验证"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "无法验证"),
    ],
)
def test_hostile_uploads_get_a_chinese_answer_never_a_500(client, db, content, said):
    page = client.post(reverse("deposits:verify"), {"document": SimpleUploadedFile("x.pdf", content)})
    assert page.status_code == 200 and said in page.content.decode()


def test_an_unsigned_pdf_is_said_to_be_unsigned(client, db):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(100, 700, "forged")
    pdf.save()
    page = client.post(reverse("deposits:verify"), {"document": SimpleUploadedFile("x.pdf", buf.getvalue())})
    assert "没有数字签名" in page.content.decode()


def test_the_policys_seal_image_is_the_one_drawn(certificate, client, depositor, policy, tmp_path):
    """A center that uploads its own 电子印章 (here a blue square) sees it on the documents."""
    from PIL import Image

    from policy.center import policy_cache_clear
    from policy.models import CenterPolicy

    image = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 255, 255)).save(image, "PNG")
    row = CenterPolicy.objects.get(code=policy.code)
    row.seal = SimpleUploadedFile("seal.png", image.getvalue(), content_type="image/png")
    row.save()
    policy_cache_clear()
    client.force_login(depositor)
    path = tmp_path / "blue.pdf"
    path.write_bytes(client.post(reverse("deposits:certificate")).content)
    png = subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(path)], capture_output=True, check=True)
    picture = Image.open(io.BytesIO(png.stdout)).convert("RGB")
    assert any(r < 60 and g < 60 and b > 200 for r, g, b in picture.get_flattened_data())
