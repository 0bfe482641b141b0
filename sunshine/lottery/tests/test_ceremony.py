"""The ceremony's verbs on the model: freeze, commit, reveal, run, publish, cancel."""

import json

import pytest
from django.core.exceptions import ValidationError

from sunshine.core.audit_models import AuditEntry
from sunshine.lottery import engine
from sunshine.lottery.models import Draw, Placement, Witness
from sunshine.lottery.tests.conftest import VALUES, commit_all, reveal_all

pytestmark = pytest.mark.django_db


def test_it_builds_the_manifest_from_eligible_applications(draft):
    m = draft.build_manifest()
    engine.validate_manifest(m)
    ids = [a["id"] for a in m["applicants"]]
    assert ids == sorted(ids) and len(ids) == 8  # the ineligible one is left out
    assert "2020-00000999" not in ids
    assert m["schools"] == [{"id": "TML", "places": 3}]
    assert m["bundles"] == [["2020-00000006", "2020-00000007"]]
    assert m["applicants"][0]["priority"] == {"TML": 1}
    assert m["sources"] == ["notary", "inspection"]


def test_it_freezes_with_canonical_bytes_and_digest(draft, demo):
    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    draft.refresh_from_db()
    assert draft.state == Draw.State.FROZEN
    manifest = json.loads(draft.manifest_json)
    assert draft.manifest_json.encode() == engine.canonical(manifest)
    assert draft.manifest_digest == engine.digest(manifest)
    assert draft.frozen_at is not None
    assert set(manifest["commitments"]) == {"notary", "inspection"}
    entry = AuditEntry.objects.get(action="lottery.freeze")
    assert entry.payload["manifest_digest"] == draft.manifest_digest


def test_it_refuses_to_freeze_without_every_commitment(draft, demo):
    with pytest.raises(ValidationError, match="尚未提交承诺值"):
        draft.freeze(demo["bureau_zlj"])
    assert Draw.objects.get(pk=draft.pk).state == Draw.State.DRAFT


def test_it_refuses_a_reveal_that_does_not_match_the_commitment(draft, demo):
    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    with pytest.raises(ValidationError, match="与冻结前提交的承诺值不符"):
        draft.reveal("notary", "1234567890", bureau)
    w = draft.witnesses.get(source="notary")
    assert w.value == "" and w.revealed_at is None
    draft.reveal("notary", VALUES["notary"], bureau)
    assert Draw.objects.get(pk=draft.pk).state == Draw.State.REVEALING
    with pytest.raises(ValidationError, match="已经揭示"):
        draft.reveal("notary", VALUES["notary"], bureau)


def test_it_draws_exactly_what_the_engine_computes(draft, demo):
    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    with pytest.raises(ValidationError, match="尚未揭示"):
        draft.run(bureau)
    reveal_all(draft, bureau)
    draft.run(bureau)
    draft.publish(bureau)
    draft.refresh_from_db()
    expected = engine.draw(
        json.loads(draft.manifest_json), {k: VALUES[k] for k in ("notary", "inspection")}
    )
    assert draft.result_json.encode() == engine.canonical(expected)
    assert draft.result_digest == engine.digest(expected)
    assert draft.seed == expected["seed"]
    assert draft.state == Draw.State.PUBLISHED
    admitted = list(
        Placement.objects.filter(draw=draft, kind="admitted")
        .order_by("position")
        .values_list("number", flat=True)
    )
    assert admitted == expected["schools"]["TML"]["admitted"]
    # Priority group 1 comes first whatever the keys say.
    assert admitted[0] == "2020-00000001"
    waiting = list(
        Placement.objects.filter(draw=draft, kind="waitlist")
        .order_by("position")
        .values_list("number", flat=True)
    )
    assert waiting == expected["schools"]["TML"]["waitlist"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="lottery.").values_list("action", flat=True)
    )
    for a in (
        "lottery.create",
        "lottery.commit",
        "lottery.freeze",
        "lottery.reveal",
        "lottery.draw",
        "lottery.publish",
    ):
        assert a in actions


