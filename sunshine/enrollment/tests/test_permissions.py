import pytest
from django.urls import reverse

from sunshine.enrollment.models import Application

pytestmark = pytest.mark.django_db
S = Application.Status


def test_a_school_sees_only_its_own_applications(client, demo, make_application):
    own = make_application("TML")
    other = make_application("TKS")
    client.force_login(demo["school_tml"])
    page = client.get(reverse("enrollment:queue")).content.decode()
    assert own.applicant.number in page
    assert other.applicant.number not in page
    assert client.get(reverse("enrollment:application", args=[own.pk])).status_code == 200
    assert client.get(reverse("enrollment:application", args=[other.pk])).status_code == 404


def test_a_school_cannot_decide_another_schools_application(client, demo, make_application):
    other = make_application("TKS", status=S.UNDER_REVIEW)
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("enrollment:decide", args=[other.pk]), {"status": S.INELIGIBLE, "reason": "x"}
    )
    assert response.status_code == 404
    client.post(
        reverse("enrollment:bulk_decide"),
        {"applications": [other.pk], "status": S.INELIGIBLE, "reason": "x"},
    )
    assert Application.objects.get(pk=other.pk).status == S.UNDER_REVIEW


def test_another_districts_bureau_gets_404(client, demo, make_application):
    application = make_application("TML")
    client.force_login(demo["bureau_qx"])
    assert client.get(reverse("enrollment:application", args=[application.pk])).status_code == 404


@pytest.mark.parametrize("name", ["queue", "import"])
def test_anonymous_visitors_are_sent_to_login(client, db, name):
    response = client.get(reverse(f"enrollment:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_visitors_cannot_open_an_application(client, make_application):
    application = make_application()
    response = client.get(reverse("enrollment:application", args=[application.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("username", ["parent", "notary_zlj"])
def test_other_roles_get_403(client, demo, make_application, username):
    application = make_application()
    client.force_login(demo[username])
    assert client.get(reverse("enrollment:queue")).status_code == 403
    assert client.get(reverse("enrollment:application", args=[application.pk])).status_code == 403


def test_the_inspector_reads_but_cannot_decide(client, demo, make_application):
    application = make_application(status=S.UNDER_REVIEW)
    client.force_login(demo["inspector_zlj"])
    page = client.get(reverse("enrollment:application", args=[application.pk])).content.decode()
    assert application.applicant.masked_id in page
    assert application.applicant.id_number not in page
    response = client.post(
        reverse("enrollment:decide", args=[application.pk]), {"status": S.ELIGIBLE, "reason": "x"}
    )
    assert response.status_code == 403


def test_reviewers_see_the_full_id_only_on_the_detail_page(client, demo, make_application):
    application = make_application()
    client.force_login(demo["school_tml"])
    detail = client.get(reverse("enrollment:application", args=[application.pk])).content.decode()
    assert application.applicant.id_number in detail
    queue = client.get(reverse("enrollment:queue")).content.decode()
    assert application.applicant.id_number not in queue
    assert application.applicant.masked_id in queue


@pytest.mark.parametrize("username", ["school_tml", "inspector_zlj"])
def test_only_the_bureau_imports(client, demo, username):
    client.force_login(demo[username])
    assert client.get(reverse("enrollment:import")).status_code == 403
