from django.urls import NoReverseMatch, reverse

from sunshine.core.models import District
from sunshine.core.nav import nav_for


def _complaint_url() -> str | None:
    try:
        return reverse("complaints:new")
    except NoReverseMatch:
        return None


def sunshine(request):
    user = request.user
    return {
        "nav_items": nav_for(user),
        "current_role": user.role if user.is_authenticated else None,
        "footer_districts": District.objects.order_by("code"),  # lazy: only the footer reads it
        "complaint_url": _complaint_url(),
    }
