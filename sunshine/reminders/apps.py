from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "sunshine.reminders"
    label = "reminders"
    verbose_name = _("廉洁提醒")
    nav_items: list = []
    dashboard_panels: list = []
