from django.conf import settings
from django.core.management.base import BaseCommand

from sunshine.complaints.models import purge_expired


class Command(BaseCommand):
    help = "Purge complaints closed longer ago than COMPLAINTS_RETENTION_DAYS, keeping statistics."

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(
            f"purged {count} complaint(s) closed over {settings.COMPLAINTS_RETENTION_DAYS} days ago"
        )
