"""The seeds' headline figures are reproduced by counting the demo records."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from sunshine.oversight import stats
from sunshine.oversight.models import Campaign, Problem, Visit

pytestmark = pytest.mark.django_db

ENROL = "2023年秋季学期招生入学专项监督检查"
DR = "“双减”政策落实情况专项监督检查"
LOTTERY = "2020年义务教育阶段学校电脑随机摇号录取监督"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--quiet-logins")
    return {c.title: c for c in Campaign.objects.all()}


def _h(campaign):
    return stats.headline(campaign, Visit.objects.all(), Problem.objects.all())


def test_the_seeds_figures_are_counted_from_records(seeded):
    # Seed 000: three groups, phone calls and unannounced visits, 5 found, all 5 verified.
    h = _h(seeded[ENROL])
    assert (h.groups, h.found, h.rectified, h.lookbacks) == (3, 5, 5, 5)
    assert h.unannounced >= 2
    methods = set(Visit.objects.filter(campaign=h.campaign).values_list("method", flat=True))
    assert {"phone", "interview", "onsite"} <= methods
    # Seed 002: 2 rounds, 5 meetings, 23 documents, 21 found, 5 proposals, 3 rules,
    # 10+ institutions suspended, 20 rectified, reminder talks with 2 people.
    h = _h(seeded[DR])
    assert (h.rounds, h.meetings, h.documents) == (2, 5, 23)
    assert (h.found, h.rectified, h.proposals, h.rules, h.talked_to) == (21, 20, 5, 3, 2)
    assert h.suspended >= 10
    # Seed 001: the stationed group supervised the lottery, no problems.
    h = _h(seeded[LOTTERY])
    assert (h.visits, h.found) == (1, 0)
    # The figures follow the records, they are not stored.
    Problem.objects.filter(campaign=seeded[DR], status="verified").first().delete()
    assert _h(seeded[DR]).rectified == 19


def test_seeding_twice_adds_nothing_and_the_dashboard_shows_the_figures(
    client, seeded, django_user_model
):
    counts = (Visit.objects.count(), Problem.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert (Visit.objects.count(), Problem.objects.count()) == counts
    client.force_login(django_user_model.objects.get(username="inspector_qx2"))
    page = client.get(reverse("oversight:index")).content.decode()
    assert DR in page and 'class="bar found"' in page
    assert '<span class="figure">23</span>' in page and '<span class="figure">21</span>' in page
    assert "逾期问题" in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(django_user_model.objects.get(username="bureau_zlj"))
    page = client.get(reverse("oversight:index")).content.decode()
    assert LOTTERY in page and DR not in page  # a bureau sees its own district's campaigns
