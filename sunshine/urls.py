from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from sunshine.core import views as core_views

urlpatterns = [
    path("", include("sunshine.core.urls")),
    path("enrollment/", include("sunshine.enrollment.urls")),
    path("lottery/", include("sunshine.lottery.urls")),
    path("training/", include("sunshine.training.urls")),
    path("oversight/", include("sunshine.oversight.urls")),
    path("complaints/", include("sunshine.complaints.urls")),
    path("reminders/", include("sunshine.reminders.urls")),
    path("accounts/login/", core_views.login, name="login"),
    path("accounts/logout/", core_views.logout, name="logout"),
    path("accounts/password/", core_views.password_change, name="password_change"),
    path("accounts/password/done/", core_views.password_change_done, name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
