"""Properties on random manifests (hypothesis), and agreement with the verifier."""

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunshine.lottery import engine

from .helpers import load_verifier

VERIFIER = load_verifier()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def single_manifests(draw):
    n = draw(st.integers(1, 14))
    ids = [f"A{i:02d}" for i in range(n)]
    prios = [draw(st.sampled_from([{}, {"TML": 1}, {"TML": 2}, {"TML": 3}])) for _ in ids]
    free = list(range(n))
    bundles = []
    while len(free) >= 2 and draw(st.booleans()):
        size = draw(st.integers(2, min(3, len(free))))
        members, free = free[:size], free[size:]
        for i in members:
            prios[i] = prios[members[0]]
        bundles.append([ids[i] for i in members])
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": draw(
            st.text(
                st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
                min_size=1,
                max_size=8,
            )
        ),
        "mode": "single",
        "mechanism": None,
        "bundle_policy": draw(st.sampled_from(["admit-all", "skip"])),
        "default_priority": draw(st.integers(1, 3)),
        "schools": [{"id": "TML", "places": draw(st.integers(1, n + 1))}],
        "applicants": [
            {"id": a, "choices": ["TML"], "priority": p} for a, p in zip(ids, prios, strict=True)
        ],
        "bundles": bundles,
        "sources": ["notary"],
        "commitments": {},
    }


@st.composite
def match_manifests(draw, mechanism=None):
    k = draw(st.integers(2, 4))
    schools = [f"S{j}" for j in range(k)]
    n = draw(st.integers(1, 12))
    apps = []
    for i in range(n):
        choices = draw(st.permutations(schools))[: draw(st.integers(1, k))]
        prio = {s: draw(st.integers(1, 3)) for s in schools if draw(st.booleans())}
        apps.append({"id": f"B{i:02d}", "choices": choices, "priority": prio})
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": "m",
        "mode": "match",
        "mechanism": mechanism or draw(st.sampled_from(engine.MECHANISMS)),
        "bundle_policy": "skip",
        "default_priority": draw(st.integers(1, 3)),
        "schools": [{"id": s, "places": draw(st.integers(1, 4))} for s in schools],
        "applicants": apps,
        "bundles": [],
        "sources": ["a", "b"],
        "commitments": {},
    }


entropies = st.fixed_dictionaries({"notary": st.text("0123456789", min_size=1, max_size=12)})


def rank(m, result, school, a):
    p = next(x for x in m["applicants"] if x["id"] == a)["priority"]
    return (p.get(school, m["default_priority"]), result["lottery_numbers"][a])


def check_partition(m, result):
    ids = sorted(a["id"] for a in m["applicants"])
    admitted = [a for s in result["schools"].values() for a in s["admitted"]]
    assert len(admitted) == len(set(admitted))
    assert sorted(admitted + result["unassigned"]) == ids
    assert result["unassigned"] == sorted(result["unassigned"])
    assert sorted(result["lottery_numbers"]) == ids


@SETTINGS
@given(single_manifests(), entropies)
def test_it_draws_single_mode_deterministically_within_capacity(m, entropy):
    result = engine.draw(m, entropy)
    assert engine.canonical(engine.draw(m, entropy)) == engine.canonical(result)
    check_partition(m, result)
    school = result["schools"]["TML"]
    places = m["schools"][0]["places"]
    overflow = len(school["admitted"]) - places
    if m["bundle_policy"] == "skip" or not m["bundles"]:
        assert overflow <= 0
    else:  # admit-all: at most one bundle overflows, by less than its size
        assert overflow < max(len(b) for b in m["bundles"])
    assert sorted(school["admitted"] + school["waitlist"]) == sorted(result["lottery_numbers"])
    numbers = sorted(set(result["lottery_numbers"].values()))
    assert numbers == list(range(1, len(numbers) + 1))
    ok, message = VERIFIER.verify(m, entropy, result)
    assert ok and message == f"OK {engine.digest(result)}"


