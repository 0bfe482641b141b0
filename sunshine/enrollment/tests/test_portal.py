import pytest
from django.test import Client
from django.urls import reverse

from sunshine.enrollment import demo as enrollment_demo
from sunshine.enrollment.models import Applicant, Application, EnrolmentPlan, PolicyDocument

pytestmark = pytest.mark.django_db
S = Application.Status


def _public_pages():
    """Every public page of the portal, with the zone search asked several ways."""
    urls = [reverse("enrollment:index")]
    for code in ("510302", "450305"):
        urls.append(reverse("enrollment:district", args=[code]))
        for q in ("五星街12号", "东兴寺", "龙隐路", "不存在的路"):
            urls.append(reverse("enrollment:zone_search", args=[code]) + f"?q={q}")
    urls.append(reverse("enrollment:district", args=["510302"]) + "?year=2020")
    urls += [reverse("enrollment:plan", args=[p.pk]) for p in EnrolmentPlan.objects.all()]
    urls += [reverse("enrollment:policy", args=[p.pk]) for p in PolicyDocument.objects.all()]
    urls.append(reverse("core:home"))
    return urls


def test_no_public_page_shows_a_childs_id_number_or_phone(demo):
    enrollment_demo.load()
    anonymous = Client()
    pages = {url: anonymous.get(url) for url in _public_pages()}
    assert all(r.status_code == 200 for r in pages.values()), {
        u: r.status_code for u, r in pages.items()
    }
    html = "".join(r.content.decode() for r in pages.values())
    children = list(Applicant.objects.values_list("id_number", "guardian_phone", "name"))
    assert len(children) > 100
    for id_number, phone, _name in children:
        assert id_number not in html
        assert id_number[6:14] + id_number[14:] not in html
        assert phone not in html


@pytest.mark.parametrize(
    "query, school",
    [
        ("自流井区五星街12号", "檀木林小学"),
        ("东兴寺", "塘坎上小学"),
        ("郭家坳街 3 号", "塘坎上小学"),
    ],
)
def test_the_zone_search_answers_which_school(client, schools, query, school):
    response = client.get(reverse("enrollment:zone_search", args=["510302"]), {"q": query})
    assert [z.school.name for z in response.context["matches"]] == [school]
    assert school in response.content.decode()


def test_the_zone_search_says_when_nothing_matches(client, schools):
    response = client.get(reverse("enrollment:zone_search", args=["510302"]), {"q": "龙隐路"})
    assert response.context["matches"] == []
    assert "没有找到" in response.content.decode()


def test_a_plan_with_more_eligible_than_surplus_places_needs_a_lottery(
    client, schools, make_application
):
    plan = schools["TML"].plans.get()
    for _ in range(2):
        make_application("TML", status=S.ELIGIBLE)
    make_application("TML", status=S.UNDER_REVIEW)
    make_application("TKS", status=S.ELIGIBLE)
    assert plan.eligible_count() == 2
    assert not plan.needs_lottery
    make_application("TML", status=S.ELIGIBLE)
    assert plan.needs_lottery
    annotated = EnrolmentPlan.objects.with_counts().get(pk=plan.pk)
    assert (annotated.eligible_total, annotated.applicant_total) == (3, 4)
    assert annotated.oversubscribed and annotated.oversubscribed_by == 1
    page = client.get(reverse("enrollment:plan", args=[plan.pk])).content.decode()
    assert "需要摇号" in page
    tks = client.get(
        reverse("enrollment:plan", args=[schools["TKS"].plans.get().pk])
    ).content.decode()
    assert "无需摇号" in tks


def test_unpublished_plans_stay_private(client, schools):
    plan = schools["TML"].plans.get()
    plan.published = False
    plan.save()
    assert client.get(reverse("enrollment:plan", args=[plan.pk])).status_code == 404
    page = client.get(reverse("enrollment:district", args=["510302"])).content.decode()
    assert "檀木林小学" not in page.split("学区划分")[0]


def test_the_district_page_has_a_fixed_number_of_queries(
    client, schools, make_application, django_assert_max_num_queries
):
    for _ in range(20):
        make_application("TML", status=S.ELIGIBLE)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enrollment:district", args=["510302"]))
    page = response.content.decode()
    assert "0813-8111407" in page  # the complaint channel
    assert "富余学位" in page
