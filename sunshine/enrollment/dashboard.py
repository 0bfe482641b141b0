from django.db.models import Count

from sunshine.core.roles import Role
from sunshine.enrollment.models import Application, EnrolmentPlan


def panel(request) -> dict | None:
    user = request.user
    if user.role not in (Role.SCHOOL, Role.BUREAU, Role.INSPECTION) or not user.organisation_id:
        return None
    counts = dict(
        Application.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    plans = EnrolmentPlan.objects.with_counts().select_related("school__organisation")
    if user.role == Role.SCHOOL:
        plans = plans.filter(school__organisation=user.organisation_id)
    else:
        plans = plans.filter(school__organisation__district=user.organisation.district_id)
    return {
        "template": "enrollment/_panel.html",
        "counts": [(s, counts.get(s.value, 0)) for s in Application.Status],
        "plans": list(plans.order_by("-year", "school__code")[:10]),
    }
