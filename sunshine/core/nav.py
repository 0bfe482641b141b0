"""Navigation and dashboard panels contributed by each app.

An app's AppConfig may define ``nav_items`` (a list of NavItem) and ``dashboard_panels``
(a list of dotted paths to functions ``panel(request) -> dict | None``; the dict has
``template`` and whatever that template needs). The base layout and the dashboard collect them,
so apps never edit core's templates.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...]  # empty: shown to everyone, signed in or not
    order: int = 50


def nav_for(user) -> list[dict]:
    role = user.role if user.is_authenticated else None
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if item.roles and role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append((item.order, str(item.label), url, item.url_name))
    items.sort(key=lambda t: t[0])
    return [{"label": label, "url": url, "name": name} for _, label, url, name in items]


def dashboard_panels(request) -> list[dict]:
    panels = []
    for config in apps.get_app_configs():
        for path in getattr(config, "dashboard_panels", ()):
            panel = import_string(path)(request)
            if panel:
                panels.append(panel)
    return panels
