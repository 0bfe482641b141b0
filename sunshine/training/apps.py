from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "sunshine.training"
    label = "training"
    verbose_name = _("校外培训机构")
    nav_items: list = []
    dashboard_panels: list = []
