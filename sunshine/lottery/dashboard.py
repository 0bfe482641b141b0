from sunshine.core.roles import Role
from sunshine.lottery.models import Draw, Witness


def panel(request) -> dict | None:
    user = request.user
    if user.role not in (Role.BUREAU, Role.INSPECTION, Role.SCHOOL, Role.WITNESS):
        return None
    draws = Draw.objects.visible_to(user).exclude(
        state__in=(Draw.State.PUBLISHED, Draw.State.CANCELLED)
    )
    pending = Witness.objects.filter(user=user, revealed_at__isnull=True).select_related("draw")
    pending = [w for w in pending if w.draw.state != Draw.State.CANCELLED]
    if not draws and not pending:
        return None
    return {"template": "lottery/_panel.html", "draws": list(draws[:10]), "pending": pending}
