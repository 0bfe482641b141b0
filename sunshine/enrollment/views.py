import csv
import secrets
from pathlib import PurePath

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.core import audit
from sunshine.core.models import District
from sunshine.core.permissions import public, role_required
from sunshine.core.roles import Role
from sunshine.enrollment import importer
from sunshine.enrollment.forms import (
    ApplicationEntryForm,
    BulkDecisionForm,
    DecisionForm,
    DocumentForm,
    ImportForm,
    PlanForm,
    PolicyForm,
    QueueFilterForm,
    ReopenForm,
    SchoolForm,
)
from sunshine.enrollment.models import (
    REVIEWER_ROLES,
    Application,
    ApplicationDocument,
    EnrolmentPlan,
    PolicyDocument,
    School,
    TransitionError,
    Zone,
)

READERS = (Role.SCHOOL, Role.BUREAU, Role.INSPECTION)

# ------------------------------------------------------------------------------ public portal


@public
def index(request):
    districts = District.objects.filter(organisations__school__plans__published=True).distinct()
    return render(request, "enrollment/index.html", {"districts": districts})


def _district_plans(district, year):
    return (
        EnrolmentPlan.objects.published()
        .filter(school__organisation__district=district, year=year)
        .select_related("school__organisation")
        .with_counts()
        .order_by("school__code")
    )


@public
def district(request, code):
    district = get_object_or_404(District, code=code)
    years = sorted(
        set(
            EnrolmentPlan.objects.published()
            .filter(school__organisation__district=district)
            .values_list("year", flat=True)
        ),
        reverse=True,
    )
    if not years:
        raise Http404
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    plans = list(_district_plans(district, year))
    zones = Zone.objects.filter(school__organisation__district=district).select_related(
        "school__organisation"
    )
    policies = PolicyDocument.objects.filter(district=district).order_by("-year", "-published_at")
    return render(
        request,
        "enrollment/district.html",
        {
            "district": district,
            "year": year,
            "years": years,
            "plans": plans,
            "zones": zones,
            "policies": policies,
            "channels": district.complaint_channels.all(),
        },
    )


def zone_matches(district, query: str) -> list[Zone]:
    """Zones whose name is in the address typed, or that contain what was typed."""
    query = "".join(query.split())
    if not query:
        return []
    zones = Zone.objects.filter(school__organisation__district=district).select_related(
        "school__organisation"
    )
    # A full address contains the zone's name; a fragment of two or more characters may be part
    # of a zone's name ("东兴寺" finds 东兴寺街). One character would match almost everything.
    return [z for z in zones if z.name in query or (len(query) >= 2 and query in z.name)]


@public
def zone_search(request, code):
    district = get_object_or_404(District, code=code)
    query = request.GET.get("q", "").strip()[:100]
    matches = zone_matches(district, query)
    return render(
        request,
        "enrollment/zone_search.html",
        {"district": district, "q": query, "matches": matches, "searched": bool(query)},
    )


@public
def plan_detail(request, pk):
    plan = get_object_or_404(
        EnrolmentPlan.objects.published().with_counts().select_related("school__organisation"),
        pk=pk,
    )
    return render(
        request,
        "enrollment/plan_detail.html",
        {
            "plan": plan,
            "district": plan.school.district,
            "groups": plan.priority_groups.all(),
            "zones": plan.school.zones.all(),
        },
    )


@public
def policy_detail(request, pk):
    policy = get_object_or_404(PolicyDocument.objects.select_related("district"), pk=pk)
    return render(request, "enrollment/policy_detail.html", {"policy": policy})


# ------------------------------------------------------------------------------ review queue


def _visible_schools(user):
    """The schools a reviewer may filter by: a school itself, or the schools of its district."""
    if user.role == Role.SCHOOL:
        where = Q(organisation=user.organisation_id)
    else:
        where = Q(organisation__district=user.organisation.district_id)
    return School.objects.filter(where).select_related("organisation").order_by("code")


