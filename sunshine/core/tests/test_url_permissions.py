"""Every view must be marked public or carry role_required: nobody can forget the check."""

from django.urls import URLPattern, URLResolver, get_resolver

EXEMPT_MODULES = ("django.contrib.admin", "django.views.i18n", "django.views.static")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_view_is_marked_public_or_role_protected():
    unmarked = []
    for route, view in _walk(get_resolver().url_patterns):
        module = getattr(view, "__module__", "") or ""
        if module.startswith(EXEMPT_MODULES) or route.startswith("admin/"):
            continue
        if not (getattr(view, "sunshine_public", False) or getattr(view, "sunshine_roles", None)):
            unmarked.append(route)
    assert unmarked == []
