from django.urls import path

from sunshine.lottery import views

app_name = "lottery"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("lookup/", views.lookup, name="lookup"),
    path("verify_draw.py", views.verifier_file, name="verifier"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/witnesses/", views.witness_add, name="witness_add"),
    path(
        "<int:pk>/witnesses/<int:witness_pk>/remove/", views.witness_remove, name="witness_remove"
    ),
    path("<int:pk>/witnesses/<int:witness_pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/witnesses/<int:witness_pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/representatives/", views.representatives, name="representatives"),
    path("<int:pk>/freeze/", views.freeze, name="freeze"),
    path("<int:pk>/run/", views.run, name="run"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/projector/", views.projector, name="projector"),
    path("<int:pk>/live.json", views.live, name="live"),
    path("<int:pk>/manifest.json", views.manifest_file, name="manifest"),
    path("<int:pk>/entropy.json", views.entropy_file, name="entropy"),
    path("<int:pk>/result.json", views.result_file, name="result"),
    path("<int:pk>/announcement.pdf", views.announcement_pdf, name="pdf"),
    path("<int:pk>/result.xlsx", views.result_xlsx, name="xlsx"),
    path("<int:pk>/waitlist/<int:school_pk>/", views.waitlist, name="waitlist"),
    path(
        "<int:pk>/waitlist/<int:school_pk>/<int:placement_pk>/decline/",
        views.place_decline,
        name="place_decline",
    ),
    path("<int:pk>/waitlist/<int:school_pk>/offer/", views.offer_next, name="offer_next"),
    path("<int:pk>/waitlist/<int:school_pk>/skip/", views.offer_skip, name="offer_skip"),
    path(
        "<int:pk>/waitlist/<int:school_pk>/offers/<int:offer_pk>/",
        views.offer_respond,
        name="offer_respond",
    ),
]
