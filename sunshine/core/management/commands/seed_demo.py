from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from sunshine.core.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo districts (Ziliujing, Qixing) and accounts. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not list the logins.")

    def handle(self, *args, **options):
        # Each app may ship a `demo` module with `load(stdout)`; they run in INSTALLED_APPS order,
        # so an app's demo data can use what the apps above it created.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name.startswith("sunshine.") and find_spec(module_name):
                import_module(module_name).load(self.stdout)
        if not options["quiet_logins"]:
            self.stdout.write(
                self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
            )
            for username, display, role, org in ACCOUNTS:
                self.stdout.write(f"  {username:<15} {role.label} · {org or display}")
