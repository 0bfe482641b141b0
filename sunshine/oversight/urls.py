from django.urls import path

from sunshine.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
]
