import pytest
from django.core.management import call_command

from sunshine.reminders.models import Campaign, Delivery, StaffMember

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_2000_reminders_and_loads_once():
    call_command("seed_demo", "--quiet-logins")
    campaign = Campaign.objects.get(title="2023年义务教育招生廉洁提醒")
    figures = campaign.figures()
    assert campaign.status == Campaign.Status.COMPLETED
    assert figures["total"] == StaffMember.objects.filter(district__name="七星区").count() == 2050
    assert 2000 < figures["delivered"] < figures["total"]
    assert 0 < figures["acknowledged"] < figures["read"] < figures["delivered"]
    counts = (StaffMember.objects.count(), Delivery.objects.count(), Campaign.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert (
        StaffMember.objects.count(),
        Delivery.objects.count(),
        Campaign.objects.count(),
    ) == counts
    assert StaffMember.objects.filter(category="school_leader").count() == 30 * 4
