import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from sunshine.core.audit_models import AuditEntry
from sunshine.oversight.models import Problem
from sunshine.oversight.overdue import mark_overdue
from sunshine.oversight.tasks import mark_overdue_task

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def school_user(world):
    user = world.users["school_ly"]
    user.email = "ly@example.org"
    user.save()
    return user


def test_it_computes_overdue_from_the_deadline(world, make_problem):
    problem = make_problem(deadline=D(2023, 8, 1))
    assert not problem.is_overdue(D(2023, 8, 1))  # the deadline day itself is still in time
    assert problem.is_overdue(D(2023, 8, 2))
    assert list(Problem.objects.overdue(D(2023, 8, 2))) == [problem]
    assert not make_problem(deadline=None).is_overdue(D(2030, 1, 1))


def test_a_reported_or_verified_problem_is_not_overdue(world, make_problem, lookback):
    problem = make_problem(deadline=D(2023, 8, 1))
    problem.start_rectifying(by=world.inspector)
    assert problem.is_overdue(D(2023, 8, 2))
    problem.report_rectification(text="done", by=world.inspector)
    assert not problem.is_overdue(D(2023, 8, 2))  # now it waits on the inspectors' look-back
    assert not Problem.objects.overdue(D(2023, 8, 2)).exists()
    problem.verify(visit=lookback(), note="ok", by=world.inspector)
    assert not problem.is_overdue(D(2024, 1, 1))
    assert not Problem.objects.overdue(D(2024, 1, 1)).exists()


def test_the_daily_job_notifies_once_even_when_run_twice(world, make_problem, school_user):
    problem = make_problem(deadline=D(2023, 8, 1))
    make_problem(deadline=D(2023, 9, 1), description="未到期")
    with time_machine.travel(datetime.datetime(2023, 8, 2, 1, 0, tzinfo=datetime.UTC)):
        first = mark_overdue()
        second = mark_overdue()
    assert (first.marked, first.mails) == (1, 1)
    assert (second.marked, second.mails) == (0, 0)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"ly@example.org", "qx1@example.org"}
    assert problem.number in mail.outbox[0].subject
    problem.refresh_from_db()
    assert problem.overdue_since == D(2023, 8, 2)
    assert AuditEntry.objects.filter(action="oversight.problem_overdue").count() == 1


def test_it_does_nothing_before_the_deadline_passes(world, make_problem, school_user):
    make_problem(deadline=D(2023, 8, 1))
    with time_machine.travel(datetime.datetime(2023, 8, 1, 10, 0, tzinfo=datetime.UTC)):
        assert mark_overdue().marked == 0
    assert mail.outbox == []


def test_a_moved_deadline_that_passes_again_notifies_again(world, make_problem, school_user):
    problem = make_problem(deadline=D(2023, 8, 1))
    with time_machine.travel(datetime.datetime(2023, 8, 2, 1, 0, tzinfo=datetime.UTC)):
        mark_overdue()
        problem.move_deadline(D(2023, 8, 10), reason="学校申请延期", by=world.inspector)
        assert mark_overdue().marked == 0
    with time_machine.travel(datetime.datetime(2023, 8, 11, 1, 0, tzinfo=datetime.UTC)):
        assert mark_overdue().marked == 1
        assert mark_overdue().marked == 0
    assert len(mail.outbox) == 2


def test_the_command_and_the_task_run_the_same_sweep(world, make_problem, school_user, capsys):
    make_problem(deadline=D(2023, 8, 1))
    make_problem(deadline=D(2023, 8, 3), description="第二个")
    with time_machine.travel(datetime.datetime(2023, 8, 2, 1, 0, tzinfo=datetime.UTC)):
        call_command("mark_overdue")
        assert "marked 1" in capsys.readouterr().out
        call_command("mark_overdue")
        assert "marked 0" in capsys.readouterr().out
    with time_machine.travel(datetime.datetime(2023, 8, 4, 1, 0, tzinfo=datetime.UTC)):
        result = mark_overdue_task.enqueue()  # ImmediateBackend in tests
        assert result.return_value == {"marked": 1, "mails": 1}
        mark_overdue_task.enqueue()
    assert len(mail.outbox) == 2


def test_on_the_database_backend_the_task_queues_tomorrows_run_once(settings, world):
    from django_tasks_db.models import DBTaskResult

    from sunshine.core.schedule import next_run, schedule_daily
    from sunshine.oversight.tasks import mark_overdue_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = datetime.datetime(2023, 8, 2, 10, 0, tzinfo=datetime.UTC)  # 18:00 in Shanghai
    at = datetime.time(0, 5)
    assert next_run(at, now).isoformat() == "2023-08-03T00:05:00+08:00"
    assert schedule_daily(mark_overdue_task, at, now) is True
    assert schedule_daily(mark_overdue_task, at, now) is False  # one waiting run is enough
    queued = DBTaskResult.objects.get()
    assert queued.task_path == mark_overdue_task.module_path
    assert queued.run_after == next_run(at, now)


def test_schedule_jobs_queues_every_daily_task_once(settings, db):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("schedule_jobs")
    call_command("schedule_jobs")
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == [
        "sunshine.complaints.tasks.run_deadline_checks",
        "sunshine.complaints.tasks.run_retention_purge",
        "sunshine.oversight.tasks.mark_overdue_task",
    ]
