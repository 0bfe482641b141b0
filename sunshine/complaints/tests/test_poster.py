"""The printable QR poster, PDF and PNG, per district and per school."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from sunshine.complaints.poster import form_url

pytestmark = pytest.mark.django_db


def test_the_qr_opens_the_form_for_that_school(zlj, tml):
    assert form_url(zlj, tml) == f"https://sunshine.example.cn/complaints/new/?d=510302&o={tml.pk}"
    assert form_url(zlj, None) == "https://sunshine.example.cn/complaints/new/?d=510302"


def test_it_prints_a_chinese_pdf(client, zlj, tml):
    response = client.get(reverse("complaints:poster_org", args=[zlj.code, tml.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf
    assert form_url(zlj, tml).encode() in pdf


def test_it_makes_a_png(client, zlj):
    from PIL import Image

    response = client.get(reverse("complaints:poster", args=[zlj.code, "png"]))
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size[0] >= 600


def test_it_refuses_unknown_formats_and_places(client, zlj, demo):
    from sunshine.core.models import Organisation

    longyin = Organisation.objects.get(name="龙隐小学")
    assert client.get(reverse("complaints:poster", args=[zlj.code, "svg"])).status_code == 404
    assert client.get(reverse("complaints:poster", args=["999999", "pdf"])).status_code == 404
    url = reverse("complaints:poster_org", args=[zlj.code, longyin.pk, "pdf"])
    assert client.get(url).status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_pdf_text_reads_in_chinese(client, zlj, tml, tmp_path):
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(
        client.get(reverse("complaints:poster_org", args=[zlj.code, tml.pk, "pdf"])).content
    )
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "码上举报" in text and "檀木林小学" in text and "0813-8111407" in text


def test_staff_find_the_posters(client, demo):
    client.force_login(demo["bureau_zlj"])
    html = client.get(reverse("complaints:posters")).content.decode()
    assert "檀木林小学" in html and "/complaints/poster/510302.pdf" in html
