"""The ceremony: small function views around the Draw verbs; access decided by the querysets."""

import hashlib
import hmac
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.core.clients import client_address
from sunshine.core.permissions import public, role_required, user_has_role
from sunshine.core.roles import Role
from sunshine.enrollment.models import Applicant
from sunshine.lottery import documents
from sunshine.lottery.forms import (
    CancelForm,
    CommitForm,
    DrawForm,
    LookupForm,
    RepresentativeForm,
    RevealForm,
    SkipOfferForm,
    WitnessForm,
)
from sunshine.lottery.models import (
    MIN_ENTROPY_BITS,
    Draw,
    Placement,
    RepresentativeSelection,
    WaitlistOffer,
    Witness,
    vacancies,
)

VERIFIER = Path(__file__).resolve().parent / "verify_draw.py"
STAFF = (Role.BUREAU, Role.INSPECTION, Role.SCHOOL, Role.WITNESS, Role.ADMIN)
ACTORS = (Role.BUREAU, Role.WITNESS, Role.INSPECTION)


def _get_draw_for_user(request, pk) -> Draw:
    return get_object_or_404(Draw.objects.visible_to(request.user), pk=pk)


def _get_managed_draw(request, pk) -> Draw:
    draw = _get_draw_for_user(request, pk)
    if not Draw.objects.managed_by(request.user).filter(pk=draw.pk).exists():
        raise PermissionDenied
    return draw


def _result_visible(request, draw: Draw) -> bool:
    """Whether the result page, files, PDF and spreadsheet are open to this visitor.

    Everyone once the draw is published. While it is only drawn, the people of this draw: the
    bureau and inspection group of its district, the staff of a school in it, its witnesses
    (and the site admin), so they can check it before the bureau publishes. Staff of other
    districts get nothing the public does not: the check follows the draw, not the role.

    The projector (projector/live.json) is different on purpose: it shows the seed and the
    admitted and waiting numbers as soon as the draw is run, because the result is announced at
    the ceremony in front of the witnesses (seed 001) and published at once; see _live().
    """
    if draw.state == Draw.State.PUBLISHED:
        return True
    if draw.state != Draw.State.DRAWN:
        return False
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ADMIN:
        return True
    org = user.organisation
    if org is None:
        return False
    if user.role in (Role.BUREAU, Role.INSPECTION):
        return org.district_id == draw.district_id
    if user.role == Role.SCHOOL:
        return draw.schools.filter(organisation=org).exists()
    if user.role == Role.WITNESS:
        return draw.witnesses.filter(user=user).exists()
    return False


