from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sunshine.core import audit
from sunshine.core.models import Organisation
from sunshine.core.permissions import public, role_required
from sunshine.core.roles import Role
from sunshine.reminders import importer
from sunshine.reminders.forms import CampaignForm, ImportForm, TemplateForm
from sunshine.reminders.models import (
    Campaign,
    CampaignError,
    Delivery,
    MessageTemplate,
    StaffMember,
    token_hash,
)
from sunshine.reminders.placeholders import PLACEHOLDERS, PlaceholderError, compose

SENDERS = (Role.BUREAU, Role.INSPECTION)


def _district_or_404(user):
    if not user.organisation_id:
        raise Http404
    return user.organisation.district


def _get_campaign_for_user(user, pk) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).select_related("template", "district", "created_by"),
        pk=pk,
    )


def _sample_staff(district):
    person = (
        StaffMember.objects.filter(district=district)
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    if person:
        return person
    org = Organisation.objects.filter(district=district).first()
    return SimpleNamespace(
        name=_("张老师"), position=_("校长"), organisation=org or SimpleNamespace(name="—")
    )


def _preview(campaign_like, person) -> dict:
    try:
        subject, body = compose(campaign_like, person, "Ab3dEf6hIj9kLm2nOp5qRs")
    except PlaceholderError as e:
        return {"error": str(e)}
    return {"subject": subject, "body": body, "person": person}


# --- overview -----------------------------------------------------------------------------


@role_required(*SENDERS)
def index(request):
    campaigns = Campaign.objects.visible_to(request.user).select_related("template")
    page = Paginator(campaigns, 20).get_page(request.GET.get("page"))
    rows = []
    figures = {
        row["campaign"]: row
        for row in Delivery.objects.filter(campaign__in=[c.pk for c in page])
        .values("campaign")
        .annotate(
            total=Count("id"),
            delivered=Count("id", filter=Q(state__in=Delivery.DELIVERED)),
            read=Count(
                "id", filter=Q(state__in=(Delivery.State.READ, Delivery.State.ACKNOWLEDGED))
            ),
            acknowledged=Count("id", filter=Q(state=Delivery.State.ACKNOWLEDGED)),
        )
    }
    for c in page:
        rows.append((c, figures.get(c.pk, {})))
    totals = Delivery.figures(Delivery.objects.filter(campaign__in=campaigns))
    staff_count = StaffMember.objects.visible_to(request.user).filter(active=True).count()
    return render(
        request,
        "reminders/index.html",
        {"page": page, "rows": rows, "totals": totals, "staff_count": staff_count},
    )


@role_required(*SENDERS)
def stats(request):
    deliveries = Delivery.objects.filter(campaign__in=Campaign.objects.visible_to(request.user))
    campaign_id = request.GET.get("campaign", "")
    campaigns = Campaign.objects.visible_to(request.user).exclude(status=Campaign.Status.DRAFT)
    if campaign_id.isdigit():
        deliveries = deliveries.filter(campaign_id=int(campaign_id))
    return render(
        request,
        "reminders/stats.html",
        {
            "totals": Delivery.figures(deliveries),
            "by_org": Delivery.figures_by_organisation(deliveries),
            "campaigns": campaigns,
            "campaign_id": campaign_id,
        },
    )


# --- staff directory ----------------------------------------------------------------------


@role_required(*SENDERS)
def staff_list(request):
    staff = StaffMember.objects.visible_to(request.user).select_related("organisation")
    org, category, q = (
        request.GET.get("organisation", ""),
        request.GET.get("category", ""),
        request.GET.get("q", "").strip(),
    )
    if org.isdigit():
        staff = staff.filter(organisation_id=int(org))
    if category in StaffMember.Category.values:
        staff = staff.filter(category=category)
    if q:
        staff = staff.filter(Q(name__contains=q) | Q(position__contains=q))
    all_staff = StaffMember.objects.visible_to(request.user).filter(active=True)
    groups = (
        all_staff.values("organisation_id", "organisation__name")
        .annotate(
            total=Count("id"),
            **{c.value: Count("id", filter=Q(category=c.value)) for c in StaffMember.Category},
        )
        .order_by("-total", "organisation__name")
    )
    by_category = {
        row["category"]: row["n"] for row in all_staff.values("category").annotate(n=Count("id"))
    }
    return render(
        request,
        "reminders/staff_list.html",
        {
            "page": Paginator(staff, 50).get_page(request.GET.get("page")),
            "groups": groups,
            "categories": [
                (c.value, c.label, by_category.get(c.value, 0)) for c in StaffMember.Category
            ],
            "organisations": Organisation.objects.filter(
                pk__in=all_staff.values("organisation_id")
            ).order_by("name"),
            "filters": {"organisation": org, "category": category, "q": q},
            "total": all_staff.count(),
        },
    )


@role_required(*SENDERS)
def staff_import(request):
    district = _district_or_404(request.user)
    errors = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                result = importer.import_staff(district, f.name, f.read(), actor=request.user)
            except importer.ImportFailed as e:
                errors = e.errors
            else:
                messages.success(
                    request,
                    _("导入完成：新增 %(c)d 人，更新 %(u)d 人，合并重复行 %(m)d 行。")
                    % {"c": result.created, "u": result.updated, "m": len(result.merged)},
                )
                return redirect("reminders:staff_list")
    else:
        form = ImportForm()
    return render(
        request,
        "reminders/staff_import.html",
        {"form": form, "errors": errors, "columns": importer.COLUMNS},
        status=400 if errors else 200,
    )


@require_POST
@role_required(*SENDERS)
def staff_toggle(request, pk):
    person = get_object_or_404(StaffMember.objects.visible_to(request.user), pk=pk)
    person.set_active(not person.active, actor=request.user)
    if person.active:
        messages.success(
            request, _("%(name)s 已恢复，今后的批次会发送给其本人。") % {"name": person.name}
        )
    else:
        messages.success(
            request, _("%(name)s 已停用，今后的批次不再发送给其本人。") % {"name": person.name}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "reminders:staff_list"
    return redirect(back)


# --- templates ----------------------------------------------------------------------------


@role_required(*SENDERS)
def template_list(request):
    templates = MessageTemplate.objects.visible_to(request.user)
    return render(request, "reminders/template_list.html", {"templates": templates})


@role_required(*SENDERS)
def template_edit(request, pk=None):
    district = _district_or_404(request.user)
    instance = None
    if pk is not None:
        instance = get_object_or_404(MessageTemplate.objects.visible_to(request.user), pk=pk)
    form = TemplateForm(request.POST or None, instance=instance, district=district)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            with transaction.atomic():
                template = form.save(commit=False)
                if template.created_by_id is None:
                    template.created_by = request.user
                template.save()
                audit.record("reminders.template_saved", template, actor=request.user, payload={})
            messages.success(request, _("模板已保存。"))
            return redirect("reminders:template_list")
        today = timezone.localdate()
        sample = SimpleNamespace(
            district=district,
            season_start=today,
            season_end=today,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
        preview = _preview(sample, _sample_staff(district))
    return render(
        request,
        "reminders/template_form.html",
        {"form": form, "preview": preview, "placeholders": PLACEHOLDERS, "instance": instance},
    )


# --- campaigns ----------------------------------------------------------------------------


@role_required(*SENDERS)
def campaign_new(request):
    district = _district_or_404(request.user)
    form = CampaignForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            campaign = form.save(commit=False)
            campaign.created_by = request.user
            campaign.save()
            form.save_m2m()
            audit.record("reminders.campaign_created", campaign, actor=request.user, payload={})
        return redirect("reminders:campaign_detail", pk=campaign.pk)
    return render(request, "reminders/campaign_form.html", {"form": form})


def _progress(campaign: Campaign) -> dict:
    figures = campaign.figures()
    return {
        "status": campaign.status,
        "status_label": str(campaign.get_status_display()),
        "stalled": campaign.is_stalled,
        **{
            k: figures[k]
            for k in (
                "total",
                "queued",
                "sent",
                "delivered",
                "failed",
                "read",
                "acknowledged",
                "progress",
                "read_rate",
                "ack_rate",
            )
        },
    }


@role_required(*SENDERS)
def campaign_detail(request, pk):
    campaign = _get_campaign_for_user(request.user, pk)
    preview = None
    audience_by_org = []
    if campaign.status == Campaign.Status.DRAFT:
        audience = campaign.audience()
        audience_by_org = list(
            audience.values("organisation__name").annotate(n=Count("id")).order_by("-n")
        )
        person = audience.select_related("organisation").order_by("id").first()
        sample = SimpleNamespace(
            district=campaign.district,
            season_start=campaign.season_start,
            season_end=campaign.season_end,
            subject=campaign.template.subject,
            body=campaign.template.body,
        )
        preview = _preview(sample, person or _sample_staff(campaign.district))
    elif campaign.body:
        person = campaign.deliveries.select_related("staff__organisation").first()
        if person:
            preview = _preview(campaign, person.staff)
    deliveries = campaign.deliveries.select_related("staff", "organisation").order_by("id")
    state = request.GET.get("state", "")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    recipients = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": _progress(campaign),
            "by_org": Delivery.figures_by_organisation(campaign.deliveries.all()),
            "audience_by_org": audience_by_org,
            "audience_total": sum(r["n"] for r in audience_by_org),
            "preview": preview,
            "recipients": recipients,
            "state": state,
            "states": Delivery.State.choices,
            "refresh": campaign.status in (Campaign.Status.SENDING, Campaign.Status.SCHEDULED),
        },
    )


@never_cache
@role_required(*SENDERS)
def campaign_progress(request, pk):
    campaign = _get_campaign_for_user(request.user, pk)
    return JsonResponse(_progress(campaign))


def _campaign_action(request, pk, verb, done_message):
    campaign = _get_campaign_for_user(request.user, pk)
    try:
        result = getattr(campaign, verb)(actor=request.user)
    except CampaignError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done_message % {"n": result or 0})
    return redirect("reminders:campaign_detail", pk=pk)


