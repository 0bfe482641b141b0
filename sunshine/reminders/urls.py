from django.urls import path

from sunshine.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.index, name="index"),
    path("stats/", views.stats, name="stats"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/<int:pk>/toggle/", views.staff_toggle, name="staff_toggle"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress.json", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/send/", views.campaign_send, name="campaign_send"),
    path("campaigns/<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("campaigns/<int:pk>/resume/", views.campaign_resume, name="campaign_resume"),
    path("campaigns/<int:pk>/retry/", views.campaign_retry, name="campaign_retry"),
    path("r/<str:token>/", views.read, name="read"),
    path("r/<str:token>/ack/", views.acknowledge, name="acknowledge"),
]
