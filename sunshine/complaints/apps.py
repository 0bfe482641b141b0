from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "sunshine.complaints"
    label = "complaints"
    verbose_name = _("信访举报")
    nav_items: list = []
    dashboard_panels: list = []
