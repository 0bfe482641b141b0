"""Benchmark: 20,000 integrity reminders queued and sent end to end through the file backends.

    .venv/bin/python bench/bench_reminders.py [--recipients 20000]

Uses a fresh SQLite file in a temporary directory (or DATABASE_URL if set: give it an empty
database of your own), the django-tasks database backend and a real `db_worker --batch` run in
this process. Prints the time to queue (audience fixed, one delivery row per person), the time
to send, the total, and checks that every person got exactly one file. Target: <= 60 s in all.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=20_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["EMAIL_FILE_PATH"] = str(tmp / "mail")
    os.environ["REMINDERS_SMS_DIR"] = str(tmp / "sms")
    os.environ["REMINDERS_SMS_BACKEND"] = "file"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from sunshine.core.models import District, Organisation
    from sunshine.reminders.models import Campaign, Delivery, MessageTemplate, StaffMember

    district = District.objects.create(code="999999", name="基准区", complaint_phone="12388")
    orgs = [
        Organisation.objects.create(district=district, kind="school", name=f"基准第{i}小学")
        for i in range(40)
    ]
    staff = [
        StaffMember(
            district=district,
            organisation=orgs[i % len(orgs)],
            name=f"教师{i}",
            position="教师",
            category="other",
            mobile=f"139{i:08d}" if i % 2 == 0 else "",
            email=f"t{i}@bench.example.cn" if i % 2 == 1 else "",
        )
        for i in range(args.recipients)
    ]
    StaffMember.objects.bulk_create(staff, batch_size=2000)
    template = MessageTemplate.objects.create(
        district=district,
        name="基准",
        subject="【廉洁提醒】{姓名}",
        body="{姓名}同志：请严守招生纪律（{报名开始}至{报名截止}）。举报电话{举报电话}。",
    )
    campaign = Campaign.objects.create(district=district, title="基准批次", template=template)

    t0 = time.perf_counter()
    n = campaign.queue()
    t1 = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    t2 = time.perf_counter()

    campaign.refresh_from_db()
    figures = campaign.figures()
    files = len(list((tmp / "sms").glob("*.sms"))) + len(list((tmp / "mail").glob("*.eml")))
    print(f"recipients       {n}")
    print(f"queue            {t1 - t0:6.2f} s")
    print(f"send (db_worker) {t2 - t1:6.2f} s  ({n / (t2 - t1):.0f} messages/s)")
    print(f"total            {t2 - t0:6.2f} s  (target <= 60 s)")
    print(f"status {campaign.status}; delivered {figures['delivered']}, failed {figures['failed']}")
    print(f"files written    {files}")
    assert campaign.status == Campaign.Status.COMPLETED, campaign.status
    assert figures["delivered"] == n and files == n
    assert not Delivery.objects.filter(campaign=campaign).exclude(state="sent").exists()


if __name__ == "__main__":
    main()
