"""Background jobs (django-tasks): deadline reminders/escalation and the retention purge."""

from django_tasks import task

from sunshine.complaints.deadlines import check_deadlines
from sunshine.complaints.models import purge_expired


@task()
def run_deadline_checks() -> dict:
    run = check_deadlines()
    return {"reminded": run.reminded, "escalated": run.escalated}


@task()
def run_retention_purge() -> int:
    return purge_expired()