def _error(request, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


@public
def index(request):
    draws = (
        Draw.objects.visible_to(request.user)
        .select_related("district")
        .prefetch_related("draw_school_set__school__organisation")
    )
    can_create = user_has_role(request.user, Role.BUREAU)
    return render(request, "lottery/index.html", {"draws": draws, "can_create": can_create})


@role_required(Role.BUREAU)
def create(request):
    district = request.user.district
    if district is None:
        raise PermissionDenied
    form = DrawForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draw = Draw.create_for(
                district=district,
                year=d["year"],
                code=d["code"],
                title=d["title"],
                schools=list(d["schools"]),
                by=request.user,
                mode=d["mode"],
                mechanism=d["mechanism"],
                bundle_policy=d["bundle_policy"],
                redo_of=d["redo_of"],
            )
        except ValidationError as e:
            _error(request, e)
        else:
            draw.add_default_witnesses()
            messages.success(request, _("摇号已创建。请添加见证人、抽取家长代表并收集承诺值。"))
            return redirect("lottery:detail", pk=draw.pk)
    return render(request, "lottery/create.html", {"form": form})


@public
def detail(request, pk):
    draw = _get_draw_for_user(request, pk)
    witnesses = list(draw.witnesses.select_related("user"))
    user = request.user
    can_manage = Draw.objects.managed_by(user).filter(pk=draw.pk).exists()
    mine = [w for w in witnesses if w.may_act(user)] if user.is_authenticated else []
    context = {
        "draw": draw,
        "draw_schools": list(draw.draw_schools()),
        "witnesses": witnesses,
        "mine": mine,
        "can_manage": can_manage,
        "result_visible": _result_visible(request, draw),
        "entropy_bits": round(draw.entropy_estimate_bits()),
        "min_bits": MIN_ENTROPY_BITS,
        "all_revealed": all(w.revealed_at for w in witnesses) and bool(witnesses),
        "commit_form": CommitForm(),
        "reveal_form": RevealForm(),
        "cancel_form": CancelForm(),
        "selections": draw.selections.select_related("school__organisation"),
        "is_staff": user_has_role(user, *STAFF),
        "show_actions": bool(mine or can_manage)
        and draw.state in (Draw.State.DRAFT, Draw.State.FROZEN, Draw.State.REVEALING),
    }
    if can_manage and draw.state == Draw.State.DRAFT:
        context["witness_form"] = WitnessForm(draw=draw)
        context["applications"] = draw.eligible_applications().count()
    if context["result_visible"]:
        context["results"] = _results(draw)
    return render(request, "lottery/detail.html", context)


def _results(draw: Draw) -> list[dict]:
    result = draw.result() or {}
    out = []
    for ds in draw.draw_schools():
        lists = result.get("schools", {}).get(ds.school.code, {"admitted": [], "waitlist": []})
        numbers = result.get("lottery_numbers", {})
        out.append(
            {
                "school": ds.school,
                "places": ds.places,
                "admitted": [(n, numbers.get(n)) for n in lists["admitted"]],
                "waitlist": [(n, numbers.get(n)) for n in lists["waitlist"]],
            }
        )
    return out


@require_POST
@role_required(Role.BUREAU)
def witness_add(request, pk):
    draw = _get_managed_draw(request, pk)
    form = WitnessForm(request.POST, draw=draw)
    if form.is_valid():
        witness = form.save(commit=False)
        witness.draw = draw
        witness.order = draw.witnesses.count()
        try:
            witness.save()
        except ValidationError as e:
            _error(request, e)
        else:
            from sunshine.core import audit

            audit.record(
                "lottery.witness_added",
                draw,
                actor=request.user,
                payload={"source": witness.source, "kind": witness.kind},
            )
            messages.success(request, _("已添加见证人。"))
    else:
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''} {e}"
                )
    return redirect("lottery:detail", pk=draw.pk)


@require_POST
@role_required(Role.BUREAU)
def witness_remove(request, pk, witness_pk):
    draw = _get_managed_draw(request, pk)
    witness = get_object_or_404(draw.witnesses, pk=witness_pk)
    try:
        from django.db import transaction

        from sunshine.core import audit

        with transaction.atomic():
            audit.record(
                "lottery.witness_removed",
                draw,
                actor=request.user,
                payload={"source": witness.source},
            )
            witness.delete()
    except ValidationError as e:
        _error(request, e)
    return redirect("lottery:detail", pk=draw.pk)


def _get_witness_for_actor(request, pk, witness_pk) -> tuple[Draw, Witness]:
    draw = _get_draw_for_user(request, pk)
    witness = get_object_or_404(draw.witnesses.select_related("draw"), pk=witness_pk)
    if not witness.may_act(request.user):
        raise PermissionDenied
    return draw, witness


@require_POST
@role_required(*ACTORS)
def commit(request, pk, witness_pk):
    draw, witness = _get_witness_for_actor(request, pk, witness_pk)
    form = CommitForm(request.POST)
    if form.is_valid():
        try:
            witness.set_commitment(
                commitment=form.cleaned_data["commitment"],
                value=form.cleaned_data["value"],
                by=request.user,
            )
        except ValidationError as e:
            _error(request, e)
        else:
            messages.success(request, _("已记录 %(name)s 的承诺值。") % {"name": witness.name})
    else:
        for e in form.non_field_errors():
            messages.error(request, e)
    return redirect("lottery:detail", pk=draw.pk)


@require_POST
@role_required(*ACTORS)
def reveal(request, pk, witness_pk):
    draw, witness = _get_witness_for_actor(request, pk, witness_pk)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            draw.reveal(witness.source, form.cleaned_data["value"], request.user)
        except ValidationError as e:
            _error(request, e)
        else:
            messages.success(
                request, _("%(name)s 的随机数已揭示并核对承诺值。") % {"name": witness.name}
            )
    else:
        messages.error(request, _("请输入揭示的随机数。"))
    return redirect("lottery:detail", pk=draw.pk)


