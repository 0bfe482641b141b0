from django.core.management.base import BaseCommand

from sunshine.reminders import sending


class Command(BaseCommand):
    help = (
        "Hand to the task queue every reminder campaign that is due or whose worker went quiet "
        "(crashed, restarted). Safe to run at any time, e.g. from cron or before `db_worker`."
    )

    def handle(self, *args, **options):
        ids = sending.resume_stalled()
        self.stdout.write(f"reminders: {len(ids)} campaign(s) handed to the queue {ids}")