@role_required(*READERS)
def queue(request):
    user = request.user
    schools = list(_visible_schools(user)) if user.organisation_id else []
    form = QueueFilterForm(request.GET or None, schools=schools)
    applications = (
        Application.objects.visible_to(user)
        .select_related("applicant", "school__organisation")
        .order_by("school__code", "applicant__number")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["school"]:
            applications = applications.filter(school__code=data["school"])
        if data["status"]:
            applications = applications.filter(status=data["status"])
        if data["year"]:
            applications = applications.filter(year=data["year"])
        if data["q"]:
            applications = applications.filter(
                Q(applicant__number__icontains=data["q"]) | Q(applicant__name__icontains=data["q"])
            )
    counts = dict(
        Application.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enrollment/queue.html",
        {
            "form": form,
            "page": page,
            "can_decide": user.role in REVIEWER_ROLES,
            "bulk_form": DecisionForm(),
            "counts": [(s, counts.get(s.value, 0)) for s in Application.Status],
        },
    )


def _get_application_for_user(user, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(
            "applicant", "school__organisation", "decided_by"
        ),
        pk=pk,
    )


@role_required(*READERS)
def application_detail(request, pk):
    application = _get_application_for_user(request.user, pk)
    can_decide = request.user.role in REVIEWER_ROLES
    siblings = (
        Application.objects.visible_to(request.user)
        .filter(applicant=application.applicant)
        .exclude(pk=application.pk)
        .select_related("school__organisation")
    )
    return render(
        request,
        "enrollment/application_detail.html",
        {
            "application": application,
            "applicant": application.applicant,
            "can_decide": can_decide,
            "can_see_id": can_decide,
            "form": DecisionForm(initial={"status": (application.allowed_next() or [""])[0]}),
            "can_reopen": request.user.role == Role.BUREAU
            and application.status in Application.FINAL,
            "reopen_form": ReopenForm(),
            "document_form": DocumentForm(),
            "reviews": application.reviews.select_related("by"),
            "documents": application.documents.all(),
            "siblings": siblings,
        },
    )


@require_POST
@role_required(*REVIEWER_ROLES)
def decide(request, pk):
    application = _get_application_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            application.decide(
                form.cleaned_data["status"], form.cleaned_data["reason"], request.user
            )
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("报名号 %(n)s 已改为“%(s)s”。")
                % {"n": application.number, "s": application.get_status_display()},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("enrollment:application", pk=application.pk)


@require_POST
@role_required(Role.BUREAU)
def reopen(request, pk):
    """Correct a final decision: the bureau puts it back under review, with a reason."""
    application = get_object_or_404(Application.objects.decidable_by(request.user), pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            application.reopen(form.cleaned_data["reason"], request.user)
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("报名号 %(n)s 已重新进入审核。") % {"n": application.number}
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("enrollment:application", pk=application.pk)


@role_required(*REVIEWER_ROLES)
def enter_start(request):
    """Which school to enter an application for: a school goes straight to its own."""
    schools = list(_visible_schools(request.user)) if request.user.organisation_id else []
    if request.user.role == Role.SCHOOL and len(schools) == 1:
        return redirect("enrollment:enter", code=schools[0].code)
    return render(request, "enrollment/enter_start.html", {"schools": schools})


@role_required(*REVIEWER_ROLES)
def enter(request, code):
    """Enter one child's application by hand (school staff their school, the bureau any)."""
    if not request.user.organisation_id:
        raise Http404
    school = get_object_or_404(_visible_schools(request.user), code=code)
    form = ApplicationEntryForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application, created = Application.enter(
                school=school,
                year=data["year"],
                child=form.child,
                preference=data["preference"],
                priority=data["priority"],
                multiple_birth_group=data["multiple_birth_group"].strip(),
                by=request.user,
            )
        except Application.EntryRefused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                (
                    _("已录入报名，新儿童报名号 %(n)s。")
                    if created
                    else _("已为报名号 %(n)s 的儿童增加一项报名。")
                )
                % {"n": application.number},
            )
            return redirect("enrollment:application", pk=application.pk)
    return render(request, "enrollment/enter.html", {"form": form, "school": school})


@require_POST
@role_required(*REVIEWER_ROLES)
def bulk_decide(request):
    visible = Application.objects.decidable_by(request.user)
    form = BulkDecisionForm(request.POST, queryset=visible)
    back = request.POST.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else None
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(target or "enrollment:queue")
    status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
    done, refused = 0, []
    for application in form.cleaned_data["applications"].select_related("applicant"):
        try:
            application.decide(status, reason, request.user)
            done += 1
        except TransitionError:
            refused.append(application.applicant.number)
    if done:
        messages.success(
            request,
            _("已将 %(n)s 条报名改为“%(s)s”。")
            % {"n": done, "s": Application.Status(status).label},
        )
    if refused:
        messages.warning(
            request,
            _("%(n)s 条报名当前状态不允许此操作，未改变：%(list)s")
            % {"n": len(refused), "list": "、".join(refused[:20])},
        )
    return redirect(target or "enrollment:queue")


@require_POST
@role_required(*REVIEWER_ROLES)
def upload_document(request, pk):
    application = _get_application_for_user(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("enrollment:application", pk=application.pk)
    from sunshine.core import uploads

    upload = form.cleaned_data["file"]
    with transaction.atomic():
        document = ApplicationDocument(
            application=application,
            kind=form.cleaned_data["kind"],
            original_name=PurePath(upload.name).name[:200],
            content_type=uploads.content_type(form.kind_sniffed),
            size=upload.size,
            uploaded_by=request.user,
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit.record(
            "enrollment.document_uploaded",
            application,
            actor=request.user,
            payload={"document": document.pk, "kind": document.kind, "size": document.size},
        )
    messages.success(request, _("材料已上传。"))
    return redirect("enrollment:application", pk=application.pk)


@role_required(*READERS)
def document_download(request, pk):
    document = get_object_or_404(
        ApplicationDocument.objects.filter(
            application__in=Application.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    ext = PurePath(document.file.name).suffix
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.application.number}-{document.kind}{ext}",
        content_type=document.content_type,
    )


# ------------------------------------------------------------------------------------ import

_SESSION_KEY = "enrollment_import"


@role_required(Role.BUREAU)
def import_applications(request):
    district = request.user.district
    if district is None:
        raise Http404
    context = {"district": district, "headers": importer.HEADERS}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            year = form.cleaned_data["year"]
            try:
                batch, _summary = importer.run(upload.name, data, district, year, dry_run=True)
            except importer.ImportRejected as exc:  # a damaged workbook
                batch = importer.Batch(district=district, year=year, errors=exc.errors)
            context.update(batch=batch, year=year, filename=upload.name)
            if batch.ok:
                # Keep the checked file on the server; the confirmation imports exactly it.
                previous = request.session.get(_SESSION_KEY)
                if previous and default_storage.exists(previous["path"]):
                    default_storage.delete(previous["path"])  # one staged file per user
                token = secrets.token_hex(16)
                ext = PurePath(upload.name).suffix.lower()
                path = default_storage.save(f"enrollment/imports/{token}{ext}", ContentFile(data))
                request.session[_SESSION_KEY] = {
                    "token": token,
                    "path": path,
                    "name": upload.name,
                    "year": year,
                    "sha": batch.digest,
                }
                context["token"] = token
    else:
        form = ImportForm()
    context["form"] = form
    return render(request, "enrollment/import.html", context)


@require_POST
@role_required(Role.BUREAU)
def import_confirm(request):
    staged = request.session.get(_SESSION_KEY)
    district = request.user.district
    if not staged or staged.get("token") != request.POST.get("token") or district is None:
        messages.error(request, _("预览已失效，请重新上传文件。"))
        return redirect("enrollment:import")
    try:
        with default_storage.open(staged["path"], "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        # A second click on the same confirmation, after the first had already imported it.
        request.session.pop(_SESSION_KEY, None)
        messages.error(request, _("预览已失效，请重新上传文件。"))
        return redirect("enrollment:import")
    try:
        batch, summary = importer.run(
            staged["name"], data, district, staged["year"], actor=request.user
        )
    except importer.ImportRejected as exc:
        # commit() lost a race: the same file confirmed twice at once, or two operators
        # importing the same children. Nothing was written.
        batch = importer.Batch(district=district, year=staged["year"], errors=exc.errors)
        summary = None
    default_storage.delete(staged["path"])
    request.session.pop(_SESSION_KEY, None)
    if summary is None:
        return render(
            request,
            "enrollment/import.html",
            {
                "district": district,
                "headers": importer.HEADERS,
                "form": ImportForm(),
                "batch": batch,
                "year": staged["year"],
                "filename": staged["name"],
            },
        )
    messages.success(
        request,
        _("导入完成：新增儿童 %(c)s 名，报名申请 %(a)s 条。")
        % {"c": summary["applicants_created"], "a": summary["applications_created"]},
    )
    return redirect("enrollment:queue")


@role_required(Role.BUREAU)
def import_template(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enrollment-import-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows(importer.template_rows())
    return response


# -------------------------------------------------------------------- plans, schools, policies


def _changes(form) -> dict:
    """Which fields a form changed (names only for free text: rules may be long)."""
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data}


@role_required(Role.BUREAU)
def manage(request):
    district = request.user.district
    if district is None:
        raise Http404
    plans = (
        EnrolmentPlan.objects.filter(school__organisation__district=district)
        .select_related("school__organisation")
        .with_counts()
        .order_by("-year", "school__code")
    )
    return render(
        request,
        "enrollment/manage.html",
        {
            "district": district,
            "plans": plans,
            "schools": School.objects.filter(organisation__district=district).select_related(
                "organisation"
            ),
            "policies": PolicyDocument.objects.filter(district=district),
        },
    )


@role_required(Role.BUREAU)
def plan_edit(request, pk=None):
    district = request.user.district
    if district is None:
        raise Http404
    plan = None
    if pk is not None:
        plan = get_object_or_404(
            EnrolmentPlan.objects.filter(school__organisation__district=district), pk=pk
        )
    form = PlanForm(request.POST or None, instance=plan, district=district)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            audit.record(
                "enrollment.plan_created" if plan is None else "enrollment.plan_updated",
                saved,
                actor=request.user,
                payload={"changed": _changes(form)},
            )
        messages.success(request, _("招生计划已保存。"))
        return redirect("enrollment:manage")
    return render(request, "enrollment/plan_form.html", {"form": form, "plan": plan})


@role_required(Role.SCHOOL, Role.BUREAU)
def school_edit(request, code):
    user = request.user
    schools = School.objects.select_related("organisation")
    if user.role == Role.SCHOOL:
        schools = schools.filter(organisation=user.organisation_id)
    else:
        schools = schools.filter(organisation__district=user.organisation.district_id)
    school = get_object_or_404(schools, code=code)
    can_edit_zones = user.role == Role.BUREAU  # zones are the bureau's published decision
    form = SchoolForm(request.POST or None, instance=school, can_edit_zones=can_edit_zones)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            payload = {"changed": sorted(n for n in form.changed_data if n != "zones")}
            if can_edit_zones and "zones" in form.changed_data:
                wanted = form.cleaned_data["zones"]
                school.zones.exclude(name__in=wanted).delete()
                for name, note in wanted.items():
                    Zone.objects.update_or_create(school=school, name=name, defaults={"note": note})
                payload["zones"] = sorted(wanted)
            audit.record("enrollment.school_updated", school, actor=user, payload=payload)
        messages.success(request, _("学校信息已保存。"))
        return redirect("enrollment:manage" if user.role == Role.BUREAU else "enrollment:queue")
    return render(request, "enrollment/school_form.html", {"form": form, "school": school})


@role_required(Role.BUREAU)
def policy_new(request):
    district = request.user.district
    if district is None:
        raise Http404
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            policy = form.save(commit=False)
            policy.district = district
            policy.save()
            audit.record("enrollment.policy_published", policy, actor=request.user)
        messages.success(request, _("政策文件已发布。"))
        return redirect("enrollment:policy", pk=policy.pk)
    return render(request, "enrollment/policy_form.html", {"form": form})
