"""Complaint attachments: which kinds are accepted, and how many (the check is core's)."""

from sunshine.core.uploads import FILE_TYPES
from sunshine.core.uploads import check_upload as check_file

MAX_FILES = 5
KINDS = ("pdf", "png", "jpeg", "docx", "xlsx", "mp3", "m4a", "mp4")
ALLOWED_EXTENSIONS = tuple(ext.lstrip(".") for k in KINDS for ext in FILE_TYPES[k].extensions)


def check_upload(upload) -> None:
    """Raise ValidationError naming the file and the reason; tag the accepted content type."""
    kind = check_file(upload, KINDS)
    upload.sunshine_content_type = FILE_TYPES[kind].content_type
