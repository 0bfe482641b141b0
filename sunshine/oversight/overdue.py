"""The daily overdue sweep: mark problems whose deadline passed, notify once.

Each problem is claimed with a conditional ``UPDATE ... WHERE overdue_since IS NULL`` and only
the run whose update hit the row sends the notice, so running the job twice (or two workers at
once) never sends a notice twice. Moving the deadline clears ``overdue_since``; a new deadline
that passes again gives a new notice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.core import audit
from sunshine.core.models import User
from sunshine.oversight.models import Problem, overdue_q


@dataclass
class SweepResult:
    marked: int
    mails: int


def recipients(problem: Problem) -> list[str]:
    """Users of the responsible organisation, and the inspection group's members."""
    emails: set[str] = set()
    if problem.responsible_org_id:
        emails.update(
            User.objects.filter(organisation_id=problem.responsible_org_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    group = problem.group or (problem.visit.group if problem.visit_id else None)
    if group is not None:
        emails.update(
            group.members.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        )
    return sorted(emails)


def mark_overdue(today: datetime.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    marked = mails = 0
    candidates = Problem.objects.overdue(today).filter(overdue_since__isnull=True)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Problem.objects.filter(
                overdue_q(today), pk=pk, overdue_since__isnull=True
            ).update(overdue_since=today)
            if claimed != 1:
                continue  # another run got here first
            problem = Problem.objects.select_related("responsible_org", "group", "visit").get(pk=pk)
            audit.record(
                "oversight.problem_overdue",
                problem,
                payload={"deadline": problem.deadline, "on": today},
            )
            marked += 1
            to = recipients(problem)
            if to:
                link = settings.SITE_URL.rstrip("/") + reverse(
                    "oversight:problem_detail", args=[problem.pk]
                )
                send_mail(
                    _("【逾期提醒】问题 %(number)s 已超过整改时限") % {"number": problem.number},
                    _(
                        "问题 %(number)s（%(subject)s）的整改时限为 %(deadline)s，至今尚未核查销号。"
                        "请责任单位尽快整改并报送整改情况。\n\n%(link)s"
                    )
                    % {
                        "number": problem.number,
                        "subject": problem.subject or "—",
                        "deadline": problem.deadline,
                        "link": link,
                    },
                    settings.DEFAULT_FROM_EMAIL,
                    to,
                )
                mails += 1
    return SweepResult(marked=marked, mails=mails)