@SETTINGS
@given(match_manifests("deferred-acceptance"), entropies)
def test_it_finds_a_stable_matching_with_deferred_acceptance(m, entropy):
    result = engine.draw(m, {"a": entropy["notary"], "b": "x"})
    check_partition(m, result)
    got = {a: s for s, v in result["schools"].items() for a in v["admitted"]}
    places = {s["id"]: s["places"] for s in m["schools"]}
    for s, v in result["schools"].items():
        assert len(v["admitted"]) <= places[s]
        assert v["admitted"] == sorted(v["admitted"], key=lambda a, s=s: rank(m, result, s, a))
    # No blocking pair: nobody prefers a school that has a free place or holds someone
    # that school ranks below them.
    for app in m["applicants"]:
        a = app["id"]
        better = app["choices"][: app["choices"].index(got[a])] if a in got else app["choices"]
        for s in better:
            held = result["schools"][s]["admitted"]
            assert len(held) == places[s]
            assert all(rank(m, result, s, b) < rank(m, result, s, a) for b in held)


@SETTINGS
@given(match_manifests("immediate-acceptance"), entropies)
def test_it_respects_rounds_with_immediate_acceptance(m, entropy):
    result = engine.draw(m, {"a": entropy["notary"], "b": "x"})
    check_partition(m, result)
    got = {a: s for s, v in result["schools"].items() for a in v["admitted"]}
    places = {s["id"]: s["places"] for s in m["schools"]}
    apps = {x["id"]: x for x in m["applicants"]}
    round_of = {a: apps[a]["choices"].index(s) for a, s in got.items()}
    # Someone admitted in round k, or not at all, who listed school s at position j < k was
    # turned away in round j: s was then full with applicants admitted by round j, and
    # everyone s admitted in round j ranks above them.
    for a, app in apps.items():
        k = round_of.get(a, len(app["choices"]))
        for j, s in enumerate(app["choices"][:k]):
            by_j = [b for b in result["schools"][s]["admitted"] if round_of[b] <= j]
            assert len(by_j) == places[s]
            same_round = [b for b in by_j if round_of[b] == j]
            assert all(rank(m, result, s, b) < rank(m, result, s, a) for b in same_round)


@SETTINGS
@given(match_manifests(), entropies)
def test_it_agrees_with_the_verifier_byte_for_byte(m, entropy):
    e = {"a": entropy["notary"], "b": "y"}
    result = engine.draw(m, e)
    ok, message = VERIFIER.verify(m, e, result)
    assert ok, message
    assert message == f"OK {engine.digest(result)}"


@settings(max_examples=40, deadline=None)
@given(match_manifests("deferred-acceptance"), entropies)
def test_it_matches_the_matching_package_student_optimal_result(m, entropy):
    from matching.games import HospitalResident

    result = engine.draw(m, {"a": entropy["notary"], "b": "x"})
    residents = {a["id"]: list(a["choices"]) for a in m["applicants"]}
    hospitals = {
        s["id"]: sorted(
            (a for a in residents if s["id"] in residents[a]),
            key=lambda a, s=s["id"]: rank(m, result, s, a),
        )
        for s in m["schools"]
    }
    capacities = {s["id"]: s["places"] for s in m["schools"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        solution = game.solve(optimal="resident")
    theirs = {h.name: sorted(r.name for r in rs) for h, rs in solution.items()}
    ours = {s: sorted(v["admitted"]) for s, v in result["schools"].items()}
    assert ours == theirs


def test_it_settles_equal_float_prefixes_by_the_full_key(monkeypatch):
    # With only 4 bits in the fast sort key, ties are everywhere; the order must still be
    # exactly the (key, unit id) order.
    ids = [f"U{i}" for i in range(300)]
    seed = b"\x01" * 32
    keys = engine.unit_keys(seed, ids)
    expected = sorted(range(300), key=lambda i: (keys[32 * i : 32 * i + 32], ids[i]))
    monkeypatch.setattr(engine, "_FLOAT_BITS", 4)
    assert engine.lottery_order(keys, ids) == expected
