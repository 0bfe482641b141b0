import pytest
from django.urls import reverse

from sunshine.reminders.models import Campaign, MessageTemplate, StaffMember

pytestmark = pytest.mark.django_db

PAGES = [
    ("reminders:index", []),
    ("reminders:stats", []),
    ("reminders:staff_list", []),
    ("reminders:staff_import", []),
    ("reminders:template_list", []),
    ("reminders:template_new", []),
    ("reminders:campaign_new", []),
]


@pytest.mark.parametrize("name,args", PAGES)
def test_it_lets_the_bureau_and_the_inspectors_in(client, demo, name, args):
    for username in ("bureau_qx", "inspector_qx1"):
        client.force_login(demo[username])
        assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("name,args", PAGES)
def test_it_keeps_other_roles_out(client, demo, name, args):
    url = reverse(name, args=args)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    for username in ("school_ly", "parent", "notary_zlj", "admin"):
        client.force_login(demo[username])
        assert client.get(url).status_code == 403


def test_a_campaign_of_another_district_is_not_found(client, demo, campaign, template):
    url = reverse("reminders:campaign_detail", args=[campaign.pk])
    client.force_login(demo["inspector_qx1"])
    assert client.get(url).status_code == 200
    client.force_login(demo["bureau_zlj"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("reminders:campaign_progress", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("reminders:campaign_send", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("reminders:template_edit", args=[template.pk])).status_code == 404
    assert campaign.title not in client.get(reverse("reminders:index")).content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_a_school_cannot_send(client, demo, campaign, make_staff):
    make_staff(2)
    client.force_login(demo["school_ly"])
    assert client.post(reverse("reminders:campaign_send", args=[campaign.pk])).status_code == 403
    assert campaign.deliveries.count() == 0


def test_querysets_scope_everything_to_the_district(demo, campaign, make_staff):
    make_staff(2)
    for model in (Campaign, MessageTemplate, StaffMember):
        assert model.objects.visible_to(demo["inspector_qx1"]).exists()
        assert not model.objects.visible_to(demo["bureau_zlj"]).exists()
        assert not model.objects.visible_to(demo["parent"]).exists()


def test_the_read_link_is_public(client, demo):
    # No login needed; an unknown token is simply not found.
    assert client.get("/reminders/r/AAAAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
