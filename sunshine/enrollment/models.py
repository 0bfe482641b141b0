"""Schools, zones, yearly plans, applicants and applications.

The public identifier of a child is ``Applicant.number`` (报名号), a pseudonymous number that
is the only thing of the child ever shown in public (lottery manifests, results, portal).
A child may apply to several schools in one year (``Application.preference``: 1 = first choice);
children of one multiple birth share ``Application.multiple_birth_group`` at a school, which
makes them one bundle in a lottery.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.models import District, Organisation
from sunshine.core.roles import Role
from sunshine.lib import idcard


class School(models.Model):
    class Ownership(models.TextChoices):
        PUBLIC = "public", _("公办")
        PRIVATE = "private", _("民办")

    class Stage(models.TextChoices):
        PRIMARY = "primary", _("小学")
        MIDDLE = "middle", _("初中")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="school",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name=_("单位"),
    )
    code = models.SlugField(
        _("学校代码"),
        max_length=32,
        unique=True,
        help_text=_("用于摇号清单的学校标识，如 TML"),
    )
    ownership = models.CharField(
        _("办学性质"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    stage = models.CharField(_("学段"), max_length=10, choices=Stage.choices, default=Stage.PRIMARY)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    enrolment_phone = models.CharField(_("招生咨询电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["organisation__district__code", "code"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def district(self) -> District:
        return self.organisation.district


class Zone(models.Model):
    """One street, community or residential compound zoned to a school (学区)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="zones", verbose_name=_("学校")
    )
    name = models.CharField(_("街道/小区"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("学区范围")
        verbose_name_plural = _("学区范围")
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="zone_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} → {self.school}"


class EnrolmentPlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_counts(self):
        """Annotate ``eligible_total`` and ``applicant_total`` in one query (no N+1 on lists)."""
        same_year = Q(school__applications__year=models.F("year"))
        return self.annotate(
            eligible_total=Count(
                "school__applications",
                filter=same_year & Q(school__applications__status="eligible"),
            ),
            applicant_total=Count("school__applications", filter=same_year),
        )


class EnrolmentPlan(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="plans", verbose_name=_("学校")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    total_places = models.PositiveIntegerField(_("招生计划数"))
    zoned_places = models.PositiveIntegerField(_("学区内学位"))
    surplus_places = models.PositiveIntegerField(_("富余学位"))
    application_start = models.DateField(_("报名开始"))
    application_end = models.DateField(_("报名截止"))
    lottery_date = models.DateField(_("摇号日期"), null=True, blank=True)
    rules = models.TextField(_("招生规则"), blank=True)
    published = models.BooleanField(_("已公开"), default=False)

    objects = EnrolmentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("招生计划")
        verbose_name_plural = _("招生计划")
        ordering = ["-year", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="plan_one_per_school_year"),
            models.CheckConstraint(
                condition=Q(application_end__gte=models.F("application_start")),
                name="plan_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    def clean(self):
        if (
            self.total_places is not None
            and self.zoned_places is not None
            and self.surplus_places is not None
            and self.zoned_places + self.surplus_places > self.total_places
        ):
            raise ValidationError(_("学区内学位与富余学位之和不能超过招生计划数。"))

    def eligible_count(self) -> int:
        return Application.objects.filter(
            school=self.school, year=self.year, status=Application.Status.ELIGIBLE
        ).count()

    @property
    def needs_lottery(self) -> bool:
        """Oversubscribed: more eligible applicants than surplus places."""
        return self.eligible_count() > self.surplus_places

    @property
    def eligible_known(self) -> int:
        """The eligible count, from ``with_counts()`` when annotated, else one query."""
        annotated = getattr(self, "eligible_total", None)
        return self.eligible_count() if annotated is None else annotated

    @property
    def oversubscribed(self) -> bool:
        """Same rule as ``needs_lottery``, reusing the annotated count on list pages."""
        return self.eligible_known > self.surplus_places

    @property
    def oversubscribed_by(self) -> int:
        return max(0, self.eligible_known - self.surplus_places)


class PriorityGroup(models.Model):
    """A priority group of a plan's rules: rank 1 is strongest (e.g. residence and hukou in zone)."""

    plan = models.ForeignKey(
        EnrolmentPlan, on_delete=models.CASCADE, related_name="priority_groups"
    )
    rank = models.PositiveSmallIntegerField(_("顺位"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("条件"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("录取顺位")
        verbose_name_plural = _("录取顺位")
        ordering = ["plan", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "rank"], name="priority_rank_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="priority_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"


class PolicyDocument(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="policies", verbose_name=_("区县")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    published_at = models.DateField(_("发布日期"))

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


def new_applicant_number(year: int) -> str:
    """A pseudonymous registration number: year and 8 random digits, e.g. 2020-48302917."""
    return f"{year}-{secrets.randbelow(10**8):08d}"


class Applicant(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("区县"))
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.CharField(_("报名号"), max_length=32, unique=True)
    name = models.CharField(_("儿童姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50)
    guardian_phone = models.CharField(_("监护人手机"), max_length=20)
    hukou_address = models.CharField(_("户籍地址"), max_length=200)
    residence_address = models.CharField(_("居住地址"), max_length=200)

    class Meta:
        verbose_name = _("报名儿童")
        verbose_name_plural = _("报名儿童")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "id_number"], name="applicant_one_per_child_year"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_id(self) -> str:
        return idcard.mask(self.id_number)

    def clean(self):
        if self.id_number:
            error = idcard.id_error(self.id_number)
            if error:
                raise ValidationError({"id_number": error})


class ComplaintChannel(models.Model):
    """A published way to complain about enrolment (phone, mailbox, office, website, QR code)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("电话")
        ADDRESS = "address", _("来信地址")
        OFFICE = "office", _("来访地点")
        ONLINE = "online", _("网上举报")

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="complaint_channels",
        verbose_name=_("区县"),
    )
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("受理单位"), max_length=200)
    contact = models.CharField(_("联系方式"), max_length=300)
    hours = models.CharField(_("受理时间"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("监督举报渠道")
        verbose_name_plural = _("监督举报渠道")
        ordering = ["district", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "contact"], name="complaint_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.contact}"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees which applications: one place decides (schools only their own)."""
        if not (user.is_authenticated and user.is_active) or not user.organisation_id:
            return self.none()
        if user.role == Role.SCHOOL:
            return self.filter(school__organisation=user.organisation_id)
        if user.role in (Role.BUREAU, Role.INSPECTION):
            return self.filter(school__organisation__district=user.organisation.district_id)
        return self.none()

    def decidable_by(self, user):
        """Applications the user may decide on: schools their own, the bureau its district."""
        if not (user.is_authenticated and user.is_active) or user.role not in REVIEWER_ROLES:
            return self.none()
        return self.visible_to(user)


# Roles that review applications and may see a child's full ID number.
REVIEWER_ROLES = (Role.SCHOOL, Role.BUREAU)


class TransitionError(ValidationError):
    """A decision that the review state machine does not allow, or that lacks a reason."""


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        UNDER_REVIEW = "under_review", _("审核中")
        ELIGIBLE = "eligible", _("符合条件")
        INELIGIBLE = "ineligible", _("不符合条件")
        NEEDS_DOCUMENTS = "needs_documents", _("需补充材料")

    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="applications", verbose_name=_("儿童")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="applications", verbose_name=_("学校")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    preference = models.PositiveSmallIntegerField(_("志愿顺序"), default=1)
    priority = models.PositiveSmallIntegerField(_("录取顺位"), default=1)
    multiple_birth_group = models.CharField(
        _("多胞胎组"),
        max_length=32,
        blank=True,
        help_text=_("同一多胞胎的兄弟姐妹填写相同的组号，摇号时作为一个整体"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名申请")
        verbose_name_plural = _("报名申请")
        ordering = ["school", "applicant__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "school", "year"], name="application_one_per_child_school_year"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1), name="application_priority_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant.number} → {self.school}"

    @property
    def number(self) -> str:
        return self.applicant.number

    # The review state machine: submitted → under review → eligible / ineligible / needs more
    # documents; once documents arrive the application goes back under review. Eligible and
    # ineligible are final: the lottery roster is built from them.
    TRANSITIONS = {
        Status.SUBMITTED: (Status.UNDER_REVIEW,),
        Status.UNDER_REVIEW: (Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_DOCUMENTS),
        Status.NEEDS_DOCUMENTS: (Status.UNDER_REVIEW,),
        Status.ELIGIBLE: (),
        Status.INELIGIBLE: (),
    }
    DECISIONS = (Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_DOCUMENTS)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    def allowed_next(self) -> list[str]:
        return list(self.TRANSITIONS.get(self.status, ()))

    class EntryRefused(ValidationError):
        """A hand-entered application that would duplicate one already stored."""

    @classmethod
    def enter(
        cls,
        *,
        school: School,
        year: int,
        child: dict,
        preference: int,
        priority: int,
        multiple_birth_group: str = "",
        by,
    ) -> tuple["Application", bool]:
        """Enter one application by hand; returns (application, whether the child is new).

        ``child`` holds the Applicant fields, already validated (``importer.check_child``). A
        child already stored for the district and year (same ID number) gets the application
        added, with the stored record unchanged; a second application to the same school and
        year is refused.
        """
        district = school.district
        try:
            with transaction.atomic():
                # Lock the stored child: two clerks entering the same child at two schools at
                # once would otherwise both create it (the second then fails the constraint).
                applicant = (
                    Applicant.objects.select_for_update()
                    .filter(district=district, year=year, id_number=child["id_number"])
                    .first()
                )
                created = applicant is None
                if created:
                    number = new_applicant_number(year)
                    while Applicant.objects.filter(number=number).exists():
                        number = new_applicant_number(year)
                    applicant = Applicant.objects.create(
                        district=district, year=year, number=number, **child
                    )
                elif applicant.name != child["name"]:
                    raise cls.EntryRefused(
                        _("该身份证号已登记的儿童姓名与填写的不一致，请核对。"), code="name_differs"
                    )
                elif applicant.applications.filter(school=school, year=year).exists():
                    raise cls.EntryRefused(
                        _("重复报名：该儿童（报名号 %(n)s）已报名此学校。")
                        % {"n": applicant.number},
                        code="duplicate",
                    )
                application = cls.objects.create(
                    applicant=applicant,
                    school=school,
                    year=year,
                    preference=preference,
                    priority=priority,
                    multiple_birth_group=multiple_birth_group,
                )
                audit.record(
                    "enrollment.application_entered",
                    application,
                    actor=by,
                    payload={"school": school.code, "year": year, "new_applicant": created},
                )
        except IntegrityError as exc:
            # The same child or application written by someone else in the meantime.
            raise cls.EntryRefused(
                _("与刚刚保存的其他报名冲突，未写入任何记录，请重新提交。"), code="conflict"
            ) from exc
        return application, created

    def _move(self, status: str, reason: str, by, action: str) -> "ApplicationReview":
        """Write the new status, its history row and audit entry (on a locked row)."""
        old = self.status
        now = timezone.now()
        self.status = status
        self.status_reason = reason[:500]
        self.decided_at = now
        self.decided_by = by if getattr(by, "is_authenticated", False) else None
        self.save(update_fields=["status", "status_reason", "decided_at", "decided_by"])
        review = ApplicationReview.objects.create(
            application=self,
            from_status=old,
            to_status=status,
            reason=reason[:500],
            by=self.decided_by,
            at=now,
        )
        audit.record(
            action,
            self,
            actor=by,
            payload={"from": old, "to": status, "school": self.school.code},
        )
        return review

    FINAL = (Status.ELIGIBLE, Status.INELIGIBLE)

    def frozen_draw(self):
        """A lottery draw of this school and year whose roster is frozen (or later), if any.

        The lottery layer sits above this one: reach its draws through ``School.draws`` (the
        reverse of ``Draw.schools``) without importing it. A draft draw has no roster yet and a
        cancelled one no longer counts (a redo is a new draw); every other state has frozen
        its manifest, built from the eligible applications."""
        return (
            self.school.draws.select_for_update()
            .filter(year=self.year)
            .exclude(state__in=("draft", "cancelled"))
            .order_by("pk")
            .first()
        )

    def reopen(self, reason: str, by) -> "ApplicationReview":
        """Correct a final decision: back under review, by the bureau only, with a reason.

        Refused once a lottery draw of the school and year has frozen its roster: the manifest
        was built from the final decisions and cannot change any more.
        """
        reason = (reason or "").strip()
        if not reason:
            raise TransitionError(_("重新审核必须填写理由。"), code="reason_required")
        if not (getattr(by, "is_authenticated", False) and by.role == Role.BUREAU):
            raise TransitionError(_("只有教育局可以重新审核。"), code="not_allowed")
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=self.pk)
            if locked.status not in self.FINAL:
                raise TransitionError(
                    _("只有“符合条件”或“不符合条件”的报名可以重新审核。"), code="not_final"
                )
            # Lock the school's draws too: a freeze running now waits for this change (and its
            # manifest then leaves the application out), or this waits and sees the freeze.
            draw = locked.frozen_draw()
            if draw is not None:
                raise TransitionError(
                    _(
                        "摇号“%(draw)s”（%(code)s）已冻结名单，不能再重新审核该校 %(year)s 年的报名。"
                    )
                    % {"draw": draw.title, "code": draw.code, "year": locked.year},
                    code="draw_frozen",
                )
            review = locked._move(
                self.Status.UNDER_REVIEW, reason, by, "enrollment.application_reopened"
            )
        self.status, self.status_reason = locked.status, locked.status_reason
        self.decided_at, self.decided_by_id = locked.decided_at, locked.decided_by_id
        return review

    def decide(self, status: str, reason: str, by) -> "ApplicationReview":
        """Move to ``status`` with the reviewer's reason; recorded in the history and the audit log.

        Raises TransitionError for a move the state machine refuses or a decision without reason.
        """
        reason = (reason or "").strip()
        if status in self.DECISIONS and not reason:
            raise TransitionError(_("每项审核决定都必须填写理由。"), code="reason_required")
        with transaction.atomic():
            # Lock the row: two reviewers deciding the same application at once would otherwise
            # both pass the transition check against the same old status.
            locked = Application.objects.select_for_update().get(pk=self.pk)
            if not locked.can_move_to(status):
                raise TransitionError(
                    _("不能从“%(old)s”变更为“%(new)s”。")
                    % {
                        "old": Application.Status(locked.status).label,
                        "new": Application.Status(status).label
                        if status in Application.Status.values
                        else status,
                    },
                    code="transition_refused",
                )
            review = locked._move(status, reason, by, "enrollment.application_decided")
        self.status, self.status_reason = locked.status, locked.status_reason
        self.decided_at, self.decided_by_id = locked.decided_at, locked.decided_by_id
        return review


class ApplicationReview(models.Model):
    """One step of an application's review history: who moved it where, when and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("报名申请")
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Application.Status.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


def document_path(instance, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may contain a child's name).
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"enrollment/documents/{instance.application.year}/{secrets.token_hex(16)}.{ext}"


class ApplicationDocument(models.Model):
    class Kind(models.TextChoices):
        HUKOU = "hukou", _("户口簿")
        RESIDENCE = "residence", _("房产证明或租赁合同")
        BIRTH = "birth", _("出生医学证明")
        ID = "id", _("身份证")
        OTHER = "other", _("其他材料")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("报名申请")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=document_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名材料")
        verbose_name_plural = _("报名材料")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.application_id})"
