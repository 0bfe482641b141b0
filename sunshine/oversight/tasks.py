"""Background tasks (django-tasks, database backend).

``mark_overdue_task`` sweeps once a day at 00:05 (listed in OversightConfig.daily_tasks; ``make
run`` starts the chain with ``manage.py schedule_jobs`` and the worker keeps it going). A cron line
works as well:

    5 0 * * *  cd /srv/sunshine && .venv/bin/python manage.py mark_overdue

Running the sweep more than once a day is harmless: each notice is claimed once.
"""

from __future__ import annotations

from django_tasks import task

from sunshine.core.schedule import reschedule
from sunshine.oversight.overdue import mark_overdue


@task()
def mark_overdue_task() -> dict:
    result = mark_overdue()
    reschedule(mark_overdue_task)
    return {"marked": result.marked, "mails": result.mails}
