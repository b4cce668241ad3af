"""Materials: JPEG, PNG or PDF, checked by content (not by name), size-limited, images re-encoded
(which drops anything hidden in them, EXIF included), stored under a random name outside the web root."""

import io
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse
from PIL import Image, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs

_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}


MAX_PDF_PAGES = 50


def pdf_rewrite(data: bytes, shown_name: str) -> bytes:
    """A new PDF with only the pages' content (pypdf): no document actions or JavaScript, no forms,
    no annotations (links, launch actions), no attachments. What staff open cannot act."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(f"文件“{shown_name}”设有密码，请取消密码后重新上传。")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(f"文件“{shown_name}”超过{MAX_PDF_PAGES}页，请只上传所需材料。")
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Annots", "/AA"):
                if key in page:
                    del page[key]
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ValidationError(f"文件“{shown_name}”无法识别为有效的PDF文件，请重新导出后上传。") from exc
    return out.getvalue()


def material_check(upload) -> tuple[ContentFile, str]:
    """Return (clean file with a random name, content type) or raise ValidationError in Chinese."""
    limit = settings.GJJ_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件“{upload.name}”超过 {limit // (1024 * 1024)} MB，请压缩后重新上传。")
    data = upload.read()
    if not data:
        raise ValidationError(f"文件“{upload.name}”是空文件，请重新选择。")
    name = secrets.token_hex(16)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(f"文件“{upload.name}”不是完整的PDF文件，请重新导出后上传。")
        return ContentFile(pdf_rewrite(data, upload.name), name=f"{name}.pdf"), "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            if fmt not in _FORMATS:
                raise ValidationError(f"文件“{upload.name}”格式不支持，仅支持JPG、PNG图片或PDF文件。")
            img.load()
            clean = img.convert("RGB") if fmt == "JPEG" else img.convert("RGBA" if "A" in img.getbands() else "RGB")
            out = io.BytesIO()
            clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"文件“{upload.name}”无法识别，仅支持JPG、PNG图片或PDF文件。") from exc
    ext, content_type = _FORMATS[fmt]
    return ContentFile(out.getvalue(), name=f"{name}.{ext}"), content_type


def uploads_storage():
    """Materials live outside the web root. A callable, so migrations name this function rather than
    freezing one machine's absolute path into them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


class StoredMaterial(models.Model):
    """A file a person or a window uploaded, cleaned by `material_check`: what every kind of material shares.
    Each concrete model adds its owner, its `file` (its own folder) and when it came."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    def inline_response(self) -> FileResponse:
        """The file shown in the browser (the reviewer's preview), never run as anything but its own type."""
        response = FileResponse(self.file.open("rb"), content_type=self.content_type)  # type: ignore[attr-defined]
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response
