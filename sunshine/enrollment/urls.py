from django.urls import path

from sunshine.enrollment import views

app_name = "enrollment"

urlpatterns = [
    path("", views.index, name="index"),
    path("d/<str:code>/", views.district, name="district"),
    path("d/<str:code>/zones/", views.zone_search, name="zone_search"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("review/", views.queue, name="queue"),
    path("review/bulk/", views.bulk_decide, name="bulk_decide"),
    path("applications/new/", views.enter_start, name="enter_start"),
    path("applications/new/<str:code>/", views.enter, name="enter"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/documents/", views.upload_document, name="upload_document"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("import/", views.import_applications, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("manage/", views.manage, name="manage"),
    path("manage/plans/new/", views.plan_edit, name="plan_new"),
    path("manage/plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("manage/schools/<str:code>/", views.school_edit, name="school_edit"),
    path("manage/policies/new/", views.policy_new, name="policy_new"),
]
