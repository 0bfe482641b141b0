"""Daily background jobs on django-tasks' database backend, without cron.

An app lists its daily tasks in its AppConfig: ``daily_tasks = [("sunshine.x.tasks.job",
"00:05")]``. ``manage.py schedule_jobs`` (run by ``make run``) queues each one's next run unless
one is already waiting, and each daily task calls ``schedule_daily`` again when it finishes, so the
worker keeps the chain going. Running a job twice is harmless: the jobs claim their work.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string


def parse_time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def next_run(at: datetime.time, now: datetime.datetime | None = None) -> datetime.datetime:
    """The next ``at`` o'clock (local time) strictly after tomorrow begins."""
    now = timezone.localtime(now or timezone.now())
    tomorrow = now.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, at))


def schedule_daily(task, at: datetime.time, now: datetime.datetime | None = None) -> bool:
    """Queue the task's next daily run unless one is already waiting. Returns whether it queued."""
    if not task.get_backend().supports_defer:
        return False  # e.g. the immediate backend in tests: it would run at once, forever
    now = now or timezone.now()
    try:
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status="READY", task_path=task.module_path, run_after__gt=now
        ).exists()
    except ImportError:  # another deferring backend: queue, a second run is harmless
        waiting = False
    if waiting:
        return False
    task.using(run_after=next_run(at, now)).enqueue()
    return True


def daily_tasks() -> list[tuple[object, datetime.time]]:
    found = []
    for config in apps.get_app_configs():
        for path, at in getattr(config, "daily_tasks", ()):
            found.append((import_string(path), parse_time(at)))
    return found


def reschedule(task) -> bool:
    """Called by a daily task when it finishes: queue tomorrow's run at its listed time."""
    for listed, at in daily_tasks():
        if listed.module_path == task.module_path:
            return schedule_daily(task, at)
    raise LookupError(f"{task.module_path} is not listed in any app's daily_tasks")
