"""Complaints and tip-offs (信访举报): anonymous by default, encrypted at rest, on a fast track.

A complaint is filed without an account. The reporter keeps a 16-digit receipt code (only its
Argon2 hash is stored, see crypto.py) to follow the case, read replies and add information.
Nothing identifying the reporter's device is stored: no IP address, no forwarded-for header, no
user agent, no session. Discipline inspection triages (accept, forward, merge, reject), handles
or forwards, replies and concludes within deadlines counted in Chinese working days.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.complaints import crypto
from sunshine.core import audit
from sunshine.core.models import District, Organisation, User
from sunshine.core.roles import Role
from sunshine.lib import workdays


class ComplaintError(Exception):
    """A workflow step that is not allowed now; the message is shown to the user."""


def encrypted(field_name: str) -> property:
    """A plain-text property over a field that holds a Fernet token."""

    def get(self) -> str:
        return crypto.decrypt_text(getattr(self, field_name))

    def set_(self, value: str) -> None:
        setattr(self, field_name, crypto.encrypt_text(value or ""))

    return property(get, set_)


def conclude_working_days(day: date) -> int:
    if workdays.in_season(day, settings.COMPLAINTS_ENROLMENT_SEASON):
        return settings.COMPLAINTS_SEASON_CONCLUDE_WORKING_DAYS
    return settings.COMPLAINTS_CONCLUDE_WORKING_DAYS


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> ComplaintQuerySet:
        """Inspection: every complaint of its district. A school or the bureau: only those
        forwarded to it (so a school never sees a complaint about itself unless it is the
        handler). Everybody else, the administrator included: none."""
        if not (user.is_authenticated and user.is_active and user.organisation_id):
            return self.none()
        if user.role == Role.INSPECTION:
            return self.filter(district_id=user.organisation.district_id)
        if user.role in (Role.SCHOOL, Role.BUREAU):
            return self.filter(handler_org_id=user.organisation_id)
        return self.none()

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=Complaint.OPEN_STATUSES)

    def find_by_receipt(self, raw_code: str) -> Complaint | None:
        """The complaint whose receipt code this is, or None. Costs one Argon2 check or more."""
        code = crypto.normalise_receipt(raw_code)
        if code is None:
            crypto.burn_time("0" * crypto.RECEIPT_DIGITS)
            return None
        candidates = list(
            self.filter(receipt_bucket__in=crypto.receipt_buckets(code)).only("id", "receipt_hash")
        )
        for candidate in candidates:
            if crypto.check_receipt(code, candidate.receipt_hash):
                return self.get(pk=candidate.pk)
        if not candidates:
            crypto.burn_time(code)
        return None


class Complaint(models.Model):
    class SubjectKind(models.TextChoices):
        SCHOOL = "school", _("学校")
        INSTITUTION = "institution", _("培训机构或其他单位")
        PERSON = "person", _("个人")
        OTHER = "other", _("其他")

    class Category(models.TextChoices):
        QUEUE_JUMPING = "queue_jumping", _("插队“加塞”入学")
        BRIBERY = "bribery", _("收受钱物、吃请")
        ENROLMENT = "enrolment", _("招生违规")
        DOUBLE_REDUCTION = "double_reduction", _("违反“双减”规定")
        STAFF_CONDUCT = "staff_conduct", _("工作人员作风")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        FORWARDED = "forwarded", _("已转办")
        CONCLUDED = "concluded", _("已办结")
        REJECTED = "rejected", _("不予受理")
        MERGED = "merged", _("已并案")

    OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.FORWARDED)
    CLOSED_STATUSES = (Status.CONCLUDED, Status.REJECTED, Status.MERGED)

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("区县")
    )
    subject_kind = models.CharField(_("举报对象类型"), max_length=20, choices=SubjectKind.choices)
    subject_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("被举报单位"),
    )
    subject_name_sealed = models.TextField(_("被举报对象（加密）"), blank=True)
    category = models.CharField(_("问题类别"), max_length=20, choices=Category.choices)
    text_sealed = models.TextField(_("举报内容（加密）"))
    when_sealed = models.TextField(_("发生时间（加密）"), blank=True)
    reporter_name_sealed = models.TextField(_("举报人姓名（加密）"), blank=True)
    reporter_phone_sealed = models.TextField(_("举报人电话（加密）"), blank=True)

    receipt_bucket = models.CharField(_("查询码索引"), max_length=64, db_index=True)
    receipt_hash = models.CharField(_("查询码哈希"), max_length=200)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    ack_due = models.DateField(_("受理期限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    conclude_due = models.DateField(_("办结期限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    handler_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_complaints",
        verbose_name=_("承办单位"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("并入"),
    )
    problem = models.ForeignKey(
        "oversight.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("问题台账"),
    )
    rejection_reason_sealed = models.TextField(_("不予受理理由（加密）"), blank=True)
    findings_sealed = models.TextField(_("办理结果（加密）"), blank=True)

    ack_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    ack_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    conclude_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    conclude_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    subject_name = encrypted("subject_name_sealed")
    text = encrypted("text_sealed")
    when = encrypted("when_sealed")
    reporter_name = encrypted("reporter_name_sealed")
    reporter_phone = encrypted("reporter_phone_sealed")
    rejection_reason = encrypted("rejection_reason_sealed")
    findings = encrypted("findings_sealed")

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(handler_org__isnull=False),
                name="complaint_forwarded_has_handler",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="complaint_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return str(self.number)

    @property
    def number(self) -> str:
        """The case number staff quote (举报编号); not secret and not the receipt code."""
        return f"JB{timezone.localtime(self.received_at):%Y}-{self.pk:05d}"

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_name_sealed or self.reporter_phone_sealed)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def subject_display(self) -> str:
        parts = [str(self.subject_org)] if self.subject_org_id else []
        name = self.subject_name
        if name:
            parts.append(name)
        return " · ".join(parts) or str(self.get_subject_kind_display())

    @property
    def current_due(self) -> date | None:
        if self.status == self.Status.RECEIVED:
            return self.ack_due
        if self.status in (self.Status.ACCEPTED, self.Status.FORWARDED):
            return self.conclude_due
        return None

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.is_open:
            due = self.current_due
            return due is not None and today > due
        if self.status == self.Status.CONCLUDED and self.conclude_due and self.closed_at:
            return timezone.localdate(self.closed_at) > self.conclude_due
        return False

    @property
    def concluded_on_time(self) -> bool:
        return (
            self.status == self.Status.CONCLUDED
            and self.closed_at is not None
            and self.conclude_due is not None
            and timezone.localdate(self.closed_at) <= self.conclude_due
        )

    # -- who may do what ------------------------------------------------------------------

    def can_triage(self, user) -> bool:
        return bool(
            user.is_authenticated
            and user.has_role(Role.INSPECTION)
            and user.organisation_id
            and user.organisation.district_id == self.district_id
        )

    def can_handle(self, user) -> bool:
        """Triage officers, and members of the organisation it was forwarded to."""
        if self.can_triage(user):
            return True
        return bool(
            user.is_authenticated
            and user.is_active
            and self.status == self.Status.FORWARDED
            and user.organisation_id
            and user.organisation_id == self.handler_org_id
        )

    # -- filing -----------------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        district: District,
        subject_kind: str,
        category: str,
        text: str,
        subject_org: Organisation | None = None,
        subject_name: str = "",
        when: str = "",
        reporter_name: str = "",
        reporter_phone: str = "",
        files=(),
        code: str | None = None,
    ) -> tuple[Complaint, str]:
        """File a complaint; returns it and its receipt code (the only time the code exists).

        ``code`` is for the demo data only (fixed codes a visitor can try); real complaints
        always get a fresh random one."""
        code = code or crypto.new_receipt()
        now = timezone.now()
        with transaction.atomic():
            complaint = cls(
                district=district,
                subject_kind=subject_kind,
                subject_org=subject_org,
                category=category,
                receipt_bucket=crypto.receipt_bucket(code),
                receipt_hash=crypto.hash_receipt(code),
                received_at=now,
                ack_due=workdays.add_working_days(
                    timezone.localdate(now), settings.COMPLAINTS_ACK_WORKING_DAYS
                ),
            )
            complaint.subject_name = subject_name
            complaint.text = text
            complaint.when = when
            complaint.reporter_name = reporter_name
            complaint.reporter_phone = reporter_phone
            complaint.save()
            for upload in files:
                Attachment.store(complaint, upload)
            audit.record(
                "complaints.received",
                complaint,
                payload={
                    "category": category,
                    "district": district.code,
                    "attachments": len(files),
                    "anonymous": complaint.is_anonymous,
                },
            )
        return complaint, code

    # -- workflow verbs -----------------------------------------------------------------------

    def _locked(self) -> Complaint:
        # Two officers acting on the same complaint at once (accept vs reject, two forwards)
        # must not both win: each verb re-reads the row under a lock and checks its status.
        return type(self).objects.select_for_update().get(pk=self.pk)

    def _finish(self, locked: Complaint) -> None:
        self.refresh_from_db()
        self.__dict__.pop("_prefetched_objects_cache", None)

    def accept(self, *, by: User) -> None:
        with transaction.atomic():
            c = self._locked()
            if c.status != self.Status.RECEIVED:
                raise ComplaintError(_("只有待受理的举报可以受理。"))
            c._do_accept(by)
        self._finish(c)

    def _do_accept(self, by: User) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        self.status = self.Status.ACCEPTED
        self.accepted_at = now
        days = conclude_working_days(today)
        self.conclude_due = workdays.add_working_days(today, days)
        self.save(update_fields=["status", "accepted_at", "conclude_due"])
        audit.record(
            "complaints.accepted",
            self,
            actor=by,
            payload={"conclude_due": self.conclude_due, "working_days": days},
        )

    def forward(self, *, to: Organisation, by: User, note: str = "") -> None:
        if to.district_id != self.district_id or to.kind not in FORWARD_KINDS:
            raise ComplaintError(_("只能转给本区的学校或教育局。"))
        with transaction.atomic():
            c = self._locked()
            if c.status == self.Status.RECEIVED:
                c._do_accept(by)
            if c.status not in (self.Status.ACCEPTED, self.Status.FORWARDED):
                raise ComplaintError(_("已办结的举报不能再转办。"))
            c.status = self.Status.FORWARDED
            c.handler_org = to
            c.save(update_fields=["status", "handler_org"])
            if note.strip():
                message = Message(complaint=c, kind=Message.Kind.NOTE, author=by)
                message.text = note
                message.save()
            audit.record("complaints.forwarded", c, actor=by, payload={"to": to.pk})
        self._finish(c)

    def merge_into(self, other: Complaint, *, by: User) -> None:
        if other.pk == self.pk or other.district_id != self.district_id:
            raise ComplaintError(_("只能并入本区的另一件举报。"))
        with transaction.atomic():
            c = self._locked()
            target = type(self).objects.select_for_update().get(pk=other.pk)
            if not c.is_open:
                raise ComplaintError(_("已办结的举报不能并案。"))
            if not target.is_open:
                raise ComplaintError(_("只能并入仍在办理的举报。"))
            c.status = self.Status.MERGED
            c.merged_into = target
            c.closed_at = timezone.now()
            c.save(update_fields=["status", "merged_into", "closed_at"])
            audit.record("complaints.merged", c, actor=by, payload={"into": target.pk})
        self._finish(c)

    def reject(self, *, reason: str, by: User) -> None:
        if not reason.strip():
            raise ComplaintError(_("请写明不予受理的理由。"))
        with transaction.atomic():
            c = self._locked()
            if c.status not in (self.Status.RECEIVED, self.Status.ACCEPTED):
                raise ComplaintError(_("只有待受理或已受理的举报可以不予受理。"))
            c.status = self.Status.REJECTED
            c.rejection_reason = reason
            c.closed_at = timezone.now()
            c.save(update_fields=["status", "rejection_reason_sealed", "closed_at"])
            audit.record("complaints.rejected", c, actor=by)
        self._finish(c)

    def conclude(self, *, findings: str, by: User) -> None:
        if not findings.strip():
            raise ComplaintError(_("请填写办理结果。"))
        with transaction.atomic():
            c = self._locked()
            if c.status not in (self.Status.ACCEPTED, self.Status.FORWARDED):
                raise ComplaintError(_("只有已受理或已转办的举报可以办结。"))
            c.status = self.Status.CONCLUDED
            c.findings = findings
            c.closed_at = timezone.now()
            c.save(update_fields=["status", "findings_sealed", "closed_at"])
            audit.record(
                "complaints.concluded", c, actor=by, payload={"on_time": c.concluded_on_time}
            )
        self._finish(c)

    def reply(self, *, text: str, by: User, internal: bool = False, files=()) -> Message:
        if not text.strip():
            raise ComplaintError(_("内容不能为空。"))
        with transaction.atomic():
            c = self._locked()
            if c.status == self.Status.MERGED:
                raise ComplaintError(_("已并案的举报请在主案中答复。"))
            kind = Message.Kind.NOTE if internal else Message.Kind.REPLY
            message = Message(complaint=c, kind=kind, author=by)
            message.text = text
            message.save()
            for upload in files:
                Attachment.store(c, upload, message=message)
            audit.record(
                "complaints.noted" if internal else "complaints.replied",
                c,
                actor=by,
                payload={"message": message.pk, "attachments": len(files)},
            )
        return message

    def add_information(self, *, text: str, files=()) -> Message:
        """The reporter adds information through the receipt code (no account, no actor)."""
        if not text.strip() and not files:
            raise ComplaintError(_("请填写补充内容或上传附件。"))
        with transaction.atomic():
            c = self._locked()
            if not c.is_open:
                raise ComplaintError(_("该举报已办结，不能再补充材料；如有新情况请另行举报。"))
            message = Message(complaint=c, kind=Message.Kind.ADDITION)
            message.text = text
            message.save()
            for upload in files:
                Attachment.store(c, upload, message=message)
            audit.record(
                "complaints.information_added",
                c,
                payload={"message": message.pk, "attachments": len(files)},
            )
        return message

    def convert_to_problem(
        self,
        *,
        description: str,
        by: User,
        category: str = "",
        deadline: date | None = None,
        demand: str = "",
    ):
        """Raise a ledger problem from this complaint in one step; the complaint keeps the link
        (and the problem finds it through ``problem.complaints``). The description is written
        by the officer, so neither the complaint text nor the reporter reaches the ledger."""
        from sunshine.oversight.models import Problem

        if not self.can_triage(by):
            raise ComplaintError(_("只有纪检监察干部可以转为问题台账。"))
        if not description.strip():
            raise ComplaintError(_("请填写问题描述。"))
        with transaction.atomic():
            # Two officers converting at once would raise two problems for one complaint.
            c = self._locked()
            if c.problem_id:
                raise ComplaintError(_("该举报已转为问题台账。"))
            if c.status in (self.Status.REJECTED, self.Status.MERGED):
                raise ComplaintError(_("不予受理或已并案的举报不能转为问题台账。"))
            problem = Problem.raise_new(
                description=description,
                by=by,
                source=Problem.Source.COMPLAINT,
                subject=c.subject_org,
                category=category or PROBLEM_CATEGORY.get(c.category, ""),
                responsible_org=c.subject_org,
                deadline=deadline,
                demand=demand,
            )
            c.problem = problem
            c.save(update_fields=["problem"])
            audit.record("complaints.converted", c, actor=by, payload={"problem": problem.number})
        self._finish(c)
        return problem

    # -- identity -------------------------------------------------------------------------

    def identity_for(self, user) -> tuple[str, str]:
        """The reporter's name and phone, for an officer holding an approved request. Audited."""
        if not self.can_triage(user):
            raise ComplaintError(_("无权查看举报人身份。"))
        request = (
            self.identity_requests.filter(requested_by=user, status=IdentityRequest.Status.APPROVED)
            .order_by("-decided_at")
            .first()
        )
        if request is None:
            raise ComplaintError(_("查看举报人身份须经另一名纪检监察干部批准。"))
        audit.record(
            "complaints.identity_viewed",
            self,
            actor=user,
            payload={"request": request.pk, "approved_by": request.decided_by_id},
        )
        return self.reporter_name, self.reporter_phone

    # -- deadlines ------------------------------------------------------------------------

    def deadline_state(self, today: date | None = None) -> str:
        """'overdue', 'due_soon' or '' for badges."""
        due = self.current_due
        if due is None:
            return ""
        today = today or timezone.localdate()
        if today > due:
            return "overdue"
        if workdays.working_days_between(today, due) <= settings.COMPLAINTS_REMIND_WORKING_DAYS:
            return "due_soon"
        return ""


