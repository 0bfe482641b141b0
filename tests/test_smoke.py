"""Every page without parameters opens for every role without a server error, even with
nonsense in its query string (filters, pagination and ids typed by hand)."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from sunshine.core.models import User
from sunshine.core.roles import Role

pytestmark = pytest.mark.django_db

NONSENSE = (
    "?page=abc&status=zzz&school=x&year=y&campaign=abc&visit=abc&problem=abc&item=x"
    "&overdue=maybe&subject=abc&group=abc&district=abc&category=abc&q=%00&kind=abc&state=abc"
)


def _plain_routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "i18n/")):
                continue
            yield from _plain_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and "<" not in str(p.pattern):
            yield "/" + prefix + str(p.pattern)


def test_no_page_answers_with_a_server_error(client):
    call_command("seed_demo", quiet_logins=True, stdout=open("/dev/null", "w"))
    client.raise_request_exception = False  # collect every failure, then report them all
    routes = sorted(set(_plain_routes(get_resolver().url_patterns)))
    assert len(routes) > 30
    users = [None] + [User.objects.filter(role=role).first() for role in Role.values]
    failures = []
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in routes:
            for url in (route, route + NONSENSE):
                status = client.get(url).status_code
                if status >= 500:
                    failures.append((user.username if user else "anonymous", url[:60], status))
    assert failures == [], "\n".join(map(str, failures))
