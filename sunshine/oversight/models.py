"""Campaigns, checklists, visits, problems, rectification, look-back and accountability.

The closed loop of the seeds (压实责任 → 跟踪问效 → 回头看): a campaign's inspection groups visit
subjects with a pinned checklist version; findings become ledger problems with a responsible
organisation, a demand and a deadline; the responsible body reports its rectification with
evidence; a look-back visit verifies it (销号) or reopens it; people are held accountable.

Every subject is a ``core.Organisation`` (a school, a training institution, a bureau department).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.core import audit, uploads
from sunshine.core.models import District, Organisation
from sunshine.core.roles import Role
from sunshine.core.uploads import check_upload


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _is_inspection(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.INSPECTION)


# --- Checklists ------------------------------------------------------------------------------


class ChecklistTemplate(models.Model):
    """A standard checklist (监督清单); its content lives in numbered, immutable versions."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("监督清单")
        verbose_name_plural = _("监督清单")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> ChecklistVersion | None:
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.title} v{self.number}"

    def items(self):
        return ChecklistItem.objects.filter(section__version=self).order_by(
            "section__order", "order"
        )


class ChecklistSection(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="checklist_section_order")
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    class AnswerType(models.TextChoices):
        YES_NO = "yes_no", _("是/否")
        NUMBER = "number", _("数字")
        TEXT = "text", _("文字")
        CHOICE = "choice", _("选项")

    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("检查事项"), max_length=300)
    standard = models.TextField(_("判断标准"), blank=True)
    answer_type = models.CharField(_("回答类型"), max_length=10, choices=AnswerType.choices)
    choices = models.CharField(
        _("选项"), max_length=300, blank=True, help_text=_("以“/”分隔，仅用于选项类")
    )
    category = models.CharField(_("问题类别"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="checklist_item_order")
        ]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.split("/") if c.strip()]


# --- Campaigns and groups --------------------------------------------------------------------


