from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=True)
def check_deployment(app_configs, **kwargs):
    problems = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        problems.append(
            Warning(
                "SECRET_KEY is the built-in demo key.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="sunshine.W001",
            )
        )
    if settings.DEBUG and any(
        h not in ("127.0.0.1", "localhost", "[::1]", "testserver") for h in settings.ALLOWED_HOSTS
    ):
        problems.append(
            Warning(
                "DEBUG is on while the site answers a public host name.",
                hint="Set DEBUG=0 for any deployment reachable by others.",
                id="sunshine.W002",
            )
        )
    return problems
