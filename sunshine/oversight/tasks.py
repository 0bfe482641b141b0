"""Background tasks (django-tasks, database backend). Schedule daily, e.g. with cron:

5 0 * * *  cd /srv/sunshine && .venv/bin/python manage.py mark_overdue --enqueue
"""

from django_tasks import task

from sunshine.oversight.overdue import mark_overdue


@task()
def mark_overdue_task() -> dict:
    result = mark_overdue()
    return {"marked": result.marked, "mails": result.mails}
