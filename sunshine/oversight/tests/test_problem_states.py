import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.oversight.models import Problem

pytestmark = pytest.mark.django_db
S = Problem.Status


def _to(problem, status, by, lookback):
    """Drive a fresh problem into `status` through the verbs."""
    path = {
        S.OPEN: [],
        S.RECTIFYING: ["start"],
        S.REPORTED: ["start", "report"],
        S.VERIFIED: ["start", "report", "verify"],
        S.REOPENED: ["start", "report", "reopen"],
    }[status]
    for step in path:
        _do(problem, step, by, lookback)
    assert problem.status == status
    return problem


def _do(problem, step, by, lookback):
    if step == "start":
        problem.start_rectifying(by=by)
    elif step == "report":
        problem.report_rectification(text="已整改", by=by)
    elif step == "verify":
        problem.verify(visit=lookback(), note="整改到位", by=by)
    elif step == "reopen":
        problem.reopen(visit=lookback(), note="整改不到位", by=by)


STEP_TARGET = {
    "start": S.RECTIFYING,
    "report": S.REPORTED,
    "verify": S.VERIFIED,
    "reopen": S.REOPENED,
}


@pytest.mark.parametrize("start", S.values)
@pytest.mark.parametrize("step", list(STEP_TARGET))
def test_it_allows_exactly_the_transitions_of_the_state_machine(
    world, make_problem, lookback, start, step
):
    problem = _to(make_problem(), start, world.inspector, lookback)
    allowed = STEP_TARGET[step] in Problem.TRANSITIONS[start]
    if allowed:
        _do(problem, step, world.inspector, lookback)
        assert problem.status == STEP_TARGET[step]
        assert AuditEntry.objects.filter(action=f"oversight.problem_{STEP_TARGET[step]}").exists()
    else:
        with pytest.raises(ValidationError):
            _do(problem, step, world.inspector, lookback)
        problem.refresh_from_db()
        assert problem.status == start


def test_the_machine_is_the_one_of_the_issue():
    assert Problem.TRANSITIONS == {
        S.OPEN: {S.RECTIFYING},
        S.RECTIFYING: {S.REPORTED},
        S.REPORTED: {S.VERIFIED, S.REOPENED},
        S.REOPENED: {S.RECTIFYING},
        S.VERIFIED: set(),
    }


def test_it_numbers_problems_per_year_and_audits_raising(world, make_problem):
    a, b = make_problem(), make_problem(description="另一个问题")
    assert (a.number, b.number) == (f"WT-{a.found_on.year}-001", f"WT-{a.found_on.year}-002")
    entry = AuditEntry.objects.get(action="oversight.problem_raised", object_id=str(a.pk))
    assert entry.actor == world.inspector
    assert a.group == world.group and a.responsible_org == world.orgs["龙隐小学"]


def test_it_refuses_an_empty_description(world):
    with pytest.raises(ValidationError):
        Problem.raise_new(description="  ", by=world.inspector)


def test_verification_needs_a_lookback_visit_of_the_same_subject(world, make_problem, lookback):
    problem = _to(make_problem(), S.REPORTED, world.inspector, lookback)
    with pytest.raises(ValidationError):
        problem.verify(visit=world.visit, note="ok", by=world.inspector)  # not a look-back
    with pytest.raises(ValidationError):
        problem.verify(visit=lookback(subject="汇通小学"), note="ok", by=world.inspector)
    visit = lookback()
    problem.verify(visit=visit, note="ok", by=world.inspector)
    assert problem.closed_on == visit.date and problem.verification_visit == visit


def test_reopening_needs_a_reason_and_the_loop_can_run_again(world, make_problem, lookback):
    problem = _to(make_problem(), S.REPORTED, world.inspector, lookback)
    with pytest.raises(ValidationError):
        problem.reopen(visit=lookback(), note=" ", by=world.inspector)
    problem.reopen(visit=lookback(), note="未整改到位", by=world.inspector)
    problem.start_rectifying(by=world.inspector)
    problem.report_rectification(text="再次整改", by=world.inspector)
    problem.verify(visit=lookback(date=datetime.date(2023, 9, 1)), note="ok", by=world.inspector)
    assert problem.status == S.VERIFIED and problem.reports.count() == 2


def test_the_school_answers_its_problem_through_the_pages(client, world, make_problem, lookback):
    problem = make_problem()
    client.force_login(world.users["school_ly"])
    client.post(reverse("oversight:problem_start", args=[problem.pk]))
    client.post(reverse("oversight:problem_report", args=[problem.pk]), {"text": "已安排专人值守"})
    problem.refresh_from_db()
    assert problem.status == S.REPORTED
    # Only inspection verifies.
    visit = lookback()
    data = {"visit": visit.pk, "outcome": "verified", "note": "ok"}
    assert (
        client.post(reverse("oversight:problem_verify", args=[problem.pk]), data).status_code == 403
    )
    client.force_login(world.inspector)
    client.post(reverse("oversight:problem_verify", args=[problem.pk]), data)
    problem.refresh_from_db()
    assert problem.status == S.VERIFIED


def test_a_refused_transition_on_the_page_says_why(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.users["school_ly"])
    response = client.post(
        reverse("oversight:problem_report", args=[problem.pk]), {"text": "x"}, follow=True
    )
    assert "不能改为" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == S.OPEN


def test_the_complaints_contract_raises_a_problem_without_subject(world):
    problem = Problem.raise_new(
        description="群众反映有人收钱帮助加塞入学",
        by=world.inspector,
        source=Problem.Source.COMPLAINT,
        category="廉洁纪律",
    )
    assert (problem.source, problem.category, problem.subject) == ("complaint", "integrity", None)
    assert problem.number.startswith("WT-") and problem.status == S.OPEN
    assert reverse("oversight:problem_detail", args=[problem.pk]).endswith(f"/{problem.pk}/")
    with pytest.raises(ValidationError):
        Problem.raise_new(description="x", by=world.inspector, category="不存在的类别")
