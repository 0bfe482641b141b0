import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunshine.oversight.models import Evidence

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_it_accepts_a_real_png_and_serves_it_to_those_who_see_the_visit(client, world):
    client.force_login(world.inspector)
    url = reverse("oversight:visit_evidence", args=[world.visit.pk])
    client.post(url, {"file": SimpleUploadedFile("photo.png", PNG)})
    ev = Evidence.objects.get()
    assert (ev.kind, ev.size, ev.original_name) == ("png", len(PNG), "photo.png")
    download = reverse("oversight:evidence_download", args=[ev.pk])
    assert client.get(download).status_code == 200
    client.force_login(world.users["school_ht"])
    assert client.get(download).status_code == 404


@pytest.mark.parametrize(
    "name, content, reason",
    [("photo.png", b"GIF89a....", "不符"), ("script.exe", b"MZ....", "不支持")],
)
def test_it_refuses_wrong_types(client, world, name, content, reason):
    client.force_login(world.inspector)
    url = reverse("oversight:visit_evidence", args=[world.visit.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert reason in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_refuses_a_file_over_the_limit(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 20
    client.force_login(world.inspector)
    url = reverse("oversight:visit_evidence", args=[world.visit.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, follow=True)
    assert "上限" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_rectification_report_carries_its_evidence(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.users["school_ly"])
    client.post(reverse("oversight:problem_start", args=[problem.pk]))
    pdf = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n...")
    client.post(
        reverse("oversight:problem_report", args=[problem.pk]), {"text": "已整改", "file": pdf}
    )
    ev = Evidence.objects.get()
    assert ev.report.problem == problem and ev.kind == "pdf"
    assert client.get(reverse("oversight:evidence_download", args=[ev.pk])).status_code == 200
