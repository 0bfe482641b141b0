"""Lottery benchmarks: python bench/bench_lottery.py [--quick]

Each case runs in its own subprocess so that its peak RSS (ru_maxrss) is its own.  Times
are wall-clock; the figures are printed, nothing is asserted.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTROPY = {"notary": "31415926535897932384", "parent-1": "27182818284590452353"}


def single_manifest(n: int, places: int) -> dict:
    # One shared choices list and priority object, as a generator in memory would do.
    choices, priority = ["TML"], {}
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": f"bench-{n}",
        "mode": "single",
        "mechanism": None,
        "bundle_policy": "admit-all",
        "default_priority": 1,
        "schools": [{"id": "TML", "places": places}],
        "applicants": [
            {"id": f"A{i:08d}", "choices": choices, "priority": priority} for i in range(n)
        ],
        "bundles": [],
        "sources": ["notary", "parent-1"],
        "commitments": {},
    }


def match_manifest(n: int, k: int, c: int, mechanism: str = "deferred-acceptance") -> dict:
    rng = random.Random(7)
    schools = [f"S{j:03d}" for j in range(k)]
    places = max(1, n // k)
    weights = [1 / (j + 1) ** 0.5 for j in range(k)]  # some schools far more popular
    apps = []
    for i in range(n):
        picked: list[str] = []
        while len(picked) < c:
            s = rng.choices(schools, weights)[0]
            if s not in picked:
                picked.append(s)
        prio = {s: rng.randint(1, 3) for s in picked[:2]}
        apps.append({"id": f"N{i:06d}", "choices": picked, "priority": prio})
    return {
        "algorithm": "sunshine-lottery/1",
        "draw": f"nyc-{n}",
        "mode": "match",
        "mechanism": mechanism,
        "bundle_policy": "skip",
        "default_priority": 4,
        "schools": [{"id": s, "places": places} for s in schools],
        "applicants": apps,
        "bundles": [],
        "sources": ["notary", "parent-1"],
        "commitments": {},
    }


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_single(n: int) -> dict:
    from sunshine.lottery import engine

    m = single_manifest(n, places=n // 30)
    before = peak_mb()
    t = time.perf_counter()
    result = engine.draw(m, ENTROPY)
    elapsed = time.perf_counter() - t
    return {
        "draw_s": elapsed,
        "peak_mb": peak_mb(),
        "peak_before_draw_mb": before,
        "admitted": len(result["schools"]["TML"]["admitted"]),
    }


def case_verify(n: int) -> dict:
    from sunshine.lottery import engine

    m = single_manifest(n, places=n // 30)
    result = engine.draw(m, ENTROPY)
    sys.path.insert(0, str(ROOT / "sunshine" / "lottery"))
    import verify_draw

    t = time.perf_counter()
    ok, message = verify_draw.verify(m, ENTROPY, result)
    elapsed = time.perf_counter() - t
    return {"verify_in_memory_s": elapsed, "ok": ok, "peak_mb": peak_mb()}


def case_match(n: int, k: int, c: int) -> dict:
    from sunshine.lottery import engine

    m = match_manifest(n, k, c)
    t = time.perf_counter()
    result = engine.draw(m, ENTROPY)
    total = time.perf_counter() - t
    p = engine._prepare(m)
    t = time.perf_counter()
    engine.validate_manifest(m)
    validation = time.perf_counter() - t
    lottery = result["lottery_numbers"]
    t = time.perf_counter()
    engine._match(p, lottery)
    match_only = time.perf_counter() - t
    unassigned = len(result["unassigned"])
    return {
        "draw_s": total,
        "validation_s": validation,
        "assignment_s": match_only,
        "unassigned": unassigned,
        "peak_mb": peak_mb(),
    }


def case_vs_matching(n: int, k: int, c: int) -> dict:
    import warnings

    from matching.games import HospitalResident

    from sunshine.lottery import engine

    sys.setrecursionlimit(1_000_000)  # the matching package recurses once per proposal
    m = match_manifest(n, k, c)
    p = engine._prepare(m)
    result = engine.draw(m, ENTROPY)
    lottery = result["lottery_numbers"]
    t = time.perf_counter()
    ours = engine._match(p, lottery)
    ours_s = time.perf_counter() - t
    default = m["default_priority"]
    apps = {a["id"]: a for a in m["applicants"]}
    residents = {a: list(x["choices"]) for a, x in apps.items()}
    hospitals = {s["id"]: [] for s in m["schools"]}
    for a, x in apps.items():
        for s in x["choices"]:
            hospitals[s].append(a)
    for s, lst in hospitals.items():
        lst.sort(key=lambda a, s=s: (apps[a]["priority"].get(s, default), lottery[a]))
    capacities = {s["id"]: s["places"] for s in m["schools"]}
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        solution = game.solve(optimal="resident")
    theirs_s = time.perf_counter() - t
    theirs = {h.name: sorted(r.name for r in rs) for h, rs in solution.items()}
    same = theirs == {s: sorted(v["admitted"]) for s, v in ours.items()}
    return {
        "engine_assignment_s": ours_s,
        "matching_s": theirs_s,
        "ratio": theirs_s / ours_s,
        "identical": same,
    }


CASES = {
    "single": case_single,
    "verify": case_verify,
    "match": case_match,
    "vs_matching": case_vs_matching,
}


def run(name: str, *args: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--case", name, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout)


def main(argv: list[str]) -> None:
    if len(argv) > 1 and argv[1] == "--case":
        print(json.dumps(CASES[argv[2]](*map(int, argv[3:]))))
        return
    quick = "--quick" in argv
    n_single = 30_000 if quick else 3_000_000
    n_match, k_match = (2_000, 50) if quick else (80_000, 700)
    plan = [
        (f"single draw, {n_single:,} applicants", "single", n_single),
        (f"verifier (verify() on in-memory documents), {n_single:,}", "verify", n_single),
        (f"match DA, {n_match:,} x {k_match} schools x 12 choices", "match", n_match, k_match, 12),
    ]
    sizes = (
        [(1_000, 20), (2_000, 40)]
        if quick
        else [(5_000, 50), (10_000, 100), (20_000, 200), (40_000, 350)]
    )
    for n, k in sizes:
        plan.append((f"DA vs matching package, {n:,} x {k} x 12", "vs_matching", n, k, 12))
    for label, name, *args in plan:
        figures = run(name, *args)
        shown = ", ".join(
            f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
        )
        print(f"{label}: {shown}", flush=True)
        if name == "vs_matching" and figures.get("matching_s", 0) > 60:
            break


if __name__ == "__main__":
    main(sys.argv)
