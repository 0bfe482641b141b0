from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class OversightConfig(AppConfig):
    name = "sunshine.oversight"
    label = "oversight"
    verbose_name = _("监督检查")
    nav_items = [
        NavItem(
            "oversight:index", _("监督检查"), (Role.INSPECTION, Role.BUREAU, Role.ADMIN), order=40
        ),
        NavItem("oversight:problem_list", _("整改问题"), (Role.SCHOOL,), order=40),
    ]
    dashboard_panels = ["sunshine.oversight.dashboard.panel"]
    daily_tasks = [("sunshine.oversight.tasks.mark_overdue_task", "00:05")]
