"""The append-only, hash-chained audit log.

Each entry stores the SHA-256 of the previous entry, and its own hash covers every field, so
editing or deleting any entry breaks the chain at that point (``manage.py audit_verify``).
The application refuses updates and deletes; the chain catches what bypasses the application.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, editable=False)
    created_at = models.DateTimeField(_("时间"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("操作"), max_length=80, editable=False)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True, editable=False)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, editable=False)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True, editable=False)
    payload = models.JSONField(_("内容"), default=dict, editable=False)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, unique=True, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, unique=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be updated")
        if not getattr(self, "_sealed", False):
            raise AppendOnlyError("audit entries are written only through audit.record()")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """One row: the latest sequence number and hash. Locking it serialises writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"head #{self.seq}"
