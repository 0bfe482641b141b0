"""The one permission mechanism: every view is marked either public or for some roles.

``role_required(Role.BUREAU, ...)`` sends anonymous visitors to the login page and answers
403 to a signed-in account of another role. ``public`` marks a view anyone may open. A test
walks the URL configuration and fails on any view that carries neither mark.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from sunshine.core.roles import Role


def role_required(*roles: str):
    if not roles:
        raise ValueError("role_required needs at least one role")
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.role in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.sunshine_roles = allowed
        return wrapper

    return decorator


def login_required_any_role(view):
    """For pages every signed-in account may see (its own dashboard, password change)."""
    return role_required(*Role.values)(view)


def public(view):
    view.sunshine_public = True
    return view


def user_has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)
