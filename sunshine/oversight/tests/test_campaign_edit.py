"""Inspectors record recommendations and edit a campaign from the interface."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.oversight import stats
from sunshine.oversight.models import Campaign, Problem, Recommendation, Visit

pytestmark = pytest.mark.django_db
D = datetime.date


def _headline(campaign):
    return stats.headline(campaign, Visit.objects.all(), Problem.objects.all())


# --- recommendations -------------------------------------------------------------------------


def test_an_inspector_records_a_recommendation_and_the_statistics_count_it(
    client, world, make_problem
):
    problem = make_problem()
    bureau = world.orgs["七星区教育局"]
    before = _headline(world.campaign)
    assert (before.proposals, before.rules) == (0, 0)
    client.force_login(world.inspector)
    url = reverse("oversight:recommendation_new", args=[world.campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "proposal",
            "title": "建立招生咨询电话值守制度",
            "addressed_to": bureau.pk,
            "on": "2023-08-10",
            "problems": [problem.pk],
        },
    )
    assert response.status_code == 302
    rec = Recommendation.objects.get(title="建立招生咨询电话值守制度")
    assert rec.campaign == world.campaign and rec.addressed_to == bureau
    assert list(rec.problems.all()) == [problem]
    assert rec.recorded_by == world.inspector
    entry = AuditEntry.objects.get(action="oversight.recommendation_recorded")
    assert entry.object_id == str(rec.pk) and entry.payload["problems"] == [problem.pk]
    client.post(url, {"kind": "rule", "title": "七星区招生咨询管理办法", "on": "2023-09-01"})
    after = _headline(world.campaign)
    assert (after.proposals, after.rules) == (1, 1)
    page = client.get(reverse("oversight:campaign_detail", args=[world.campaign.pk]))
    html = page.content.decode()
    assert "建立招生咨询电话值守制度" in html and "七星区招生咨询管理办法" in html
    assert problem.number in html


def test_a_recommendation_links_only_problems_of_its_campaign(client, world):
    other = Campaign.objects.create(
        district=world.campaign.district,
        title="另一专项",
        starts_on=D(2023, 9, 1),
        lead_office=world.campaign.lead_office,
    )
    foreign = Problem.raise_new(description="别的专项的问题", by=world.inspector, campaign=other)
    client.force_login(world.inspector)
    response = client.post(
        reverse("oversight:recommendation_new", args=[world.campaign.pk]),
        {"kind": "proposal", "title": "建议", "on": "2023-08-10", "problems": [foreign.pk]},
    )
    assert response.status_code == 200
    assert not Recommendation.objects.exists()
    assert not AuditEntry.objects.filter(action="oversight.recommendation_recorded").exists()


def test_the_same_recommendation_twice_is_refused_readably(client, world):
    client.force_login(world.inspector)
    url = reverse("oversight:recommendation_new", args=[world.campaign.pk])
    data = {"kind": "rule", "title": "招生工作制度", "on": "2023-08-10"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "本专项检查中已有相同内容的记录" in response.content.decode()
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize("username", ["school_ly", "bureau_qx", "parent"])
def test_only_inspection_records_recommendations(client, world, username):
    client.force_login(world.users[username])
    url = reverse("oversight:recommendation_new", args=[world.campaign.pk])
    assert client.get(url).status_code == 403
    data = {"kind": "proposal", "title": "越权建议", "on": "2023-08-10"}
    assert client.post(url, data).status_code == 403
    assert not Recommendation.objects.exists()


# --- campaign edit ---------------------------------------------------------------------------


def _edit_data(world, **overrides):
    c = world.campaign
    data = {
        "title": c.title,
        "scope": c.scope,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat() if c.ends_on else "",
        "lead_office": c.lead_office_id,
        "checklist": c.checklist_id or "",
        f"group_{world.group.pk}": [u.pk for u in world.group.members.all()],
    }
    data.update(overrides)
    return data


def _other_version(world):
    return next(v for v in world.versions.values() if v.pk != world.campaign.checklist_id)


def test_an_inspector_edits_a_campaign_and_the_change_is_audited(client, world):
    colleague = world.users["inspector_qx2"]
    client.force_login(world.inspector)
    url = reverse("oversight:campaign_edit", args=[world.campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _edit_data(
            world,
            title="测试专项检查（调整）",
            ends_on="2023-09-30",
            **{f"group_{world.group.pk}": [world.inspector.pk, colleague.pk]},
        ),
    )
    assert response.status_code == 302
    world.campaign.refresh_from_db()
    assert world.campaign.title == "测试专项检查（调整）"
    assert world.campaign.ends_on == D(2023, 9, 30)
    assert set(world.group.members.all()) == {world.inspector, colleague}
    entry = AuditEntry.objects.get(action="oversight.campaign_changed")
    assert entry.payload["fields"] == ["title", "ends_on", "members"]
    assert entry.payload["groups"]["第一检查组"]["added"] == [colleague.pk]
    # Saving again without changes records nothing.
    client.post(url, _edit_data(world))
    assert AuditEntry.objects.filter(action="oversight.campaign_changed").count() == 1


def test_an_end_before_the_start_is_refused(client, world):
    client.force_login(world.inspector)
    response = client.post(
        reverse("oversight:campaign_edit", args=[world.campaign.pk]),
        _edit_data(world, ends_on="2023-06-01"),
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    world.campaign.refresh_from_db()
    assert world.campaign.ends_on is None
    assert not AuditEntry.objects.filter(action="oversight.campaign_changed").exists()


def test_the_checklist_cannot_change_once_visits_exist(client, world):
    assert world.campaign.visits.exists()
    other_version = _other_version(world)
    client.force_login(world.inspector)
    response = client.post(
        reverse("oversight:campaign_edit", args=[world.campaign.pk]),
        _edit_data(world, checklist=other_version.pk, title="改了标题"),
    )
    assert response.status_code == 200
    assert "监督清单版本已固定，不能更改" in response.content.decode()
    world.campaign.refresh_from_db()
    assert world.campaign.checklist == world.versions["sunshine-enrolment"]
    assert world.campaign.title == "测试专项检查"
    # The model refuses it too, whatever the caller.
    with pytest.raises(ValidationError):
        world.campaign.change(by=world.inspector, fields={"checklist": other_version})


def test_the_checklist_may_change_before_the_first_visit(world):
    world.visit.delete()
    other_version = _other_version(world)
    changed = world.campaign.change(by=world.inspector, fields={"checklist": other_version})
    assert changed == ["checklist"]
    assert world.campaign.checklist == other_version


@pytest.mark.parametrize("username", ["school_ly", "bureau_qx", "parent"])
def test_only_inspection_edits_a_campaign(client, world, username):
    client.force_login(world.users[username])
    url = reverse("oversight:campaign_edit", args=[world.campaign.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _edit_data(world, title="越权修改")).status_code == 403
    world.campaign.refresh_from_db()
    assert world.campaign.title == "测试专项检查"
