from django.urls import path

from sunshine.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:pk>/recommendations/new/",
        views.recommendation_new,
        name="recommendation_new",
    ),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/<int:pk>/revise/", views.checklist_revise, name="checklist_revise"),
    path("checklists/versions/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/answers/", views.visit_answers, name="visit_answers"),
    path("visits/<int:pk>/evidence/", views.visit_evidence, name="visit_evidence"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/import/", views.problem_import, name="problem_import"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/start/", views.problem_start, name="problem_start"),
    path("problems/<int:pk>/report/", views.problem_report, name="problem_report"),
    path("problems/<int:pk>/verify/", views.problem_verify, name="problem_verify"),
    path("problems/<int:pk>/deadline/", views.problem_deadline, name="problem_deadline"),
    path("accountability/", views.accountability_list, name="accountability_list"),
    path("accountability/new/", views.accountability_new, name="accountability_new"),
]
