"""Every manifest and entropy rule: the field path and the message of the error."""

import copy

import pytest

from sunshine.lottery import engine
from sunshine.lottery.engine import EntropyError, ManifestError

from .helpers import ENTROPY, manifest, match_manifest


def edit(m, change):
    m = copy.deepcopy(m)
    change(m)
    return m


def setp(path, value):
    def change(m):
        *parents, last = path
        target = m
        for p in parents:
            target = target[p]
        target[last] = value

    return change


def app(i, **kw):
    return {"id": f"A{i}", "choices": ["TML"], "priority": {}, **kw}


BAD = [
    (setp(["algorithm"], "sunshine-lottery/2"), "algorithm", "must be 'sunshine-lottery/1'"),
    (lambda m: m.pop("draw"), "draw", "required field is missing"),
    (setp(["extra"], 1), "extra", "unknown field"),
    (setp(["draw"], ""), "draw", "draw id must not be empty"),
    (setp(["draw"], "x" * 65), "draw", "longer than 64"),
    (setp(["draw"], "a\nb"), "draw", "control character"),
    (setp(["draw"], "a\x85b"), "draw", "control character"),
    (setp(["mode"], "lottery"), "mode", "must be 'single' or 'match'"),
    (setp(["mechanism"], "deferred-acceptance"), "mechanism", "must be null in single mode"),
    (setp(["bundle_policy"], "some"), "bundle_policy", "must be 'admit-all' or 'skip'"),
    (setp(["default_priority"], 0), "default_priority", "positive integer, found 0"),
    (setp(["default_priority"], True), "default_priority", "positive integer, found true"),
    (setp(["default_priority"], 1.0), "default_priority", "positive integer, found 1.0"),
    (setp(["schools", 0, "places"], 0), "schools[0].places", "positive integer, found 0"),
    (setp(["schools", 0, "places"], 2.0), "schools[0].places", "positive integer, found 2.0"),
    (setp(["schools", 0, "places"], True), "schools[0].places", "positive integer, found true"),
    (setp(["schools", 0, "name"], "x"), "schools[0].name", "unknown field"),
    (lambda m: m["schools"][0].pop("places"), "schools[0].places", "required field is missing"),
    (setp(["schools", 1], {"id": "TML", "places": 1}), "schools[1].id", "duplicate school 'TML'"),
    (setp(["applicants"], []), "applicants", "at least one applicant"),
    (setp(["applicants", 1, "id"], "A1"), "applicants[1].id", "duplicate applicant 'A1'"),
    (setp(["applicants", 1, "id"], 7), "applicants[1].id", "must be a string, found 7"),
    (setp(["applicants", 1, "name"], "Li"), "applicants[1].name", "unknown field"),
    (lambda m: m["applicants"][2].pop("priority"), "applicants[2].priority", "missing"),
    (
        setp(["applicants", 2, "choices", 0], "XYZ"),
        "applicants[2].choices[0]",
        "unknown school 'XYZ'",
    ),
    (setp(["applicants", 2, "choices"], []), "applicants[2].choices", "at least one choice"),
    (
        setp(["applicants", 2, "choices"], ["TML", "TML"]),
        "applicants[2].choices[1]",
        "repeated choice 'TML'",
    ),
    (
        setp(["applicants", 0, "priority"], {"XYZ": 1}),
        "applicants[0].priority.XYZ",
        "unknown school 'XYZ'",
    ),
    (
        setp(["applicants", 0, "priority"], {"TML": 0}),
        "applicants[0].priority.TML",
        "positive integer, found 0",
    ),
    (
        setp(["applicants", 0, "priority"], {"TML": True}),
        "applicants[0].priority.TML",
        "positive integer, found true",
    ),
    (setp(["bundles"], [["A1"]]), "bundles[0]", "at least two members, found 1"),
    (setp(["bundles"], [["A1", "A9"]]), "bundles[0][1]", 'unknown applicant "A9"'),
    (
        setp(["bundles"], [["A1", "A3"], ["A4", "A3"]]),
        "bundles[1][1]",
        "applicant 'A3' is already in bundles[0]",
    ),
    (setp(["bundles"], [["A1", "A2"]]), "bundles[0][1]", "priority of 'A2' differ from 'A1'"),
    (setp(["sources"], []), "sources", "at least one source"),
    (setp(["sources"], ["a", "a"]), "sources[1]", "repeated source 'a'"),
    (setp(["commitments"], {"judge": "0" * 64}), "commitments.judge", "unknown source 'judge'"),
    (setp(["commitments"], {"notary": "A" * 64}), "commitments.notary", "64 lowercase hex"),
    (setp(["commitments"], {"notary": "0" * 63}), "commitments.notary", "64 lowercase hex"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_it_rejects_an_invalid_manifest(change, field, message):
    m = edit(
        manifest(schools=[{"id": "TML", "places": 2}, {"id": "TKS", "places": 1}])
        if field.startswith("schools[1]")
        else manifest(),
        change,
    )
    if field.startswith("schools[1]"):
        m["mode"] = "match"
        m["mechanism"] = "deferred-acceptance"
    with pytest.raises(ManifestError) as info:
        engine.validate_manifest(m)
    assert info.value.field == field
    assert message in str(info.value)
    assert str(info.value).startswith(field + ": ")


MATCH_BAD = [
    (setp(["mechanism"], None), "mechanism", "'deferred-acceptance' or 'immediate-acceptance'"),
    (setp(["schools"], [{"id": "X", "places": 1}]), "schools", "at least two schools, found 1"),
    (setp(["bundles"], [["B1", "B2"]]), "bundles", "single mode only"),
]


@pytest.mark.parametrize(("change", "field", "message"), MATCH_BAD)
def test_it_rejects_an_invalid_match_manifest(change, field, message):
    with pytest.raises(ManifestError) as info:
        engine.validate_manifest(edit(match_manifest(), change))
    assert (info.value.field, message in str(info.value)) == (field, True)


def test_it_rejects_single_mode_with_two_schools_and_choices_of_another_school():
    two = manifest(schools=[{"id": "TML", "places": 1}, {"id": "TKS", "places": 1}])
    with pytest.raises(ManifestError, match="exactly one school, found 2") as info:
        engine.validate_manifest(two)
    assert info.value.field == "schools"


def test_it_allows_a_match_priority_for_an_unlisted_school():
    engine.validate_manifest(match_manifest())  # B2 has priority at X without listing it


def test_it_rejects_bundle_members_with_priorities_equal_only_after_defaults():
    m = manifest(bundles=[["A1", "A3"]])
    m["applicants"][2]["priority"] = {"TML": 1}  # default is 1, but written differently
    with pytest.raises(ManifestError, match="priority of 'A3' differ") as info:
        engine.validate_manifest(m)
    assert info.value.field == "bundles[0][1]"


def test_it_checks_a_large_manifest_as_precisely_as_a_small_one():
    big = manifest(applicants=[app(i) for i in range(3000)])
    engine.validate_manifest(big)
    cases = [
        (setp(["applicants", 2500, "id"], "A7"), "applicants[2500].id", "duplicate applicant"),
        (setp(["applicants", 2000, "choices"], ["X"]), "applicants[2000].choices[0]", "unknown"),
        (
            setp(["applicants", 10, "priority"], {"TML": 1.5}),
            "applicants[10].priority.TML",
            "found 1.5",
        ),
        (setp(["applicants", 11, "id"], "a\tb"), "applicants[11].id", "control character"),
        (setp(["applicants", 12, "extra"], 1), "applicants[12].extra", "unknown field"),
    ]
    for change, field, message in cases:
        with pytest.raises(ManifestError) as info:
            engine.validate_manifest(edit(big, change))
        assert info.value.field == field and message in str(info.value)


ENTROPY_BAD = [
    (lambda e: e.pop("notary"), "entropy.notary", "missing reveal for source 'notary'"),
    (setp(["judge"], "123"), "entropy.judge", 'unknown source "judge"'),
    (setp(["notary"], ""), "entropy.notary", "reveal for source 'notary' is empty"),
    (setp(["notary"], "12\n3"), "entropy.notary", "control character"),
    (setp(["notary"], 12345), "entropy.notary", "must be a string, found 12345"),
    (
        setp(["notary"], "1234567890124"),
        "entropy.notary",
        "reveal for source 'notary' does not match its commitment",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), ENTROPY_BAD)
def test_it_rejects_a_bad_reveal(change, field, message):
    m = manifest(commitments={"notary": engine.commit(ENTROPY["notary"])})
    with pytest.raises(EntropyError) as info:
        engine.draw(m, edit(ENTROPY, change))
    assert info.value.field == field
    assert message in str(info.value)


def test_it_checks_commitments():
    c = engine.commit("1234567890")
    assert len(c) == 64 and engine.check_commitment("1234567890", c)
    assert not engine.check_commitment("1234567891", c)
