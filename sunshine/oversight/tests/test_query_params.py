"""A hand-edited or truncated query string is a missing value, never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BAD = ["abc", "1x", "", " ", "-1", "1.5", "9" * 30, "١"]  # the last: an Arabic-Indic digit one


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(
    "name, params",
    [
        ("oversight:problem_new", {"visit": None}),
        ("oversight:accountability_new", {"problem": None}),
        ("oversight:visit_new", {"subject": None}),
        ("oversight:visit_new", {"campaign": None}),
        ("oversight:visit_list", {"campaign": None}),
        ("oversight:visit_list", {"subject": None}),
        ("oversight:visit_list", {"group": None}),
        ("oversight:visit_list", {"page": None}),
        ("oversight:problem_list", {"campaign": None}),
        ("oversight:problem_list", {"subject": None}),
        ("oversight:problem_list", {"page": None}),
    ],
)
def test_a_non_numeric_id_is_treated_as_absent(client, world, name, params, value):
    client.force_login(world.inspector)
    params = {k: value for k in params}
    assert client.get(reverse(name), params).status_code == 200


@pytest.mark.parametrize("value", BAD)
def test_a_non_numeric_item_on_a_real_visit_just_leaves_the_form_unfilled(client, world, value):
    client.force_login(world.inspector)
    response = client.get(
        reverse("oversight:problem_new"), {"visit": world.visit.pk, "item": value}
    )
    assert response.status_code == 200
    assert response.context["visit"] == world.visit
    assert not response.context["form"].initial.get("description")


def test_a_non_numeric_visit_is_absent_not_a_visit(client, world):
    client.force_login(world.inspector)
    response = client.get(reverse("oversight:problem_new"), {"visit": "abc", "item": "x"})
    assert response.status_code == 200
    assert response.context["visit"] is None


def test_a_numeric_but_unknown_visit_is_still_404(client, world):
    client.force_login(world.inspector)
    assert client.get(reverse("oversight:problem_new"), {"visit": 999999}).status_code == 404


def test_a_non_numeric_problem_leaves_the_accountability_form_blank(client, world, make_problem):
    make_problem()
    client.force_login(world.inspector)
    response = client.get(reverse("oversight:accountability_new"), {"problem": "abc"})
    assert response.status_code == 200
    assert "problems" not in response.context["form"].initial


def test_the_prefills_still_work_with_good_ids(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.inspector)
    form = client.get(reverse("oversight:accountability_new"), {"problem": problem.pk}).context[
        "form"
    ]
    assert form.initial["problems"] == [problem.pk]
    form = client.get(
        reverse("oversight:visit_new"),
        {"subject": world.visit.subject_id, "campaign": world.campaign.pk},
    ).context["form"]
    assert form.initial["subject"] == world.visit.subject_id
    assert form.initial["campaign"] == world.campaign.pk