def _verb(request, pk, verb, ok_message, *args):
    draw = _get_managed_draw(request, pk)
    try:
        getattr(draw, verb)(*args, request.user)
    except ValidationError as e:
        _error(request, e)
    else:
        messages.success(request, ok_message)
    return redirect("lottery:detail", pk=draw.pk)


@require_POST
@role_required(Role.BUREAU)
def freeze(request, pk):
    return _verb(request, pk, "freeze", _("名单已冻结，清单摘要已公开。"))


@require_POST
@role_required(Role.BUREAU)
def run(request, pk):
    return _verb(request, pk, "run", _("摇号完成。"))


@require_POST
@role_required(Role.BUREAU)
def publish(request, pk):
    return _verb(request, pk, "publish", _("结果已公布。"))


@require_POST
@role_required(Role.BUREAU)
def cancel(request, pk):
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("取消摇号必须写明原因，原因将公开。"))
        return redirect("lottery:detail", pk=pk)
    return _verb(request, pk, "cancel", _("摇号已取消，原因已公开。"), form.cleaned_data["reason"])


@role_required(Role.BUREAU, Role.INSPECTION, Role.ADMIN)
def representatives(request, pk):
    draw = _get_draw_for_user(request, pk)
    can_manage = Draw.objects.managed_by(request.user).filter(pk=draw.pk).exists()
    form = RepresentativeForm(request.POST or None, draw=draw)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                RepresentativeSelection.choose(
                    draw,
                    form.cleaned_data["school"],
                    form.cleaned_data["sources"],
                    form.cleaned_data["count"],
                    request.user,
                )
            except ValidationError as e:
                _error(request, e)
            else:
                messages.success(request, _("家长代表已抽取，已加入见证人名单。"))
                return redirect("lottery:representatives", pk=draw.pk)
    selections = []
    for s in draw.selections.select_related("school__organisation"):
        chosen = set(s.positions)
        selections.append(
            {
                "selection": s,
                "pool": [(i, n, i in chosen) for i, n in enumerate(s.pool, 1)],
                "chosen": [(p, s.pool[p - 1]) for p in s.positions],
            }
        )
    return render(
        request,
        "lottery/representatives.html",
        {"draw": draw, "form": form, "selections": selections, "can_manage": can_manage},
    )


# ---------------------------------------------------------------------- projector


@public
def projector(request, pk):
    draw = _get_draw_for_user(request, pk)
    return render(request, "lottery/projector.html", {"draw": draw, "live": _live(draw)})


@public
def live(request, pk):
    draw = _get_draw_for_user(request, pk)
    return JsonResponse(_live(draw), json_dumps_params={"ensure_ascii": False})


def _live(draw: Draw) -> dict:
    # The seed and the lists appear as soon as the draw is run (DRAWN), not only once published:
    # the projector announces the result at the ceremony, in front of the witnesses and the
    # public, and the bureau publishes it at once. Everything shown here is what the
    # announcement says; result.json and the documents wait for _result_visible().
    shown = draw.state in (Draw.State.DRAWN, Draw.State.PUBLISHED)
    data = {
        "state": draw.state,
        "state_label": str(draw.get_state_display()),
        "manifest_digest": draw.manifest_digest,
        "frozen_at": draw.frozen_at.isoformat() if draw.frozen_at else None,
        "witnesses": [
            {
                "name": w.name,
                "source": w.source,
                "commitment": w.commitment,
                "value": w.value if w.revealed_at else None,
            }
            for w in draw.witnesses.all()
        ],
        "seed": draw.seed if shown else "",
        "result_digest": draw.result_digest if shown else "",
        "schools": [],
        "cancel_reason": draw.cancel_reason,
    }
    if shown:
        for r in _results(draw):
            data["schools"].append(
                {
                    "name": r["school"].name,
                    "places": r["places"],
                    "admitted": [n for n, _ in r["admitted"]],
                    "waitlist": [n for n, _ in r["waitlist"]],
                }
            )
    return data


