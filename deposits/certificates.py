"""打印缴存证明: the PDF, drawn with reportlab in an embedded CJK TrueType font (Debian's
fonts-wqy-microhei by default; GJJ_PDF_FONT points elsewhere). Nothing is fetched at run time."""

import io
import os
import secrets

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from gjj_portal.errors import DomainError

FONT_NAME = "GjjCJK"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


class CertificateUnavailable(DomainError):
    """The server has no CJK font: the certificate cannot be drawn."""


def certificate_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = settings.GJJ_PDF_FONT
        if not os.path.exists(path):
            raise CertificateUnavailable(
                f"服务器未安装中文字体（{path}），暂不能出具缴存证明。请管理员安装 fonts-wqy-microhei。"
            )
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def certificate_pdf(snapshot: dict, *, code: str, verify_url: str) -> bytes:
    font = _font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"住房公积金缴存证明 {snapshot['grzh']}")
    width, height = A4
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 40 * mm, "住房公积金缴存证明")
    pdf.setFont(font, 12)
    y = height - 60 * mm
    intro = f"兹证明 {snapshot['name']}（身份证号 {snapshot['id_number_masked']}）在我中心缴存住房公积金，情况如下："
    pdf.drawString(25 * mm, y, intro)
    rows = [
        ("个人账号", snapshot["grzh"]),
        ("单位名称", snapshot["employer"]),
        ("账户状态", snapshot["status"]),
        ("缴存基数（元）", snapshot["base"]),
        ("缴存比例（单位/个人）", snapshot["ratios"]),
        ("月缴存额（元）", snapshot["monthly_amount"]),
        ("缴存月数", f"{snapshot['deposit_months']}个月（{snapshot['first_period']} 至 {snapshot['last_period']}）"),
        ("账户余额（元）", snapshot["balance"]),
    ]
    y -= 14 * mm
    for label, value in rows:
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.rect(25 * mm, y - 3 * mm, 160 * mm, 10 * mm, stroke=1, fill=0)
        pdf.drawString(28 * mm, y, label)
        pdf.drawString(80 * mm, y, str(value))
        y -= 10 * mm
    y -= 8 * mm
    pdf.drawString(25 * mm, y, f"以上信息截至 {snapshot['as_of']}。")
    y -= 8 * mm
    pdf.drawString(25 * mm, y, f"验证码：{code}")
    y -= 7 * mm
    pdf.setFont(font, 10)
    pdf.drawString(25 * mm, y, f"核验方式：访问 {verify_url} 输入验证码，可核验本证明真伪。")
    pdf.setFont(font, 12)
    pdf.drawRightString(185 * mm, 60 * mm, snapshot["center_name"])
    pdf.drawRightString(185 * mm, 52 * mm, f"出具日期：{snapshot['issued_on']}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
