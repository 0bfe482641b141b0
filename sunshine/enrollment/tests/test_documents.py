import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.enrollment.models import ApplicationDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, application, name, content, kind="hukou"):
    return client.post(
        reverse("enrollment:upload_document", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_it_stores_a_pdf_and_lets_the_school_download_it(client, demo, make_application):
    application = make_application()
    client.force_login(demo["school_tml"])
    response = _upload(client, application, "户口簿 张三.pdf", PDF)
    assert "材料已上传" in response.content.decode()
    document = ApplicationDocument.objects.get()
    assert document.content_type == "application/pdf"
    assert "张三" not in document.file.name
    assert AuditEntry.objects.filter(action="enrollment.document_uploaded").count() == 1
    download = client.get(reverse("enrollment:document", args=[document.pk]))
    assert b"".join(download.streaming_content) == PDF
    client.force_login(demo["school_tks"])
    assert client.get(reverse("enrollment:document", args=[document.pk])).status_code == 404


def test_it_refuses_a_disguised_file(client, demo, make_application):
    application = make_application()
    client.force_login(demo["school_tml"])
    response = _upload(client, application, "scan.pdf", b"MZ\x90\x00 not a pdf")
    assert "不符" in response.content.decode()
    response = _upload(client, application, "scan.docx", PDF)
    assert "不支持的文件类型" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_it_refuses_a_file_over_the_limit(client, demo, make_application, settings):
    settings.UPLOAD_MAX_BYTES = 100
    application = make_application()
    client.force_login(demo["school_tml"])
    response = _upload(client, application, "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200)
    assert "太大" in response.content.decode()
    assert not ApplicationDocument.objects.exists()
