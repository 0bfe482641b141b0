"""The seeds' headline figures are reproduced by counting the demo records."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from sunshine.oversight import stats
from sunshine.oversight.models import Campaign, Problem, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--quiet-logins")
    return {c.title: c for c in Campaign.objects.all()}


def _h(campaign):
    return stats.headline(campaign, Visit.objects.all(), Problem.objects.all())


def test_the_enrolment_campaign_found_5_and_verified_5_with_3_groups(seeded):
    h = _h(seeded["2023年秋季学期招生入学专项监督检查"])
    assert (h.groups, h.found, h.rectified, h.lookbacks) == (3, 5, 5, 5)
    assert h.unannounced >= 2
    methods = set(Visit.objects.filter(campaign=h.campaign).values_list("method", flat=True))
    assert {"phone", "interview", "onsite"} <= methods


def test_the_double_reduction_campaign_matches_seed_002(seeded):
    h = _h(seeded["“双减”政策落实情况专项监督检查"])
    assert (h.rounds, h.meetings, h.documents) == (2, 5, 23)
    assert (h.found, h.rectified, h.proposals, h.rules, h.talked_to) == (21, 20, 5, 3, 2)
    assert h.suspended >= 10


def test_the_lottery_supervision_has_one_visit_and_no_problems(seeded):
    h = _h(seeded["2020年义务教育阶段学校电脑随机摇号录取监督"])
    assert (h.visits, h.found) == (1, 0)


def test_the_figures_follow_the_records(seeded, django_user_model):
    campaign = seeded["“双减”政策落实情况专项监督检查"]
    Problem.objects.filter(campaign=campaign, status="verified").first().delete()
    assert _h(campaign).rectified == 19


def test_seeding_twice_adds_nothing(seeded):
    counts = (Visit.objects.count(), Problem.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert (Visit.objects.count(), Problem.objects.count()) == counts


def test_the_dashboard_shows_the_figures_and_charts(client, seeded, django_user_model):
    client.force_login(django_user_model.objects.get(username="inspector_qx2"))
    page = client.get(reverse("oversight:index")).content.decode()
    assert "“双减”政策落实情况专项监督检查" in page and 'class="bar found"' in page
    assert '<span class="figure">23</span>' in page and '<span class="figure">21</span>' in page
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "逾期问题" in dashboard
