from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteryConfig(AppConfig):
    name = "sunshine.lottery"
    label = "lottery"
    verbose_name = _("电脑随机摇号")
    nav_items: list = []
    dashboard_panels: list = []
