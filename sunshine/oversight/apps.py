from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "sunshine.oversight"
    label = "oversight"
    verbose_name = _("监督检查")
    nav_items: list = []
    dashboard_panels: list = []
