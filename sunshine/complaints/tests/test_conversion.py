"""One action turns a complaint into a ledger problem, linked both ways, audited."""

import pytest
from django.urls import reverse

from sunshine.complaints.models import Complaint, ComplaintError
from sunshine.core.audit_models import AuditEntry
from sunshine.oversight.models import Problem

pytestmark = pytest.mark.django_db


def test_it_converts_a_complaint_into_a_problem(client, file_complaint, inspector, tml):
    complaint, _ = file_complaint(reporter_name="王家长")
    complaint.accept(by=inspector)
    client.force_login(inspector)
    response = client.post(
        reverse("complaints:convert", args=[complaint.pk]),
        {
            "category": "integrity",
            "description": "檀木林小学招生中有教师收受家长财物",
            "demand": "退还财物，全校通报",
            "deadline": "2026-08-31",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    problem = complaint.problem
    assert problem.source == Problem.Source.COMPLAINT
    assert problem.subject == tml and problem.responsible_org == tml
    assert problem.category == "integrity" and problem.deadline.isoformat() == "2026-08-31"
    assert list(problem.complaints.all()) == [complaint]  # the other way
    # Only what the officer wrote reaches the ledger: not the complaint text, not the reporter.
    assert complaint.text not in problem.description and "王家长" not in problem.description
    entry = AuditEntry.objects.get(action="complaints.converted")
    assert entry.payload == {"problem": problem.number}
    assert AuditEntry.objects.filter(action="oversight.problem_raised").count() == 1
    html = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert problem.number in html
    assert reverse("oversight:problem_detail", args=[problem.pk]) in html
    # ... and the problem's page links back to the complaint.
    html = client.get(reverse("oversight:problem_detail", args=[problem.pk])).content.decode()
    assert reverse("complaints:detail", args=[complaint.pk]) in html


def test_the_category_defaults_from_the_complaint(file_complaint, inspector):
    complaint, _ = file_complaint(category=Complaint.Category.DOUBLE_REDUCTION)
    problem = complaint.convert_to_problem(description="在职教师有偿补课", by=inspector)
    assert problem.category == "training"


def test_it_converts_only_once(file_complaint, inspector):
    complaint, _ = file_complaint()
    complaint.convert_to_problem(description="问题一", by=inspector)
    with pytest.raises(ComplaintError):
        complaint.convert_to_problem(description="问题二", by=inspector)
    assert Problem.objects.count() == 1


def test_a_school_cannot_convert(client, file_complaint, inspector, tml, demo):
    complaint, _ = file_complaint()
    complaint.forward(to=tml, by=inspector)
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("complaints:convert", args=[complaint.pk]),
        {"description": "x", "category": "other"},
    )
    assert response.status_code == 403
    with pytest.raises(ComplaintError):
        complaint.convert_to_problem(description="x", by=demo["school_tml"])
    assert not Problem.objects.exists()


def test_a_rejected_complaint_is_not_converted(file_complaint, inspector):
    complaint, _ = file_complaint()
    complaint.reject(reason="不属实", by=inspector)
    with pytest.raises(ComplaintError):
        complaint.convert_to_problem(description="x", by=inspector)
