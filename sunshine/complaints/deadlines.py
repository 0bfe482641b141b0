"""Reminders before a deadline and escalation after it, each sent once per complaint.

Run by the ``complaints_deadlines`` management command or the ``check_deadlines`` task (daily,
e.g. from cron or the task worker). A step is claimed with a conditional UPDATE (``... WHERE
ack_reminded_at IS NULL``) and only the run whose UPDATE changed the row sends anything, so two
runs at once, or the same run twice, never send a reminder twice. Nothing goes to the reporter;
messages name the case number and the deadline, never the complaint's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.complaints.models import Complaint
from sunshine.core import audit
from sunshine.core.models import Organisation, User
from sunshine.core.roles import Role
from sunshine.lib import workdays


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0


def _inspectors(complaint: Complaint):
    """The officers who handle complaints (the stationed group), not the office above them."""
    return User.objects.filter(
        is_active=True, role=Role.INSPECTION, organisation__district_id=complaint.district_id
    ).exclude(organisation__kind=Organisation.Kind.INSPECTION_OFFICE)


def _recipients(complaint: Complaint, *, escalate: bool) -> list[str]:
    users = list(_inspectors(complaint))
    if complaint.status == Complaint.Status.FORWARDED and complaint.handler_org_id:
        users += list(User.objects.filter(is_active=True, organisation_id=complaint.handler_org_id))
    if escalate:
        # The inspection office above the stationed group hears of every missed deadline.
        users += list(
            User.objects.filter(
                is_active=True,
                organisation__district_id=complaint.district_id,
                organisation__kind=Organisation.Kind.INSPECTION_OFFICE,
            )
        )
    return sorted({u.email for u in users if u.email})


def _notify(complaint: Complaint, *, step: str, due: date, escalate: bool) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("complaints:detail", args=[complaint.pk])
    if escalate:
        subject = _("【督办】举报 %(number)s 已超过%(step)s期限") % {
            "number": complaint.number,
            "step": step,
        }
    else:
        subject = _("【提醒】举报 %(number)s %(step)s期限将至") % {
            "number": complaint.number,
            "step": step,
        }
    body = _("举报编号：%(number)s\n%(step)s期限：%(due)s\n请登录平台办理：%(link)s") % {
        "number": complaint.number,
        "step": step,
        "due": due.isoformat(),
        "link": link,
    }
    to = _recipients(complaint, escalate=escalate)
    if to:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [addr]) for addr in to])


def _claim(complaint: Complaint, field: str, statuses) -> bool:
    """Stamp ``field`` if nobody has; True only for the one caller whose UPDATE did it."""
    return bool(
        Complaint.objects.filter(
            pk=complaint.pk, status__in=statuses, **{f"{field}__isnull": True}
        ).update(**{field: timezone.now()})
    )


STEPS = [
    # stamp field, due field, statuses in which the deadline runs, escalate?, step name
    ("ack_reminded_at", "ack_due", [Complaint.Status.RECEIVED], False, "ack"),
    ("ack_escalated_at", "ack_due", [Complaint.Status.RECEIVED], True, "ack"),
    (
        "conclude_reminded_at",
        "conclude_due",
        [Complaint.Status.ACCEPTED, Complaint.Status.FORWARDED],
        False,
        "conclude",
    ),
    (
        "conclude_escalated_at",
        "conclude_due",
        [Complaint.Status.ACCEPTED, Complaint.Status.FORWARDED],
        True,
        "conclude",
    ),
]


def check_deadlines(today: date | None = None) -> DeadlineRun:
    today = today or timezone.localdate()
    run = DeadlineRun()
    step_names = {"ack": _("受理"), "conclude": _("办结")}
    for field, due_field, statuses, escalate, step in STEPS:
        pending = Complaint.objects.filter(
            status__in=statuses, **{f"{field}__isnull": True, f"{due_field}__isnull": False}
        )
        for complaint in pending.select_related("district"):
            due = getattr(complaint, due_field)
            if escalate:
                fire = today > due
            else:
                left = workdays.working_days_between(today, due)
                fire = today <= due and left <= settings.COMPLAINTS_REMIND_WORKING_DAYS
            if not fire:
                continue
            with transaction.atomic():
                if not _claim(complaint, field, statuses):
                    continue
                audit.record(
                    "complaints.escalated" if escalate else "complaints.reminded",
                    complaint,
                    payload={"step": step, "due": due},
                )
            # Sent after the claim is committed: at most once, even if sending fails.
            _notify(complaint, step=step_names[step], due=due, escalate=escalate)
            if escalate:
                run.escalated += 1
            else:
                run.reminded += 1
    return run
