"""Every page renders for the roles that may open it, and list pages do not grow queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunshine.oversight.models import Accountability, Campaign, Problem, Visit

pytestmark = pytest.mark.django_db


def test_every_inspection_page_renders(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.inspector)
    urls = [
        reverse("oversight:index"),
        reverse("oversight:campaign_list"),
        reverse("oversight:campaign_new"),
        reverse("oversight:campaign_detail", args=[world.campaign.pk]),
        reverse("oversight:campaign_edit", args=[world.campaign.pk]),
        reverse("oversight:recommendation_new", args=[world.campaign.pk]),
        reverse("oversight:checklist_list"),
        reverse("oversight:checklist_detail", args=[world.campaign.checklist_id]),
        reverse("oversight:visit_list"),
        reverse("oversight:visit_new"),
        reverse("oversight:visit_detail", args=[world.visit.pk]),
        reverse("oversight:problem_list"),
        reverse("oversight:problem_new"),
        reverse("oversight:problem_import"),
        reverse("oversight:problem_detail", args=[problem.pk]),
        reverse("oversight:accountability_list"),
        reverse("oversight:accountability_new") + f"?problem={problem.pk}",
        reverse("core:dashboard"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_it_creates_a_campaign_pinned_to_the_latest_checklist_and_adds_a_group(client, world):
    client.force_login(world.inspector)
    response = client.post(
        reverse("oversight:campaign_new"),
        {
            "district": world.campaign.district_id,
            "title": "2024年春季招生监督",
            "starts_on": "2024-03-01",
            "ends_on": "2024-02-01",
            "lead_office": world.campaign.lead_office_id,
            "template": world.versions["sunshine-enrolment"].template_id,
        },
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Campaign.objects.filter(title="2024年春季招生监督").exists()
    response = client.post(
        reverse("oversight:campaign_new"),
        {
            "district": world.campaign.district_id,
            "title": "2024年春季招生监督",
            "starts_on": "2024-03-01",
            "lead_office": world.campaign.lead_office_id,
            "template": world.versions["sunshine-enrolment"].template_id,
        },
    )
    campaign = Campaign.objects.get(title="2024年春季招生监督")
    assert campaign.checklist == world.versions["sunshine-enrolment"]
    client.post(response.url, {"name": "第一组", "members": [world.inspector.pk]})
    assert list(campaign.groups.get().members.all()) == [world.inspector]


def test_it_records_a_visit_and_refuses_a_group_of_another_campaign(client, world):
    other = Campaign.objects.create(
        district=world.campaign.district,
        title="另一个",
        starts_on=datetime.date(2023, 1, 1),
        lead_office=world.campaign.lead_office,
    )
    client.force_login(world.inspector)
    data = {
        "campaign": other.pk,
        "group": world.group.pk,
        "subject": world.orgs["汇通小学"].pk,
        "mode": "open",
        "method": "onsite",
        "purpose": "inspection",
        "round": 1,
        "date": "2023-07-21",
        "documents_reviewed": 3,
    }
    response = client.post(reverse("oversight:visit_new"), data)
    assert response.status_code == 200 and "不属于" in response.content.decode()
    data["campaign"] = world.campaign.pk
    response = client.post(reverse("oversight:visit_new"), data)
    visit = Visit.objects.get(subject=world.orgs["汇通小学"])
    assert response.url == reverse("oversight:visit_detail", args=[visit.pk])
    assert visit.created_by == world.inspector and visit.documents_reviewed == 3


def test_it_records_accountability_linked_to_problems(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.inspector)
    client.post(
        reverse("oversight:accountability_new"),
        {
            "kind": "talk",
            "person": "分管副校长",
            "organisation": world.orgs["龙隐小学"].pk,
            "on": "2023-08-10",
            "reason": "整改不到位",
            "campaign": world.campaign.pk,
            "problems": [problem.pk],
        },
    )
    record = Accountability.objects.get()
    assert list(record.problems.all()) == [problem]
    page = client.get(reverse("oversight:problem_detail", args=[problem.pk])).content.decode()
    assert "分管副校长" in page
    client.force_login(world.users["school_ly"])
    page = client.get(reverse("oversight:problem_detail", args=[problem.pk])).content.decode()
    assert "分管副校长" not in page  # accountability stays with inspection


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["oversight:problem_list", "oversight:visit_list"])
def test_list_pages_take_the_same_queries_for_more_rows(client, world, make_problem, name):
    client.force_login(world.inspector)
    make_problem()
    few = _queries(client, reverse(name))
    for i in range(10):
        visit = Visit.objects.create(
            campaign=world.campaign,
            group=world.group,
            subject=world.orgs["汇通小学"],
            method="onsite",
            date=datetime.date(2023, 7, 1 + i),
        )
        Problem.raise_new(description=f"问题{i}", by=world.inspector, visit=visit)
    assert _queries(client, reverse(name)) == few
