"""Nothing about the reporter's device is kept, and what they write is unreadable at rest."""

import io
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from sunshine.complaints.models import Complaint
from sunshine.complaints.tests.conftest import PDF_BYTES, form_data, upload

pytestmark = pytest.mark.django_db

IP_MARKER = "203.0.113.77"
XFF_MARKER = "198.51.100.99"
UA_MARKER = "MarkerBrowser/7.7 (ua-marker-314159)"
TEXT_MARKER = "TEXTMARKER-加塞-271828"
FILE_MARKER = b"FILEMARKER-bribe-receipt-161803"
NAME_MARKER = "NAMEMARKER-杨女士"
PHONE_MARKER = "13912345678"


def _database_text() -> str:
    """Every row of every table, as text (the cache and sessions tables included)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("latin-1")
                    chunks.append(str(value))
    return "\n".join(chunks)


def _dumpdata() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _media_bytes(root) -> bytes:
    return b"".join(p.read_bytes() for p in Path(root).rglob("*") if p.is_file())


def _file_and_follow(client, zlj, tml):
    headers = {
        "REMOTE_ADDR": IP_MARKER,
        "HTTP_X_FORWARDED_FOR": f"{XFF_MARKER}, {IP_MARKER}",
        "HTTP_X_REAL_IP": XFF_MARKER,
        "HTTP_USER_AGENT": UA_MARKER,
    }
    data = form_data(
        zlj,
        tml,
        text=f"有人收钱帮孩子插队 {TEXT_MARKER}",
        reporter_name=NAME_MARKER,
        reporter_phone=PHONE_MARKER,
    )
    data["attachments"] = [upload("evidence.pdf", PDF_BYTES + FILE_MARKER)]
    response = client.post(reverse("complaints:new"), data, **headers)
    assert response.status_code == 200
    code = response.context["receipt"].replace(" ", "")
    # Follow it, fail a look-up, and add information: all from the same marked client.
    client.post(reverse("complaints:follow"), {"receipt": code}, **headers)
    client.post(reverse("complaints:follow"), {"receipt": "0" * 16}, **headers)
    client.post(
        reverse("complaints:follow_add"),
        {"receipt": code, "text": f"补充 {TEXT_MARKER}"},
        **headers,
    )
    return code


@pytest.mark.parametrize("proxy_header", ["", "X-Real-IP"])
def test_it_keeps_no_ip_forwarded_for_or_user_agent(
    client, zlj, tml, settings, caplog, proxy_header
):
    # With a trusted proxy header the rate limits key on that address instead; it must not
    # be kept either.
    settings.TRUSTED_PROXY_HEADER = proxy_header
    caplog.set_level(logging.DEBUG)
    _file_and_follow(client, zlj, tml)
    complaint = Complaint.objects.get()
    assert complaint.messages.count() == 1
    haystacks = {
        "database": _database_text(),
        "dumpdata": _dumpdata(),
        "logs": caplog.text + "\n".join(r.getMessage() for r in caplog.records),
        "media": _media_bytes(settings.MEDIA_ROOT).decode("latin-1"),
    }
    for where, text in haystacks.items():
        for marker in (IP_MARKER, XFF_MARKER, UA_MARKER, "ua-marker-314159"):
            assert marker not in text, f"{marker} found in {where}"
    # No session was opened for the reporter (a session key would be a cookie id).
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0
    # Django's request logger attaches the whole request (address, user agent) to 4xx records;
    # complaint pages keep out of it.
    assert not [r for r in caplog.records if hasattr(r, "request")]


def test_text_identity_and_attachments_are_encrypted_at_rest(client, zlj, tml, settings):
    _file_and_follow(client, zlj, tml)
    complaint = Complaint.objects.get()
    # Readable through the application...
    assert TEXT_MARKER in complaint.text
    assert complaint.reporter_name == NAME_MARKER
    assert FILE_MARKER in complaint.attachments.get().read()
    # ...but not in the database, a dump or the media folder.
    database, dump = _database_text(), _dumpdata()
    media = _media_bytes(settings.MEDIA_ROOT)
    for marker in (TEXT_MARKER, NAME_MARKER, PHONE_MARKER, "evidence.pdf"):
        assert marker not in database and marker not in dump
    assert FILE_MARKER not in media and FILE_MARKER.decode() not in database
    assert b"%PDF" not in media
    # Stored under an opaque name: no extension, no original name.
    stored = complaint.attachments.get().file.name
    assert stored.startswith("complaints/") and "." not in Path(stored).name
