import datetime

import pytest
import time_machine
from django.urls import reverse

from sunshine.oversight.models import Problem, Visit

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_school_sees_only_its_own_problems(client, world, make_problem):
    own = make_problem("龙隐小学")
    other = make_problem("汇通小学", description="汇通小学的问题")
    school = world.users["school_ly"]
    assert list(Problem.objects.visible_to(school)) == [own]
    client.force_login(school)
    listing = client.get(reverse("oversight:problem_list")).content.decode()
    assert own.number in listing and other.number not in listing
    assert client.get(reverse("oversight:problem_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("oversight:problem_detail", args=[other.pk])).status_code == 404
    for action in ("problem_start", "problem_report"):
        assert client.post(reverse(f"oversight:{action}", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == Problem.Status.OPEN


def test_a_school_of_another_district_sees_nothing(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.users["school_tml"])
    assert client.get(reverse("oversight:problem_detail", args=[problem.pk])).status_code == 404
    assert not Problem.objects.visible_to(world.users["school_tml"]).exists()


def test_the_export_is_limited_to_what_the_user_sees(client, world, make_problem):
    from io import BytesIO

    from openpyxl import load_workbook

    make_problem("龙隐小学")
    make_problem("汇通小学", description="汇通小学的问题")
    client.force_login(world.users["school_ht"])
    response = client.get(reverse("oversight:problem_list"), {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["汇通小学"]


@pytest.mark.parametrize("username", ["parent", "notary_zlj"])
def test_other_roles_are_refused(client, world, make_problem, username):
    problem = make_problem()
    client.force_login(world.users[username])
    for url in (
        reverse("oversight:problem_list"),
        reverse("oversight:problem_detail", args=[problem.pk]),
        reverse("oversight:visit_list"),
    ):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("username", ["school_ly", "bureau_qx"])
def test_inspection_only_pages_refuse_schools_and_bureau(client, world, username):
    client.force_login(world.users[username])
    for name in (
        "campaign_list",
        "visit_new",
        "problem_new",
        "problem_import",
        "accountability_list",
    ):
        assert client.get(reverse(f"oversight:{name}")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get(reverse("oversight:problem_list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_unannounced_visit_is_hidden_outside_inspection_until_its_date(client, world):
    planned = Visit.objects.create(
        campaign=world.campaign,
        group=world.group,
        subject=world.orgs["龙隐小学"],
        mode=Visit.Mode.UNANNOUNCED,
        method=Visit.Method.PHONE,
        date=D(2023, 9, 1),
    )
    url = reverse("oversight:visit_detail", args=[planned.pk])
    with time_machine.travel(datetime.datetime(2023, 8, 31, 12, 0, tzinfo=datetime.UTC)):
        for username in ("school_ly", "bureau_qx", "admin"):
            user = world.users[username]
            assert planned not in Visit.objects.visible_to(user)
            client.force_login(user)
            assert client.get(url).status_code in (403, 404)
            if username != "admin":
                listing = client.get(reverse("oversight:visit_list")).content.decode()
                assert planned.number not in listing
        assert planned in Visit.objects.visible_to(world.inspector)
        client.force_login(world.inspector)
        assert client.get(url).status_code == 200
    with time_machine.travel(datetime.datetime(2023, 9, 1, 2, 0, tzinfo=datetime.UTC)):
        client.force_login(world.users["school_ly"])
        assert client.get(url).status_code == 200


def test_an_announced_visit_is_visible_to_its_school_but_not_to_another(client, world):
    url = reverse("oversight:visit_detail", args=[world.visit.pk])
    client.force_login(world.users["school_ly"])
    assert client.get(url).status_code == 200
    client.force_login(world.users["school_ht"])
    assert client.get(url).status_code == 404
