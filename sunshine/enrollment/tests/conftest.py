"""Personas and a small world: two Ziliujing schools with 2020 plans, zones and priority groups."""

import itertools
from datetime import date

import pytest

from sunshine.core.models import Organisation
from sunshine.enrollment.models import (
    Applicant,
    Application,
    EnrolmentPlan,
    PriorityGroup,
    School,
    Zone,
)
from sunshine.lib import idcard

_seq = itertools.count(1)


@pytest.fixture
def schools(demo):
    """TML and TKS (自流井区) and LY (七星区), each with a published plan of 2 surplus places."""
    out = {}
    for code, name, zones, year in (
        ("TML", "檀木林小学", ["檀木林街", "五星街"], 2020),
        ("TKS", "塘坎上小学", ["东兴寺街", "郭家坳街"], 2020),
        ("LY", "龙隐小学", ["龙隐路"], 2023),
    ):
        school = School.objects.create(
            organisation=Organisation.objects.get(name=name), code=code, enrolment_phone="0813-1"
        )
        for zone in zones:
            Zone.objects.create(school=school, name=zone)
        plan = EnrolmentPlan.objects.create(
            school=school,
            year=year,
            total_places=10,
            zoned_places=8,
            surplus_places=2,
            application_start=date(year, 6, 20),
            application_end=date(year, 7, 5),
            published=True,
            rules="规则",
        )
        for rank in (1, 2, 3):
            PriorityGroup.objects.create(plan=plan, rank=rank, name=f"顺位{rank}")
        out[code] = school
    return out


@pytest.fixture
def make_application(schools):
    """make_application("TML", status=...) -> Application with a valid, unique ID number."""

    def make(code="TML", status=Application.Status.SUBMITTED, **extra):
        school = schools[code]
        year = school.plans.get().year
        n = next(_seq)
        applicant = Applicant.objects.create(
            district=school.district,
            year=year,
            number=f"{year}-{n:08d}",
            name=f"测试儿童{n}",
            gender="F",
            birth_date=date(year - 7, 10, 1),
            id_number=idcard.make(school.district.code, date(year - 7, 10, 1), n),
            guardian_name="家长",
            guardian_phone=f"139{n:08d}",
            hukou_address="五星街1号",
            residence_address="五星街1号",
        )
        return Application.objects.create(
            applicant=applicant, school=school, year=year, status=status, **extra
        )

    return make
