from sunshine.core.permissions import user_has_role
from sunshine.core.roles import Role
from sunshine.reminders.models import Campaign, Delivery


def panel(request) -> dict | None:
    """Reminder figures of the user's district, for the people who send them."""
    user = request.user
    if not user_has_role(user, Role.BUREAU, Role.INSPECTION) or not user.organisation_id:
        return None
    campaigns = Campaign.objects.visible_to(user)
    deliveries = Delivery.objects.filter(campaign__in=campaigns)
    return {
        "template": "reminders/_panel.html",
        "figures": Delivery.figures(deliveries),
        "by_org": Delivery.figures_by_organisation(deliveries)[:5],
        "sending": campaigns.filter(status=Campaign.Status.SENDING).count(),
        "latest": campaigns.exclude(status=Campaign.Status.DRAFT).first(),
    }
