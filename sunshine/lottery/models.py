"""Draws, witnesses, results and waitlists of the verifiable lottery (LOTTERY-SPEC.md).

A draw goes draft → frozen → revealing → drawn → published (or cancelled with a public reason).
Freezing writes the manifest (canonical JSON bytes) and its digest; from then on the inputs of
the draw (its settings, schools, places, witnesses and their commitments) can no longer change:
``save()`` and the querysets refuse it, so no view can forget.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.models import District
from sunshine.core.roles import Role
from sunshine.enrollment.models import Application, School
from sunshine.lottery import engine

HEX64 = re.compile(r"[0-9a-f]{64}")
SOURCE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MIN_ENTROPY_BITS = 128
MIN_COMMITTED_WITNESSES = 2  # committed non-beacon sources needed to freeze
DEFAULT_WITNESS_DIGITS = 20  # 2 × 20 × log2(10) ≈ 133 bits


class FrozenError(ValidationError):
    """A change to something the freeze has fixed."""


class DrawQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees which draws. The public sees every draw from its freeze on (digest and
        time are public at once); staff see their district's, schools the draws of their school,
        witnesses the draws they witness."""
        public = self.exclude(state=Draw.State.DRAFT)
        if not (user.is_authenticated and user.is_active):
            return public
        if user.role == Role.ADMIN:
            return self
        org = user.organisation
        if org is None:
            return public
        if user.role in (Role.BUREAU, Role.INSPECTION):
            return self.filter(district=org.district_id)
        if user.role == Role.SCHOOL:
            return (public | self.filter(schools__organisation=org)).distinct()
        if user.role == Role.WITNESS:
            return (public | self.filter(witnesses__user=user)).distinct()
        return public

    def managed_by(self, user):
        """Draws the user may operate (create, freeze, run, publish): bureau of the district."""
        if not (user.is_authenticated and user.is_active and user.role == Role.BUREAU):
            return self.none()
        if not user.organisation_id:
            return self.none()
        return self.filter(district=user.organisation.district_id)


