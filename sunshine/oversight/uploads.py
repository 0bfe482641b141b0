"""Upload checks: size from settings.UPLOAD_MAX_BYTES, type by extension AND magic bytes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> (kind, magic prefixes)
ALLOWED = {
    ".pdf": ("pdf", (b"%PDF",)),
    ".png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("xlsx", (b"PK\x03\x04",)),
    ".docx": ("docx", (b"PK\x03\x04",)),
}


def check_upload(upload, allowed: dict | None = None) -> str:
    """Return the file's kind, or raise ValidationError with a reason a person can act on."""
    allowed = allowed or ALLOWED
    name = upload.name or ""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 %(mb).0f MB 的上限。")
            % {"name": name, "mb": settings.UPLOAD_MAX_BYTES / 1024 / 1024}
        )
    if ext not in allowed:
        raise ValidationError(
            _("文件“%(name)s”的类型不受支持，仅接受：%(types)s。")
            % {"name": name, "types": "、".join(sorted(allowed))}
        )
    kind, magics = allowed[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名 %(ext)s 不符。") % {"name": name, "ext": ext}
        )
    return kind
