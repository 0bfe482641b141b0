from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem
from sunshine.core.roles import Role


class CoreConfig(AppConfig):
    name = "sunshine.core"
    label = "core"
    verbose_name = _("基础")
    nav_items = [
        NavItem("core:dashboard", _("工作台"), tuple(Role.values), order=1),
        NavItem("core:audit_log", _("审计日志"), (Role.INSPECTION, Role.ADMIN), order=90),
    ]

    def ready(self):
        from sunshine.core import checks  # noqa: F401
