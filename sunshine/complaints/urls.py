from django.urls import path

from sunshine.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("follow/", views.follow, name="follow"),
    path("follow/add/", views.follow_add, name="follow_add"),
    path("posters/", views.posters, name="posters"),
    path("poster/<slug:district_code>.<str:fmt>", views.poster, name="poster"),
    path("poster/<slug:district_code>/<int:org_id>.<str:fmt>", views.poster, name="poster_org"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/convert/", views.convert, name="convert"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("<int:pk>/identity/request/", views.identity_request, name="identity_request"),
    path(
        "<int:pk>/identity/<int:request_id>/decide/",
        views.identity_decide,
        name="identity_decide",
    ),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
