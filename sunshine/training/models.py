"""The registry of off-campus training institutions (校外培训机构) for the double-reduction work.

Each institution is a ``core.Organisation`` of kind TRAINING (one-to-one), so a visit or a problem
always targets an Organisation, whatever kind of body it is. Its status (licensed, unlicensed,
suspended, closed) changes only through ``Institution.change_status``, which keeps a dated
history and writes the audit log.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.models import District, Organisation
from sunshine.core.roles import Role


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InstitutionQuerySet:
        """The registry is open to bureau, inspection and admin; a school sees none of it."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.INSPECTION, Role.BUREAU, Role.ADMIN):
            return self
        return self.none()

    def editable_by(self, user) -> InstitutionQuerySet:
        """Reading is registry-wide, writing is not: inspection may change any institution, a
        bureau only those of its own district; everyone else none."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.INSPECTION:
            return self
        if user.role == Role.BUREAU and user.organisation_id:
            return self.filter(organisation__district_id=user.organisation.district_id)
        return self.none()


class Institution(models.Model):
    class Status(models.TextChoices):
        LICENSED = "licensed", _("持证经营")
        UNLICENSED = "unlicensed", _("无证经营")
        SUSPENDED = "suspended", _("暂停培训")
        CLOSED = "closed", _("已关停")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="institution",
        limit_choices_to={"kind": Organisation.Kind.TRAINING},
        verbose_name=_("单位"),
    )
    licence_number = models.CharField(_("办学许可证号"), max_length=60, blank=True)
    subjects = models.CharField(_("培训科目"), max_length=200, blank=True)
    is_academic = models.BooleanField(_("学科类培训"), default=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.LICENSED
    )
    status_since = models.DateField(_("状态起始日期"), default=datetime.date.today)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("校外培训机构")
        verbose_name_plural = _("校外培训机构")
        ordering = ["organisation__district__code", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_number="") | ~Q(status="unlicensed"),
                name="institution_unlicensed_has_no_licence",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @classmethod
    def register(
        cls,
        *,
        district: District,
        name: str,
        by,
        licence_number: str = "",
        subjects: str = "",
        is_academic: bool = True,
        address: str = "",
        status: str = Status.LICENSED,
        on: datetime.date | None = None,
    ) -> Institution:
        on = on or timezone.localdate()
        if status == cls.Status.UNLICENSED and licence_number:
            raise ValidationError(_("无证机构不能填写许可证号。"))
        with transaction.atomic():
            org = Organisation.objects.create(
                district=district, kind=Organisation.Kind.TRAINING, name=name
            )
            inst = cls.objects.create(
                organisation=org,
                licence_number=licence_number,
                subjects=subjects,
                is_academic=is_academic,
                address=address,
                status=status,
                status_since=on,
            )
            StatusChange.objects.create(
                institution=inst, status=status, on=on, reason=_("登记"), by=_user(by)
            )
            audit.record(
                "training.institution_registered",
                inst,
                actor=by,
                payload={"status": status, "district": district.code},
            )
        return inst

    def change_status(self, status: str, *, on: datetime.date, reason: str, by) -> StatusChange:
        if status not in self.Status.values:
            raise ValidationError(_("未知的状态。"))
        if not reason.strip():
            raise ValidationError(_("变更状态必须填写原因。"))
        with transaction.atomic():
            # Lock the row: two officers changing the status at once would each write a history
            # entry from the same old status and leave the history contradicting itself.
            inst = Institution.objects.select_for_update().get(pk=self.pk)
            if inst.status == status:
                raise ValidationError(_("机构已是该状态。"))
            if on < inst.status_since:
                raise ValidationError(_("变更日期不能早于当前状态的起始日期。"))
            old = inst.status
            inst.status, inst.status_since = status, on
            inst.save(update_fields=["status", "status_since"])
            change = StatusChange.objects.create(
                institution=inst, status=status, on=on, reason=reason.strip(), by=_user(by)
            )
            audit.record(
                "training.status_changed",
                inst,
                actor=by,
                payload={"from": old, "to": status, "on": on},
            )
        self.status, self.status_since = inst.status, inst.status_since
        return change


class StatusChange(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="history", verbose_name=_("机构")
    )
    status = models.CharField(_("状态"), max_length=12, choices=Institution.Status.choices)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["institution", "on", "id"]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_status_display()} {self.on}"


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
