from django.core.management.base import BaseCommand

from sunshine.oversight.overdue import mark_overdue
from sunshine.oversight.tasks import mark_overdue_task


class Command(BaseCommand):
    help = "Mark problems past their deadline as overdue and notify, once each. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the worker instead."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = mark_overdue_task.enqueue()
            self.stdout.write(f"queued task {result.id}")
            return
        result = mark_overdue()
        self.stdout.write(f"marked {result.marked} problems overdue, sent {result.mails} notices")
