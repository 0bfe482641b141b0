"""Reminders before a deadline and escalation after it fire once, however often the job runs."""

import pytest
from django.core import mail
from django.core.management import call_command

from sunshine.complaints.deadlines import check_deadlines
from sunshine.complaints.models import Complaint
from sunshine.complaints.tasks import run_deadline_checks
from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import Organisation, User
from sunshine.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailboxes(demo, tml):
    """Give the inspectors, the school and the inspection office addresses."""
    demo["inspector_zlj"].email = "yi@jw.example.cn"
    demo["inspector_zlj"].save()
    demo["school_tml"].email = "tml@school.example.cn"
    demo["school_tml"].save()
    office = Organisation.objects.get(name="自流井区纪委监委")
    User.objects.create_user(
        "office_zlj", email="office@jw.example.cn", role=Role.INSPECTION, organisation=office
    )


def test_the_acknowledgement_reminder_and_escalation_fire_once(
    file_complaint, time_machine, mailboxes
):
    time_machine.move_to("2025-09-30 10:00:00+08:00")
    complaint, _ = file_complaint(text="机密内容不应出现在邮件里：红包两千元")
    assert complaint.ack_due.isoformat() == "2025-10-09"

    time_machine.move_to("2025-10-05 09:00:00+08:00")  # holiday: 1 working day before due
    assert check_deadlines().reminded == 1
    assert check_deadlines().reminded == 0  # the job runs twice
    call_command("complaints_deadlines")  # and once more from cron
    assert len(mail.outbox) == 1
    assert complaint.number in mail.outbox[0].subject
    assert "红包" not in mail.outbox[0].body and "2025-10-09" in mail.outbox[0].body

    time_machine.move_to("2025-10-10 09:00:00+08:00")  # the day after the deadline
    first = check_deadlines()
    second = check_deadlines()
    assert (first.escalated, second.escalated) == (1, 0)
    escalation = mail.outbox[1:]
    assert {m.to[0] for m in escalation} == {"yi@jw.example.cn", "office@jw.example.cn"}
    assert all("督办" in m.subject for m in escalation)
    complaint.refresh_from_db()
    assert complaint.ack_reminded_at and complaint.ack_escalated_at
    assert AuditEntry.objects.filter(action="complaints.reminded").count() == 1
    assert AuditEntry.objects.filter(action="complaints.escalated").count() == 1


def test_nothing_fires_early_or_for_acknowledged_cases(file_complaint, inspector, time_machine):
    time_machine.move_to("2025-11-03 09:00:00+08:00")  # Monday; ack due Tuesday
    complaint, _ = file_complaint()
    early = check_deadlines()
    assert (early.reminded, early.escalated) == (1, 0)  # due tomorrow: remind now
    complaint.accept(by=inspector)
    time_machine.move_to("2025-11-05 09:00:00+08:00")
    assert check_deadlines().escalated == 0


def test_the_conclusion_deadline_reminds_the_handler_and_escalates(
    file_complaint, inspector, tml, time_machine, mailboxes
):
    time_machine.move_to("2025-07-01 09:00:00+08:00")  # enrolment season: 15 working days
    complaint, _ = file_complaint()
    complaint.forward(to=tml, by=inspector)
    complaint.refresh_from_db()
    assert complaint.conclude_due.isoformat() == "2025-07-22"
    time_machine.move_to("2025-07-21 09:00:00+08:00")
    mail.outbox.clear()
    assert run_deadline_checks.enqueue().return_value == {"reminded": 1, "escalated": 0}
    assert run_deadline_checks.enqueue().return_value == {"reminded": 0, "escalated": 0}
    assert {m.to[0] for m in mail.outbox} == {"yi@jw.example.cn", "tml@school.example.cn"}
    time_machine.move_to("2025-07-23 09:00:00+08:00")
    assert run_deadline_checks.enqueue().return_value == {"reminded": 0, "escalated": 1}
    assert run_deadline_checks.enqueue().return_value == {"reminded": 0, "escalated": 0}
    complaint.refresh_from_db()
    assert complaint.is_overdue() and complaint.deadline_state() == "overdue"


def test_a_concluded_case_is_not_escalated(file_complaint, inspector, time_machine):
    time_machine.move_to("2025-07-01 09:00:00+08:00")
    complaint, _ = file_complaint()
    complaint.accept(by=inspector)
    complaint.conclude(findings="已办结", by=inspector)
    time_machine.move_to("2025-09-01 09:00:00+08:00")
    run = check_deadlines()
    assert (run.reminded, run.escalated) == (0, 0)
    assert Complaint.objects.get().conclude_escalated_at is None
