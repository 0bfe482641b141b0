import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sunshine.complaints import crypto, ratelimit
from sunshine.complaints.forms import (
    AddInformationForm,
    ComplaintForm,
    ConcludeForm,
    ConvertForm,
    ForwardForm,
    MergeForm,
    ReasonForm,
    ReceiptForm,
    ReplyForm,
)
from sunshine.complaints.models import Attachment, Complaint, ComplaintError, IdentityRequest
from sunshine.complaints.security import confidential
from sunshine.core.models import District, Organisation
from sunshine.core.permissions import public, role_required
from sunshine.core.roles import Role

STAFF = (Role.INSPECTION, Role.SCHOOL, Role.BUREAU)

# -- public: file and follow --------------------------------------------------------------


@public
@confidential
@csrf_exempt
@require_http_methods(["GET", "POST"])
def new(request):
    """The complaint form. ?d=<district code>&o=<organisation id> come from a QR poster."""
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            # The limit first: a refused form keeps its one-time token, so the same form can
            # be sent again after the hour instead of being lost as "already filed".
            if not ratelimit.submission_allowed(request):
                form.add_error(None, _("提交过于频繁，请一小时后再试，或拨打举报电话。"))
                return render(request, "complaints/new.html", {"form": form}, status=429)
            if not _first_use(d["nonce"]):
                return render(request, "complaints/already_filed.html", status=409)
            complaint, code = Complaint.submit(
                district=d["district"],
                subject_kind=d["subject_kind"],
                subject_org=d["subject_org"],
                subject_name=d["subject_name"].strip(),
                category=d["category"],
                text=d["text"],
                when=d["when"].strip(),
                reporter_name=d["reporter_name"].strip(),
                reporter_phone=d["reporter_phone"],
                files=d["attachments"],
            )
            # Rendered, not redirected: the code must not end up in a URL or the history.
            return render(
                request,
                "complaints/receipt.html",
                {"complaint": complaint, "receipt": crypto.format_receipt(code)},
            )
    else:
        initial = {"subject_kind": Complaint.SubjectKind.SCHOOL}
        district = District.objects.filter(code=request.GET.get("d", "")).first()
        if district:
            initial["district"] = district
        org_id = request.GET.get("o", "")
        if org_id.isdigit():
            org = Organisation.objects.filter(pk=org_id).first()
            if org:
                initial["subject_org"] = org
                initial["district"] = org.district
                if org.kind == Organisation.Kind.TRAINING:
                    initial["subject_kind"] = Complaint.SubjectKind.INSTITUTION
        form = ComplaintForm(initial=initial)
    return render(request, "complaints/new.html", {"form": form})


def _first_use(nonce: str) -> bool:
    """True the first time a form token is submitted (kept a day, hashed, linked to nothing)."""
    key = "complaints:nonce:" + hashlib.sha256(nonce.encode()).hexdigest()
    return cache.add(key, 1, timeout=24 * 3600)


def _case_page(request, complaint, code, *, add_form=None, status=200, added=False):
    shown = complaint.merged_into if complaint.status == Complaint.Status.MERGED else None
    return render(
        request,
        "complaints/case.html",
        {
            "complaint": complaint,
            "merged_into": shown,
            "messages_for_reporter": [
                m
                for m in complaint.messages.prefetch_related("attachments")
                if m.visible_to_reporter
            ],
            "add_form": add_form or AddInformationForm(initial={"receipt": code}),
            "added": added,
        },
        status=status,
    )


def _verify(request, raw_code):
    """The complaint for this code, or (None, error response). Misses are slowed and counted."""
    if ratelimit.is_limited(request):
        error = _("查询失败次数过多，请稍后再试。")
        return None, render(
            request, "complaints/follow.html", {"form": ReceiptForm(), "error": error}, status=429
        )
    complaint = Complaint.objects.find_by_receipt(raw_code)
    if complaint is None:
        ratelimit.record_failure(request)
        error = _("查询码不正确，或该举报已按规定清除。")
        return None, render(
            request, "complaints/follow.html", {"form": ReceiptForm(), "error": error}, status=404
        )
    return complaint, None


