from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sunshine.core.nav import NavItem


class LotteryConfig(AppConfig):
    name = "sunshine.lottery"
    label = "lottery"
    verbose_name = _("电脑随机摇号")
    nav_items = [
        NavItem("lottery:index", _("电脑摇号"), (), order=30),
        NavItem("lottery:lookup", _("摇号结果查询"), (), order=31),
    ]
    dashboard_panels = ["sunshine.lottery.dashboard.panel"]
