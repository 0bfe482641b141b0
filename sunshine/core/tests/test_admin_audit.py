"""Every change made through the Django admin leaves an entry in the audit log."""

import pytest
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District, Organisation, User
from sunshine.core.tests.admin_forms import post_change

pytestmark = pytest.mark.django_db


def _entries(obj, action=None):
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("seq")
    return entries.filter(action=action) if action else entries


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo["admin"])
    return client


def _user_url(user):
    return reverse("admin:core_user_change", args=[user.pk])


def test_making_an_account_superuser_and_staff_is_recorded(admin_client, demo):
    parent = demo["parent"]
    parent.email = "yang@example.com"
    parent.save()
    post_change(admin_client, _user_url(parent), is_superuser=True, is_staff=True)
    parent.refresh_from_db()
    assert parent.is_superuser and parent.is_staff
    entry = _entries(parent, "admin.changed").get()
    assert entry.payload == {"fields": {"is_superuser": True, "is_staff": True}}
    assert entry.actor == demo["admin"]
    assert "yang@example.com" not in str(entry.payload)
    assert not _entries(parent, "core.role_granted").filter(actor=demo["admin"]).exists()


def test_reactivating_an_account_is_recorded(admin_client, demo):
    parent = demo["parent"]
    parent.is_active = False
    parent.save()
    post_change(admin_client, _user_url(parent), is_active=True)
    entry = _entries(parent, "admin.changed").get()
    assert entry.payload == {"fields": {"is_active": True}}


def test_a_role_change_is_still_a_role_grant_and_names_no_password(admin_client, demo):
    parent = demo["parent"]
    post_change(admin_client, _user_url(parent), role="bureau")
    assert _entries(parent, "core.role_granted").filter(actor=demo["admin"]).exists()
    assert not _entries(parent, "admin.changed").exists()
    for entry in _entries(parent):
        assert "password" not in str(entry.payload)


def test_moving_an_organisation_to_another_district_is_recorded(admin_client, demo):
    org = Organisation.objects.get(name="檀木林小学")
    other = District.objects.exclude(pk=org.district_id).first()
    post_change(
        admin_client,
        reverse("admin:core_organisation_change", args=[org.pk]),
        district=str(other.pk),
        parent="",
    )
    org.refresh_from_db()
    assert org.district == other
    entry = _entries(org, "admin.changed").get()
    assert entry.payload["fields"]["district"] == other.pk
    assert entry.actor == demo["admin"]


def test_a_district_edit_is_recorded(admin_client, demo):
    district = District.objects.get(code="510302")
    post_change(
        admin_client,
        reverse("admin:core_district_change", args=[district.pk]),
        complaint_phone="0813-12345",
    )
    entry = _entries(district, "admin.changed").get()
    assert entry.payload == {"fields": {"complaint_phone": "0813-12345"}}


def test_deleting_an_organisation_is_recorded(admin_client, demo):
    org = Organisation.objects.create(
        district=District.objects.get(code="510302"), kind="school", name="新学校"
    )
    pk = org.pk
    response = admin_client.post(
        reverse("admin:core_organisation_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted", object_id=str(pk))
    assert entry.object_repr == "新学校"


def test_deleting_accounts_in_bulk_is_recorded(admin_client, demo):
    doomed = User.objects.create_user("temp1"), User.objects.create_user("temp2")
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(username__startswith="temp").exists()
    assert set(
        AuditEntry.objects.filter(action="admin.deleted").values_list("object_repr", flat=True)
    ) >= {"temp1", "temp2"}
