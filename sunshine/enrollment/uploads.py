"""Upload checks: size (settings.UPLOAD_MAX_BYTES), extension and the file's own magic bytes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, PNG, JPEG, XLSX, CSV = "pdf", "png", "jpeg", "xlsx", "csv"

EXTENSIONS = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".xlsx": XLSX,
    ".csv": CSV,
}
CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
}
DOCUMENT_KINDS = (PDF, PNG, JPEG)
IMPORT_KINDS = (XLSX, CSV)


def sniff(head: bytes) -> str | None:
    """What the first bytes say the file is (None for unrecognised binary)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if b"\x00" not in head:
        return CSV
    return None


def check_upload(upload, allowed: tuple[str, ...]) -> str:
    """Validate an UploadedFile; return its kind or raise ValidationError with a clear message."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件过大（%(size)s），上限为 %(limit)s。")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    name = upload.name or ""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(ext)
    names = "、".join(k.upper() for k in allowed)
    if kind not in allowed:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”，只接受 %(names)s。")
            % {"ext": ext or "?", "names": names},
            code="bad_extension",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if sniff(head) != kind:
        raise ValidationError(
            _("文件内容与扩展名“%(ext)s”不符，请上传真实的 %(names)s 文件。")
            % {"ext": ext, "names": names},
            code="bad_content",
        )
    return kind
