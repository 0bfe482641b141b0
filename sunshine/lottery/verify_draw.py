"""Check a Sunshine school-admission lottery draw yourself (algorithm sunshine-lottery/1).

Usage:  python verify_draw.py manifest.json entropy.json result.json

manifest.json is the roster published before the draw, entropy.json the values the
witnesses revealed ({"source name": "value", ...}) and result.json the published result.
This file needs Python 3.11 or newer and nothing else: it does not use the Sunshine code,
it recomputes the draw from the rules in LOTTERY-SPEC.md.  It prints "OK <result digest>"
and exits 0 when the result is exactly right, or prints the first problem and exits 1.
Exit code 2 means a file could not be read.
"""

import hashlib
import heapq
import json
import re
import sys


class Problem(Exception):
    """Something in the files does not match the rules."""


def canonical(v):  # spec section 1
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def check(condition, message):
    if not condition:
        raise Problem(message)


def is_name(v):  # non-empty, at most 64 characters, no control characters
    return type(v) is str and 0 < len(v) <= 64 and not re.search("[\x00-\x1f\x7f-\x9f]", v)


def is_positive(v):  # a boolean is never an integer here
    return type(v) is int and v >= 1


def check_manifest(m):  # spec section 2, the essential rules
    fields = "algorithm draw mode mechanism bundle_policy default_priority schools applicants"
    check(
        type(m) is dict and set(m) == set((fields + " bundles sources commitments").split()),
        "manifest: wrong set of fields",
    )
    check(m["algorithm"] == "sunshine-lottery/1", "algorithm: not sunshine-lottery/1")
    check(is_name(m["draw"]), "draw: bad id")
    single = m["mode"] == "single"
    check(m["mode"] in ("single", "match"), "mode: must be single or match")
    allowed = [None] if single else ["deferred-acceptance", "immediate-acceptance"]
    check(m["mechanism"] in allowed, "mechanism: not allowed in this mode")
    check(m["bundle_policy"] in ("admit-all", "skip"), "bundle_policy: must be admit-all or skip")
    check(is_positive(m["default_priority"]), "default_priority: not a positive integer")
    places = {}
    for s in m["schools"]:
        check(type(s) is dict and set(s) == {"id", "places"}, f"schools: bad school {s}")
        check(is_name(s["id"]) and s["id"] not in places, f"schools: bad or repeated id {s['id']}")
        check(is_positive(s["places"]), f"schools.{s['id']}: places not a positive integer")
        places[s["id"]] = s["places"]
    check(len(places) == 1 if single else len(places) >= 2, "schools: wrong number for mode")
    seen = set()
    check(len(m["applicants"]) >= 1, "applicants: none")
    for a in m["applicants"]:
        check(type(a) is dict and set(a) == {"id", "choices", "priority"}, f"applicant {a}")
        check(is_name(a["id"]) and a["id"] not in seen, f"applicants: bad or repeated {a['id']}")
        seen.add(a["id"])
        c, p = a["choices"], a["priority"]
        check(
            type(c) is list
            and c
            and all(type(x) is str and x in places for x in c)
            and len(set(c)) == len(c),
            f"applicants.{a['id']}: bad choices",
        )
        check(
            type(p) is dict and all(s in places and is_positive(v) for s, v in p.items()),
            f"applicants.{a['id']}: bad priority",
        )
    by_id = {a["id"]: a for a in m["applicants"]}
    in_bundle = set()
    check(single or not m["bundles"], "bundles: allowed in single mode only")
    for b in m["bundles"]:
        check(
            type(b) is list
            and len(b) >= 2
            and all(x in by_id and x not in in_bundle for x in b)
            and len(set(b)) == len(b),
            f"bundles: bad bundle {b}",
        )
        in_bundle.update(b)
        first = by_id[b[0]]
        check(
            all(
                canonical(by_id[x]["choices"]) == canonical(first["choices"])
                and canonical(by_id[x]["priority"]) == canonical(first["priority"])
                for x in b
            ),
            f"bundles: members of {b} differ in choices or priority",
        )
    check(
        type(m["sources"]) is list
        and m["sources"]
        and all(map(is_name, m["sources"]))
        and len(set(m["sources"])) == len(m["sources"]),
        "sources: bad list",
    )
    check(type(m["commitments"]) is dict, "commitments: not an object")
    for name, c in m["commitments"].items():
        check(
            name in m["sources"] and type(c) is str and re.fullmatch("[0-9a-f]{64}", c),
            f"commitments.{name}: unknown source or not 64 lowercase hex characters",
        )


def compute_seed(m, entropy):  # spec section 3
    check(
        type(entropy) is dict and set(entropy) == set(m["sources"]),
        "entropy: the revealed sources are not exactly the manifest's sources",
    )
    for name, value in entropy.items():
        check(
            is_name(name)
            and type(value) is str
            and value
            and not re.search("[\x00-\x1f\x7f-\x9f]", value),
            f"entropy.{name}: bad value",
        )
        if name in m["commitments"]:
            check(
                sha256_hex(value.encode()) == m["commitments"][name],
                f"entropy.{name}: reveal does not match its commitment",
            )
    return hashlib.sha256(canonical({"manifest": sha256_hex(canonical(m)), "entropy": entropy}))