def test_it_cancels_with_a_public_reason_and_names_it_in_the_redo(draft, demo, roster):
    bureau = demo["bureau_zlj"]
    with pytest.raises(ValidationError):
        draft.cancel("  ", bureau)
    draft.cancel("见证人未能到场揭示随机数", bureau)
    assert draft.state == Draw.State.CANCELLED and draft.manifest_digest
    redo = Draw.create_for(
        district=draft.district,
        year=2020,
        code="2020-zlj-tml-2",
        title="重摇",
        schools=[roster["TML"]],
        by=bureau,
        redo_of=draft,
    )
    assert redo.redo_of == draft
    with pytest.raises(ValidationError):
        draft.run(bureau)


def test_it_estimates_entropy_and_warns_below_128_bits(draft, demo):
    assert not draft.entropy_is_weak  # the two default witnesses declare 20 digits each
    draft.witnesses.update(declared_digits=10)
    assert draft.entropy_is_weak  # two witnesses of 10 digits: about 66 bits
    for k in range(3):
        Witness.objects.create(
            draw=draft, source=f"deputy-{k}", kind="deputy", name=f"代表{k}", declared_digits=12
        )
    assert draft.entropy_estimate_bits() > 128
    assert not draft.entropy_is_weak


def test_the_freeze_refuses_too_little_entropy(draft, demo):
    bureau = demo["bureau_zlj"]
    draft.witnesses.update(declared_digits=10)
    commit_all(draft, bureau)
    with pytest.raises(ValidationError, match="熵估计只有约 66 位，至少需要 128 位"):
        draft.freeze(bureau)
    assert Draw.objects.get(pk=draft.pk).state == Draw.State.DRAFT
    # A public value that does not exist yet adds entropy without a commitment.
    Witness.objects.create(
        draw=draft, source="beacon", kind="beacon", name="公开随机值", declared_digits=20
    )
    draft.freeze(bureau)
    assert draft.state == Draw.State.FROZEN


def test_the_freeze_needs_two_committed_witnesses(draft, demo):
    bureau = demo["bureau_zlj"]
    draft.witnesses.filter(source="inspection").delete()
    draft.witnesses.update(declared_digits=60)  # entropy alone is not the problem
    Witness.objects.create(
        draw=draft, source="beacon", kind="beacon", name="公开随机值", declared_digits=60
    )
    commit_all(draft, bureau)
    with pytest.raises(ValidationError, match="至少需要 2 位见证人提交承诺值.*目前只有 1 位"):
        draft.freeze(bureau)
    Witness.objects.create(draw=draft, source="parent-1", kind="parent", name="家长代表")
    commit_all(draft, bureau)
    draft.freeze(bureau)
    assert draft.state == Draw.State.FROZEN


def test_a_beacon_needs_no_commitment(draft, demo):
    bureau = demo["bureau_zlj"]
    Witness.objects.create(draw=draft, source="beacon", kind="beacon", name="公开随机值")
    commit_all(draft, bureau)
    draft.freeze(bureau)
    assert "beacon" not in draft.manifest()["commitments"]
    VALUES["beacon"] = "88412 round 4512"
    reveal_all(draft, bureau)
    draft.run(bureau)
    assert draft.entropy()["beacon"] == "88412 round 4512"


def test_a_cancelled_draw_shows_its_reason_in_public(client, draft, demo):
    from django.urls import reverse

    client.force_login(demo["bureau_zlj"])
    r = client.post(
        reverse("lottery:cancel", args=[draft.pk]), {"reason": "公证员因病缺席，改期重摇"}
    )
    assert r.status_code == 302
    client.logout()
    body = client.get(reverse("lottery:detail", args=[draft.pk])).content.decode()
    assert "本次摇号已取消" in body and "公证员因病缺席，改期重摇" in body
    assert (
        AuditEntry.objects.get(action="lottery.cancel").payload["reason"]
        == "公证员因病缺席，改期重摇"
    )
