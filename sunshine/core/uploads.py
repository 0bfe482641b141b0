"""One check for every uploaded file: its size, its extension, and what its first bytes say.

``check_upload(upload, kinds)`` returns the file's kind ("pdf", "xlsx", ...) or raises a
ValidationError naming the file and the reason. Each app passes the kinds it accepts; the list
of known kinds and how to recognise them lives only here.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def _zip_with(prefix: str) -> Callable[[bytes, object], bool]:
    """An Office Open XML file: a zip archive holding a folder such as word/ or xl/."""

    def check(head: bytes, upload) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                return any(n.startswith(prefix) for n in archive.namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)

    return check


def _mp3(head: bytes, upload) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >> 5 == 7)


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str
    looks_right: Callable[[bytes, object], bool]


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType((".pdf",), "application/pdf", lambda h, u: h.startswith(b"%PDF-")),
    "png": FileType((".png",), "image/png", lambda h, u: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpeg": FileType((".jpg", ".jpeg"), "image/jpeg", lambda h, u: h.startswith(b"\xff\xd8\xff")),
    "docx": FileType(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/"),
    ),
    "xlsx": FileType(
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/"),
    ),
    # Text: no NUL byte, and not a zip archive (an .xlsx renamed to .csv).
    "csv": FileType(
        (".csv",), "text/csv", lambda h, u: b"\x00" not in h and not h.startswith(b"PK\x03\x04")
    ),
    "mp3": FileType((".mp3",), "audio/mpeg", _mp3),
    "m4a": FileType((".m4a",), "audio/mp4", lambda h, u: h[4:8] == b"ftyp"),
    "mp4": FileType((".mp4",), "video/mp4", lambda h, u: h[4:8] == b"ftyp"),
}

DOCUMENTS = ("pdf", "png", "jpeg")
IMAGES_AND_OFFICE = ("pdf", "png", "jpeg", "docx", "xlsx")
SPREADSHEETS = ("xlsx", "csv")


def content_type(kind: str) -> str:
    return FILE_TYPES[kind].content_type


def kind_of(name: str, kinds: Iterable[str]) -> str | None:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((k for k in kinds if ext in FILE_TYPES[k].extensions), None)


def check_upload(upload, kinds: Iterable[str]) -> str:
    """Return the upload's kind, or raise ValidationError with a reason a person can act on."""
    kinds = tuple(kinds)
    name = upload.name or ""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”太大（%(size)s），上限为 %(max)s。")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空的。") % {"name": name}, code="empty")
    accepted = "、".join(ext for k in kinds for ext in FILE_TYPES[k].extensions)
    kind = kind_of(name, kinds)
    if kind is None:
        raise ValidationError(
            _("不支持的文件类型：“%(name)s”；只接受 %(types)s。")
            % {"name": name, "types": accepted},
            code="bad_extension",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not FILE_TYPES[kind].looks_right(head, upload):
        raise ValidationError(
            _("文件“%(name)s”的内容与其扩展名不符，请上传真实的文件。") % {"name": name},
            code="bad_content",
        )
    return kind
