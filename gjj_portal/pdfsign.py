"""Digital signatures on every issued PDF (PAdES, pyHanko) and their verification.

The center's key and certificate come from settings (PEM files: GJJ_SIGNING_KEY_FILE, GJJ_SIGNING_CERT_FILE,
the chain up to the center's CA in GJJ_SIGNING_CHAIN_FILE; the trust roots a verifier uses in
GJJ_SIGNING_TRUST_FILE, by default the chain's last certificate or the certificate itself). The signature is
visible: the 电子印章 (the policy's image, else one drawn here with the center's name) and the signing time,
at the foot of the last page over the issuer's name. A receiving bank checks the file offline with any PAdES
validator (Adobe Reader, pyHanko) against the center's certificate; the public verification page does the same
for an uploaded file.

Without configured files (a developer's machine, the demo) a throwaway self-signed certificate is made once
under the private media; `manage.py check --deploy` refuses that in production."""

import functools
import io
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger("gjj.pdf")

FIELD = "CenterSeal"
# Where the seal sits on the last page (PDF points from the bottom left): over the issuer's name and date.
# The seal's picture is 400 × 480 (the round seal, the signing time under it): a box of that shape under the QR
# code (whose foot is at 42 mm = 119 pt), over the issuer's name and date, as a stamped seal sits.
SEAL_BOX = (392, 6, 484, 116)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    signer: str = ""
    signed_at: datetime | None = None


def _demo_material() -> tuple[Path, Path]:
    """A self-signed certificate for development and the demo, made once (never used with DEBUG off)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "signing"
    key_path, cert_path = folder / "demo-key.pem", folder / "demo-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "住房公积金管理中心（演示证书）")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _files() -> tuple[str, str, str, str]:
    key, cert = settings.GJJ_SIGNING_KEY_FILE, settings.GJJ_SIGNING_CERT_FILE
    if not (key and cert):
        demo_key, demo_cert = _demo_material()
        key, cert = str(demo_key), str(demo_cert)
    chain = settings.GJJ_SIGNING_CHAIN_FILE
    trust = settings.GJJ_SIGNING_TRUST_FILE or chain or cert
    return key, cert, chain, trust


@functools.cache
def _signer(key: str, cert: str, chain: str):
    from pyhanko.sign import signers

    passphrase = settings.GJJ_SIGNING_KEY_PASSPHRASE.encode() or None
    return signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,) if chain else None, key_passphrase=passphrase)


def seal_image(center_name: str, signed_at: datetime, seal_png: bytes | None = None) -> Image.Image:
    """The 电子印章 — the policy's image, else a round red seal with the center's name around the rim, a star
    and 电子印章 — with the signing time under it."""
    size, red = 400, (200, 16, 16, 255)
    image = Image.new("RGBA", (size, 480), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    small = ImageFont.truetype(settings.GJJ_PDF_FONT, 32, index=0)
    black = (0, 0, 0, 255)
    draw.text((size / 2, 422), "签章时间", font=small, fill=black, anchor="mm")
    draw.text((size / 2, 460), f"{signed_at:%Y-%m-%d %H:%M:%S}", font=small, fill=black, anchor="mm")
    if seal_png:
        seal = Image.open(io.BytesIO(seal_png)).convert("RGBA")
        seal.thumbnail((size, size))
        image.alpha_composite(seal, ((size - seal.width) // 2, (size - seal.height) // 2))
        return image
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=12)
    centre = size / 2
    points = [
        (centre + (62 if i % 2 == 0 else 25) * math.sin(math.radians(i * 36)),
         centre - (62 if i % 2 == 0 else 25) * math.cos(math.radians(i * 36)))
        for i in range(10)
    ]  # fmt: skip
    draw.polygon(points, fill=red)
    font = ImageFont.truetype(settings.GJJ_PDF_FONT, 40, index=0)
    text = center_name[:16]
    span = min(250, 20 * len(text))  # degrees of the rim the name covers, centred on the top
    for i, char in enumerate(text):
        angle = -span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("RGBA", (60, 60), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((30, 30), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        radius = centre - 52
        x = centre + radius * math.sin(math.radians(angle))
        y = centre - radius * math.cos(math.radians(angle))
        image.alpha_composite(glyph, (int(x - 30), int(y - 30)))
    draw.text((centre, centre + 105), "电子印章", font=small, fill=red, anchor="mm")
    return image


def pdf_sign(pdf: bytes, *, center_name: str, seal_png: bytes | None = None) -> bytes:
    """The document signed by the center (PAdES B-B), with the visible seal and the signing time."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import images
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key, cert, chain, _trust = _files()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    signed_at = timezone.localtime()
    style = stamp.TextStampStyle(
        stamp_text="",
        background=images.PdfImage(seal_image(center_name, signed_at, seal_png)),
        background_opacity=1.0,
        border_width=0,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="住房公积金管理中心出具",
        location=center_name,
        name=center_name,
    )
    field = fields.SigFieldSpec(FIELD, on_page=last_page, box=SEAL_BOX)
    signer = signers.PdfSigner(meta, signer=_signer(key, cert, chain), stamp_style=style, new_field_spec=field)
    return signer.sign_pdf(writer).getvalue()


def pdf_verify(data: bytes) -> Verdict:
    """Whether `data` carries the center's signature, intact and covering the whole file. Never raises."""
    if not data.startswith(b"%PDF-"):
        return Verdict(False, "所传文件不是 PDF 文件。")
    try:
        from pyhanko.keys import load_certs_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext

        _key, _cert, _chain, trust = _files()
        roots = list(load_certs_from_pemder([trust]))
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verdict(False, "该文件没有数字签名，不是本中心出具的电子证明，或已被另存、打印后重新生成。")
        status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=roots))
    except Exception:  # a damaged or hostile file: any parser error is "cannot be verified", never a 500
        log.info("uploaded PDF could not be read for verification", exc_info=True)
        return Verdict(False, "文件已损坏或被修改，无法验证签名。")
    problems = [
        (not (status.intact and status.valid), "签名无效：文件在签章后被修改过。"),
        (not status.trusted, "签名不是本中心的证书所签，不能作为本中心出具的证明。"),
        (
            status.coverage != SignatureCoverageLevel.ENTIRE_FILE,
            "签章之后文件又被追加了内容，请使用中心出具的原始文件。",
        ),
    ]
    if problem := next((message for failed, message in problems if failed), None):
        return Verdict(False, problem)
    signer = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    return Verdict(True, "签名有效，文件自签章后未被修改。", signer=signer, signed_at=status.signer_reported_dt)
