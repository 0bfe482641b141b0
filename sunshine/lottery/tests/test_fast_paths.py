"""Every fast path gives exactly what the plain code gives (and the progress callback)."""

import json
import random

import pytest

from sunshine.lottery import engine

from .helpers import ENTROPY, load_verifier

VERIFIER = load_verifier()
IDS = ["é", "中文", 'q"x', "back\\slash", "\u2028sep", "z" * 64, "nb\u00a0sp", "😀", "Ω1"]


def big_single(n=3000, priorities=(None,), ids=(), bundles=(), policy="admit-all"):
    rng = random.Random(n)
    apps = []
    for i in range(n):
        v = rng.choice(priorities)
        apps.append(
            {"id": f"A{i:05d}", "choices": ["TML"], "priority": {} if v is None else {"TML": v}}
        )
    for a, i in zip(apps, ids, strict=False):
        a["id"] = i
    for b in bundles:  # members share the first member's priority
        for k in b[1:]:
            apps[k]["priority"] = dict(apps[b[0]]["priority"])
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": "fast-paths",
        "mode": "single",
        "mechanism": None,
        "bundle_policy": policy,
        "default_priority": 2,
        "schools": [{"id": "TML", "places": n // 7}],
        "applicants": apps,
        "bundles": [sorted(apps[k]["id"] for k in b) for b in bundles],
        "sources": ["notary", "parent-1"],
        "commitments": {},
    }


def big_match(n=2000, k=30, c=6, mechanism="deferred-acceptance"):
    rng = random.Random(k)
    schools = [f"S{j:02d}" for j in range(k)]
    apps = []
    for i in range(n):
        listed = rng.sample(schools, rng.randint(1, c))
        prio = {s: rng.randint(1, 3) for s in rng.sample(schools, 2)}  # some unlisted
        apps.append({"id": f"N{i:05d}", "choices": listed, "priority": prio})
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": "fast-match",
        "mode": "match",
        "mechanism": mechanism,
        "bundle_policy": "skip",
        "default_priority": 4,
        "schools": [{"id": s, "places": rng.randint(1, 2 * n // k)} for s in schools],
        "applicants": apps,
        "bundles": [],
        "sources": ["notary", "parent-1"],
        "commitments": {},
    }


MANIFESTS = {
    "single-uniform": lambda: big_single(),
    "single-uniform-odd-ids": lambda: big_single(ids=IDS),
    "single-uniform-unicode-ids": lambda: big_single(
        ids=[i for i in IDS if not {'"', "\\"} & set(i)]
    ),
    "single-all-priority-1": lambda: big_single(priorities=(1,)),
    "single-priorities": lambda: big_single(priorities=(None, 1, 2, 3), ids=IDS),
    "single-bundles-skip": lambda: big_single(
        priorities=(None, 1), bundles=[(5, 6), (10, 11, 12), (0, 1)], policy="skip"
    ),
    "single-bundles-admit-all": lambda: big_single(bundles=[(5, 6), (1, 2, 3)]),
    "match-da": lambda: big_match(),
    "match-ia": lambda: big_match(mechanism="immediate-acceptance"),
}


@pytest.mark.parametrize("name", MANIFESTS)
def test_fast_paths_give_the_plain_result(name, monkeypatch):
    m = MANIFESTS[name]()
    schools = [s["id"] for s in m["schools"]]
    fast_p = engine._Prepared()
    assert engine._fast_applicants(m["applicants"], schools, m["mode"], 2, fast_p)
    p = engine._prepare(m)
    assert engine.manifest_digest(m, p) == engine.digest(m)
    fast = engine.canonical(engine.draw(m, ENTROPY))
    monkeypatch.setattr(engine, "_fast_applicants", lambda *args: False)
    assert engine.canonical(engine.draw(m, ENTROPY)) == fast
    ok, message = VERIFIER.verify(m, ENTROPY, json.loads(fast))
    assert ok, message
    assert message == f"OK {engine.hashlib.sha256(fast).hexdigest()}"


def test_the_verifier_manifest_digest_fast_path_gives_the_json_digest():
    for make in MANIFESTS.values():
        m = make()
        lists = VERIFIER.check_manifest(m)
        assert VERIFIER.manifest_digest(m, *lists) == engine.digest(m)


def test_the_fast_validation_hands_anything_unusual_to_the_precise_checks():
    m = big_match()
    m["applicants"][1500]["choices"] = ["S01", "S01"]
    with pytest.raises(engine.ManifestError) as info:
        engine.validate_manifest(m)
    assert info.value.field == "applicants[1500].choices[1]"
    m = big_match()
    m["applicants"][7]["priority"] = {"S01": True}
    with pytest.raises(engine.ManifestError) as info:
        engine.validate_manifest(m)
    assert info.value.field == "applicants[7].priority.S01"


def test_the_verifier_rejects_true_for_a_lottery_number():
    m = big_single(n=50)
    result = engine.draw(m, ENTROPY)
    first = min(result["lottery_numbers"], key=result["lottery_numbers"].get)
    result["lottery_numbers"][first] = True  # == 1 in Python, but not the same JSON
    ok, message = VERIFIER.verify(m, ENTROPY, result)
    assert not ok and message.startswith(f"lottery_numbers.{first}: expected 1, found true")


def test_it_reports_progress_while_deriving_keys():
    m = big_single(n=engine._CHUNK + 10)
    calls = []
    engine.draw(m, ENTROPY, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(engine._CHUNK, engine._CHUNK + 10), (engine._CHUNK + 10, engine._CHUNK + 10)]