class Draw(models.Model):
    class Mode(models.TextChoices):
        SINGLE = "single", _("单校摇号")
        MATCH = "match", _("多校志愿匹配")

    class Mechanism(models.TextChoices):
        DEFERRED = "deferred-acceptance", _("延迟接受（学生最优稳定匹配）")
        IMMEDIATE = "immediate-acceptance", _("志愿优先（逐轮录取）")

    class BundlePolicy(models.TextChoices):
        ADMIT_ALL = "admit-all", _("多胞胎整体录取（可超出学位数）")
        SKIP = "skip", _("学位不足时跳过该多胞胎组")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FROZEN = "frozen", _("名单已冻结")
        REVEALING = "revealing", _("揭示随机数中")
        DRAWN = "drawn", _("已摇号")
        PUBLISHED = "published", _("已公布")
        CANCELLED = "cancelled", _("已取消")

    # What the freeze fixes for ever.
    FROZEN_FIELDS = (
        "district_id",
        "year",
        "code",
        "mode",
        "mechanism",
        "bundle_policy",
        "default_priority",
        "manifest_json",
        "manifest_digest",
        "frozen_at",
        "redo_of_id",
    )
    RESULT_FIELDS = ("result_json", "result_digest", "seed", "drawn_at")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="draws", verbose_name=_("区县")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.SlugField(
        _("摇号编号"), max_length=64, unique=True, help_text=_("清单中的摇号标识，如 2020-zlj-tml")
    )
    title = models.CharField(_("名称"), max_length=200)
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices, default=Mode.SINGLE)
    mechanism = models.CharField(
        _("匹配机制"), max_length=25, choices=Mechanism.choices, blank=True
    )
    bundle_policy = models.CharField(
        _("多胞胎规则"),
        max_length=10,
        choices=BundlePolicy.choices,
        default=BundlePolicy.ADMIT_ALL,
    )
    default_priority = models.PositiveSmallIntegerField(_("默认顺位"), default=1)
    schools = models.ManyToManyField(
        School, through="DrawSchool", related_name="draws", verbose_name=_("学校")
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    redo_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redo",
        verbose_name=_("重新摇号（原摇号）"),
    )
    manifest_json = models.TextField(_("摇号清单"), blank=True)
    manifest_digest = models.CharField(_("清单摘要"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    result_json = models.TextField(_("摇号结果"), blank=True)
    result_digest = models.CharField(_("结果摘要"), max_length=64, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("摇号")
        verbose_name_plural = _("摇号")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""),
                name="draw_cancel_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | ~Q(manifest_digest=""),
                name="draw_frozen_has_manifest",
            ),
            models.CheckConstraint(
                condition=Q(mode="single", mechanism="") | (Q(mode="match") & ~Q(mechanism="")),
                name="draw_mechanism_matches_mode",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # ------------------------------------------------------------------ immutability

    def save(self, *args, **kwargs):
        if self.pk:
            old = (
                Draw.objects.filter(pk=self.pk)
                .values(*self.FROZEN_FIELDS, *self.RESULT_FIELDS, "state")
                .first()
            )
            if old and old["state"] != self.State.DRAFT:
                changed = [f for f in self.FROZEN_FIELDS if getattr(self, f) != old[f]]
                if old["result_digest"]:
                    changed += [f for f in self.RESULT_FIELDS if getattr(self, f) != old[f]]
                if self.state == self.State.DRAFT:
                    changed.append("state")
                if changed:
                    raise FrozenError(
                        gettext("摇号名单已冻结，不能再修改：%(fields)s")
                        % {"fields": ", ".join(changed)}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state != self.State.DRAFT:
            raise FrozenError(gettext("已冻结的摇号不能删除，只能取消并公布原因。"))
        return super().delete(*args, **kwargs)

    # ------------------------------------------------------------------ reading

    @property
    def is_frozen(self) -> bool:
        return self.state != self.State.DRAFT or bool(self.manifest_digest)

    def manifest(self) -> dict | None:
        return json.loads(self.manifest_json) if self.manifest_json else None

    def result(self) -> dict | None:
        return json.loads(self.result_json) if self.result_json else None

    def entropy(self) -> dict:
        return {w.source: w.value for w in self.witnesses.all() if w.revealed_at}

    def entropy_bytes(self) -> bytes:
        return engine.canonical(self.entropy())

    def draw_schools(self):
        return self.draw_school_set.select_related("school__organisation").order_by("school__code")

    def eligible_applications(self):
        codes = [ds.school_id for ds in self.draw_school_set.all()]
        return (
            Application.objects.filter(
                school_id__in=codes, year=self.year, status=Application.Status.ELIGIBLE
            )
            .select_related("applicant", "school")
            .order_by("applicant__number", "preference", "school__code")
        )

    def entropy_estimate_bits(self, witnesses=None) -> float:
        if witnesses is None:
            witnesses = self.witnesses.all()
        return sum(w.entropy_bits() for w in witnesses)

    @property
    def entropy_is_weak(self) -> bool:
        return self.entropy_estimate_bits() < MIN_ENTROPY_BITS

    # ------------------------------------------------------------------ manifest

    def build_manifest(self) -> dict:
        """The manifest of spec section 2, from the eligible applications of the schools."""
        places = {ds.school.code: ds.places for ds in self.draw_schools()}
        by_applicant: dict[str, list[Application]] = defaultdict(list)
        for app in self.eligible_applications():
            by_applicant[app.applicant.number].append(app)
        applicants = []
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for number in sorted(by_applicant):
            apps = sorted(by_applicant[number], key=lambda a: (a.preference, a.school.code))
            applicants.append(
                {
                    "id": number,
                    "choices": [a.school.code for a in apps],
                    "priority": {a.school.code: a.priority for a in apps},
                }
            )
            if self.mode == self.Mode.SINGLE:
                for a in apps:
                    if a.multiple_birth_group:
                        groups[(a.school.code, a.multiple_birth_group)].append(number)
        bundles = sorted(sorted(m) for m in groups.values() if len(m) >= 2)
        witnesses = list(self.witnesses.order_by("order", "pk"))
        return {
            "algorithm": engine.ALGORITHM,
            "draw": self.code,
            "mode": self.mode,
            "mechanism": self.mechanism or None,
            "bundle_policy": self.bundle_policy,
            "default_priority": self.default_priority,
            "schools": [{"id": code, "places": p} for code, p in sorted(places.items())],
            "applicants": applicants,
            "bundles": bundles,
            "sources": [w.source for w in witnesses],
            "commitments": {w.source: w.commitment for w in witnesses if w.commitment},
        }

    # ------------------------------------------------------------------ verbs

    def _locked(self) -> Draw:
        # Every verb re-reads the row under a lock: two operators clicking at once must not
        # both freeze, both draw or publish a draw another just cancelled.
        return Draw.objects.select_for_update().get(pk=self.pk)

    def _refresh_from(self, fresh: Draw) -> None:
        for f in self._meta.concrete_fields:
            setattr(self, f.attname, getattr(fresh, f.attname))

    def _require(self, *states) -> None:
        if self.state not in states:
            raise ValidationError(
                gettext("当前状态为“%(state)s”，不能进行此操作。")
                % {"state": self.get_state_display()}
            )

    def freeze(self, by) -> None:
        with transaction.atomic():
            draw = self._locked()
            draw._require(self.State.DRAFT)
            witnesses = list(draw.witnesses.select_for_update())
            if not witnesses:
                raise ValidationError(gettext("至少需要一位见证人（随机数来源）。"))
            missing = [
                w.name for w in witnesses if w.kind != Witness.Kind.BEACON and not w.commitment
            ]
            if missing:
                raise ValidationError(
                    gettext("以下见证人尚未提交承诺值：%(names)s") % {"names": "、".join(missing)}
                )
            # No single party may choose the seed: at least two independent witnesses commit
            # before the freeze, and together the sources must be too many to enumerate.
            committed = [w for w in witnesses if w.kind != Witness.Kind.BEACON and w.commitment]
            if len(committed) < MIN_COMMITTED_WITNESSES:
                raise ValidationError(
                    gettext(
                        "至少需要 %(min)d 位见证人提交承诺值（公开随机值不计），目前只有 %(n)d 位。"
                        "请添加见证人（如公证员、纪检监察组、家长代表）并收集承诺值。"
                    )
                    % {"min": MIN_COMMITTED_WITNESSES, "n": len(committed)}
                )
            bits = draw.entropy_estimate_bits(witnesses)
            if bits < MIN_ENTROPY_BITS:
                raise ValidationError(
                    gettext(
                        "随机数来源的熵估计只有约 %(bits)d 位，至少需要 %(min)d 位。"
                        "请增加见证人、增加随机数字位数或加入公开随机值。"
                    )
                    % {"bits": int(bits), "min": MIN_ENTROPY_BITS}
                )
            manifest = draw.build_manifest()
            if not manifest["applicants"]:
                raise ValidationError(gettext("没有符合条件的报名申请，无法冻结。"))
            try:
                engine.validate_manifest(manifest)
            except engine.ManifestError as e:
                raise ValidationError(gettext("摇号清单无效：%(error)s") % {"error": str(e)}) from e
            draw.manifest_json = engine.canonical(manifest).decode("utf-8")
            draw.manifest_digest = engine.digest(manifest)
            draw.frozen_at = timezone.now()
            draw.state = self.State.FROZEN
            draw.save()
            audit.record(
                "lottery.freeze",
                draw,
                actor=by,
                payload={
                    "manifest_digest": draw.manifest_digest,
                    "applicants": len(manifest["applicants"]),
                    "sources": manifest["sources"],
                },
            )
        self._refresh_from(draw)

    def reveal(self, source: str, value: str, by) -> Witness:
        with transaction.atomic():
            draw = self._locked()
            draw._require(self.State.FROZEN, self.State.REVEALING)
            witness = draw.witnesses.select_for_update().filter(source=source).first()
            if witness is None:
                raise ValidationError(gettext("没有名为 %(s)s 的随机数来源。") % {"s": source})
            witness.set_revealed(value, by)
            if draw.state == self.State.FROZEN:
                draw.state = self.State.REVEALING
                draw.save(update_fields=["state"])
            audit.record(
                "lottery.reveal",
                draw,
                actor=by,
                payload={"source": source, "value": value, "commitment": witness.commitment},
            )
        self._refresh_from(draw)
        return witness

    def run(self, by, progress=None) -> dict:
        with transaction.atomic():
            draw = self._locked()
            draw._require(self.State.REVEALING, self.State.FROZEN)
            pending = [w.name for w in draw.witnesses.all() if not w.revealed_at]
            if pending:
                raise ValidationError(
                    gettext("以下来源尚未揭示随机数：%(names)s") % {"names": "、".join(pending)}
                )
            manifest = draw.manifest()
            result = engine.draw(manifest, draw.entropy(), progress=progress)
            draw.result_json = engine.canonical(result).decode("utf-8")
            draw.result_digest = engine.digest(result)
            draw.seed = result["seed"]
            draw.drawn_at = timezone.now()
            draw.state = self.State.DRAWN
            draw.save()
            draw._create_placements(result)
            audit.record(
                "lottery.draw",
                draw,
                actor=by,
                payload={"result_digest": draw.result_digest, "seed": draw.seed},
            )
        self._refresh_from(draw)
        return result

    def _create_placements(self, result: dict) -> None:
        schools = {ds.school.code: ds.school for ds in self.draw_schools()}
        apps = {(a.applicant.number, a.school.code): a for a in self.eligible_applications()}
        numbers = result["lottery_numbers"]
        rows = []
        for code, lists in result["schools"].items():
            for kind, key in (
                (Placement.Kind.ADMITTED, "admitted"),
                (Placement.Kind.WAITLIST, "waitlist"),
            ):
                for pos, number in enumerate(lists[key], 1):
                    rows.append(
                        Placement(
                            draw=self,
                            school=schools[code],
                            number=number,
                            application=apps.get((number, code)),
                            lottery_number=numbers[number],
                            kind=kind,
                            position=pos,
                            status=Placement.Status.ADMITTED
                            if kind == Placement.Kind.ADMITTED
                            else Placement.Status.WAITING,
                        )
                    )
        Placement.objects.bulk_create(rows, batch_size=1000)

    def publish(self, by) -> None:
        with transaction.atomic():
            draw = self._locked()
            draw._require(self.State.DRAWN)
            draw.state = self.State.PUBLISHED
            draw.published_at = timezone.now()
            draw.save(update_fields=["state", "published_at"])
            audit.record(
                "lottery.publish", draw, actor=by, payload={"result_digest": draw.result_digest}
            )
        self._refresh_from(draw)

    def cancel(self, reason: str, by) -> None:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(gettext("取消摇号必须写明原因，原因将公开。"))
        with transaction.atomic():
            draw = self._locked()
            draw._require(self.State.DRAFT, self.State.FROZEN, self.State.REVEALING)
            draw.state = self.State.CANCELLED
            draw.cancel_reason = reason
            draw.cancelled_at = timezone.now()
            if not draw.manifest_digest:
                # A draft never frozen still leaves a public record of what it was.
                manifest = draw.build_manifest()
                draw.manifest_json = engine.canonical(manifest).decode("utf-8")
                draw.manifest_digest = engine.digest(manifest)
            draw.save()
            audit.record("lottery.cancel", draw, actor=by, payload={"reason": reason})
        self._refresh_from(draw)

    @classmethod
    def create_for(
        cls,
        *,
        district,
        year,
        code,
        title,
        schools,
        by,
        mode="single",
        mechanism="",
        bundle_policy="admit-all",
        redo_of=None,
    ) -> Draw:
        """A new draft draw over ``schools`` with their plans' surplus places."""
        with transaction.atomic():
            if redo_of is not None and redo_of.state != cls.State.CANCELLED:
                raise ValidationError(gettext("只能为已取消的摇号重新摇号。"))
            draw = cls(
                district=district,
                year=year,
                code=code,
                title=title,
                mode=mode,
                mechanism=mechanism if mode == cls.Mode.MATCH else "",
                bundle_policy=bundle_policy,
                redo_of=redo_of,
                created_by=by,
            )
            draw.full_clean()
            draw.save()
            for school in schools:
                plan = school.plans.filter(year=year).first()
                if plan is None or plan.surplus_places < 1:
                    raise ValidationError(
                        gettext("%(school)s 没有 %(year)s 年的富余学位计划。")
                        % {"school": school, "year": year}
                    )
                DrawSchool.objects.create(draw=draw, school=school, places=plan.surplus_places)
            audit.record(
                "lottery.create",
                draw,
                actor=by,
                payload={
                    "schools": [s.code for s in schools],
                    "mode": mode,
                    "redo_of": redo_of.pk if redo_of else None,
                },
            )
        return draw

    def add_default_witnesses(self) -> None:
        """The notary (linked to the district's notary account when there is exactly one) and
        the discipline-inspection group, as at the Ziliujing draw. Each declares 20 random
        digits, so that the two of them alone reach MIN_ENTROPY_BITS and the draw can be
        frozen once both have committed."""
        from sunshine.core.models import Organisation, User

        notaries = list(
            User.objects.filter(
                role=Role.WITNESS,
                organisation__district=self.district_id,
                organisation__kind=Organisation.Kind.NOTARY,
                is_active=True,
            ).select_related("organisation")[:2]
        )
        notary = notaries[0] if len(notaries) == 1 else None
        Witness.objects.create(
            draw=self,
            source="notary",
            kind=Witness.Kind.NOTARY,
            name=str(notary.organisation) if notary else gettext("公证员"),
            user=notary,
            order=0,
            declared_digits=DEFAULT_WITNESS_DIGITS,
        )
        Witness.objects.create(
            draw=self,
            source="inspection",
            kind=Witness.Kind.INSPECTION,
            name=gettext("纪检监察组"),
            order=1,
            declared_digits=DEFAULT_WITNESS_DIGITS,
        )

    def clean(self):
        if self.mode == self.Mode.MATCH and not self.mechanism:
            raise ValidationError({"mechanism": gettext("多校匹配必须选择匹配机制。")})


class GuardedQuerySet(models.QuerySet):
    """Bulk update/delete would bypass save(); refuse them once the draw is frozen."""

    draw_path = "draw"

    def _touches_frozen(self) -> bool:
        return self.exclude(**{f"{self.draw_path}__state": Draw.State.DRAFT}).exists()

    def update(self, **kwargs):
        if self._touches_frozen():
            raise FrozenError(gettext("摇号名单已冻结，不能批量修改。"))
        return super().update(**kwargs)

    def delete(self):
        if self._touches_frozen():
            raise FrozenError(gettext("摇号名单已冻结，不能删除。"))
        return super().delete()


class DrawSchool(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="draw_school_set")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    places = models.PositiveIntegerField(_("摇号学位数"))

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("摇号学校")
        verbose_name_plural = _("摇号学校")
        constraints = [
            models.UniqueConstraint(fields=["draw", "school"], name="drawschool_unique"),
            models.CheckConstraint(condition=Q(places__gte=1), name="drawschool_places_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.school} ({self.places})"

    def save(self, *args, **kwargs):
        if Draw.objects.filter(pk=self.draw_id).exclude(state=Draw.State.DRAFT).exists():
            raise FrozenError(gettext("摇号名单已冻结，不能修改学校或学位数。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.draw.state != Draw.State.DRAFT:
            raise FrozenError(gettext("摇号名单已冻结，不能修改学校或学位数。"))
        return super().delete(*args, **kwargs)


class Witness(models.Model):
    """One entropy source of a draw: a witness who commits and reveals, or a public value."""

    class Kind(models.TextChoices):
        NOTARY = "notary", _("公证员")
        DEPUTY = "deputy", _("人大代表/政协委员")
        PARENT = "parent", _("家长代表")
        SCHOOL = "school", _("学校代表")
        INSPECTION = "inspection", _("纪检监察组")
        BEACON = "beacon", _("公开随机值（冻结后产生，无需承诺）")

    LOCKED_AFTER_FREEZE = ("draw_id", "source", "kind", "commitment", "order", "user_id")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="witnesses")
    source = models.CharField(
        _("来源标识"), max_length=64, help_text=_("清单中的来源名，如 notary、parent-TML-1")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("姓名/单位"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lottery_witness_roles",
        verbose_name=_("登录账号"),
        help_text=_("留空则由操作员在现场代为录入"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    declared_digits = models.PositiveSmallIntegerField(
        _("随机数字位数"), default=10, help_text=_("至少 10 位（骰子、摇号球或随机数设备）")
    )
    commitment = models.CharField(_("承诺值 SHA-256"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.CharField(_("揭示值"), max_length=200, blank=True)
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    selection = models.ForeignKey(
        "RepresentativeSelection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="witnesses",
    )

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("见证人/随机数来源")
        verbose_name_plural = _("见证人/随机数来源")
        ordering = ["draw", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "source"], name="witness_one_source_per_draw"),
            models.CheckConstraint(
                condition=Q(revealed_at__isnull=True) | ~Q(value=""),
                name="witness_reveal_has_value",
            ),
            models.CheckConstraint(
                condition=Q(commitment="") | Q(commitment__regex=r"^[0-9a-f]{64}$"),
                name="witness_commitment_is_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.source})"

    def save(self, *args, **kwargs):
        draw_state = Draw.objects.filter(pk=self.draw_id).values_list("state", flat=True).first()
        if self.pk and draw_state not in (None, Draw.State.DRAFT):
            old = (
                Witness.objects.filter(pk=self.pk)
                .values(*self.LOCKED_AFTER_FREEZE, "value", "revealed_at")
                .first()
            )
            changed = [f for f in self.LOCKED_AFTER_FREEZE if getattr(self, f) != old[f]]
            if changed:
                raise FrozenError(
                    gettext("摇号名单已冻结，见证人和承诺值不能再修改：%(f)s")
                    % {"f": ", ".join(changed)}
                )
            if old["revealed_at"] and (self.value != old["value"] or not self.revealed_at):
                raise FrozenError(gettext("随机数已经揭示，不能修改。"))
        elif draw_state not in (None, Draw.State.DRAFT):
            raise FrozenError(gettext("摇号名单已冻结，不能再增加见证人。"))
        if self.value and not self.revealed_at:
            # Before the reveal only the commitment is kept, never the value.
            raise ValidationError(gettext("揭示之前不保存随机数本身。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.draw.state != Draw.State.DRAFT:
            raise FrozenError(gettext("摇号名单已冻结，不能删除见证人。"))
        return super().delete(*args, **kwargs)

    @property
    def needs_commitment(self) -> bool:
        return self.kind != self.Kind.BEACON

    def may_act(self, user) -> bool:
        """A witness with its own login acts only on that login: otherwise the operator could
        commit and reveal for every source and so choose the seed. The bureau operator of the
        district acts only for witnesses without an account (typed in at the ceremony)."""
        if not (user.is_authenticated and user.is_active):
            return False
        if self.user_id:
            return self.user_id == user.pk
        return (
            user.role == Role.BUREAU
            and user.organisation_id is not None
            and user.organisation.district_id == self.draw.district_id
        )

    def set_commitment(self, *, commitment: str = "", value: str = "", by) -> None:
        """Record the SHA-256 commitment, given as hex or computed from a typed value (which
        is then forgotten)."""
        if not self.needs_commitment:
            raise ValidationError(gettext("公开随机值在冻结后产生，不需要承诺。"))
        commitment = (commitment or "").strip().lower()
        if value:
            if commitment:
                raise ValidationError(gettext("请只填写承诺值或随机数其中一项。"))
            _check_value(value)
            commitment = engine.commit(value)
        if not HEX64.fullmatch(commitment):
            raise ValidationError(gettext("承诺值应为 64 位小写十六进制 SHA-256。"))
        with transaction.atomic():
            locked = Witness.objects.select_for_update().select_related("draw").get(pk=self.pk)
            if locked.draw.state != Draw.State.DRAFT:
                raise FrozenError(gettext("摇号名单已冻结，承诺值已锁定。"))
            locked.commitment = commitment
            locked.committed_at = timezone.now()
            locked.committed_by = by
            locked.save()
            audit.record(
                "lottery.commit",
                locked.draw,
                actor=by,
                payload={"source": locked.source, "commitment": commitment},
            )
        self.commitment, self.committed_at, self.committed_by = commitment, locked.committed_at, by

    def set_revealed(self, value: str, by) -> None:
        """Called by Draw.reveal() inside its transaction, with the draw locked."""
        if self.revealed_at:
            raise ValidationError(gettext("%(name)s 已经揭示过随机数。") % {"name": self.name})
        _check_value(value)
        if self.commitment and not engine.check_commitment(value, self.commitment):
            raise ValidationError(
                gettext(
                    "%(name)s 揭示的随机数与冻结前提交的承诺值不符，已拒绝。"
                    "请核对读出的数字（包括位数和前导零）。"
                )
                % {"name": self.name}
            )
        self.value = value
        self.revealed_at = timezone.now()
        self.revealed_by = by
        self.save()

    def entropy_bits(self) -> float:
        """An upper estimate: digits × log2(10) for declared/revealed random digits."""
        if self.revealed_at:
            v = self.value
            alphabet = 10 if v.isdigit() else 16 if re.fullmatch(r"[0-9a-fA-F]+", v) else 36
            return len(v) * math.log2(alphabet)
        return self.declared_digits * math.log2(10)


def _check_value(value: str) -> None:
    if not value or len(value) > 200 or re.search(r"[\x00-\x1f\x7f-\x9f]", value):
        raise ValidationError(gettext("随机数不能为空、不能超过 200 个字符、不能含控制字符。"))


class RepresentativeSelection(models.Model):
    """Parent representatives chosen with RFC 3797 from a school's eligible applicants."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="selections")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    sources = models.JSONField(_("公开随机来源"))
    key_string = models.TextField(_("密钥字符串"))
    pool = models.JSONField(_("候选名单（报名号，按序编号）"))
    positions = models.JSONField(_("选中序号"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("家长代表抽取")
        verbose_name_plural = _("家长代表抽取")
        constraints = [
            models.UniqueConstraint(fields=["draw", "school"], name="selection_one_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.draw} {self.school}"

    @property
    def selected_numbers(self) -> list[str]:
        return [self.pool[p - 1] for p in self.positions]

    @classmethod
    def choose(cls, draw: Draw, school: School, sources: list[str], count: int, by):
        from sunshine.lottery import rfc3797

        with transaction.atomic():
            draw = Draw.objects.select_for_update().get(pk=draw.pk)
            draw._require(Draw.State.DRAFT)
            if cls.objects.filter(draw=draw, school=school).exists():
                raise ValidationError(gettext("该校家长代表已抽取，结果不能重抽。"))
            pool = sorted(
                Application.objects.filter(
                    school=school, year=draw.year, status=Application.Status.ELIGIBLE
                ).values_list("applicant__number", flat=True)
            )
            if count < 1 or count > len(pool):
                raise ValidationError(gettext("抽取人数应在 1 到 %(n)s 之间。") % {"n": len(pool)})
            try:
                parsed = [rfc3797.parse_source(s) for s in sources]
                key, positions = rfc3797.select(len(pool), count, parsed)
            except ValueError as e:
                raise ValidationError(gettext("随机来源格式有误：%(e)s") % {"e": e}) from e
            selection = cls.objects.create(
                draw=draw,
                school=school,
                sources=list(sources),
                key_string=key,
                pool=pool,
                positions=list(positions),
                created_by=by,
            )
            base = draw.witnesses.count()
            for k, pos in enumerate(positions, 1):
                Witness.objects.create(
                    draw=draw,
                    source=f"parent-{school.code}-{k}"[:64],
                    kind=Witness.Kind.PARENT,
                    name=gettext("%(school)s家长代表（报名号 %(number)s）")
                    % {"school": school.name, "number": pool[pos - 1]},
                    order=base + k,
                    selection=selection,
                )
            audit.record(
                "lottery.representatives",
                draw,
                actor=by,
                payload={
                    "school": school.code,
                    "sources": list(sources),
                    "key_string": key,
                    "pool_size": len(pool),
                    "positions": list(positions),
                },
            )
        return selection


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        draws = Draw.objects.visible_to(user)
        qs = self.filter(draw__in=draws)
        if user.is_authenticated and user.role == Role.SCHOOL:
            return qs.filter(school__organisation=user.organisation_id)
        if user.is_authenticated and user.role in (Role.BUREAU, Role.INSPECTION, Role.ADMIN):
            return qs
        return qs.filter(draw__state=Draw.State.PUBLISHED)


class Placement(models.Model):
    """One line of a drawn result: an applicant admitted at, or waitlisted for, a school."""

    class Kind(models.TextChoices):
        ADMITTED = "admitted", _("摇中录取")
        WAITLIST = "waitlist", _("候补")

    class Status(models.TextChoices):
        ADMITTED = "admitted", _("已录取")
        DECLINED = "declined", _("已放弃学位")
        WAITING = "waiting", _("候补中")
        OFFERED = "offered", _("已通知递补")
        ACCEPTED = "accepted", _("递补录取")
        REFUSED = "refused", _("放弃递补")

    HOLDS_PLACE = (Status.ADMITTED, Status.OFFERED, Status.ACCEPTED)

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="placements")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("报名号"), max_length=64)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lottery_number = models.PositiveIntegerField(_("摇号序号"))
    kind = models.CharField(_("结果"), max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(_("名次"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("摇号结果")
        verbose_name_plural = _("摇号结果")
        ordering = ["draw", "school", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "school", "number"], name="placement_one_per_school"
            ),
            models.UniqueConstraint(
                fields=["draw", "school", "kind", "position"], name="placement_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.position}"

    def decline(self, by) -> None:
        """An admitted family gives up the place (recorded by the school)."""
        with transaction.atomic():
            p = Placement.objects.select_for_update().get(pk=self.pk)
            _require_published(p.draw)
            if p.status not in (self.Status.ADMITTED, self.Status.ACCEPTED):
                raise ValidationError(gettext("只有已录取的学生才能放弃学位。"))
            p.status = self.Status.DECLINED
            p.save(update_fields=["status"])
            audit.record(
                "lottery.place_declined",
                p.draw,
                actor=by,
                payload={"school": p.school.code, "number": p.number},
            )
        self.status = p.status


def _require_published(draw: Draw) -> None:
    if draw.state != Draw.State.PUBLISHED:
        raise ValidationError(gettext("摇号结果公布后才能办理递补。"))


def vacancies(draw: Draw, school: School) -> int:
    places = DrawSchool.objects.get(draw=draw, school=school).places
    held = Placement.objects.filter(
        draw=draw, school=school, status__in=Placement.HOLDS_PLACE
    ).count()
    return places - held


def waiting_units(draw: Draw, school: School) -> list[list[Placement]]:
    """The school's waiting placements in waitlist order, multiple-birth siblings together."""
    units: list[list[Placement]] = []
    by_group: dict[str, list[Placement]] = {}
    waiting = (
        Placement.objects.filter(
            draw=draw, school=school, kind=Placement.Kind.WAITLIST, status=Placement.Status.WAITING
        )
        .select_related("application")
        .order_by("position")
    )
    for p in waiting:
        group = p.application.multiple_birth_group if p.application_id else ""
        if draw.mode == Draw.Mode.SINGLE and group:
            if group in by_group:
                by_group[group].append(p)
                continue
            by_group[group] = [p]
            units.append(by_group[group])
        else:
            units.append([p])
    return units


def unit_fits(draw: Draw, unit: list[Placement], free: int) -> bool:
    """The draw's bundle policy decides whether a unit can take the free places."""
    return len(unit) <= free or (free > 0 and draw.bundle_policy == Draw.BundlePolicy.ADMIT_ALL)


class WaitlistOffer(models.Model):
    """A place offered to a waitlisted family, in waitlist order unless the bureau records why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已放弃")

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    offered_at = models.DateTimeField(_("通知时间"), auto_now_add=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    skip_reason = models.TextField(_("跳过顺序的原因"), blank=True)
    skip_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准跳过的教育局人员"),
    )

    class Meta:
        verbose_name = _("递补通知")
        verbose_name_plural = _("递补通知")
        ordering = ["offered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(skip_reason="") & Q(skip_authorised_by__isnull=True))
                | (~Q(skip_reason="") & Q(skip_authorised_by__isnull=False)),
                name="offer_skip_needs_reason_and_bureau",
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement} {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self._check_order()
        super().save(*args, **kwargs)

    def _check_order(self) -> None:
        """The order rule, checked for every new offer whoever creates it: no waiting unit
        ahead of this one that the free places could take, unless the bureau recorded why."""
        p = self.placement
        if p.kind != Placement.Kind.WAITLIST or p.status != Placement.Status.WAITING:
            raise ValidationError(gettext("只能向候补中的学生发出递补通知。"))
        free = vacancies(p.draw, p.school) + getattr(self, "_unit_offered", 0)
        passed_over = [
            unit
            for unit in waiting_units(p.draw, p.school)
            if unit[0].position < p.position
            and p.pk not in {m.pk for m in unit}
            and unit_fits(p.draw, unit, free)
        ]
        if passed_over:
            authoriser = self.skip_authorised_by
            if not self.skip_reason.strip() or authoriser is None:
                raise ValidationError(gettext("必须按候补顺序递补；跳过顺序须由教育局记录原因。"))
            if not (
                authoriser.role == Role.BUREAU
                and authoriser.organisation_id
                and authoriser.organisation.district_id == p.draw.district_id
            ):
                raise ValidationError(gettext("只有本区教育局可以批准跳过候补顺序。"))

    @classmethod
    def make(cls, placement: Placement, by, *, skip_reason: str = "", authorised_by=None):
        """Offer the place to ``placement`` and to its multiple-birth siblings still waiting
        (a bundle is offered together, as it was drawn together)."""
        skip_reason = skip_reason.strip()
        with transaction.atomic():
            # Lock the draw: two offers at once must not both take the last place or both
            # pass over the same family.
            draw = Draw.objects.select_for_update().get(pk=placement.draw_id)
            _require_published(draw)
            p = Placement.objects.select_for_update().get(pk=placement.pk)
            free = vacancies(draw, p.school)
            if free <= 0:
                raise ValidationError(gettext("该校当前没有空出的学位，不能递补。"))
            unit = next(
                (u for u in waiting_units(draw, p.school) if p.pk in {m.pk for m in u}), [p]
            )
            if not unit_fits(draw, unit, free):
                raise ValidationError(
                    gettext("该多胞胎组有 %(n)s 人，空出的学位不足，按规则不能整组递补。")
                    % {"n": len(unit)}
                )
            offers = []
            for k, member in enumerate(unit):
                offer = cls(
                    placement=member,
                    offered_by=by,
                    skip_reason=skip_reason,
                    skip_authorised_by=authorised_by if skip_reason else None,
                )
                offer._unit_offered = k  # places the unit's earlier members just took
                offer.save()
                member.status = Placement.Status.OFFERED
                member.save(update_fields=["status"])
                offers.append(offer)
            audit.record(
                "lottery.offer",
                draw,
                actor=by,
                payload={
                    "school": p.school.code,
                    "numbers": [m.number for m in unit],
                    "positions": [m.position for m in unit],
                    "skip_reason": skip_reason,
                },
            )
        placement.status = Placement.Status.OFFERED
        return next(o for o in offers if o.placement_id == p.pk)

    @classmethod
    def offer_next(cls, draw: Draw, school: School, by):
        """Offer to the first waiting unit the free places can take (spec section 5's walk)."""
        free = vacancies(draw, school)
        if free <= 0:
            raise ValidationError(gettext("该校当前没有空出的学位，不能递补。"))
        for unit in waiting_units(draw, school):
            if unit_fits(draw, unit, free):
                return cls.make(unit[0], by)
        raise ValidationError(gettext("候补名单已无可递补的学生。"))

    def respond(self, accepted: bool, by) -> None:
        with transaction.atomic():
            offer = (
                WaitlistOffer.objects.select_for_update()
                .select_related("placement")
                .get(pk=self.pk)
            )
            if offer.status != self.Status.PENDING:
                raise ValidationError(gettext("该递补通知已经答复。"))
            p = offer.placement
            offer.status = self.Status.ACCEPTED if accepted else self.Status.DECLINED
            offer.responded_at = timezone.now()
            offer.responded_recorded_by = by
            offer.save()
            p.status = Placement.Status.ACCEPTED if accepted else Placement.Status.REFUSED
            p.save(update_fields=["status"])
            released = []
            if accepted:
                # In a match draw, a family taking a place it preferred gives up the other one.
                for other in (
                    Placement.objects.select_for_update()
                    .filter(draw=p.draw, number=p.number, status=Placement.Status.ADMITTED)
                    .exclude(pk=p.pk)
                ):
                    other.status = Placement.Status.DECLINED
                    other.save(update_fields=["status"])
                    released.append(other.school.code)
            audit.record(
                "lottery.offer_accepted" if accepted else "lottery.offer_declined",
                p.draw,
                actor=by,
                payload={"school": p.school.code, "number": p.number, "released": released},
            )
        self.status = offer.status
