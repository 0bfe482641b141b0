"""After the freeze nothing about the draw's inputs can change: the model layer refuses."""

import pytest
from django.core.exceptions import ValidationError

from sunshine.lottery import engine
from sunshine.lottery.models import Draw, DrawSchool, FrozenError, Witness
from sunshine.lottery.tests.conftest import commit_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(draft, demo):
    commit_all(draft, demo["bureau_zlj"])
    draft.freeze(demo["bureau_zlj"])
    return Draw.objects.get(pk=draft.pk)


@pytest.mark.parametrize(
    "field, value",
    [
        ("manifest_json", "{}"),
        ("manifest_digest", "0" * 64),
        ("bundle_policy", "skip"),
        ("code", "other"),
        ("year", 2021),
        ("default_priority", 2),
    ],
)
def test_it_refuses_changes_to_frozen_draw_fields(frozen, field, value):
    setattr(frozen, field, value)
    with pytest.raises(FrozenError):
        frozen.save()


def test_it_refuses_going_back_to_draft_and_deleting(frozen):
    frozen.state = Draw.State.DRAFT
    with pytest.raises(FrozenError):
        frozen.save()
    with pytest.raises(FrozenError):
        Draw.objects.get(pk=frozen.pk).delete()


def test_it_refuses_changes_to_schools_and_places(frozen, roster):
    ds = DrawSchool.objects.get(draw=frozen)
    ds.places = 30
    with pytest.raises(FrozenError):
        ds.save()
    with pytest.raises(FrozenError):
        DrawSchool.objects.filter(draw=frozen).update(places=30)
    with pytest.raises(FrozenError):
        DrawSchool.objects.create(draw=frozen, school=roster["TKS"], places=2)
    with pytest.raises(FrozenError):
        ds.delete()
    assert DrawSchool.objects.get(draw=frozen).places == 3


def test_it_locks_witnesses_and_commitments(frozen, demo):
    w = frozen.witnesses.get(source="notary")
    with pytest.raises(FrozenError):
        w.set_commitment(commitment="a" * 64, by=demo["bureau_zlj"])
    w.commitment = "b" * 64
    with pytest.raises(FrozenError):
        w.save()
    w.refresh_from_db()
    w.source = "notary2"
    with pytest.raises(FrozenError):
        w.save()
    with pytest.raises(FrozenError):
        Witness.objects.filter(draw=frozen).update(commitment="c" * 64)
    with pytest.raises(FrozenError):
        Witness.objects.create(draw=frozen, source="late", kind="deputy", name="迟到者")
    with pytest.raises(FrozenError):
        Witness.objects.filter(draw=frozen).delete()
    assert frozen.witnesses.count() == 2


def test_it_never_changes_a_revealed_value(frozen, demo):
    from sunshine.lottery.tests.conftest import VALUES

    frozen.reveal("notary", VALUES["notary"], demo["bureau_zlj"])
    w = frozen.witnesses.get(source="notary")
    w.value = "9999999999"
    with pytest.raises(FrozenError):
        w.save()


def test_the_manifest_stays_as_frozen_when_applications_change(frozen, roster):
    from sunshine.enrollment.models import Application

    before = frozen.manifest_json
    Application.objects.filter(school=roster["TML"]).update(priority=1)
    frozen.refresh_from_db()
    assert frozen.manifest_json == before
    assert engine.digest(frozen.manifest()) == frozen.manifest_digest


def test_it_keeps_only_the_commitment_of_a_typed_value(draft, demo):
    w = draft.witnesses.get(source="notary")
    w.set_commitment(value="0123456789", by=demo["bureau_zlj"])
    w.refresh_from_db()
    assert w.commitment == engine.commit("0123456789")
    assert w.value == ""
    w.value = "0123456789"
    with pytest.raises(ValidationError):
        w.save()
