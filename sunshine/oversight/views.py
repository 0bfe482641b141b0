from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.core import audit
from sunshine.core.models import Organisation
from sunshine.core.permissions import role_required
from sunshine.core.roles import Role
from sunshine.core.uploads import check_upload
from sunshine.oversight import forms, ledger, stats
from sunshine.oversight.models import (
    Accountability,
    Answer,
    Campaign,
    ChecklistTemplate,
    ChecklistVersion,
    Evidence,
    Problem,
    Recommendation,
    Visit,
)

INSPECTION = (Role.INSPECTION,)
READERS = (Role.INSPECTION, Role.SCHOOL, Role.BUREAU, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get_problem_for_user(request, pk: int) -> Problem:
    return get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)


def _get_visit_for_user(request, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)


def _errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- dashboard -------------------------------------------------------------------------------


@role_required(Role.INSPECTION, Role.BUREAU, Role.ADMIN)
def index(request):
    user = request.user
    problems = Problem.objects.visible_to(user)
    visits = Visit.objects.visible_to(user)
    campaigns = Campaign.objects.select_related("district", "lead_office").order_by(
        "district__code", "-starts_on"
    )
    if user.role != Role.INSPECTION:
        campaigns = campaigns.filter(district_id=user.organisation.district_id)
    headlines = [stats.headline(c, visits, problems) for c in campaigns]
    keys = ["found", "rectified", "overdue"]
    campaign_titles = {c.pk: c.title for c in campaigns}
    categories = dict(Problem.Category.choices)
    org_names = dict(Organisation.objects.values_list("pk", "name"))
    charts = [
        (
            _("各专项检查发现、整改、逾期问题"),
            stats.bars(
                stats.problem_breakdown(
                    problems, "campaign", lambda v: campaign_titles.get(v, _("未归入专项"))
                ),
                keys,
            ),
        ),
        (
            _("按问题类别"),
            stats.bars(
                stats.problem_breakdown(
                    problems, "category", lambda v: str(categories.get(v, _("未分类")))
                ),
                keys,
            ),
        ),
        (
            _("按检查对象"),
            stats.bars(
                stats.problem_breakdown(problems, "subject", lambda v: org_names.get(v, "—")),
                keys,
            ),
        ),
    ]
    group_chart = stats.bars(stats.visits_per_group(visits), ["visits"])
    return render(
        request,
        "oversight/index.html",
        {"headlines": headlines, "charts": charts, "group_chart": group_chart},
    )


# --- campaigns and checklists ----------------------------------------------------------------


@role_required(*INSPECTION)
def campaign_list(request):
    campaigns = Campaign.objects.select_related("district", "lead_office", "checklist__template")
    campaigns = campaigns.annotate(
        n_visits=Count("visits", distinct=True), n_problems=Count("problems", distinct=True)
    )
    return render(request, "oversight/campaign_list.html", {"campaigns": campaigns})


@role_required(*INSPECTION)
def campaign_new(request):
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            campaign = form.save(commit=False)
            template = form.cleaned_data["template"]
            # Pin the version current today: later revisions do not change a running campaign.
            campaign.checklist = template.latest if template else None
            campaign.save()
            audit.record(
                "oversight.campaign_created",
                campaign,
                actor=request.user,
                payload={"checklist": campaign.checklist_id},
            )
        messages.success(request, _("专项检查已创建。"))
        return redirect("oversight:campaign_detail", pk=campaign.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("新建专项检查")})


