from django.core.management.base import BaseCommand

from sunshine.complaints.deadlines import check_deadlines


class Command(BaseCommand):
    help = "Send complaint deadline reminders and escalations (each at most once); run daily."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the job for the task worker instead"
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from sunshine.complaints.tasks import run_deadline_checks

            result = run_deadline_checks.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        run = check_deadlines()
        self.stdout.write(f"reminded {run.reminded}, escalated {run.escalated}")
