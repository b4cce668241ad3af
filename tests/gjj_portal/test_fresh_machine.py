"""What a fresh machine has: no CJK font package. The portal ships its documents' font, so a certificate issued
with the default settings reads back even when the renderer can see no system font at all."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_font_is_the_one_the_portal_ships():
    env = {k: v for k, v in os.environ.items() if k != "GJJ_PDF_FONT"} | {"DJANGO_DEBUG": "true"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.GJJ_PDF_FONT)"
    env |= {"DJANGO_SETTINGS_MODULE": "gjj_portal.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    path = Path(out.stdout.strip().splitlines()[-1])
    assert path.is_relative_to(ROOT) and path.is_file()
    assert settings.GJJ_PDF_FONT == str(path) or "GJJ_PDF_FONT" in os.environ


def test_a_certificate_reads_back_with_no_system_font(client, depositor, tmp_path):
    client.force_login(depositor)
    response = client.post(reverse("deposits:certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    # A fontconfig that knows no directory: poppler can draw only what the PDF embeds.
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>"
    )
    env = os.environ | {"FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "c")], env=env, check=True)
    seen = subprocess.run(
        ["tesseract", str(tmp_path / "c.png"), "-", "-l", "chi_sim"], capture_output=True, text=True, check=True
    )
    assert "张伟" in seen.stdout and depositor.account.grzh in seen.stdout
