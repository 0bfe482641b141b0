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


# --- a bureau reads the whole registry but writes only its own district's -----------------------


def test_a_bureau_cannot_change_another_districts_institution(client, demo, inst):
    client.force_login(demo["bureau_zlj"])  # 自流井区; inst is in 七星区
    assert client.get(reverse("training:detail", args=[inst.pk])).status_code == 200
    response = client.post(
        reverse("training:change_status", args=[inst.pk]),
        {"status": "closed", "on": "2022-01-01", "reason": "越权"},
    )
    assert response.status_code == 404
    inst.refresh_from_db()
    assert inst.status == Institution.Status.LICENSED
    assert inst.history.count() == 1


def test_the_status_form_is_offered_only_where_the_user_may_write(client, demo, inst):
    url = reverse("training:detail", args=[inst.pk])
    client.force_login(demo["bureau_zlj"])
    assert client.get(url).context["form"] is None
    client.force_login(demo["bureau_qx"])
    assert client.get(url).context["form"] is not None
    client.force_login(demo["inspector_qx1"])
    assert client.get(url).context["form"] is not None


def test_a_bureau_registers_only_in_its_own_district(client, demo):
    client.force_login(demo["bureau_zlj"])
    own = District.objects.get(code="510302")
    other = District.objects.get(code="450305")
    choices = client.get(reverse("training:new")).context["form"].fields["district"].queryset
    assert list(choices) == [own]
    response = client.post(
        reverse("training:new"),
        {
            "district": other.pk,
            "name": "越权登记的机构",
            "status": "licensed",
            "on": "2021-01-01",
        },
    )
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not Institution.objects.exists()


def test_inspection_may_still_register_in_any_district(client, demo):
    client.force_login(demo["inspector_qx1"])
    choices = client.get(reverse("training:new")).context["form"].fields["district"].queryset
    assert set(choices) == set(District.objects.all())


def test_the_detail_page_shows_only_the_problems_the_reader_may_see(client, demo, inst):
    from sunshine.oversight.models import Campaign, Problem, Visit

    campaign = Campaign.objects.create(
        district=inst.organisation.district,
        title="校外培训专项检查",
        starts_on=D(2021, 3, 1),
        lead_office=Organisation.objects.get(name="七星区纪委监委驻区教育局纪检监察组"),
    )
    problem = Problem.raise_new(
        description="超纲培训未整改",
        by=demo["inspector_qx1"],
        subject=inst.organisation,
        campaign=campaign,
    )
    Visit.objects.create(
        campaign=campaign, subject=inst.organisation, method=Visit.Method.ONSITE, date=D(2021, 3, 1)
    )
    url = reverse("training:detail", args=[inst.pk])
    client.force_login(demo["bureau_qx"])
    page = client.get(url)
    assert list(page.context["problems"]) == [problem]
    assert len(page.context["visits"]) == 1
    client.force_login(demo["bureau_zlj"])
    page = client.get(url)
    assert list(page.context["problems"]) == []
    assert list(page.context["visits"]) == []
    assert problem.number not in page.content.decode()