class Campaign(models.Model):
    """A special supervision campaign (专项监督检查)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("区县"))
    title = models.CharField(_("名称"), max_length=200)
    scope = models.TextField(_("检查范围"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    lead_office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    checklist = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("监督清单版本"),
        help_text=_("活动开始时固定的清单版本，之后发布的新版本不影响本活动。"),
    )

    class Meta:
        verbose_name = _("专项监督检查")
        verbose_name_plural = _("专项监督检查")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    # Fields an inspector may change after creation; the district stays fixed.
    EDITABLE = ("title", "scope", "starts_on", "ends_on", "lead_office", "checklist")

    def change(self, *, by, fields: dict, members: dict | None = None) -> list[str]:
        """Apply an inspector's edit; returns the names of the fields that changed.

        ``members`` maps a group of this campaign to its new set of members. The checklist
        version stays pinned once a visit was recorded: answers refer to its items.
        """
        unknown = set(fields) - set(self.EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        with transaction.atomic():
            c = Campaign.objects.select_for_update().get(pk=self.pk)
            changed, before, after = [], {}, {}
            for name, value in fields.items():
                attname = c._meta.get_field(name).attname
                new = value.pk if isinstance(value, models.Model) else value
                old = getattr(c, attname)
                if old != new:
                    changed.append(name)
                    before[name], after[name] = old, new
                    setattr(c, attname, new)
            if "checklist" in changed and c.visits.exists():
                raise ValidationError(
                    {"checklist": _("本专项已有走访记录，监督清单版本已固定，不能更改。")}
                )
            c.clean()
            if changed:
                c.save(update_fields=changed)
            groups = {}
            for group, users in (members or {}).items():
                if group.campaign_id != c.pk:
                    raise ValueError("group of another campaign")
                old_ids = set(group.members.values_list("pk", flat=True))
                new_ids = {u.pk for u in users}
                if old_ids != new_ids:
                    group.members.set(users)
                    groups[group.name] = {
                        "added": sorted(new_ids - old_ids),
                        "removed": sorted(old_ids - new_ids),
                    }
            if groups:
                changed.append("members")
            if changed:
                audit.record(
                    "oversight.campaign_changed",
                    c,
                    actor=by,
                    payload={"fields": changed, "from": before, "to": after, "groups": groups},
                )
        self.refresh_from_db()
        return changed


class InspectionGroup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_groups", blank=True
    )

    class Meta:
        verbose_name = _("检查组")
        verbose_name_plural = _("检查组")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="inspection_group_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """A rectification proposal (整改建议) or a rule improved (完善制度) coming out of a campaign."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("整改建议")
        RULE = "rule", _("完善制度")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("内容"), max_length=300)
    addressed_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议对象单位"),
    )
    on = models.DateField(_("日期"))
    problems = models.ManyToManyField(
        "Problem", related_name="recommendations", blank=True, verbose_name=_("关联问题")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("整改建议与制度完善")
        verbose_name_plural = _("整改建议与制度完善")
        ordering = ["campaign", "on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "title"], name="recommendation_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def record_new(
        cls, *, campaign, kind, title, on, by, addressed_to=None, problems=()
    ) -> Recommendation:
        title = (title or "").strip()
        if not title:
            raise ValidationError({"title": _("请填写建议内容。")})
        if kind not in cls.Kind.values:
            raise ValidationError({"kind": _("未知的建议类型。")})
        problems = list(problems)
        if any(p.campaign_id != campaign.pk for p in problems):
            raise ValidationError({"problems": _("只能关联本专项检查中的问题。")})
        with transaction.atomic():
            # Lock the campaign so two inspectors recording the same text cannot both pass.
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            if cls.objects.filter(campaign=campaign, title=title).exists():
                raise ValidationError({"title": _("本专项检查中已有相同内容的记录。")})
            rec = cls.objects.create(
                campaign=campaign,
                kind=kind,
                title=title,
                on=on,
                addressed_to=addressed_to,
                recorded_by=_user(by),
            )
            rec.problems.set(problems)
            audit.record(
                "oversight.recommendation_recorded",
                rec,
                actor=by,
                payload={
                    "campaign": campaign.pk,
                    "kind": kind,
                    "addressed_to": addressed_to.pk if addressed_to else None,
                    "problems": [p.pk for p in problems],
                },
            )
        return rec


# --- Visits ----------------------------------------------------------------------------------


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        """Inspection sees every visit. Others see visits to their own organisation (a school)
        or district (bureau, admin), and an unannounced visit only from its date on."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.INSPECTION:
            return self
        today = timezone.localdate()
        announced = Q(mode=Visit.Mode.OPEN) | Q(date__lte=today)
        if user.role == Role.SCHOOL and user.organisation_id:
            return self.filter(announced, subject_id=user.organisation_id)
        if user.role in (Role.BUREAU, Role.ADMIN) and user.organisation_id:
            return self.filter(announced, subject__district_id=user.organisation.district_id)
        return self.none()


class Visit(models.Model):
    class Mode(models.TextChoices):
        OPEN = "open", _("明察")
        UNANNOUNCED = "unannounced", _("暗访")

    class Method(models.TextChoices):
        ONSITE = "onsite", _("现场查看")
        PHONE = "phone", _("电话咨询")
        DOCUMENTS = "documents", _("查阅资料")
        QUESTIONNAIRE = "questionnaire", _("问卷调查")
        MEETING = "meeting", _("参加会议")
        INTERVIEW = "interview", _("随机询问")

    class Purpose(models.TextChoices):
        INSPECTION = "inspection", _("监督检查")
        LOOKBACK = "lookback", _("回头看")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="visits", verbose_name=_("专项检查")
    )
    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("检查组"),
    )
    subject = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=pgettext_lazy("subject", "对象"),
    )
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices, default=Mode.OPEN)
    method = models.CharField(_("形式"), max_length=14, choices=Method.choices)
    purpose = models.CharField(
        _("目的"), max_length=12, choices=Purpose.choices, default=Purpose.INSPECTION
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    date = models.DateField(_("日期"))
    documents_reviewed = models.PositiveIntegerField(_("查阅文件资料（份）"), default=0)
    notes = models.TextField(_("情况记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访台账")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["campaign", "date"], name="visit_campaign_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.subject} {self.get_method_display()}"

    @property
    def number(self) -> str:
        return f"ZF-{self.date.year}-{self.pk:03d}"

    def items(self):
        return self.campaign.checklist.items() if self.campaign.checklist_id else []


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("回答"), max_length=1000, blank=True)
    compliant = models.BooleanField(_("符合要求"), null=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["visit", "item__section__order", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="answer_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"


# --- Problems --------------------------------------------------------------------------------


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProblemQuerySet:
        """Inspection sees all; a school only the problems it is responsible for or the subject
        of; a bureau (and admin) those of its district; everyone else none."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.INSPECTION:
            return self
        org_id = user.organisation_id
        if not org_id:
            return self.none()
        if user.role == Role.SCHOOL:
            return self.filter(Q(responsible_org_id=org_id) | Q(subject_id=org_id))
        if user.role in (Role.BUREAU, Role.ADMIN):
            d = user.organisation.district_id
            return self.filter(Q(responsible_org__district_id=d) | Q(subject__district_id=d))
        return self.none()

    def open(self) -> ProblemQuerySet:
        return self.exclude(status=Problem.Status.VERIFIED)

    def overdue(self, today: datetime.date | None = None) -> ProblemQuerySet:
        """Past the deadline and still waiting for the responsible body's rectification."""
        today = today or timezone.localdate()
        return self.filter(overdue_q(today))


def overdue_q(today: datetime.date) -> Q:
    """A problem is overdue when its deadline has passed and the responsible body has not
    reported its rectification (a reported problem waits on the inspectors, not on them)."""
    return Q(status__in=Problem.AWAITING_RECTIFICATION, deadline__lt=today)


class ProblemCounter(models.Model):
    """The last number handed out per year: WT-2023-001, WT-2023-002, ..."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Problem(models.Model):
    class Source(models.TextChoices):
        VISIT = "visit", _("走访发现")
        COMPLAINT = "complaint", _("信访举报")
        MANUAL = "manual", _("直接登记")
        IMPORT = "import", _("台账导入")

    class Category(models.TextChoices):
        DISCLOSURE = "disclosure", _("招生信息公开")
        ENROLMENT = "enrolment", _("招生程序与资格审核")
        SERVICE = "service", _("服务态度与政策解读")
        INTEGRITY = "integrity", _("廉洁纪律")
        AFTER_SCHOOL = "after_school", _("课后服务")
        HOMEWORK = "homework", _("作业负担")
        FEES = "fees", _("收费与补贴")
        TUTORING = "tutoring", _("在职教师有偿补课")
        TRAINING = "training", _("校外培训")
        OTHER = "other", _("其他")

    class Severity(models.TextChoices):
        MINOR = "minor", _("轻微")
        GENERAL = "general", _("一般")
        SERIOUS = "serious", _("严重")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        REPORTED = "reported", _("已报整改")
        VERIFIED = "verified", _("已核查销号")
        REOPENED = "reopened", _("重新整改")

    # Allowed moves of the state machine: from -> to.
    TRANSITIONS = {
        Status.OPEN: {Status.RECTIFYING},
        Status.RECTIFYING: {Status.REPORTED},
        Status.REPORTED: {Status.VERIFIED, Status.REOPENED},
        Status.REOPENED: {Status.RECTIFYING},
        Status.VERIFIED: set(),
    }

    # The states in which the deadline runs against the responsible organisation.
    AWAITING_RECTIFICATION = (Status.OPEN, Status.RECTIFYING, Status.REOPENED)

    number = models.CharField(_("编号"), max_length=20, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("专项检查"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("发现走访"),
    )
    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("检查组"),
    )
    subject = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=pgettext_lazy("subject", "对象"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, blank=True)
    description = models.TextField(_("问题描述"))
    responsible_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_owned",
        verbose_name=_("责任单位"),
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    demand = models.TextField(_("整改要求"), blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    found_on = models.DateField(_("发现日期"), default=datetime.date.today)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    verification_visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_problems",
        verbose_name=_("回头看走访"),
    )
    verification_note = models.TextField(_("核查情况"), blank=True)
    # Set by the daily job when the deadline passes with the problem still open; cleared when
    # the deadline moves. Claiming it with a conditional UPDATE makes each notice go out once.
    overdue_since = models.DateField(_("逾期日期"), null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题台账")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="problem_status_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(closed_on__isnull=False),
                name="problem_verified_has_closing_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # -- derived ------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.VERIFIED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.status in self.AWAITING_RECTIFICATION and self.deadline and self.deadline < today
        )

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    # -- verbs --------------------------------------------------------------------------------

    @classmethod
    def next_number(cls, year: int) -> str:
        # Lock the year's counter: two inspectors raising problems at once would otherwise
        # read the same last number and collide on the unique constraint.
        ProblemCounter.objects.get_or_create(year=year)
        counter = ProblemCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"WT-{year}-{counter.last:03d}"

    @classmethod
    def raise_new(
        cls,
        *,
        description: str,
        by,
        source: str = "manual",
        subject=None,
        category: str = "",
        campaign=None,
        responsible_org=None,
        deadline=None,
        demand: str = "",
        visit=None,
        responsible_person: str = "",
        severity: str = "general",
        found_on: datetime.date | None = None,
    ) -> Problem:
        if not (description or "").strip():
            raise ValidationError(_("问题描述不能为空。"))
        if source not in cls.Source.values:
            raise ValidationError(_("未知的问题来源。"))
        if category and category not in cls.Category.values:
            # Accept a category's label too ("课后服务"), as callers may hold the Chinese name.
            by_label = {str(label): value for value, label in cls.Category.choices}
            if category not in by_label:
                raise ValidationError(_("未知的问题类别。"))
            category = by_label[category]
        found_on = found_on or (visit.date if visit is not None else timezone.localdate())
        if visit is not None:
            campaign = campaign or visit.campaign
            subject = subject or visit.subject
        with transaction.atomic():
            problem = cls.objects.create(
                number=cls.next_number(found_on.year),
                campaign=campaign,
                source=source,
                visit=visit,
                group=visit.group if visit is not None else None,
                subject=subject,
                category=category,
                description=description.strip(),
                responsible_org=responsible_org or subject,
                responsible_person=responsible_person,
                severity=severity,
                demand=demand,
                deadline=deadline,
                found_on=found_on,
                raised_by=_user(by),
            )
            audit.record(
                "oversight.problem_raised",
                problem,
                actor=by,
                payload={
                    "source": source,
                    "campaign": campaign.pk if campaign else None,
                    "subject": subject.pk if subject else None,
                    "deadline": deadline,
                },
            )
        return problem

    def _locked(self) -> Problem:
        return Problem.objects.select_for_update().get(pk=self.pk)

    def _move(self, to: str, by, *, payload: dict | None = None, **changes) -> Problem:
        # Lock the row: a school reporting while an inspector verifies must not both pass the
        # state check and leave a verified problem with a fresh report (or the reverse).
        with transaction.atomic():
            p = self._locked()
            if not p.can_move_to(to):
                raise ValidationError(
                    _("问题当前状态为“%(from)s”，不能改为“%(to)s”。")
                    % {"from": p.get_status_display(), "to": self.Status(to).label}
                )
            old = p.status
            p.status = to
            for k, v in changes.items():
                setattr(p, k, v)
            p.save(update_fields=["status", *changes.keys()])
            audit.record(
                f"oversight.problem_{to}",
                p,
                actor=by,
                payload={"from": old, "to": to, **(payload or {})},
            )
        self.refresh_from_db()
        return self

    def start_rectifying(self, *, by) -> Problem:
        return self._move(self.Status.RECTIFYING, by)

    def report_rectification(self, *, text: str, by, files=()) -> RectificationReport:
        if not text.strip():
            raise ValidationError(_("请说明整改情况。"))
        for f in files:
            check_upload(f, uploads.IMAGES_AND_OFFICE)  # refuse a bad file before anything changes
        with transaction.atomic():
            self._move(self.Status.REPORTED, by)
            report = RectificationReport.objects.create(
                problem=self, text=text.strip(), submitted_by=_user(by)
            )
            for f in files:
                Evidence.attach(f, report=report, by=by)
        return report

    def verify(self, *, visit: Visit, note: str, by, on: datetime.date | None = None) -> Problem:
        """Close the problem (销号) after a look-back visit confirmed the rectification."""
        self._check_lookback(visit)
        return self._move(
            self.Status.VERIFIED,
            by,
            payload={"visit": visit.pk},
            verification_visit=visit,
            verification_note=note.strip(),
            closed_on=on or visit.date,
        )

    def reopen(self, *, visit: Visit, note: str, by) -> Problem:
        """The look-back found the rectification insufficient: the problem goes back."""
        self._check_lookback(visit)
        if not note.strip():
            raise ValidationError(_("重新整改必须说明原因。"))
        return self._move(
            self.Status.REOPENED,
            by,
            payload={"visit": visit.pk},
            verification_visit=visit,
            verification_note=note.strip(),
        )

    def _check_lookback(self, visit: Visit) -> None:
        if visit.purpose != Visit.Purpose.LOOKBACK:
            raise ValidationError(_("核查必须关联一次“回头看”走访。"))
        if self.subject_id and visit.subject_id != self.subject_id:
            raise ValidationError(_("回头看走访的对象与问题对象不一致。"))

    def move_deadline(self, new: datetime.date, *, reason: str, by) -> Problem:
        if not (reason or "").strip():
            raise ValidationError(_("调整整改时限必须填写原因。"))
        with transaction.atomic():
            p = self._locked()
            if not p.is_open:
                raise ValidationError(_("已销号的问题不能调整时限。"))
            if p.deadline == new:
                raise ValidationError(_("新的时限与原时限相同。"))
            old = p.deadline
            p.deadline = new
            # A new deadline starts a new overdue period: notify again if this one passes too.
            p.overdue_since = None
            p.save(update_fields=["deadline", "overdue_since"])
            DeadlineChange.objects.create(
                problem=p, old=old, new=new, reason=reason.strip(), by=_user(by)
            )
            audit.record(
                "oversight.problem_deadline_moved",
                p,
                actor=by,
                payload={"from": old, "to": new, "reason": reason.strip()},
            )
        self.refresh_from_db()
        return self


class DeadlineChange(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="deadline_changes")
    old = models.DateField(_("原时限"), null=True)
    new = models.DateField(_("新时限"))
    reason = models.CharField(_("原因"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["problem", "created_at"]

    def __str__(self) -> str:
        return f"{self.problem} {self.old} → {self.new}"


class RectificationReport(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("整改情况"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["problem", "submitted_at"]

    def __str__(self) -> str:
        return f"{self.problem} {self.submitted_at:%Y-%m-%d}"


def _evidence_path(instance, filename):
    return f"oversight/evidence/{timezone.now():%Y/%m}/{filename}"


class Evidence(models.Model):
    """A photo or document attached to a visit or a rectification report."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    report = models.ForeignKey(
        RectificationReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to=_evidence_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False) | Q(report__isnull=False),
                name="evidence_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def attach(cls, upload, *, by, visit=None, report=None) -> Evidence:
        kind = check_upload(upload, uploads.IMAGES_AND_OFFICE)
        with transaction.atomic():
            ev = cls.objects.create(
                visit=visit,
                report=report,
                file=upload,
                original_name=upload.name[:200],
                kind=kind,
                size=upload.size,
                uploaded_by=_user(by),
            )
            audit.record(
                "oversight.evidence_attached",
                ev,
                actor=by,
                payload={"visit": visit.pk if visit else None, "kind": kind, "size": upload.size},
            )
        return ev


# --- Accountability --------------------------------------------------------------------------


class AccountabilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountabilityQuerySet:
        if _is_inspection(user):
            return self
        return self.none()


class Accountability(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("约谈提醒")
        CRITICISM = "criticism", _("批评教育")
        CIRCULAR = "circular", _("通报")
        FORMAL = "formal", _("问责")

    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    person = models.CharField(_("对象人员"), max_length=50)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位")
    )
    on = models.DateField(_("日期"))
    reason = models.TextField(_("事由"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountabilities",
        verbose_name=_("专项检查"),
    )
    problems = models.ManyToManyField(
        Problem, related_name="accountabilities", blank=True, verbose_name=_("关联问题")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"

    @classmethod
    def record_new(
        cls, *, kind, person, organisation, on, reason, by, campaign=None, problems=()
    ) -> Accountability:
        with transaction.atomic():
            acc = cls.objects.create(
                kind=kind,
                person=person,
                organisation=organisation,
                on=on,
                reason=reason,
                campaign=campaign,
                recorded_by=_user(by),
            )
            acc.problems.set(problems)
            audit.record(
                "oversight.accountability_recorded",
                acc,
                actor=by,
                object_repr=f"{acc.get_kind_display()} {organisation}",
                payload={
                    "kind": kind,
                    "organisation": organisation.pk,
                    "problems": [p.pk for p in problems],
                },
            )
        return acc
