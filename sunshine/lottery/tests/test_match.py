"""Several schools at once: choices from each child's eligible applications by preference."""

import json

import pytest
from django.urls import reverse

from sunshine.lottery import engine
from sunshine.lottery.models import Draw, Placement
from sunshine.lottery.tests.conftest import VALUES, commit_all, make_applicant, reveal_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def match_draw(roster, demo):
    tml, tks = roster["TML"], roster["TKS"]
    # Three children apply to both schools, TKS first.
    for k in (2, 3, 4):
        make_applicant(f"2020-{k:08d}", tks, preference=1, priority=2)
        from sunshine.enrollment.models import Application

        Application.objects.filter(applicant__number=f"2020-{k:08d}", school=tml).update(
            preference=2
        )
    draw = Draw.create_for(
        district=tml.district,
        year=2020,
        code="2020-zlj-da",
        title="两校联合摇号",
        schools=[tml, tks],
        by=demo["bureau_zlj"],
        mode="match",
        mechanism="deferred-acceptance",
    )
    draw.add_default_witnesses()
    return draw


def test_it_lists_choices_by_preference_and_drops_bundles(match_draw):
    m = match_draw.build_manifest()
    engine.validate_manifest(m)
    by_id = {a["id"]: a for a in m["applicants"]}
    assert by_id["2020-00000002"]["choices"] == ["TKS", "TML"]
    assert by_id["2020-00000002"]["priority"] == {"TKS": 2, "TML": 2}
    assert by_id["2020-00000011"]["choices"] == ["TKS"]
    assert m["bundles"] == [] and m["mechanism"] == "deferred-acceptance"
    assert {s["id"]: s["places"] for s in m["schools"]} == {"TML": 3, "TKS": 2}


def test_it_runs_a_match_draw_and_records_every_list(match_draw, demo, client):
    bureau = demo["bureau_zlj"]
    commit_all(match_draw, bureau)
    match_draw.freeze(bureau)
    reveal_all(match_draw, bureau)
    result = match_draw.run(bureau)
    match_draw.publish(bureau)
    assert result == engine.draw(
        json.loads(match_draw.manifest_json), {k: VALUES[k] for k in ("notary", "inspection")}
    )
    for code, lists in result["schools"].items():
        rows = Placement.objects.filter(draw=match_draw, school__code=code)
        assert [p.number for p in rows.filter(kind="admitted").order_by("position")] == lists[
            "admitted"
        ]
        assert [p.number for p in rows.filter(kind="waitlist").order_by("position")] == lists[
            "waitlist"
        ]
    r = client.get(reverse("lottery:detail", args=[match_draw.pk]))
    assert "塘坎上小学" in r.content.decode() and "檀木林小学" in r.content.decode()


def test_the_create_form_checks_mode_and_schools(client, roster, demo):
    client.force_login(demo["bureau_zlj"])
    r = client.post(
        reverse("lottery:create"),
        {
            "title": "x",
            "code": "x-1",
            "year": 2020,
            "mode": "match",
            "bundle_policy": "admit-all",
            "schools": [roster["TML"].pk],
        },
    )
    body = r.content.decode()
    assert "多校匹配至少选择两所学校" in body and "多校匹配必须选择匹配机制" in body
    assert not Draw.objects.filter(code="x-1").exists()


def test_the_index_page_needs_few_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(reverse("lottery:index")).status_code == 200
