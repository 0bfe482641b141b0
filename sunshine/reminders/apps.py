from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class RemindersConfig(AppConfig):
    name = "sunshine.reminders"
    label = "reminders"
    verbose_name = _("廉洁提醒")
    nav_items = [
        NavItem("reminders:index", _("廉洁提醒"), (Role.BUREAU, Role.INSPECTION), order=60)
    ]
    dashboard_panels = ["sunshine.reminders.dashboard.panel"]
