"""Background tasks (django-tasks, database backend).

``mark_overdue_task`` sweeps once and, on a backend that can defer (the database backend),
queues its own next run for 00:05 tomorrow, so one ``manage.py mark_overdue --enqueue`` starts a
daily chain the worker (``make worker``) keeps going. A cron line works as well:

    5 0 * * *  cd /srv/sunshine && .venv/bin/python manage.py mark_overdue

Running the sweep more than once a day is harmless: each notice is claimed once.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from sunshine.oversight.overdue import mark_overdue

DAILY_AT = datetime.time(0, 5)


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    tomorrow = now.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, DAILY_AT))


def schedule_next(now: datetime.datetime | None = None) -> bool:
    """Queue tomorrow's run unless one is already waiting. Returns whether it queued one."""
    backend = mark_overdue_task.get_backend()
    if not backend.supports_defer:
        return False  # e.g. the immediate backend in tests: it would run at once, forever
    now = now or timezone.now()
    try:
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status="READY", task_path=mark_overdue_task.module_path, run_after__gt=now
        ).exists()
    except ImportError:  # another deferring backend: queue, a second run is harmless
        waiting = False
    if waiting:
        return False
    mark_overdue_task.using(run_after=next_run(now)).enqueue()
    return True


@task()
def mark_overdue_task() -> dict:
    result = mark_overdue()
    schedule_next()
    return {"marked": result.marked, "mails": result.mails}
