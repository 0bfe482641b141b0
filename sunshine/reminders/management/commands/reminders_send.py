from django.core.management.base import BaseCommand, CommandError

from sunshine.reminders import sending
from sunshine.reminders.models import Campaign


class Command(BaseCommand):
    help = (
        "Send what is left of one reminder campaign in this process, without the task queue. "
        "Safe beside running workers and after a crash: deliveries are claimed row by row."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, campaign, batch_size, **options):
        if not Campaign.objects.filter(pk=campaign).exists():
            raise CommandError(f"no campaign {campaign}")
        result = sending.run(campaign, batch_size=batch_size)
        self.stdout.write(f"reminders: campaign {campaign}: {result}")
