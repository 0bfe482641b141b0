"""Admin edits of plans, zones, policies and complaint channels leave entries in the audit log."""

from datetime import date

import pytest
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District
from sunshine.core.tests.admin_forms import change_page_data, post_change
from sunshine.enrollment.models import ComplaintChannel, EnrolmentPlan, PolicyDocument, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo["admin"])
    return client


def _entry(obj, action):
    return AuditEntry.objects.get(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def test_a_plan_edit_is_recorded_with_its_new_values(admin_client, demo, schools):
    plan = EnrolmentPlan.objects.get(school=schools["TML"])
    post_change(
        admin_client,
        reverse("admin:enrollment_enrolmentplan_change", args=[plan.pk]),
        total_places="13",
        surplus_places="5",
        application_end="2020-07-10",
        published=False,
        rules="新的规则" * 100,
    )
    plan.refresh_from_db()
    assert (plan.surplus_places, plan.published) == (5, False)
    entry = _entry(plan, "admin.changed")
    assert entry.actor == demo["admin"]
    fields = entry.payload["fields"]
    assert fields["surplus_places"] == 5
    assert fields["application_end"] == "2020-07-10"
    assert fields["published"] is False
    assert fields["rules"] == "[text, 400 chars]"  # long text: its length, not its words


def test_zones_edited_inline_on_the_school_page_are_recorded(admin_client, demo, schools):
    school = schools["TML"]
    first, second = school.zones.order_by("pk")
    url = reverse("admin:enrollment_school_change", args=[school.pk])
    data = change_page_data(admin_client, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    form_of = {data[f"{prefix}-{i}-id"]: i for i in range(2)}
    data[f"{prefix}-{form_of[first.pk]}-name"] = "檀木林街（东段）"
    data[f"{prefix}-{form_of[second.pk]}-DELETE"] = "on"
    data[f"{prefix}-2-name"] = "新街"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    changed = _entry(first, "admin.changed")
    assert changed.payload == {"fields": {"name": "檀木林街（东段）"}}
    deleted = AuditEntry.objects.get(action="admin.deleted", object_id=str(second.pk))
    assert deleted.object_type == "enrollment.zone"
    created = _entry(Zone.objects.get(name="新街"), "admin.created")
    assert created.payload["fields"]["school"] == school.pk


def test_adding_a_policy_document_is_recorded(admin_client, demo):
    district = District.objects.get(code="510302")
    response = admin_client.post(
        reverse("admin:enrollment_policydocument_add"),
        {
            "district": district.pk,
            "year": 2020,
            "title": "招生公告",
            "body": "全文",
            "published_at": "2020-05-01",
        },
    )
    assert response.status_code == 302
    document = PolicyDocument.objects.get(title="招生公告")
    fields = _entry(document, "admin.created").payload["fields"]
    assert fields["title"] == "招生公告" and fields["published_at"] == "2020-05-01"


def test_a_complaint_channel_edit_and_delete_are_recorded(admin_client, demo):
    channel = ComplaintChannel.objects.create(
        district=District.objects.get(code="510302"),
        kind=ComplaintChannel.Kind.choices[0][0],
        name="区教体局",
        contact="0813-1111111",
    )
    post_change(
        admin_client,
        reverse("admin:enrollment_complaintchannel_change", args=[channel.pk]),
        contact="0813-2222222",
    )
    assert _entry(channel, "admin.changed").payload == {"fields": {"contact": "0813-2222222"}}
    pk = channel.pk
    response = admin_client.post(
        reverse("admin:enrollment_complaintchannel_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.deleted", object_id=str(pk)).exists()


def test_a_plan_created_in_the_admin_is_recorded(admin_client, demo, schools):
    school = schools["TML"]
    url = reverse("admin:enrollment_enrolmentplan_add")
    response = admin_client.post(
        url,
        {
            "school": school.pk,
            "year": 2021,
            "total_places": 10,
            "zoned_places": 8,
            "surplus_places": 2,
            "application_start": "2021-06-20",
            "application_end": "2021-07-05",
            "priority_groups-TOTAL_FORMS": 0,
            "priority_groups-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = EnrolmentPlan.objects.get(school=school, year=2021)
    fields = _entry(plan, "admin.created").payload["fields"]
    assert fields["surplus_places"] == 2 and fields["published"] is False
    assert date.fromisoformat(fields["application_start"]) == date(2021, 6, 20)
