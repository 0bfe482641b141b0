import os
from datetime import date

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Warning, register

from sunshine.lib import workdays


@register()
def complaints_settings(app_configs, **kwargs):
    problems = []
    keys = [k.strip() for k in str(settings.COMPLAINTS_ENCRYPTION_KEY).split(",") if k.strip()]
    for key in keys or [""]:
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            problems.append(
                Error(
                    "COMPLAINTS_ENCRYPTION_KEY holds a value that is not a Fernet key.",
                    hint="Generate one with Fernet.generate_key().",
                    id="complaints.E001",
                )
            )
    try:
        workdays.in_season(date.today(), settings.COMPLAINTS_ENROLMENT_SEASON)
    except ValueError as exc:
        problems.append(Error(str(exc), id="complaints.E002"))
    if not settings.DEBUG and not os.environ.get("COMPLAINTS_ENCRYPTION_KEY"):
        problems.append(
            Warning(
                "COMPLAINTS_ENCRYPTION_KEY is derived from SECRET_KEY: changing SECRET_KEY would "
                "make every stored complaint unreadable.",
                hint="Set COMPLAINTS_ENCRYPTION_KEY to its own Fernet key and keep a copy safe.",
                id="complaints.W001",
            )
        )
    per_client = settings.COMPLAINTS_RECEIPT_MAX_FAILURES
    if settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES < 10 * per_client:
        problems.append(
            Warning(
                "COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES is less than 10 times "
                "COMPLAINTS_RECEIPT_MAX_FAILURES: a few clients guessing codes could stop "
                "every reporter from following their case.",
                hint=f"Raise it to at least {10 * per_client} (default 200).",
                id="complaints.W002",
            )
        )
    return problems
