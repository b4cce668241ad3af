"""What every PDF the portal issues shares: the embedded CJK TrueType font (the one the portal ships in
gjj_portal/fonts by default; GJJ_PDF_FONT points elsewhere), the verification code and its QR code, the issuer's footer.
Nothing is fetched at run time.

The QR code is drawn with reportlab's own QR widget (reportlab is already how the PDFs are drawn; a
second QR library would add nothing). It holds the public verification page's address with the code,
so a phone's camera opens the page that shows what was issued (masked)."""

import io
import os
import secrets

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .errors import DomainError
from .pdfsign import pdf_sign

FONT_NAME = "GjjCJK"
# No 0/O, 1/I: read aloud and typed by hand. 16 of 32 symbols: 80 bits, not guessable at any rate the
# verification page allows.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
QR_SIZE = 32 * mm


class CertificateUnavailable(DomainError):
    """The server has no CJK font: the document cannot be drawn."""


def document_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def cjk_font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = settings.GJJ_PDF_FONT
        if not os.path.exists(path):
            raise CertificateUnavailable(
                f"服务器未安装中文字体（{path}），暂不能出具证明。请管理员检查 GJJ_PDF_FONT 设置。"
            )
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def verification_link(verify_url: str, code: str) -> str:
    return f"{verify_url}?code={code}"


def draw_qr(pdf: canvas.Canvas, text: str, *, x: float, y: float, size: float = QR_SIZE) -> None:
    widget = QrCodeWidget(text, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


class IssuedPdf:
    """An A4 document with a title, the code and its QR code at the foot of the last page, and the
    issuer. `line` writes a row and turns the page when the page is full."""

    TOP = A4[1] - 40 * mm
    BOTTOM = 25 * mm
    FOOT = 75 * mm  # the last page keeps this much for the code, the QR code and the issuer

    def __init__(self, *, title: str, pdf_title: str):
        self.font = cjk_font()
        self.buf = io.BytesIO()
        self.pdf = canvas.Canvas(self.buf, pagesize=A4, pageCompression=1)
        self.pdf.setTitle(pdf_title)
        self.title = title
        self.page = 1
        self._page_head()

    def _page_head(self) -> None:
        width, _height = A4
        self.pdf.setFont(self.font, 22 if self.page == 1 else 14)
        self.pdf.drawCentredString(width / 2, self.TOP, self.title if self.page == 1 else f"{self.title}（续）")
        self.pdf.setFont(self.font, 12)
        self.y = self.TOP - 18 * mm

    def _room(self) -> None:
        if self.y < self.BOTTOM:
            self.pdf.showPage()
            self.page += 1
            self._page_head()

    def text(self, value: str, *, size: int = 12, x: float = 25 * mm, step: float = 8 * mm) -> None:
        self._room()
        self.pdf.setFont(self.font, size)
        self.pdf.drawString(x, self.y, value)
        self.y -= step

    def row(self, cells: list[tuple[float, str]], *, size: int = 10, step: float = 6 * mm, boxed=False) -> None:
        """Cells at their x positions (mm from the left edge); right-aligned when x is negative."""
        self._room()
        self.pdf.setFont(self.font, size)
        if boxed:
            self.pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
            self.pdf.rect(25 * mm, self.y - 3 * mm, 160 * mm, step, stroke=1, fill=0)
        for x, value in cells:
            if x < 0:
                self.pdf.drawRightString(-x * mm, self.y, value)
            else:
                self.pdf.drawString(x * mm, self.y, value)
        self.y -= step

    def table(self, rows: list[tuple[str, object]]) -> None:
        """Label and value in boxed rows (the certificates' facts)."""
        for label, value in rows:
            self.row([(28, label), (80, str(value))], size=12, step=10 * mm, boxed=True)

    def _signed(self, center_name: str, seal_png: bytes | None) -> bytes:
        self.pdf.showPage()
        self.pdf.save()
        return pdf_sign(self.buf.getvalue(), center_name=center_name, seal_png=seal_png)

    def close(self, *, center_name: str, issued_on: str, seal_png: bytes | None = None) -> bytes:
        """The foot of a receipt that has no verification code (回执): the issuer and the date; signed."""
        self.y -= 10 * mm
        self.row([(-185, center_name)], size=12, step=8 * mm)
        self.row([(-185, f"出具日期：{issued_on}")], size=12, step=8 * mm)
        return self._signed(center_name, seal_png)

    def finish(
        self, *, code: str, verify_url: str, center_name: str, issued_on: str, seal_png: bytes | None = None
    ) -> bytes:
        """The foot of the last page: code, QR code, how to verify, the issuer and the date; signed with the
        center's key, the 电子印章 over the issuer's name (gjj_portal/pdfsign.py)."""
        link = verification_link(verify_url, code)
        if self.y < self.FOOT:
            self.y = self.BOTTOM - 1
            self._room()
        self.pdf.setFont(self.font, 12)
        self.pdf.drawString(25 * mm, 62 * mm, f"验证码：{code}")
        self.pdf.setFont(self.font, 9)
        self.pdf.drawString(25 * mm, 55 * mm, "核验方式：用手机扫描右侧二维码，或访问")
        self.pdf.drawString(25 * mm, 50 * mm, f"{verify_url} 输入验证码。")
        draw_qr(self.pdf, link, x=185 * mm - QR_SIZE, y=42 * mm)
        self.pdf.setFont(self.font, 12)
        self.pdf.drawRightString(185 * mm, 32 * mm, center_name)
        self.pdf.drawRightString(185 * mm, 24 * mm, f"出具日期：{issued_on}")
        return self._signed(center_name, seal_png)
