from django.core.management.base import BaseCommand, CommandError

from sunshine.core import audit


class Command(BaseCommand):
    help = "Check the audit log's hash chain; name the first edited, deleted or inserted entry."

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry #{result.broken_seq}: {result.reason} "
                f"({result.checked} entries before it are intact)"
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {result.checked} entries, chain intact"))