@role_required(*INSPECTION)
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(
        Campaign.objects.select_related("district", "lead_office", "checklist__template"), pk=pk
    )
    group_form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and group_form.is_valid():
        with transaction.atomic():
            group = group_form.save(commit=False)
            group.campaign = campaign
            group.save()
            group_form.save_m2m()
            audit.record(
                "oversight.group_created",
                group,
                actor=request.user,
                payload={"campaign": campaign.pk, "members": [u.pk for u in group.members.all()]},
            )
        messages.success(request, _("检查组已添加。"))
        return redirect("oversight:campaign_detail", pk=campaign.pk)
    headline = stats.headline(campaign, Visit.objects.all(), Problem.objects.all())
    return render(
        request,
        "oversight/campaign_detail.html",
        {
            "campaign": campaign,
            "groups": campaign.groups.prefetch_related("members"),
            "recommendations": campaign.recommendations.select_related(
                "addressed_to"
            ).prefetch_related("problems"),
            "group_form": group_form,
            "h": headline,
        },
    )


@role_required(*INSPECTION)
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = forms.CampaignEditForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        fields, members = form.changes()
        try:
            changed = Campaign.objects.get(pk=pk).change(
                by=request.user, fields=fields, members=members
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if changed:
                messages.success(request, _("专项检查已修改。"))
            else:
                messages.info(request, _("没有需要保存的修改。"))
            return redirect("oversight:campaign_detail", pk=pk)
    return render(
        request,
        "oversight/form.html",
        {"form": form, "title": _("修改专项检查：%(title)s") % {"title": campaign.title}},
    )


@role_required(*INSPECTION)
def recommendation_new(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = forms.RecommendationForm(
        request.POST or None, campaign=campaign, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            Recommendation.record_new(
                campaign=campaign,
                kind=d["kind"],
                title=d["title"],
                on=d["on"],
                addressed_to=d["addressed_to"],
                problems=list(d["problems"]),
                by=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("整改建议或制度完善已记录。"))
            return redirect("oversight:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "oversight/form.html",
        {"form": form, "title": _("记录整改建议或制度完善：%(title)s") % {"title": campaign.title}},
    )


@role_required(*INSPECTION)
def checklist_list(request):
    templates = ChecklistTemplate.objects.prefetch_related("versions")
    return render(request, "oversight/checklist_list.html", {"templates": templates})


@role_required(*INSPECTION)
def checklist_detail(request, pk: int):
    version = get_object_or_404(ChecklistVersion.objects.select_related("template"), pk=pk)
    sections = version.sections.prefetch_related("items")
    return render(
        request, "oversight/checklist_detail.html", {"version": version, "sections": sections}
    )


@role_required(*INSPECTION)
def checklist_revise(request, pk: int):
    """Publish a new version of a checklist; campaigns keep the version they pinned."""
    from sunshine.oversight import checklists

    template = get_object_or_404(ChecklistTemplate, pk=pk)
    latest = template.latest
    errors: list[str] = []
    text = latest and checklists.to_text(latest) or ""
    note = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        note = request.POST.get("note", "").strip()[:200]
        sections, errors = checklists.parse_text(text)
        if not note:
            errors.append(_("请填写修订说明。"))
        if not errors:
            spec = {"code": template.code, "title": template.title, "note": note}
            spec["sections"] = sections
            version = checklists.install(spec)
            if latest and version.pk == latest.pk:
                messages.warning(request, _("内容没有变化，未发布新版本。"))
            else:
                audit.record(
                    "oversight.checklist_published",
                    version,
                    actor=request.user,
                    payload={"template": template.code, "version": version.number},
                )
                messages.success(request, _("已发布新版本 v%(n)d。") % {"n": version.number})
            return redirect("oversight:checklist_detail", pk=version.pk)
    return render(
        request,
        "oversight/checklist_revise.html",
        {"template": template, "latest": latest, "text": text, "note": note, "errors": errors},
    )


# --- visits ----------------------------------------------------------------------------------


@role_required(*READERS)
def visit_list(request):
    visits = ledger.filter_visits(Visit.objects.visible_to(request.user), request.GET)
    visits = (
        visits.select_related("subject", "group", "campaign")
        .annotate(n_problems=Count("problems", distinct=True))
        .order_by("-date", "-id")
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(ledger.visits_xlsx(visits), "visits-ledger.xlsx")
    page = Paginator(visits, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/visit_list.html",
        {"page": page, "filters": _filter_choices(request), "today": timezone.localdate()},
    )


def _filter_choices(request):
    campaigns = Campaign.objects.all()
    visible = Problem.objects.visible_to(request.user)
    subject_ids = set(visible.values_list("subject_id", flat=True)) | set(
        Visit.objects.visible_to(request.user).values_list("subject_id", flat=True)
    )
    if request.user.role != Role.INSPECTION:
        campaigns = campaigns.filter(pk__in=visible.values("campaign_id"))
    return {
        "campaigns": campaigns,
        "subjects": Organisation.objects.filter(pk__in=subject_ids).order_by("kind", "name"),
        "statuses": Problem.Status.choices,
        "params": request.GET,
    }


@role_required(*INSPECTION)
def visit_new(request):
    initial = {"date": timezone.localdate()}
    if (subject := ledger.query_id(request.GET, "subject")) is not None:
        initial["subject"] = subject
    if request.GET.get("purpose") in Visit.Purpose.values:
        initial["purpose"] = request.GET["purpose"]
    if (campaign := ledger.query_id(request.GET, "campaign")) is not None:
        initial["campaign"] = campaign
    form = forms.VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            visit = form.save(commit=False)
            visit.created_by = request.user
            visit.save()
            audit.record(
                "oversight.visit_recorded",
                visit,
                actor=request.user,
                payload={"mode": visit.mode, "method": visit.method, "purpose": visit.purpose},
            )
        messages.success(request, _("走访已登记。"))
        next_url = request.GET.get("next", "")
        if next_url.startswith("/oversight/"):
            return redirect(next_url)
        return redirect("oversight:visit_detail", pk=visit.pk)
    return render(request, "oversight/form.html", {"form": form, "title": _("登记走访")})


@role_required(*READERS)
def visit_detail(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    answers = {a.item_id: a for a in visit.answers.all()}
    is_inspector = request.user.role == Role.INSPECTION
    answers_form = None
    if is_inspector and visit.campaign.checklist_id:
        answers_form = forms.AnswersForm(items=visit.items(), answers=answers)
    problems = visit.problems.select_related("responsible_org")
    if not is_inspector:
        problems = problems.filter(pk__in=Problem.objects.visible_to(request.user))
    return render(
        request,
        "oversight/visit_detail.html",
        {
            "visit": visit,
            "answers": [answers[i.pk] for i in visit.items() if i.pk in answers],
            "answers_form": answers_form,
            "problems": problems,
            "verified": visit.verified_problems.all(),
            "evidence": visit.evidence.all(),
            "evidence_form": forms.EvidenceForm() if is_inspector else None,
            "is_inspector": is_inspector,
        },
    )


@require_POST
@role_required(*INSPECTION)
def visit_answers(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    answers = {a.item_id: a for a in visit.answers.all()}
    form = forms.AnswersForm(request.POST, items=visit.items(), answers=answers)
    if not form.is_valid():
        messages.error(request, _("回答有误，请检查后再保存。"))
        return redirect("oversight:visit_detail", pk=visit.pk)
    with transaction.atomic():
        n = 0
        for item, value, compliant in form.cleaned_answers():
            if not value and compliant is None and item.pk not in answers:
                continue
            Answer.objects.update_or_create(
                visit=visit, item=item, defaults={"value": value, "compliant": compliant}
            )
            n += 1
        audit.record("oversight.visit_answered", visit, actor=request.user, payload={"items": n})
    messages.success(request, _("清单回答已保存。"))
    return redirect("oversight:visit_detail", pk=visit.pk)


@require_POST
@role_required(*INSPECTION)
def visit_evidence(request, pk: int):
    visit = _get_visit_for_user(request, pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            Evidence.attach(form.cleaned_data["file"], visit=visit, by=request.user)
            messages.success(request, _("证据已上传。"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("oversight:visit_detail", pk=visit.pk)


@role_required(*READERS)
def evidence_download(request, pk: int):
    ev = get_object_or_404(Evidence.objects.select_related("report"), pk=pk)
    if ev.visit_id:
        _get_visit_for_user(request, ev.visit_id)
    elif ev.report_id:
        _get_problem_for_user(request, ev.report.problem_id)
    else:
        raise Http404
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.original_name)


# --- problems --------------------------------------------------------------------------------


@role_required(*READERS)
def problem_list(request):
    problems = ledger.filter_problems(Problem.objects.visible_to(request.user), request.GET)
    if request.GET.get("format") == "xlsx":
        return _xlsx(ledger.problems_xlsx(problems), "problems-ledger.xlsx")
    problems = problems.select_related("subject", "responsible_org", "campaign").order_by(
        "-found_on", "-id"
    )
    page = Paginator(problems, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/problem_list.html",
        {"page": page, "filters": _filter_choices(request), "today": timezone.localdate()},
    )


@role_required(*INSPECTION)
def problem_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, ("xlsx",))
            created = ledger.import_problems(
                upload, campaign=form.cleaned_data["campaign"], by=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
        except ledger.ImportFailed as exc:
            errors = exc.errors
            messages.error(
                request,
                _("导入失败：发现 %(n)d 处错误，未写入任何数据。") % {"n": len(errors)},
            )
        else:
            messages.success(request, _("已导入 %(n)d 个问题。") % {"n": len(created)})
            return redirect("oversight:problem_list")
    return render(request, "oversight/problem_import.html", {"form": form, "errors": errors})


@role_required(*INSPECTION)
def problem_new(request):
    visit = None
    initial = {}
    if (visit_id := ledger.query_id(request.GET, "visit")) is not None:
        visit = get_object_or_404(Visit, pk=visit_id)
        initial.update(campaign=visit.campaign_id, subject=visit.subject_id)
        initial["responsible_org"] = visit.subject_id
        item_id = ledger.query_id(request.GET, "item")
        item = (
            visit.answers.filter(item_id=item_id).select_related("item").first()
            if item_id is not None
            else None
        )
        if item:
            value = dict(forms.YES_NO).get(item.value, item.value) if item.value else "—"
            initial["description"] = f"{item.item.text}：{value}"
            initial["category"] = item.item.category
    form = forms.ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        problem = Problem.raise_new(
            description=d["description"],
            by=request.user,
            source=Problem.Source.VISIT if visit else Problem.Source.MANUAL,
            subject=d["subject"],
            category=d["category"],
            campaign=d["campaign"],
            responsible_org=d["responsible_org"],
            responsible_person=d["responsible_person"],
            severity=d["severity"],
            deadline=d["deadline"],
            demand=d["demand"],
            visit=visit,
        )
        messages.success(request, _("问题 %(n)s 已登记。") % {"n": problem.number})
        return redirect("oversight:problem_detail", pk=problem.pk)
    return render(
        request,
        "oversight/form.html",
        {"form": form, "title": _("登记问题"), "visit": visit},
    )


@role_required(*READERS)
def problem_detail(request, pk: int):
    problem = _get_problem_for_user(request, pk)
    user = request.user
    is_inspector = user.role == Role.INSPECTION
    is_responsible = is_inspector or (
        user.organisation_id
        and user.organisation_id in (problem.responsible_org_id, problem.subject_id)
        and user.role in (Role.SCHOOL, Role.BUREAU)
    )
    reports = problem.reports.prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
    )
    return render(
        request,
        "oversight/problem_detail.html",
        {
            "problem": problem,
            "reports": reports,
            "deadline_changes": problem.deadline_changes.select_related("by"),
            "accountabilities": problem.accountabilities.all() if is_inspector else [],
            "is_inspector": is_inspector,
            "can_start": is_responsible and problem.can_move_to(Problem.Status.RECTIFYING),
            "can_report": is_responsible and problem.can_move_to(Problem.Status.REPORTED),
            "can_verify": is_inspector and problem.can_move_to(Problem.Status.VERIFIED),
            "report_form": forms.ReportForm(),
            "verify_form": forms.VerifyForm(problem=problem) if is_inspector else None,
            "deadline_form": forms.DeadlineForm() if is_inspector and problem.is_open else None,
        },
    )


def _responsible_problem(request, pk: int) -> Problem:
    problem = _get_problem_for_user(request, pk)
    user = request.user
    if user.role != Role.INSPECTION and user.organisation_id not in (
        problem.responsible_org_id,
        problem.subject_id,
    ):
        raise Http404
    return problem


@require_POST
@role_required(Role.INSPECTION, Role.SCHOOL, Role.BUREAU)
def problem_start(request, pk: int):
    problem = _responsible_problem(request, pk)
    try:
        problem.start_rectifying(by=request.user)
        messages.success(request, _("已开始整改。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("oversight:problem_detail", pk=problem.pk)


@require_POST
@role_required(Role.INSPECTION, Role.SCHOOL, Role.BUREAU)
def problem_report(request, pk: int):
    problem = _responsible_problem(request, pk)
    form = forms.ReportForm(request.POST, request.FILES)
    if form.is_valid():
        files = [form.cleaned_data["file"]] if form.cleaned_data.get("file") else []
        try:
            problem.report_rectification(
                text=form.cleaned_data["text"], by=request.user, files=files
            )
            messages.success(request, _("整改情况已报送，等待回头看核查。"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("请填写整改情况。"))
    return redirect("oversight:problem_detail", pk=problem.pk)


@require_POST
@role_required(*INSPECTION)
def problem_verify(request, pk: int):
    problem = _get_problem_for_user(request, pk)
    form = forms.VerifyForm(request.POST, problem=problem)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["outcome"] == "verified":
                problem.verify(visit=d["visit"], note=d["note"], by=request.user)
                messages.success(request, _("问题已核查销号。"))
            else:
                problem.reopen(visit=d["visit"], note=d["note"], by=request.user)
                messages.warning(request, _("问题已退回重新整改。"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("请选择回头看走访、核查结论并填写核查情况。"))
    return redirect("oversight:problem_detail", pk=problem.pk)


@require_POST
@role_required(*INSPECTION)
def problem_deadline(request, pk: int):
    problem = _get_problem_for_user(request, pk)
    form = forms.DeadlineForm(request.POST)
    if form.is_valid():
        try:
            problem.move_deadline(
                form.cleaned_data["deadline"], reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("整改时限已调整。"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("请填写新的时限和调整原因。"))
    return redirect("oversight:problem_detail", pk=problem.pk)


# --- accountability --------------------------------------------------------------------------


@role_required(*INSPECTION)
def accountability_list(request):
    records = (
        Accountability.objects.visible_to(request.user)
        .select_related("organisation", "campaign")
        .prefetch_related("problems")
    )
    kinds = Accountability.objects.values("kind").annotate(n=Count("id"))
    return render(
        request, "oversight/accountability_list.html", {"records": records, "kinds": kinds}
    )


@role_required(*INSPECTION)
def accountability_new(request):
    initial = {"on": timezone.localdate()}
    if (problem_id := ledger.query_id(request.GET, "problem")) is not None:
        p = Problem.objects.filter(pk=problem_id).first()
        if p:
            initial.update(
                problems=[p.pk],
                organisation=p.responsible_org_id,
                person=p.responsible_person,
                campaign=p.campaign_id,
            )
    form = forms.AccountabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        Accountability.record_new(
            kind=d["kind"],
            person=d["person"],
            organisation=d["organisation"],
            on=d["on"],
            reason=d["reason"],
            campaign=d["campaign"],
            problems=list(d["problems"]),
            by=request.user,
        )
        messages.success(request, _("问责记录已保存。"))
        return redirect("oversight:accountability_list")
    return render(request, "oversight/form.html", {"form": form, "title": _("记录问责")})