@require_POST
@role_required(*SENDERS)
def campaign_send(request, pk):
    return _campaign_action(request, pk, "queue", _("已提交发送，共 %(n)d 人。"))


@require_POST
@role_required(*SENDERS)
def campaign_cancel(request, pk):
    return _campaign_action(request, pk, "cancel", _("批次已取消。"))


@require_POST
@role_required(*SENDERS)
def campaign_resume(request, pk):
    return _campaign_action(request, pk, "resume", _("已重新交给后台继续发送。"))


@require_POST
@role_required(*SENDERS)
def campaign_retry(request, pk):
    return _campaign_action(request, pk, "retry_failed", _("已重新排队 %(n)d 条失败消息。"))


# --- the personal read link ---------------------------------------------------------------


def _delivery_for_token(token: str) -> Delivery:
    if not (10 <= len(token) <= 64):
        raise Http404
    return get_object_or_404(
        Delivery.objects.select_related(
            "campaign", "campaign__district", "staff", "staff__organisation"
        ),
        token_hash=token_hash(token),
        state__in=Delivery.DELIVERED,
    )


@public
@never_cache
def read(request, token):
    delivery = _delivery_for_token(token)
    delivery.mark_read()
    subject, body = compose(delivery.campaign, delivery.staff, token)
    response = render(
        request,
        "reminders/read.html",
        {"delivery": delivery, "subject": subject, "body": body, "token": token},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@public
@require_POST
def acknowledge(request, token):
    delivery = _delivery_for_token(token)
    delivery.acknowledge()
    messages.success(request, _("已确认收到，谢谢。"))
    return redirect("reminders:read", token=token)
