"""Entering one application by hand: the importer's checks, one child per ID, scoped schools."""

from datetime import date

import pytest
from django.urls import reverse

from sunshine.core.models import AuditEntry
from sunshine.enrollment.models import Applicant, Application
from sunshine.lib import idcard

pytestmark = pytest.mark.django_db

BORN = date(2013, 10, 8)
ID = idcard.make("510302", BORN, 321)


def entry(**overrides):
    data = {
        "name": "王小花",
        "gender": "F",
        "birth_date": "",
        "id_number": ID,
        "guardian_name": "王强",
        "guardian_phone": "13800001111",
        "hukou_address": "五星街2号",
        "residence_address": "五星街2号",
        "year": "2020",
        "preference": "1",
        "priority": "2",
        "multiple_birth_group": "",
    }
    data.update(overrides)
    return data


def test_it_enters_a_new_child_and_application(client, demo, schools):
    client.force_login(demo["school_tml"])
    assert client.get(reverse("enrollment:enter", args=["TML"])).status_code == 200
    response = client.post(reverse("enrollment:enter", args=["TML"]), entry())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enrollment:application", args=[application.pk])
    child = application.applicant
    assert (child.name, child.birth_date, child.id_number) == ("王小花", BORN, ID)
    assert child.number.startswith("2020-")
    assert (application.school.code, application.year, application.priority) == ("TML", 2020, 2)
    assert application.status == Application.Status.SUBMITTED


def test_it_records_the_entry_without_personal_data(client, demo, schools):
    client.force_login(demo["school_tml"])
    client.post(reverse("enrollment:enter", args=["TML"]), entry())
    audit = AuditEntry.objects.get(action="enrollment.application_entered")
    assert audit.actor == demo["school_tml"]
    assert audit.payload == {"school": "TML", "year": 2020, "new_applicant": True}
    text = f"{audit.payload} {audit.object_repr}"
    for secret in (ID, "王小花", "王强", "13800001111", "五星街2号"):
        assert secret not in text


def test_it_refuses_a_bad_id_checksum(client, demo, schools):
    bad = ID[:17] + ("0" if ID[17] != "0" else "1")
    client.force_login(demo["school_tml"])
    response = client.post(reverse("enrollment:enter", args=["TML"]), entry(id_number=bad))
    assert response.status_code == 200
    assert "身份证号校验码错误" in response.content.decode()
    assert not Applicant.objects.exists()


def test_it_holds_an_entry_to_the_import_rules(client, demo, schools):
    client.force_login(demo["school_tml"])
    response = client.post(
        reverse("enrollment:enter", args=["TML"]),
        entry(guardian_phone="12345", birth_date="2013-10-09", priority="7"),
    )
    page = response.content.decode()
    assert "应为11位手机号码" in page
    assert "与身份证号中的出生日期不一致" in page
    assert not Applicant.objects.exists()


def test_it_adds_to_a_stored_child_and_refuses_a_duplicate(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    client.post(reverse("enrollment:enter", args=["TML"]), entry())
    client.post(reverse("enrollment:enter", args=["TKS"]), entry(preference="2"))
    child = Applicant.objects.get()
    assert sorted(a.school.code for a in child.applications.all()) == ["TKS", "TML"]

    response = client.post(reverse("enrollment:enter", args=["TML"]), entry(preference="3"))
    assert response.status_code == 200
    assert f"重复报名：该儿童（报名号 {child.number}）已报名此学校" in response.content.decode()
    assert Application.objects.count() == 2


def test_it_refuses_a_stored_id_under_another_name(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    client.post(reverse("enrollment:enter", args=["TML"]), entry())
    response = client.post(reverse("enrollment:enter", args=["TKS"]), entry(name="李四"))
    assert "姓名与填写的不一致" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_school_cannot_enter_for_another_school(client, demo, schools):
    client.force_login(demo["school_tml"])
    assert client.get(reverse("enrollment:enter", args=["TKS"])).status_code == 404
    response = client.post(reverse("enrollment:enter", args=["TKS"]), entry())
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_the_bureau_cannot_enter_for_another_district(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    assert client.get(reverse("enrollment:enter", args=["LY"])).status_code == 404


def test_inspectors_cannot_enter(client, demo, schools):
    client.force_login(demo["inspector_zlj"])
    assert client.get(reverse("enrollment:enter", args=["TML"])).status_code == 403


def test_the_queue_links_to_the_entry(client, demo, schools):
    client.force_login(demo["school_tml"])
    page = client.get(reverse("enrollment:queue")).content.decode()
    assert reverse("enrollment:enter_start") in page
    response = client.get(reverse("enrollment:enter_start"))
    assert response["Location"] == reverse("enrollment:enter", args=["TML"])
    client.force_login(demo["bureau_zlj"])
    page = client.get(reverse("enrollment:enter_start")).content.decode()
    assert reverse("enrollment:enter", args=["TKS"]) in page
    assert reverse("enrollment:enter", args=["LY"]) not in page