@public
@confidential
@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow(request):
    """Enter the receipt code; the case is shown in the answer to the POST (no session)."""
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        if form.is_valid():
            complaint, error = _verify(request, form.cleaned_data["receipt"])
            if error:
                return error
            return _case_page(
                request, complaint, crypto.normalise_receipt(form.cleaned_data["receipt"])
            )
    else:
        form = ReceiptForm()
    return render(request, "complaints/follow.html", {"form": form})


@public
@confidential
@csrf_exempt
@require_POST
def follow_add(request):
    form = AddInformationForm(request.POST, request.FILES)
    complaint, error = _verify(request, request.POST.get("receipt", ""))
    if error:
        return error
    code = crypto.normalise_receipt(request.POST.get("receipt", ""))
    if form.is_valid():
        try:
            complaint.add_information(
                text=form.cleaned_data["text"], files=form.cleaned_data["attachments"]
            )
        except ComplaintError as exc:
            form.add_error(None, str(exc))
        else:
            complaint.refresh_from_db()
            return _case_page(request, complaint, code, added=True)
    return _case_page(request, complaint, code, add_form=form, status=400)


# -- posters ------------------------------------------------------------------------------


def _poster_target(district_code, org_id):
    district = get_object_or_404(District, code=district_code)
    org = None
    if org_id is not None:
        org = get_object_or_404(
            Organisation,
            pk=org_id,
            district=district,
            kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.TRAINING],
        )
    return district, org


@public
def poster(request, district_code, fmt, org_id=None):
    from sunshine.complaints import poster as posters

    if fmt not in ("pdf", "png"):
        raise Http404
    district, org = _poster_target(district_code, org_id)
    slug = f"{district.code}-{org.pk}" if org else district.code
    if fmt == "pdf":
        data, ctype = posters.poster_pdf(district, org), "application/pdf"
    else:
        data, ctype = posters.poster_png(district, org), "image/png"
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'inline; filename="complaint-poster-{slug}.{fmt}"'
    return response


@role_required(Role.INSPECTION, Role.BUREAU, Role.SCHOOL, Role.ADMIN)
def posters(request):
    from sunshine.complaints import poster as posters_mod

    districts = District.objects.order_by("code").prefetch_related("organisations")
    rows = []
    for d in districts:
        orgs = [
            o
            for o in d.organisations.all()
            if o.kind in (Organisation.Kind.SCHOOL, Organisation.Kind.TRAINING)
        ]
        rows.append({"district": d, "orgs": orgs, "url": posters_mod.form_url(d, None)})
    return render(request, "complaints/posters.html", {"rows": rows})


# -- staff ----------------------------------------------------------------------------------


def _get_complaint_for_user(request, pk) -> Complaint:
    qs = Complaint.objects.visible_to(request.user).select_related(
        "district", "subject_org", "handler_org", "merged_into"
    )
    return get_object_or_404(qs, pk=pk)


@confidential(referrer="same-origin")
@role_required(*STAFF)
def index(request):
    qs = Complaint.objects.visible_to(request.user).select_related(
        "district", "subject_org", "handler_org"
    )
    status = request.GET.get("status", "")
    if status in Complaint.Status.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.open()
    category = request.GET.get("category", "")
    if category in Complaint.Category.values:
        qs = qs.filter(category=category)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/index.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "statuses": Complaint.Status.choices,
            "categories": Complaint.Category.choices,
            "today": timezone.localdate(),
        },
    )


@confidential(referrer="same-origin")
@role_required(*STAFF)
def detail(request, pk):
    complaint = _get_complaint_for_user(request, pk)
    triage = complaint.can_triage(request.user)
    handle = complaint.can_handle(request.user)
    identity_requests = complaint.identity_requests.select_related("requested_by", "decided_by")
    context = {
        "complaint": complaint,
        "triage": triage,
        "handle": handle,
        "messages_list": complaint.messages.select_related("author").prefetch_related(
            "attachments"
        ),
        "attachments": complaint.attachments.filter(message__isnull=True),
        "identity_requests": identity_requests if triage else [],
        "my_approved": triage
        and identity_requests.filter(
            requested_by=request.user, status=IdentityRequest.Status.APPROVED
        ).exists(),
        "deadline_state": complaint.deadline_state(),
        "duplicates": complaint.duplicates.all(),
    }
    if triage:
        context.update(
            forward_form=ForwardForm(complaint=complaint),
            merge_form=MergeForm(complaint=complaint),
            reject_form=ReasonForm(),
            identity_form=ReasonForm(),
            convert_form=ConvertForm(complaint=complaint),
            problem_url=_problem_url(complaint),
            convert_available=True,
        )
    if handle:
        context.update(reply_form=ReplyForm(), conclude_form=ConcludeForm())
    return render(request, "complaints/detail.html", context)


