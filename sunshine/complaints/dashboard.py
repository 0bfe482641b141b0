from django.utils import timezone

from sunshine.complaints.models import Complaint
from sunshine.complaints.stats import statistics
from sunshine.core.roles import Role


def panel(request) -> dict | None:
    user = request.user
    if not (user.is_authenticated and user.organisation_id):
        return None
    if user.role == Role.INSPECTION:
        mine = Complaint.objects.visible_to(user)
        today = timezone.localdate()
        waiting = mine.filter(status=Complaint.Status.RECEIVED).count()
        overdue = sum(1 for c in mine.open() if c.is_overdue(today))
        return {
            "template": "complaints/_panel.html",
            "stats": statistics(user.organisation.district_id, today),
            "waiting": waiting,
            "open_overdue": overdue,
            "triage": True,
        }
    if user.role in (Role.SCHOOL, Role.BUREAU):
        forwarded = Complaint.objects.visible_to(user).filter(status=Complaint.Status.FORWARDED)
        return {
            "template": "complaints/_panel.html",
            "forwarded": forwarded.count(),
            "triage": False,
        }
    return None