# ---------------------------------------------------------------------- files


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
def manifest_file(request, pk):
    draw = _get_draw_for_user(request, pk)
    if not draw.manifest_json:
        raise Http404
    return _download(draw.manifest_json.encode("utf-8"), "manifest.json", "application/json")


@public
def entropy_file(request, pk):
    draw = _get_draw_for_user(request, pk)
    if not _result_visible(request, draw):
        raise Http404
    return _download(draw.entropy_bytes(), "entropy.json", "application/json")


@public
def result_file(request, pk):
    draw = _get_draw_for_user(request, pk)
    if not _result_visible(request, draw):
        raise Http404
    return _download(draw.result_json.encode("utf-8"), "result.json", "application/json")


@public
def verifier_file(request):
    if not VERIFIER.exists():
        raise Http404
    response = FileResponse(
        VERIFIER.open("rb"),
        as_attachment=True,
        filename="verify_draw.py",
        content_type="text/x-python",
    )
    return response


@public
def announcement_pdf(request, pk):
    draw = _get_draw_for_user(request, pk)
    if not _result_visible(request, draw):
        raise Http404
    return _download(documents.announcement_pdf(draw), f"{draw.code}.pdf", "application/pdf")


@role_required(Role.SCHOOL, Role.BUREAU, Role.INSPECTION, Role.ADMIN)
def result_xlsx(request, pk):
    draw = _get_draw_for_user(request, pk)
    if not _result_visible(request, draw):
        raise Http404
    school = None
    if request.user.role == Role.SCHOOL:
        school = draw.schools.filter(organisation=request.user.organisation_id).first()
        if school is None:
            raise Http404
    return _download(
        documents.result_xlsx(draw, school),
        f"{draw.code}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ---------------------------------------------------------------------- parent lookup

LOOKUP_CLIENT_LIMIT = 20  # failed lookups per client per window (against enumeration)
LOOKUP_NUMBER_LIMIT = 5  # failed lookups per application number and client per window
LOOKUP_WINDOW = 3600

# Only failures count: a family that finds its result does not use up its allowance, and
# the per-number count is kept per client, so a stranger who types a published application
# number with wrong digits locks out only themselves, never the family.


def _keyed(label: str) -> str:
    # Only a keyed hash, kept in the cache for the window: no address or number is stored.
    mac = hmac.new(settings.SECRET_KEY.encode(), label.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _client_key(request) -> str:
    return "lottery-lookup-c:" + _keyed(f"lookup:{client_address(request)}")


def _number_key(number: str, request) -> str:
    return "lottery-lookup-n:" + _keyed(f"lookup-n:{number}\n{client_address(request)}")


def _hit(key: str) -> int:
    cache.add(key, 0, LOOKUP_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, LOOKUP_WINDOW)
        return 1


def _find_placements(number: str, last4: str):
    """Placements of a published draw for this number, if the phone digits match; else None."""
    applicant = Applicant.objects.filter(number=number).only("guardian_phone").first()
    phone = applicant.guardian_phone if applicant else "0000000000"
    digits = "".join(ch for ch in phone if ch.isdigit())[-4:]
    if not hmac.compare_digest(digits.encode(), last4.encode()) or applicant is None:
        return None
    placements = list(
        Placement.objects.filter(number=number, draw__state=Draw.State.PUBLISHED)
        .select_related("draw", "school__organisation")
        .order_by("draw__year", "draw__pk", "kind", "school__code")
    )
    return placements or None


@public
def lookup(request):
    form = LookupForm(request.POST or None)
    context = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip()
        client_key, number_key = _client_key(request), _number_key(number, request)
        if (
            cache.get(client_key, 0) >= LOOKUP_CLIENT_LIMIT
            or cache.get(number_key, 0) >= LOOKUP_NUMBER_LIMIT
        ):
            context["limited"] = True
            status = 429
        else:
            placements = _find_placements(number, form.cleaned_data["phone_last4"])
            if placements is None:
                # One answer for "no such application" and "wrong digits"; both count.
                _hit(client_key)
                _hit(number_key)
                context["not_found"] = True
            else:
                context["placements"] = placements
                context["lottery_number"] = placements[0].lottery_number
                context["number"] = number
    return render(request, "lottery/lookup.html", context, status=status)


# ---------------------------------------------------------------------- waitlist


def _waitlist_school(request, draw: Draw, school_pk):
    ds = get_object_or_404(
        draw.draw_school_set.select_related("school__organisation"), school_id=school_pk
    )
    user = request.user
    if user.role == Role.SCHOOL and ds.school.organisation_id != user.organisation_id:
        raise Http404
    return ds


@role_required(Role.SCHOOL, Role.BUREAU, Role.INSPECTION, Role.ADMIN)
def waitlist(request, pk, school_pk):
    draw = _get_draw_for_user(request, pk)
    if draw.state != Draw.State.PUBLISHED:
        raise Http404
    ds = _waitlist_school(request, draw, school_pk)
    placements = (
        Placement.objects.visible_to(request.user)
        .filter(draw=draw, school=ds.school)
        .prefetch_related(Prefetch("offers", queryset=WaitlistOffer.objects.order_by("pk")))
        .order_by("kind", "position")
    )
    role = request.user.role
    return render(
        request,
        "lottery/waitlist.html",
        {
            "draw": draw,
            "ds": ds,
            "admitted": [p for p in placements if p.kind == Placement.Kind.ADMITTED],
            "waiting": [p for p in placements if p.kind == Placement.Kind.WAITLIST],
            "vacancies": vacancies(draw, ds.school),
            "can_act": role == Role.SCHOOL,
            "can_skip": role == Role.BUREAU
            and Draw.objects.managed_by(request.user).filter(pk=draw.pk).exists(),
            "skip_form": SkipOfferForm(),
        },
    )


def _waitlist_placement(request, pk, school_pk, placement_pk) -> Placement:
    draw = _get_draw_for_user(request, pk)
    ds = _waitlist_school(request, draw, school_pk)
    return get_object_or_404(Placement, pk=placement_pk, draw=draw, school=ds.school)


def _back(pk, school_pk):
    return redirect(reverse("lottery:waitlist", args=[pk, school_pk]))


@require_POST
@role_required(Role.SCHOOL)
def place_decline(request, pk, school_pk, placement_pk):
    placement = _waitlist_placement(request, pk, school_pk, placement_pk)
    try:
        placement.decline(request.user)
        messages.success(request, _("已记录放弃学位。"))
    except ValidationError as e:
        _error(request, e)
    return _back(pk, school_pk)


@require_POST
@role_required(Role.SCHOOL)
def offer_next(request, pk, school_pk):
    draw = _get_draw_for_user(request, pk)
    ds = _waitlist_school(request, draw, school_pk)
    try:
        offer = WaitlistOffer.offer_next(draw, ds.school, request.user)
        messages.success(
            request, _("已向候补第 %(n)s 位发出递补通知。") % {"n": offer.placement.position}
        )
    except ValidationError as e:
        _error(request, e)
    return _back(pk, school_pk)


@require_POST
@role_required(Role.BUREAU)
def offer_skip(request, pk, school_pk):
    draw = _get_managed_draw(request, pk)
    ds = _waitlist_school(request, draw, school_pk)
    form = SkipOfferForm(request.POST)
    if form.is_valid():
        placement = get_object_or_404(
            Placement, pk=form.cleaned_data["placement"], draw=draw, school=ds.school
        )
        try:
            WaitlistOffer.make(
                placement,
                request.user,
                skip_reason=form.cleaned_data["reason"],
                authorised_by=request.user,
            )
            messages.success(request, _("已记录原因并发出递补通知。"))
        except ValidationError as e:
            _error(request, e)
    else:
        messages.error(request, _("跳过候补顺序必须写明原因。"))
    return _back(pk, school_pk)


@require_POST
@role_required(Role.SCHOOL)
def offer_respond(request, pk, school_pk, offer_pk):
    draw = _get_draw_for_user(request, pk)
    ds = _waitlist_school(request, draw, school_pk)
    offer = get_object_or_404(
        WaitlistOffer, pk=offer_pk, placement__draw=draw, placement__school=ds.school
    )
    try:
        offer.respond(request.POST.get("answer") == "accept", request.user)
        messages.success(request, _("已记录答复。"))
    except ValidationError as e:
        _error(request, e)
    return _back(pk, school_pk)
