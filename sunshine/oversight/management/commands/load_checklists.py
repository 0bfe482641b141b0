from django.core.management.base import BaseCommand

from sunshine.oversight.checklists import install_standard


class Command(BaseCommand):
    help = "Install the standard checklists (sunshine enrolment, double reduction). Safe to rerun."

    def handle(self, *args, **options):
        for code, version in install_standard().items():
            self.stdout.write(f"{code}: v{version.number}")
