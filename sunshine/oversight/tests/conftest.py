import datetime
from types import SimpleNamespace

import pytest

from sunshine.core.models import Organisation
from sunshine.oversight.checklists import install_standard
from sunshine.oversight.models import Campaign, InspectionGroup, Problem, Visit

D = datetime.date
DEADLINE = D(2023, 8, 1)
LOOKBACK_DAY = D(2023, 8, 5)


@pytest.fixture
def world(demo):
    """七星区: a campaign with the enrolment checklist, a group, a visit to 龙隐小学."""
    versions = install_standard()
    orgs = {o.name: o for o in Organisation.objects.all()}
    campaign = Campaign.objects.create(
        district=orgs["龙隐小学"].district,
        title="测试专项检查",
        starts_on=D(2023, 7, 1),
        lead_office=orgs["七星区纪委监委驻区教育局纪检监察组"],
        checklist=versions["sunshine-enrolment"],
    )
    group = InspectionGroup.objects.create(campaign=campaign, name="第一检查组")
    inspector = demo["inspector_qx1"]
    inspector.email = "qx1@example.org"
    inspector.save()
    group.members.add(inspector)
    visit = Visit.objects.create(
        campaign=campaign,
        group=group,
        subject=orgs["龙隐小学"],
        method=Visit.Method.ONSITE,
        date=D(2023, 7, 20),
    )
    return SimpleNamespace(
        campaign=campaign,
        group=group,
        visit=visit,
        orgs=orgs,
        inspector=inspector,
        users=demo,
        versions=versions,
    )


@pytest.fixture
def make_problem(world):
    def make(subject="龙隐小学", deadline=DEADLINE, **kw):
        visit = kw.pop("visit", world.visit if subject == "龙隐小学" else None)
        return Problem.raise_new(
            description=kw.pop("description", "招生咨询电话无人接听"),
            by=world.inspector,
            source="visit" if visit else "manual",
            subject=world.orgs[subject],
            category=kw.pop("category", "service"),
            campaign=world.campaign,
            deadline=deadline,
            demand="安排专人值守",
            visit=visit,
            **kw,
        )

    return make


@pytest.fixture
def lookback(world):
    def make(subject="龙隐小学", date=LOOKBACK_DAY):
        return Visit.objects.create(
            campaign=world.campaign,
            group=world.group,
            subject=world.orgs[subject],
            method=Visit.Method.ONSITE,
            purpose=Visit.Purpose.LOOKBACK,
            date=date,
        )

    return make
