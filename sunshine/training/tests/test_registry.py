import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District, Organisation
from sunshine.training.models import Institution

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def inst(demo):
    return Institution.register(
        district=District.objects.get(code="450305"),
        name="七星区测试培训学校",
        by=demo["bureau_qx"],
        licence_number="教民0001",
        subjects="数学",
        on=D(2020, 1, 1),
    )


def test_an_institution_is_an_organisation_of_kind_training(inst):
    assert inst.organisation.kind == Organisation.Kind.TRAINING
    assert inst.history.get().status == Institution.Status.LICENSED
    assert AuditEntry.objects.filter(action="training.institution_registered").exists()


def test_status_changes_keep_a_dated_audited_history(inst, demo):
    inst.change_status("suspended", on=D(2021, 10, 15), reason="双减暂停", by=demo["bureau_qx"])
    inst.change_status("closed", on=D(2021, 12, 1), reason="注销", by=demo["bureau_qx"])
    assert [(h.status, h.on) for h in inst.history.all()] == [
        ("licensed", D(2020, 1, 1)),
        ("suspended", D(2021, 10, 15)),
        ("closed", D(2021, 12, 1)),
    ]
    entries = AuditEntry.objects.filter(action="training.status_changed").order_by("seq")
    assert [e.payload["to"] for e in entries] == ["suspended", "closed"]


@pytest.mark.parametrize(
    "status, on, reason",
    [
        ("suspended", D(2021, 1, 1), ""),  # no reason
        ("licensed", D(2021, 1, 1), "x"),  # same status
        ("suspended", D(2019, 1, 1), "x"),  # before the current status began
        ("bogus", D(2021, 1, 1), "x"),
    ],
)
def test_it_refuses_bad_status_changes(inst, demo, status, on, reason):
    with pytest.raises(ValidationError):
        inst.change_status(status, on=on, reason=reason, by=demo["bureau_qx"])
    assert inst.history.count() == 1


def test_an_unlicensed_institution_cannot_carry_a_licence(demo):
    with pytest.raises(ValidationError):
        Institution.register(
            district=District.objects.get(code="450305"),
            name="无证班",
            by=demo["bureau_qx"],
            licence_number="x",
            status="unlicensed",
        )


def test_the_pages_let_the_bureau_register_and_change_status(client, demo):
    client.force_login(demo["bureau_qx"])
    response = client.post(
        reverse("training:new"),
        {
            "district": District.objects.get(code="450305").pk,
            "name": "七星区新机构",
            "subjects": "英语",
            "is_academic": "on",
            "status": "licensed",
            "licence_number": "教民9",
            "on": "2021-01-01",
        },
    )
    inst = Institution.objects.get()
    assert response.url == reverse("training:detail", args=[inst.pk])
    client.post(
        reverse("training:change_status", args=[inst.pk]),
        {"status": "suspended", "on": "2021-10-15", "reason": "双减"},
    )
    inst.refresh_from_db()
    assert inst.status == "suspended"
    listing = client.get(reverse("training:index"), {"status": "suspended"}).content.decode()
    assert "七星区新机构" in listing


@pytest.mark.parametrize("username", ["school_ly", "parent", "notary_zlj"])
def test_other_roles_are_refused(client, demo, inst, username):
    client.force_login(demo[username])
    assert client.get(reverse("training:index")).status_code == 403
    assert client.get(reverse("training:detail", args=[inst.pk])).status_code == 403


def test_admin_reads_but_does_not_change(client, demo, inst):
    client.force_login(demo["admin"])
    assert client.get(reverse("training:detail", args=[inst.pk])).status_code == 200
    url = reverse("training:change_status", args=[inst.pk])
    assert (
        client.post(url, {"status": "closed", "on": "2022-01-01", "reason": "x"}).status_code == 403
    )
