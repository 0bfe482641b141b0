from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class EnrollmentConfig(AppConfig):
    name = "sunshine.enrollment"
    label = "enrollment"
    verbose_name = _("招生与公开")
    nav_items = [
        NavItem("enrollment:index", _("招生公开"), (), order=10),
        NavItem("enrollment:queue", _("报名审核"), (Role.SCHOOL, Role.BUREAU, Role.INSPECTION), 20),
        NavItem("enrollment:import", _("导入报名"), (Role.BUREAU,), order=21),
        NavItem("enrollment:manage", _("计划与学区"), (Role.BUREAU,), order=22),
    ]
    dashboard_panels = ["sunshine.enrollment.dashboard.panel"]
