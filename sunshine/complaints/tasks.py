"""Background jobs (django-tasks): deadline reminders/escalation and the retention purge.

Both run daily (ComplaintsConfig.daily_tasks) and queue their own next run when they finish.
"""

from django_tasks import task

from sunshine.complaints.deadlines import check_deadlines
from sunshine.complaints.models import purge_expired
from sunshine.core.schedule import reschedule


@task()
def run_deadline_checks() -> dict:
    run = check_deadlines()
    reschedule(run_deadline_checks)
    return {"reminded": run.reminded, "escalated": run.escalated}


@task()
def run_retention_purge() -> int:
    purged = purge_expired()
    reschedule(run_retention_purge)
    return purged
