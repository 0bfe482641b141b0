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
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
