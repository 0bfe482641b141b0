from collections import Counter

import pytest

from sunshine.enrollment import demo as enrollment_demo
from sunshine.enrollment.models import Applicant, Application, EnrolmentPlan
from sunshine.lib import idcard

pytestmark = pytest.mark.django_db
S = Application.Status


def test_the_demo_district_is_realistic_and_loads_once(demo):
    enrollment_demo.load()
    counts = (Applicant.objects.count(), Application.objects.count())
    numbers = set(Applicant.objects.values_list("number", flat=True))
    enrollment_demo.load()
    assert (Applicant.objects.count(), Application.objects.count()) == counts
    assert set(Applicant.objects.values_list("number", flat=True)) == numbers

    plans = {p.school.code: p for p in EnrolmentPlan.objects.select_related("school")}
    assert {c: (p.surplus_places, p.eligible_count()) for c, p in plans.items()} == {
        "TML": (30, 48),
        "TKS": (30, 41),
        "LY": (45, 24),
        "HT": (40, 19),
    }
    assert plans["TML"].needs_lottery and plans["TKS"].needs_lottery
    assert not plans["LY"].needs_lottery and not plans["HT"].needs_lottery

    groups = Counter(
        Application.objects.filter(school__code="TML")
        .exclude(multiple_birth_group="")
        .values_list("multiple_birth_group", flat=True)
    )
    assert sorted(groups.values()) == [2, 3]
    both = Applicant.objects.filter(year=2020, applications__school__code="TKS").filter(
        applications__school__code="TML"
    )
    assert both.count() == 10
    for child in both:
        assert sorted(child.applications.values_list("preference", flat=True)) == [1, 2]
    assert all(
        idcard.id_error(i) is None for i in Applicant.objects.values_list("id_number", flat=True)
    )
    undecided = {S.SUBMITTED, S.UNDER_REVIEW}
    for application in Application.objects.exclude(status__in=undecided):
        assert application.status_reason
        assert application.reviews.count() == 2
    assert Application.objects.filter(school__code="TML", status=S.INELIGIBLE).exists()
    assert Application.objects.filter(school__code="TKS", status=S.NEEDS_DOCUMENTS).exists()
