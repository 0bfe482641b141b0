"""The roles of Sunshine. One role per account; Role.PUBLIC is also what anonymous visitors are."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUBLIC = "public", _("公众")
    SCHOOL = "school", _("学校")
    BUREAU = "bureau", _("教育局")
    INSPECTION = "inspection", _("纪检监察")
    WITNESS = "witness", _("见证人")
    ADMIN = "admin", _("系统管理员")


# Roles that work inside the system (everyone but the public).
STAFF_ROLES = (Role.SCHOOL, Role.BUREAU, Role.INSPECTION, Role.WITNESS, Role.ADMIN)
