import pytest
from django.urls import reverse

from sunshine.enrollment.models import Application

pytestmark = pytest.mark.django_db
S = Application.Status


def test_it_decides_with_a_reason_from_the_detail_page(client, demo, make_application):
    application = make_application(status=S.UNDER_REVIEW)
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("enrollment:decide", args=[application.pk]),
        {"status": S.ELIGIBLE, "reason": "材料齐全"},
        follow=True,
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.status, application.status_reason) == (S.ELIGIBLE, "材料齐全")
    assert "材料齐全" in response.content.decode()


def test_it_refuses_a_decision_without_reason(client, demo, make_application):
    application = make_application(status=S.UNDER_REVIEW)
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("enrollment:decide", args=[application.pk]),
        {"status": S.INELIGIBLE, "reason": ""},
        follow=True,
    )
    assert "必须填写理由" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == S.UNDER_REVIEW


def test_it_reports_a_refused_transition(client, demo, make_application):
    application = make_application(status=S.SUBMITTED)
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("enrollment:decide", args=[application.pk]),
        {"status": S.ELIGIBLE, "reason": "跳过审核"},
        follow=True,
    )
    assert "不能从" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_it_decides_in_bulk_and_reports_the_refused(client, demo, make_application):
    ready = [make_application(status=S.UNDER_REVIEW) for _ in range(3)]
    done = make_application(status=S.INELIGIBLE)
    client.force_login(demo["bureau_zlj"])
    response = client.post(
        reverse("enrollment:bulk_decide"),
        {
            "applications": [a.pk for a in ready] + [done.pk],
            "status": S.ELIGIBLE,
            "reason": "批量审核：材料齐全",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已将 3 条报名" in page
    assert done.applicant.number in page
    assert Application.objects.filter(status=S.ELIGIBLE).count() == 3
    assert Application.objects.get(pk=done.pk).status == S.INELIGIBLE


def test_the_queue_filters_by_school_and_status(client, demo, make_application):
    tml = make_application("TML", status=S.UNDER_REVIEW)
    tks = make_application("TKS", status=S.UNDER_REVIEW)
    other = make_application("TML", status=S.ELIGIBLE)
    client.force_login(demo["bureau_zlj"])
    page = client.get(
        reverse("enrollment:queue"), {"school": "TML", "status": S.UNDER_REVIEW}
    ).content.decode()
    assert tml.applicant.number in page
    assert tks.applicant.number not in page
    assert other.applicant.number not in page


def test_the_queue_lists_without_n_plus_one(
    client, demo, make_application, django_assert_max_num_queries
):
    for _ in range(30):
        make_application(status=S.UNDER_REVIEW)
    client.force_login(demo["bureau_zlj"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("enrollment:queue")).status_code == 200
