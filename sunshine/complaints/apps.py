from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class ComplaintsConfig(AppConfig):
    name = "sunshine.complaints"
    label = "complaints"
    verbose_name = _("信访举报")
    nav_items = [
        NavItem("complaints:new", _("我要举报"), (), order=80),
        NavItem("complaints:follow", _("举报查询"), (), order=81),
        NavItem(
            "complaints:index", _("举报办理"), (Role.INSPECTION, Role.SCHOOL, Role.BUREAU), order=40
        ),
    ]
    dashboard_panels = ["sunshine.complaints.dashboard.panel"]
    daily_tasks = [
        ("sunshine.complaints.tasks.run_deadline_checks", "08:00"),
        ("sunshine.complaints.tasks.run_retention_purge", "03:00"),
    ]

    def ready(self):
        from sunshine.complaints import checks  # noqa: F401
