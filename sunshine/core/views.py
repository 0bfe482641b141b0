from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy

from sunshine.core import audit
from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District
from sunshine.core.nav import dashboard_panels
from sunshine.core.permissions import login_required_any_role, public, role_required
from sunshine.core.roles import Role


@public
def home(request):
    return render(request, "core/home.html", {"districts": District.objects.order_by("code")})


@login_required_any_role
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": dashboard_panels(request)})


@role_required(Role.INSPECTION, Role.ADMIN)
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    verification = audit.verify() if request.GET.get("verify") else None
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "action": action, "verification": verification},
    )


login = public(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = public(auth_views.LogoutView.as_view())
password_change = login_required_any_role(
    auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done"))
)
password_change_done = login_required_any_role(auth_views.PasswordChangeDoneView.as_view())