# The ledger category a complaint's category usually becomes (the officer may change it).
PROBLEM_CATEGORY = {
    "queue_jumping": "enrolment",
    "bribery": "integrity",
    "enrolment": "enrolment",
    "double_reduction": "training",
    "staff_conduct": "service",
    "other": "other",
}

FORWARD_KINDS = (
    Organisation.Kind.SCHOOL,
    Organisation.Kind.BUREAU,
    Organisation.Kind.BUREAU_DEPARTMENT,
)


class Message(models.Model):
    class Kind(models.TextChoices):
        ADDITION = "addition", _("举报人补充")
        REPLY = "reply", _("答复举报人")
        NOTE = "note", _("内部办理记录")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="messages", verbose_name=_("举报")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办理人"),
    )
    text_sealed = models.TextField(_("内容（加密）"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    text = encrypted("text_sealed")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_kind_display()}"

    @property
    def visible_to_reporter(self) -> bool:
        return self.kind in (self.Kind.ADDITION, self.Kind.REPLY)


class Attachment(models.Model):
    """A file, encrypted, under an opaque name in media/complaints/ (no extension, no name)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("举报")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("办理记录"),
    )
    file = models.FileField(_("加密文件"), upload_to="complaints/", max_length=200)
    name_sealed = models.TextField(_("文件名（加密）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    name = encrypted("name_sealed")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} #{self.pk}"

    @classmethod
    def store(cls, complaint: Complaint, upload, *, message: Message | None = None) -> Attachment:
        upload.seek(0)
        data = upload.read()
        attachment = cls(
            complaint=complaint,
            message=message,
            content_type=getattr(upload, "sunshine_content_type", "") or "application/octet-stream",
            size=len(data),
        )
        attachment.name = upload.name
        attachment.file.save(uuid.uuid4().hex, ContentFile(crypto.encrypt_bytes(data)), save=False)
        attachment.save()
        return attachment

    def read(self) -> bytes:
        with self.file.open("rb") as fh:
            return crypto.decrypt_bytes(fh.read())


class IdentityRequest(models.Model):
    """An officer asks to see who filed a complaint; a second, named officer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="identity_requests",
        verbose_name=_("举报"),
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    reason = models.TextField(_("申请理由"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("查看举报人身份申请")
        verbose_name_plural = _("查看举报人身份申请")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")),
                name="identity_request_second_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_status_display()}"

    @classmethod
    def ask(cls, complaint: Complaint, *, by: User, reason: str) -> IdentityRequest:
        if not complaint.can_triage(by):
            raise ComplaintError(_("无权申请查看举报人身份。"))
        if complaint.is_anonymous:
            raise ComplaintError(_("这是匿名举报，没有举报人身份信息。"))
        if not reason.strip():
            raise ComplaintError(_("请写明申请理由。"))
        with transaction.atomic():
            req = cls.objects.create(complaint=complaint, requested_by=by, reason=reason)
            audit.record(
                "complaints.identity_requested", complaint, actor=by, payload={"request": req.pk}
            )
        return req

    def decide(self, *, by: User, approve: bool) -> None:
        if by.pk == self.requested_by_id:
            raise ComplaintError(_("申请须由另一名纪检监察干部审批。"))
        if not self.complaint.can_triage(by):
            raise ComplaintError(_("无权审批。"))
        with transaction.atomic():
            # Two approvers clicking at once: only the first decision stands.
            req = type(self).objects.select_for_update().get(pk=self.pk)
            if req.status != self.Status.PENDING:
                raise ComplaintError(_("该申请已审批。"))
            req.status = self.Status.APPROVED if approve else self.Status.REFUSED
            req.decided_by = by
            req.decided_at = timezone.now()
            req.save(update_fields=["status", "decided_by", "decided_at"])
            audit.record(
                "complaints.identity_approved" if approve else "complaints.identity_refused",
                req.complaint,
                actor=by,
                payload={"request": req.pk, "requested_by": req.requested_by_id},
            )
        self.refresh_from_db()


class ComplaintStatistic(models.Model):
    """What remains of purged complaints: counts per district, month received and category."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("区县")
    )
    month = models.DateField(_("月份"))
    category = models.CharField(_("问题类别"), max_length=20, choices=Complaint.Category.choices)
    received = models.PositiveIntegerField(_("收到"), default=0)
    accepted = models.PositiveIntegerField(_("受理"), default=0)
    concluded = models.PositiveIntegerField(_("办结"), default=0)
    concluded_on_time = models.PositiveIntegerField(_("按期办结"), default=0)
    overdue = models.PositiveIntegerField(_("逾期"), default=0)

    class Meta:
        verbose_name = _("举报统计（已清除）")
        verbose_name_plural = _("举报统计（已清除）")
        ordering = ["district", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "month", "category"], name="complaint_statistic_unique_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m} {self.category}"


def purge_expired(now=None) -> int:
    """Delete complaints closed more than COMPLAINTS_RETENTION_DAYS ago, with their files and
    messages, folding each into ComplaintStatistic first. Returns how many were purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMPLAINTS_RETENTION_DAYS)
    purged = 0
    ids = list(
        Complaint.objects.filter(
            status__in=Complaint.CLOSED_STATUSES, closed_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            c = Complaint.objects.select_for_update().filter(pk=pk).first()
            if c is None:  # purged by a concurrent run
                continue
            received = timezone.localdate(c.received_at)
            stat, _ = ComplaintStatistic.objects.select_for_update().get_or_create(
                district_id=c.district_id, month=received.replace(day=1), category=c.category
            )
            stat.received += 1
            stat.accepted += int(c.accepted_at is not None)
            stat.concluded += int(c.status == Complaint.Status.CONCLUDED)
            stat.concluded_on_time += int(c.concluded_on_time)
            stat.overdue += int(c.is_overdue(timezone.localdate(now)))
            stat.save()
            names = [a.file.name for a in c.attachments.all()]
            number = c.number
            c.delete()
            audit.record(
                "complaints.purged",
                object_type="complaints.complaint",
                object_id=str(pk),
                object_repr=number,
                payload={"attachments": len(names)},
            )
            transaction.on_commit(lambda names=names: [default_storage.delete(n) for n in names])
            purged += 1
    return purged
