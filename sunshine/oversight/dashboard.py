from sunshine.core.roles import Role
from sunshine.oversight.models import Problem


def panel(request) -> dict | None:
    user = request.user
    if user.role not in (Role.INSPECTION, Role.SCHOOL, Role.BUREAU):
        return None
    problems = Problem.objects.visible_to(user)
    return {
        "template": "oversight/_panel.html",
        "open": problems.open().count(),
        "overdue": problems.overdue().count(),
        "to_verify": (
            problems.filter(status=Problem.Status.REPORTED).count()
            if user.role == Role.INSPECTION
            else None
        ),
        "show_stats": user.role in (Role.INSPECTION, Role.BUREAU),
    }
