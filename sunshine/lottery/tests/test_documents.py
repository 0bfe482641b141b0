"""The announcement PDF (Chinese CID font), the schools' .xlsx and the downloads."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sunshine.lottery import documents

pytestmark = pytest.mark.django_db


def test_the_pdf_uses_the_built_in_chinese_font_and_carries_the_digests(published):
    pdf = documents.announcement_pdf(published)
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    assert b"UniGB-UCS2-H" in pdf  # the CID encoding for Chinese text


def test_the_xlsx_lists_admitted_then_waitlist(published):
    wb = load_workbook(io.BytesIO(documents.result_xlsx(published)))
    ws = wb["TML"]
    rows = [r for r in ws.iter_rows(min_row=6, values_only=True)]
    result = published.result()["schools"]["TML"]
    assert [r[1] for r in rows] == result["admitted"] + result["waitlist"]
    assert rows[0][3] == "录取" and rows[-1][3] == "候补"


def test_the_downloads_are_the_stored_bytes(client, published):
    m = client.get(reverse("lottery:manifest", args=[published.pk]))
    assert m.content == published.manifest_json.encode()
    assert m["Content-Disposition"] == 'attachment; filename="manifest.json"'
    e = client.get(reverse("lottery:entropy", args=[published.pk]))
    assert json.loads(e.content) == published.entropy()
    live = client.get(reverse("lottery:live", args=[published.pk])).json()
    assert live["schools"][0]["admitted"] == published.result()["schools"]["TML"]["admitted"]