def _problem_url(complaint):
    if not complaint.problem_id:
        return None
    return reverse("oversight:problem_detail", args=[complaint.problem_id])


def _act(request, complaint, action):
    try:
        action()
    except ComplaintError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("complaints:detail", pk=complaint.pk)


def _triage_complaint(request, pk) -> Complaint:
    complaint = _get_complaint_for_user(request, pk)
    if not complaint.can_triage(request.user):
        raise Http404
    return complaint


def _form_errors(request, form):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


@require_POST
@role_required(Role.INSPECTION)
def accept(request, pk):
    complaint = _triage_complaint(request, pk)
    return _act(request, complaint, lambda: complaint.accept(by=request.user))


@require_POST
@role_required(Role.INSPECTION)
def forward(request, pk):
    complaint = _triage_complaint(request, pk)
    form = ForwardForm(request.POST, complaint=complaint)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: complaint.forward(
            to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"]
        ),
    )


@require_POST
@role_required(Role.INSPECTION)
def merge(request, pk):
    complaint = _triage_complaint(request, pk)
    form = MergeForm(request.POST, complaint=complaint)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request, complaint, lambda: complaint.merge_into(form.cleaned_data["into"], by=request.user)
    )


@require_POST
@role_required(Role.INSPECTION)
def reject(request, pk):
    complaint = _triage_complaint(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: complaint.reject(reason=form.cleaned_data["reason"], by=request.user),
    )


def _handled_complaint(request, pk) -> Complaint:
    complaint = _get_complaint_for_user(request, pk)
    if not complaint.can_handle(request.user):
        raise Http404
    return complaint


@require_POST
@role_required(*STAFF)
def reply(request, pk):
    complaint = _handled_complaint(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: complaint.reply(
            text=form.cleaned_data["text"],
            by=request.user,
            internal=form.cleaned_data["internal"],
            files=form.cleaned_data["attachments"],
        ),
    )


@require_POST
@role_required(*STAFF)
def conclude(request, pk):
    complaint = _handled_complaint(request, pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: complaint.conclude(findings=form.cleaned_data["findings"], by=request.user),
    )


@confidential(referrer="same-origin")
@role_required(*STAFF)
def attachment(request, pk):
    att = get_object_or_404(Attachment.objects.select_related("complaint"), pk=pk)
    if not Complaint.objects.visible_to(request.user).filter(pk=att.complaint_id).exists():
        raise Http404
    response = HttpResponse(att.read(), content_type=att.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{att.pk}"'
    return response


# -- reporter identity (two officers) ------------------------------------------------------


@require_POST
@role_required(Role.INSPECTION)
def identity_request(request, pk):
    complaint = _triage_complaint(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: IdentityRequest.ask(complaint, by=request.user, reason=form.cleaned_data["reason"]),
    )


@require_POST
@role_required(Role.INSPECTION)
def identity_decide(request, pk, request_id):
    complaint = _triage_complaint(request, pk)
    req = get_object_or_404(complaint.identity_requests, pk=request_id)
    approve = request.POST.get("decision") == "approve"
    return _act(request, complaint, lambda: req.decide(by=request.user, approve=approve))


@confidential(referrer="same-origin")
@role_required(Role.INSPECTION)
def identity(request, pk):
    complaint = _triage_complaint(request, pk)
    try:
        name, phone = complaint.identity_for(request.user)
    except ComplaintError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:detail", pk=pk)
    return render(
        request, "complaints/identity.html", {"complaint": complaint, "name": name, "phone": phone}
    )


@require_POST
@role_required(Role.INSPECTION)
def convert(request, pk):
    complaint = _triage_complaint(request, pk)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("complaints:detail", pk=pk)
    return _act(
        request,
        complaint,
        lambda: complaint.convert_to_problem(
            description=form.cleaned_data["description"],
            category=form.cleaned_data["category"],
            demand=form.cleaned_data["demand"],
            deadline=form.cleaned_data["deadline"],
            by=request.user,
        ),
    )
