"""Integrity reminders (廉洁提醒): the staff directory, message templates, campaigns, deliveries.

A campaign fixes its audience when it is queued: one ``Delivery`` row per staff member, each
with a random ``message_key`` (the idempotency key handed to the channel) and the hash of a
personal read token derived from that key. Workers claim deliveries with a conditional UPDATE
(see ``sending.py``), so two workers, or a worker restarted after a crash, never send the same
message twice and never skip one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.models import District, Organisation


def _district_of(user) -> District | None:
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return None
    return user.organisation.district


class DistrictQuerySet(models.QuerySet):
    """Reminder data belongs to a district; staff of that district's bodies see it."""

    def visible_to(self, user):
        district = _district_of(user)
        if district is None:
            return self.none()
        return self.filter(district=district)


class StaffMember(models.Model):
    """One person in the education staff directory of a district (收件人)."""

    class Category(models.TextChoices):
        SCHOOL_LEADER = "school_leader", _("学校领导")
        ENROLMENT = "enrolment", _("招生工作人员")
        BUREAU_LEADER = "bureau_leader", _("教育局领导班子")
        OTHER = "other", _("其他工作人员")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("区县")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    category = models.CharField(
        _("人员类别"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    active = models.BooleanField(_("在职"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("教育系统工作人员")
        verbose_name_plural = _("教育系统工作人员")
        ordering = ["organisation__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "mobile"],
                condition=~Q(mobile=""),
                name="staff_unique_mobile_per_district",
            ),
            models.UniqueConstraint(
                fields=["district", "email"],
                condition=~Q(email=""),
                name="staff_unique_email_per_district",
            ),
            models.CheckConstraint(
                condition=~Q(mobile="", email=""), name="staff_has_mobile_or_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_active(self, active: bool, *, actor=None) -> None:
        """Take someone out of (or back into) every future audience; past records stay."""
        with transaction.atomic():
            n = StaffMember.objects.filter(pk=self.pk, active=not active).update(active=active)
            if n:
                audit.record(
                    "reminders.staff_activated" if active else "reminders.staff_deactivated",
                    self,
                    actor=actor,
                    object_repr=f"{self.organisation_id}/{self.pk}",
                    payload={},
                )
        self.refresh_from_db()

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}" if self.mobile else ""

    @property
    def masked_email(self) -> str:
        if not self.email:
            return ""
        local, _sep, domain = self.email.partition("@")
        return f"{local[:1]}***@{domain}"


class MessageTemplate(models.Model):
    """A reminder text with placeholders such as {姓名}; see ``placeholders.py``."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("区县")
    )
    name = models.CharField(_("模板名称"), max_length=100)
    subject = models.CharField(_("邮件标题"), max_length=150)
    body = models.TextField(_("正文"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒模板")
        verbose_name_plural = _("提醒模板")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="template_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Campaign(models.Model):
    """One template sent to chosen groups of the staff directory, now or at a set time."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SCHEDULED = "scheduled", _("已排期")
        SENDING = "sending", _("发送中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("区县")
    )
    title = models.CharField(_("批次名称"), max_length=150)
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("模板")
    )
    # The text as it was when the campaign was queued: later edits of the template change
    # nothing already sent or about to be sent.
    subject = models.CharField(_("邮件标题"), max_length=150, blank=True)
    body = models.TextField(_("正文"), blank=True)
    channel = models.CharField(
        _("首选渠道"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.SMS,
        help_text=_("没有该渠道联系方式的人员改用另一渠道。"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("不选表示全区所有单位。"),
    )
    categories = models.JSONField(_("人员类别"), default=list, blank=True)
    season_start = models.DateField(_("报名开始"), null=True, blank=True)
    season_end = models.DateField(_("报名截止"), null=True, blank=True)
    scheduled_at = models.DateTimeField(
        _("定时发送"), null=True, blank=True, help_text=_("留空表示立即发送。")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    queued_at = models.DateTimeField(_("提交发送时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Touched after every batch: a sending campaign whose heartbeat is older than the lease has
    # lost its worker and may be resumed.
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒批次")
        verbose_name_plural = _("提醒批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(season_end__isnull=True)
                | Q(season_start__isnull=True)
                | Q(season_end__gte=models.F("season_start")),
                name="campaign_season_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # --- audience -------------------------------------------------------------------------

    def audience(self):
        staff = StaffMember.objects.filter(district_id=self.district_id, active=True)
        if self.pk and self.organisations.exists():
            staff = staff.filter(organisation__in=self.organisations.all())
        if self.categories:
            staff = staff.filter(category__in=self.categories)
        return staff

    def category_labels(self) -> list[str]:
        return [str(StaffMember.Category(c).label) for c in self.categories]

    # --- verbs ----------------------------------------------------------------------------

    def queue(self, *, actor=None) -> int:
        """Fix the audience, create one queued delivery per person and hand over to a worker.

        Returns the number of deliveries. Raises ``CampaignError`` if it is not a draft.
        """
        from sunshine.reminders import sending

        with transaction.atomic():
            # Lock the campaign: two clicks on "send" would otherwise both create deliveries.
            campaign = Campaign.objects.select_for_update().get(pk=self.pk)
            if campaign.status != Campaign.Status.DRAFT:
                raise CampaignError(_("只有草稿状态的批次可以发送。"))
            staff = list(
                campaign.audience().only("id", "organisation_id", "mobile", "email").order_by("id")
            )
            if not staff:
                raise CampaignError(_("所选分组中没有人员。"))
            now = timezone.now()
            campaign.subject = campaign.template.subject
            campaign.body = campaign.template.body
            campaign.queued_at = now
            future = campaign.scheduled_at and campaign.scheduled_at > now
            campaign.status = Campaign.Status.SCHEDULED if future else Campaign.Status.SENDING
            if not future:
                campaign.started_at = now
            campaign.heartbeat_at = now
            campaign.save()
            Delivery.objects.bulk_create(
                [Delivery.for_staff(campaign, person) for person in staff], batch_size=1000
            )
            audit.record(
                "reminders.campaign_queued",
                campaign,
                actor=actor,
                payload={
                    "recipients": len(staff),
                    "scheduled_at": campaign.scheduled_at if future else None,
                    "channel": campaign.channel,
                },
            )
            run_after = campaign.scheduled_at if future else None
            transaction.on_commit(lambda: sending.enqueue(campaign.pk, run_after=run_after))
        self.refresh_from_db()
        return len(staff)

    def cancel(self, *, actor=None) -> None:
        """Cancel a scheduled campaign before it starts; its deliveries are dropped."""
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=self.pk)
            if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
                raise CampaignError(_("已开始发送的批次不能取消。"))
            dropped = campaign.deliveries.filter(state=Delivery.State.QUEUED).delete()[0]
            campaign.status = Campaign.Status.CANCELLED
            campaign.save(update_fields=["status"])
            audit.record(
                "reminders.campaign_cancelled", campaign, actor=actor, payload={"dropped": dropped}
            )
        self.refresh_from_db()

    def resume(self, *, actor=None) -> None:
        """Hand a sending campaign to a worker again (after a crash); safe to repeat."""
        from sunshine.reminders import sending

        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=self.pk)
            if campaign.status != Campaign.Status.SENDING:
                raise CampaignError(_("只有发送中的批次可以继续发送。"))
            campaign.heartbeat_at = timezone.now()
            campaign.save(update_fields=["heartbeat_at"])
            audit.record(
                "reminders.campaign_resumed",
                campaign,
                actor=actor,
                payload={"left": campaign.deliveries.filter(state__in=Delivery.PENDING).count()},
            )
            transaction.on_commit(lambda: sending.enqueue(campaign.pk))
        self.refresh_from_db()

    def retry_failed(self, *, actor=None) -> int:
        """Queue the failed deliveries again, on an operator's decision."""
        from sunshine.reminders import sending

        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=self.pk)
            if campaign.status not in (Campaign.Status.SENDING, Campaign.Status.COMPLETED):
                raise CampaignError(_("该批次当前不能重发。"))
            n = campaign.deliveries.filter(state=Delivery.State.FAILED).update(
                state=Delivery.State.QUEUED,
                failure_reason="",
                attempts=0,
                claim_token="",
                handed_over_at=None,
            )
            if not n:
                raise CampaignError(_("没有发送失败的消息。"))
            campaign.status = Campaign.Status.SENDING
            campaign.completed_at = None
            campaign.heartbeat_at = timezone.now()
            campaign.save(update_fields=["status", "completed_at", "heartbeat_at"])
            audit.record("reminders.campaign_retry", campaign, actor=actor, payload={"queued": n})
            transaction.on_commit(lambda: sending.enqueue(campaign.pk))
        self.refresh_from_db()
        return n

    # --- figures --------------------------------------------------------------------------

    @property
    def is_stalled(self) -> bool:
        lease = timedelta(seconds=settings.REMINDERS_LEASE_SECONDS)
        return (
            self.status == Campaign.Status.SENDING
            and self.heartbeat_at is not None
            and self.heartbeat_at < timezone.now() - lease
        )

    def figures(self) -> dict:
        return Delivery.figures(self.deliveries.all())


class CampaignError(Exception):
    pass


def read_token_for(message_key: str) -> str:
    """The personal read token of a message: an HMAC of its key under the site's secret.

    Only the hash of the token is stored, and the key alone does not give the token, so a copy
    of the database does not let anyone open (or acknowledge) someone else's reminder.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"reminders-read:" + message_key.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Delivery(models.Model):
    """One message to one person in one campaign, and what became of it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")
        READ = "read", _("已阅读")
        ACKNOWLEDGED = "acknowledged", _("已确认")

    PENDING = (State.QUEUED, State.SENDING)
    DELIVERED = (State.SENT, State.READ, State.ACKNOWLEDGED)

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("批次")
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("收件人")
    )
    # Copied when queued so the figures per organisation stay true if someone changes post.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=14, choices=State.choices, default=State.QUEUED, db_index=True
    )
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    message_key = models.CharField(_("消息编号"), max_length=32, unique=True)
    token_hash = models.CharField(_("阅读令牌哈希"), max_length=64, unique=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set just before a message is handed to a channel that cannot recognise a repeat (SMTP, an
    # HTTP gateway): a row found claimed with this set was perhaps sent by a worker that died.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "staff"], name="delivery_one_per_person_per_campaign"
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure_reason=""),
                name="delivery_failure_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="delivery_campaign_state")]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.staff}"

    @classmethod
    def for_staff(cls, campaign: Campaign, person: StaffMember) -> Delivery:
        key = secrets.token_urlsafe(16)
        preferred = campaign.channel
        has = {Channel.SMS: bool(person.mobile), Channel.EMAIL: bool(person.email)}
        channel = preferred if has[preferred] else next(c for c, ok in has.items() if ok)
        return cls(
            campaign=campaign,
            staff_id=person.id,
            organisation_id=person.organisation_id,
            channel=channel,
            message_key=key,
            token_hash=token_hash(read_token_for(key)),
        )

    @property
    def read_token(self) -> str:
        return read_token_for(self.message_key)

    def mark_read(self) -> bool:
        """Record the first opening of the personal link; later openings change nothing."""
        with transaction.atomic():
            # Conditional update: two openings at once record one reading.
            n = Delivery.objects.filter(pk=self.pk, state=Delivery.State.SENT).update(
                state=Delivery.State.READ, read_at=timezone.now()
            )
            if n:
                audit.record(
                    "reminders.read",
                    self,
                    object_repr=f"{self.campaign_id}/{self.pk}",
                    payload={"campaign": self.campaign_id},
                )
        self.refresh_from_db()
        return bool(n)

    def acknowledge(self) -> bool:
        with transaction.atomic():
            now = timezone.now()
            n = Delivery.objects.filter(
                pk=self.pk, state__in=(Delivery.State.SENT, Delivery.State.READ)
            ).update(state=Delivery.State.ACKNOWLEDGED, acknowledged_at=now)
            if n:
                Delivery.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=now)
                audit.record(
                    "reminders.acknowledged",
                    self,
                    object_repr=f"{self.campaign_id}/{self.pk}",
                    payload={"campaign": self.campaign_id},
                )
        self.refresh_from_db()
        return bool(n)

    @staticmethod
    def figures(deliveries) -> dict:
        """Counts of a delivery queryset: total, sent (left the queue), delivered, read, ..."""
        S = Delivery.State
        agg = deliveries.aggregate(
            total=Count("id"),
            queued=Count("id", filter=Q(state__in=Delivery.PENDING)),
            failed=Count("id", filter=Q(state=S.FAILED)),
            delivered=Count("id", filter=Q(state__in=Delivery.DELIVERED)),
            read=Count("id", filter=Q(state__in=(S.READ, S.ACKNOWLEDGED))),
            acknowledged=Count("id", filter=Q(state=S.ACKNOWLEDGED)),
        )
        return _with_rates(agg)

    @staticmethod
    def figures_by_organisation(deliveries) -> list[dict]:
        S = Delivery.State
        rows = (
            deliveries.values("organisation__name")
            .annotate(
                total=Count("id"),
                queued=Count("id", filter=Q(state__in=Delivery.PENDING)),
                failed=Count("id", filter=Q(state=S.FAILED)),
                delivered=Count("id", filter=Q(state__in=Delivery.DELIVERED)),
                read=Count("id", filter=Q(state__in=(S.READ, S.ACKNOWLEDGED))),
                acknowledged=Count("id", filter=Q(state=S.ACKNOWLEDGED)),
            )
            .order_by("-total", "organisation__name")
        )
        return [_with_rates(dict(r, organisation=r["organisation__name"])) for r in rows]


def _with_rates(agg: dict) -> dict:
    total = agg["total"] or 0
    agg["sent"] = total - agg["queued"]
    agg["progress"] = round(100 * agg["sent"] / total) if total else 0
    delivered = agg["delivered"] or 0
    agg["read_rate"] = round(100 * agg["read"] / delivered) if delivered else 0
    agg["ack_rate"] = round(100 * agg["acknowledged"] / delivered) if delivered else 0
    return agg
