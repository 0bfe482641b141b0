from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.core.permissions import role_required
from sunshine.core.roles import Role
from sunshine.oversight.models import Problem, Visit
from sunshine.training.forms import InstitutionForm, StatusForm
from sunshine.training.models import Institution

READERS = (Role.INSPECTION, Role.BUREAU, Role.ADMIN)
WRITERS = (Role.INSPECTION, Role.BUREAU)


def _get_institution_for_user(request, pk: int) -> Institution:
    return get_object_or_404(
        Institution.objects.visible_to(request.user).select_related("organisation__district"),
        pk=pk,
    )


def _get_institution_to_edit(request, pk: int) -> Institution:
    """Another district's institution is readable but not writable: 404, as if absent."""
    return get_object_or_404(
        Institution.objects.editable_by(request.user).select_related("organisation__district"),
        pk=pk,
    )


@role_required(*READERS)
def index(request):
    institutions = Institution.objects.visible_to(request.user).select_related(
        "organisation__district"
    )
    status = request.GET.get("status", "")
    if status in Institution.Status.values:
        institutions = institutions.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        institutions = institutions.filter(organisation__name__icontains=q)
    counts = dict(
        Institution.objects.visible_to(request.user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    summary = [(v, label, counts.get(v, 0)) for v, label in Institution.Status.choices]
    return render(
        request,
        "training/index.html",
        {"institutions": institutions, "summary": summary, "status": status, "q": q},
    )


@role_required(*READERS)
def detail(request, pk: int):
    inst = _get_institution_for_user(request, pk)
    return render(
        request,
        "training/detail.html",
        {
            "inst": inst,
            "history": inst.history.select_related("by"),
            # Through the ledgers' own visibility rules: a bureau reading another district's
            # institution must not see that district's problems or visits.
            "problems": Problem.objects.visible_to(request.user).filter(subject=inst.organisation),
            "visits": Visit.objects.visible_to(request.user).filter(subject=inst.organisation),
            "form": StatusForm(initial={"on": timezone.localdate()})
            if Institution.objects.editable_by(request.user).filter(pk=inst.pk).exists()
            else None,
        },
    )


@role_required(*WRITERS)
def new(request):
    form = InstitutionForm(
        request.POST or None, initial={"on": timezone.localdate()}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            inst = Institution.register(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            form.add_error("name", _("该区县已有同名单位。"))
        else:
            messages.success(request, _("机构已登记。"))
            return redirect("training:detail", pk=inst.pk)
    return render(request, "training/form.html", {"form": form})


@require_POST
@role_required(*WRITERS)
def change_status(request, pk: int):
    inst = _get_institution_to_edit(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            inst.change_status(
                form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, _("状态已变更。"))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
    else:
        messages.error(request, _("请填写新状态、日期和原因。"))
    return redirect("training:detail", pk=inst.pk)
