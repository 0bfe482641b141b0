import pytest
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.enrollment.models import EnrolmentPlan, PolicyDocument, Zone

pytestmark = pytest.mark.django_db


def _plan_data(plan, **over):
    data = {
        "total_places": plan.total_places,
        "zoned_places": plan.zoned_places,
        "surplus_places": plan.surplus_places,
        "application_start": plan.application_start.isoformat(),
        "application_end": plan.application_end.isoformat(),
        "lottery_date": "",
        "rules": plan.rules,
        "published": "on",
    }
    data.update(over)
    return data


def test_the_bureau_changes_a_plan_and_it_is_audited(client, demo, schools):
    plan = schools["TML"].plans.get()
    client.force_login(demo["bureau_zlj"])
    response = client.post(
        reverse("enrollment:plan_edit", args=[plan.pk]),
        _plan_data(plan, total_places=40, surplus_places=30),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.surplus_places == 30
    entry = AuditEntry.objects.get(action="enrollment.plan_updated")
    assert set(entry.payload["changed"]) == {"total_places", "surplus_places"}


def test_it_refuses_more_places_than_the_plan_has(client, demo, schools):
    plan = schools["TML"].plans.get()
    client.force_login(demo["bureau_zlj"])
    response = client.post(
        reverse("enrollment:plan_edit", args=[plan.pk]), _plan_data(plan, surplus_places=50)
    )
    assert response.status_code == 200
    assert "不能超过招生计划数" in response.content.decode()
    assert EnrolmentPlan.objects.get(pk=plan.pk).surplus_places == 2


def test_another_districts_bureau_cannot_edit_the_plan(client, demo, schools):
    plan = schools["TML"].plans.get()
    client.force_login(demo["bureau_qx"])
    assert client.get(reverse("enrollment:plan_edit", args=[plan.pk])).status_code == 404


def test_the_bureau_redraws_zones_and_the_search_follows(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    client.post(
        reverse("enrollment:school_edit", args=["TML"]),
        {
            "ownership": "public",
            "stage": "primary",
            "address": "檀木林街1号",
            "phone": "",
            "enrolment_phone": "0813-1",
            "zones": "檀木林街|全段\n光大街|单号",
        },
    )
    assert set(Zone.objects.filter(school=schools["TML"]).values_list("name", "note")) == {
        ("檀木林街", "全段"),
        ("光大街", "单号"),
    }
    client.logout()
    response = client.get(reverse("enrollment:zone_search", args=["510302"]), {"q": "光大街8号"})
    assert [z.school.code for z in response.context["matches"]] == ["TML"]


def test_a_school_edits_only_its_own_profile_and_not_zones(client, demo, schools):
    client.force_login(demo["school_tml"])
    response = client.get(reverse("enrollment:school_edit", args=["TML"]))
    assert "zones" not in response.context["form"].fields
    assert client.get(reverse("enrollment:school_edit", args=["TKS"])).status_code == 404
    assert client.get(reverse("enrollment:manage")).status_code == 403


def test_the_bureau_publishes_a_policy(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    response = client.post(
        reverse("enrollment:policy_new"),
        {"year": 2020, "title": "招生工作意见", "published_at": "2020-06-10", "body": "正文"},
    )
    policy = PolicyDocument.objects.get()
    assert response.url == reverse("enrollment:policy", args=[policy.pk])
    assert policy.district.code == "510302"


@pytest.mark.parametrize("name", ["manage", "plan_new", "policy_new"])
def test_management_pages_are_closed_to_the_public(client, demo, name):
    assert client.get(reverse(f"enrollment:{name}")).status_code == 302
    client.force_login(demo["parent"])
    assert client.get(reverse(f"enrollment:{name}")).status_code == 403
