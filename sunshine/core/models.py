from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.core.audit_models import AuditEntry, AuditHead  # noqa: F401  (registers models)
from sunshine.core.roles import Role


class District(models.Model):
    """A county-level district (区/县) whose education bureau runs enrolment."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    city = models.CharField(_("所属市"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("监督举报电话"), max_length=40, blank=True)
    complaint_address = models.CharField(_("来信地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.city}{self.name}" if self.city else self.name


class Organisation(models.Model):
    """Any body that acts or is supervised: bureau, inspection office or group, school, institution."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("教育局")
        BUREAU_DEPARTMENT = "bureau_dept", _("教育局科室")
        INSPECTION_OFFICE = "inspection_office", _("纪委监委")
        INSPECTION_GROUP = "inspection_group", _("派驻纪检监察组")
        SCHOOL = "school", _("学校")
        TRAINING = "training", _("校外培训机构")
        NOTARY = "notary", _("公证机构")
        OTHER = "other", _("其他")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("区县")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["district", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account. Its role decides what it may do; its organisation, where."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属单位"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def district(self) -> District | None:
        return self.organisation.district if self.organisation_id else None
