from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class TrainingConfig(AppConfig):
    name = "sunshine.training"
    label = "training"
    verbose_name = _("校外培训机构")
    nav_items = [
        NavItem(
            "training:index",
            _("校外培训机构"),
            (Role.INSPECTION, Role.BUREAU, Role.ADMIN),
            order=45,
        ),
    ]
    dashboard_panels: list = []
