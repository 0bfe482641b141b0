"""Fixtures of the ceremony: the Ziliujing schools with a few eligible applicants each."""

import datetime
import hashlib

import pytest

from sunshine.core.models import Organisation
from sunshine.enrollment.models import Applicant, Application, EnrolmentPlan, School
from sunshine.lottery.models import Draw

YEAR = 2020


def make_school(org_name: str, code: str, surplus: int) -> School:
    org = Organisation.objects.get(name=org_name)
    school, _ = School.objects.get_or_create(organisation=org, defaults={"code": code})
    EnrolmentPlan.objects.get_or_create(
        school=school,
        year=YEAR,
        defaults={
            "total_places": surplus + 100,
            "zoned_places": 100,
            "surplus_places": surplus,
            "application_start": datetime.date(YEAR, 6, 1),
            "application_end": datetime.date(YEAR, 6, 30),
        },
    )
    return school


def make_applicant(
    number: str,
    school: School,
    *,
    phone="13800001234",
    priority=1,
    group="",
    preference=1,
    status=Application.Status.ELIGIBLE,
) -> Application:
    applicant, _ = Applicant.objects.get_or_create(
        number=number,
        defaults={
            "district": school.district,
            "year": YEAR,
            "name": "儿童" + number[-3:],
            "gender": "M",
            "birth_date": datetime.date(YEAR - 6, 3, 1),
            "id_number": f"51030220140301{number[-4:]}",
            "guardian_name": "家长",
            "guardian_phone": phone,
            "hukou_address": "自流井区",
            "residence_address": "自流井区",
        },
    )
    return Application.objects.create(
        applicant=applicant,
        school=school,
        year=YEAR,
        preference=preference,
        priority=priority,
        multiple_birth_group=group,
        status=status,
    )


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are asserted in Chinese, whatever another test left activated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def schools(demo):
    return {
        "TML": make_school("檀木林小学", "TML", 3),
        "TKS": make_school("塘坎上小学", "TKS", 2),
    }


@pytest.fixture
def roster(schools):
    """TML: 8 eligible (twins 006/007, one priority-1 applicant), 1 ineligible; TKS: 4."""
    tml, tks = schools["TML"], schools["TKS"]
    for i in range(1, 9):
        make_applicant(
            f"2020-{i:08d}",
            tml,
            phone=f"1380000{i:04d}",
            priority=1 if i == 1 else 2,
            group="G1" if i in (6, 7) else "",
        )
    make_applicant("2020-00000999", tml, status=Application.Status.INELIGIBLE)
    for i in range(11, 15):
        make_applicant(f"2020-{i:08d}", tks, phone=f"1390000{i:04d}", priority=2)
    return schools


@pytest.fixture
def draft(roster, demo):
    draw = Draw.create_for(
        district=roster["TML"].district,
        year=YEAR,
        code="2020-zlj-tml",
        title="2020年檀木林小学富余学位摇号",
        schools=[roster["TML"]],
        by=demo["bureau_zlj"],
    )
    draw.add_default_witnesses()
    return draw


VALUES = {"notary": "31415926535897932384", "inspection": "27182818284590452353"}


def commit_all(draw, by):
    from sunshine.lottery import engine

    for w in draw.witnesses.exclude(kind="beacon"):
        VALUES.setdefault(
            w.source, str(int(hashlib.sha256(w.source.encode()).hexdigest(), 16))[:14]
        )
        w.set_commitment(commitment=engine.commit(VALUES[w.source]), by=by)


def reveal_all(draw, by):
    for w in draw.witnesses.all():
        draw.reveal(w.source, VALUES[w.source], by)


@pytest.fixture
def published(draft, demo):
    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    reveal_all(draft, bureau)
    draft.run(bureau)
    draft.publish(bureau)
    return draft
