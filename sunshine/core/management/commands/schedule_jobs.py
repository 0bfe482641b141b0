from django.core.management.base import BaseCommand

from sunshine.core.schedule import daily_tasks, schedule_daily


class Command(BaseCommand):
    help = "Queue the next run of every daily background job that has none waiting. Safe to rerun."

    def handle(self, *args, **options):
        for task, at in daily_tasks():
            queued = schedule_daily(task, at)
            state = "queued" if queued else "already waiting (or backend cannot defer)"
            self.stdout.write(f"{task.module_path} at {at:%H:%M}: {state}")
