"""Attachment checks: size, and type by extension AND by the file's first bytes."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILES = 5

# extension -> (content type, sniffer)
_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
}
ALLOWED_EXTENSIONS = tuple(_TYPES)


def _zip_has(upload, prefix: str) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as zf:
            return any(n.startswith(prefix) for n in zf.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _sniff(ext: str, head: bytes, upload) -> bool:
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "docx":
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, "word/")
    if ext == "xlsx":
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, "xl/")
    if ext == "mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >> 5 == 7)
    if ext in ("m4a", "mp4"):
        return head[4:8] == b"ftyp"
    return False


def check_upload(upload) -> None:
    """Raise ValidationError naming the file and the reason; tags the accepted content type."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s”太大（%(size)s），单个文件不能超过 %(max)s。")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            }
        )
    if ext not in _TYPES:
        raise ValidationError(
            _("“%(name)s”的类型不支持；可上传：%(types)s。")
            % {"name": name, "types": "、".join(ALLOWED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _sniff(ext, head, upload):
        raise ValidationError(
            _("“%(name)s”的内容与扩展名 .%(ext)s 不符，请上传真实的文件。")
            % {"name": name, "ext": ext}
        )
    upload.sunshine_content_type = _TYPES[ext]
