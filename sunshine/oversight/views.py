from django.shortcuts import get_object_or_404, render

from sunshine.core.permissions import role_required
from sunshine.core.roles import Role
from sunshine.oversight.models import Problem

READERS = (Role.INSPECTION, Role.SCHOOL, Role.BUREAU, Role.ADMIN)


def _get_problem_for_user(request, pk: int) -> Problem:
    return get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)


@role_required(Role.INSPECTION, Role.BUREAU, Role.ADMIN)
def index(request):
    return render(request, "oversight/index.html", {})


@role_required(*READERS)
def problem_list(request):
    problems = Problem.objects.visible_to(request.user).select_related("subject")
    return render(request, "oversight/problem_list.html", {"problems": problems})


@role_required(*READERS)
def problem_detail(request, pk: int):
    problem = _get_problem_for_user(request, pk)
    return render(request, "oversight/problem_detail.html", {"problem": problem})