def recompute(m, entropy):
    seed = compute_seed(m, entropy).digest()
    default = m["default_priority"]
    members = {a["id"]: [a["id"]] for a in m["applicants"]}  # unit id -> member ids
    for b in m["bundles"]:
        for x in b:
            del members[x]
        members[min(b)] = sorted(b)
    # Spec section 4: sort units by (key, unit id).  Sorting by id first, then by key with
    # Python's stable sort, settles equal keys by id.
    units = sorted(members)
    key = {u: hashlib.sha256(seed + u.encode()).digest() for u in units}
    units.sort(key=key.__getitem__)
    number = {u: i for i, u in enumerate(units, 1)}
    lottery = {a: number[u] for u in units for a in members[u]}
    apps = {a["id"]: a for a in m["applicants"]}

    def rank(school, a):  # how a school orders applicants (section 6)
        return (apps[a]["priority"].get(school, default), lottery[a])

    schools = {s["id"]: s["places"] for s in m["schools"]}
    if m["mode"] == "single":  # spec section 5
        (school,) = schools
        remaining, admitted, waitlist = schools[school], [], []
        for u in sorted(units, key=lambda u: rank(school, u)):
            size = len(members[u])
            if size <= remaining or (remaining > 0 and m["bundle_policy"] == "admit-all"):
                admitted += members[u]
                remaining = max(0, remaining - size)
            else:
                waitlist += members[u]
        out = {school: {"admitted": admitted, "waitlist": waitlist}}
    else:
        got = (deferred if m["mechanism"] == "deferred-acceptance" else boston)(apps, schools, rank)
        admitted = {s: [] for s in schools}
        waiting = {s: [] for s in schools}
        for a, app in apps.items():
            # a waits at every school listed before the one they got (or at all of them)
            choices = app["choices"]
            if a in got:
                admitted[got[a]].append(a)
                choices = choices[: choices.index(got[a])]
            for s in choices:
                waiting[s].append(a)
        out = {
            s: {
                "admitted": sorted(admitted[s], key=lambda a, s=s: rank(s, a)),
                "waitlist": sorted(waiting[s], key=lambda a, s=s: rank(s, a)),
            }
            for s in schools
        }
    placed = {a for s in out.values() for a in s["admitted"]}
    return {
        "algorithm": "sunshine-lottery/1",
        "manifest_digest": sha256_hex(canonical(m)),
        "seed": seed.hex(),
        "lottery_numbers": lottery,
        "schools": out,
        "unassigned": sorted(a for a in apps if a not in placed),
    }


def deferred(apps, places, rank):  # student-proposing deferred acceptance
    held = {s: [] for s in places}  # heap of (minus rank, applicant): the weakest on top
    tried = {a: 0 for a in apps}
    free = list(apps)
    while free:
        a = free.pop()
        if tried[a] == len(apps[a]["choices"]):
            continue  # a has been rejected everywhere
        s = apps[a]["choices"][tried[a]]
        tried[a] += 1
        heapq.heappush(held[s], (tuple(-x for x in rank(s, a)), a))
        if len(held[s]) > places[s]:
            free.append(heapq.heappop(held[s])[1])
    return {a: s for s in held for _, a in held[s]}


def boston(apps, places, rank):  # immediate acceptance, round by round
    got, left, k = {}, dict(places), 0
    while True:
        applying = {}  # school -> unassigned applicants whose k-th choice it is
        for a, app in apps.items():
            if a not in got and k < len(app["choices"]):
                applying.setdefault(app["choices"][k], []).append(a)
        if not applying:
            return got
        for s, group in applying.items():
            for a in sorted(group, key=lambda a, s=s: rank(s, a))[: left[s]]:
                got[a] = s
                left[s] -= 1
        k += 1


def first_difference(expected, found, path):
    if type(expected) is not type(found):
        return f"{path}: expected {json.dumps(expected)[:60]}, found {json.dumps(found)[:60]}"
    if isinstance(expected, dict):
        for k in sorted(expected.keys() | found.keys()):
            if k not in found or k not in expected:
                return f"{path}.{k}: " + ("missing" if k not in found else "not expected")
            d = first_difference(expected[k], found[k], f"{path}.{k}" if path else k)
            if d:
                return d
    elif isinstance(expected, list):
        for i, (e, f) in enumerate(zip(expected, found, strict=False)):
            if e != f or type(e) is not type(f):
                return f"{path}[{i}]: expected {json.dumps(e)}, found {json.dumps(f)}"
        if len(expected) != len(found):
            return f"{path}: expected {len(expected)} entries, found {len(found)}"
    elif expected != found:
        return f"{path}: expected {json.dumps(expected)}, found {json.dumps(found)}"
    return None


def verify(manifest, entropy, result):
    """Return (True, "OK <digest>") or (False, "<first problem>")."""
    try:
        check_manifest(manifest)
        expected = recompute(manifest, entropy)
    except (Problem, KeyError, TypeError, AttributeError) as e:
        return False, f"invalid input: {e}"
    found_bytes = canonical(result)
    if canonical(expected) == found_bytes:
        return True, f"OK {sha256_hex(found_bytes)}"
    return False, first_difference(expected, result, "") or "results differ"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        manifest, entropy, result = map(load, argv[1:])
    except (OSError, ValueError) as e:
        print(f"cannot read input: {e}", file=sys.stderr)
        return 2
    ok, message = verify(manifest, entropy, result)
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
