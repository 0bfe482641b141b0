"""Check a Sunshine school-admission lottery draw yourself (algorithm sunshine-lottery/1).

Usage:  python verify_draw.py manifest.json entropy.json result.json

manifest.json is the roster published before the draw, entropy.json the values the
witnesses revealed ({"source name": "value", ...}) and result.json the published result.
It needs Python 3.11+ and nothing else: it recomputes the draw from LOTTERY-SPEC.md without
the Sunshine code.  It prints "OK <result digest>" and exits 0 when the result is exactly
right, or prints the first problem and exits 1 (2 if a file cannot be read).  A draw can have
millions of applicants, so checks work on whole lists (map, set, count), not one by one.
"""

import gc
import hashlib
import heapq
import json
import re
import sys
from itertools import chain
from operator import itemgetter

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


class Problem(Exception):
    """Something in the files does not match the rules."""


def canonical(v):  # spec section 1
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def check(condition, message):
    if not condition:
        raise Problem(message)


def are_names(values):  # all non-empty strings of at most 64 characters without control chars
    values = list(values)
    return (
        set(map(type, values)) <= {str}
        and 0 < min(map(len, values), default=1)
        and max(map(len, values), default=0) <= 64
        and not CONTROL.search("".join(values))
    )


def are_positive(values):  # all integers >= 1 (a boolean is never an integer here)
    values = list(values)
    return set(map(type, values)) <= {int} and min(values, default=1) >= 1


def check_manifest(m):  # spec section 2, the essential rules
    fields = "algorithm draw mode mechanism bundle_policy default_priority schools applicants "
    fields += "bundles sources commitments"
    check(type(m) is dict and set(m) == set(fields.split()), "manifest: wrong set of fields")
    check(m["algorithm"] == "sunshine-lottery/1", "algorithm: not sunshine-lottery/1")
    check(are_names([m["draw"]]), "draw: bad id")
    single = m["mode"] == "single"
    check(m["mode"] in ("single", "match"), "mode: must be single or match")
    allowed = [None] if single else ["deferred-acceptance", "immediate-acceptance"]
    check(m["mechanism"] in allowed, "mechanism: not allowed in this mode")
    check(m["bundle_policy"] in ("admit-all", "skip"), "bundle_policy: must be admit-all or skip")
    check(are_positive([m["default_priority"]]), "default_priority: not a positive integer")
    places = {}
    for s in m["schools"]:
        check(type(s) is dict and set(s) == {"id", "places"}, f"schools: bad school {s}")
        ok = are_names([s["id"]]) and s["id"] not in places and are_positive([s["places"]])
        check(ok, f"schools: bad or repeated id, or places not a positive integer: {s}")
        places[s["id"]] = s["places"]
    check(len(places) == 1 if single else len(places) >= 2, "schools: wrong number for mode")
    apps = m["applicants"]
    check(type(apps) is list and apps, "applicants: none")
    # Every applicant is an object with exactly the fields id, choices and priority.
    check(set(map(type, apps)) == {dict} and set(map(len, apps)) == {3}, "applicants: bad entry")
    ids, choices, prios = (list(map(itemgetter(f), apps)) for f in ("id", "choices", "priority"))
    check(are_names(ids) and len(set(ids)) == len(ids), "applicants: bad or repeated id")
    if single:  # every choices is exactly [the school]
        check(choices.count(list(places)) == len(apps), "applicants: bad choices")
    else:  # non-empty lists of known schools without repeats
        for a, c in zip(ids, choices, strict=True):
            ok = type(c) is list and c and set(c) <= places.keys() and len(set(c)) == len(c)
            check(ok, f"applicants.{a}: bad choices")
    # priority: objects whose keys are schools and whose values are positive integers
    check(set(map(type, prios)) == {dict}, "applicants: a priority is not an object")
    check(set(chain.from_iterable(prios)) <= places.keys(), "applicants: priority: bad school")
    check(are_positive(chain.from_iterable(map(dict.values, prios))), "applicants: bad priority")
    by_id = dict(zip(ids, apps, strict=True)) if m["bundles"] else {}
    in_bundle = set()
    check(single or not m["bundles"], "bundles: allowed in single mode only")
    for b in m["bundles"]:
        ok = type(b) is list and len(b) >= 2 and len(set(b)) == len(b)
        check(ok and all(x in by_id and x not in in_bundle for x in b), f"bundles: bad {b}")
        in_bundle.update(b)
        same = {canonical([by_id[x]["choices"], by_id[x]["priority"]]) for x in b}
        check(len(same) == 1, f"bundles: members of {b} differ in choices or priority")
    sources = m["sources"]
    ok = type(sources) is list and sources and are_names(sources)
    check(ok and len(set(sources)) == len(sources), "sources: bad list")
    check(type(m["commitments"]) is dict, "commitments: not an object")
    for name, c in m["commitments"].items():
        ok = name in sources and type(c) is str and re.fullmatch("[0-9a-f]{64}", c)
        check(ok, f"commitments.{name}: unknown source or not 64 lowercase hex characters")
    return ids, choices, prios


def manifest_digest(m, ids, choices, prios):
    """sha256_hex(canonical(m)).  json.dumps is slow on millions of small objects, so when
    every applicant has the same choices and priority, and no id needs escaping (no '"' or
    '\\'; control characters are already excluded), the applicant list is written directly:
    the same bytes, faster."""
    alike = choices.count(choices[0]) == prios.count(prios[0]) == len(ids)
    if not alike or re.search(r'["\\]', "".join(ids)):
        return sha256_hex(canonical(m))
    head = '{"choices":' + canonical(choices[0]).decode() + ',"id":"'
    tail = '","priority":' + canonical(prios[0]).decode() + "}"
    rest = {k: v for k, v in m.items() if k not in ("algorithm", "applicants")}
    text = '{"algorithm":"sunshine-lottery/1","applicants":[' + head + (tail + "," + head).join(ids)
    return sha256_hex((text + tail + "]," + canonical(rest).decode()[1:]).encode())


def compute_seed(mdigest, m, entropy):  # spec section 3
    ok = type(entropy) is dict and set(entropy) == set(m["sources"])
    check(ok, "entropy: the revealed sources are not exactly the manifest's sources")
    for name, value in entropy.items():
        ok = type(value) is str and value and not CONTROL.search(value)
        check(are_names([name]) and ok, f"entropy.{name}: bad value")
        ok = name not in m["commitments"] or sha256_hex(value.encode()) == m["commitments"][name]
        check(ok, f"entropy.{name}: reveal does not match its commitment")
    return hashlib.sha256(canonical({"manifest": mdigest, "entropy": entropy})).digest()


def recompute(m, entropy, ids, choices, prios):
    mdigest = manifest_digest(m, ids, choices, prios)
    seed = compute_seed(mdigest, m, entropy)
    default = m["default_priority"]
    bundle = {min(b): sorted(b) for b in m["bundles"]}  # unit id -> member ids
    unit_of = {x: u for u, b in bundle.items() for x in b}
    # Spec section 4: sort units by (key, unit id).  Sorting by id first, then by key with
    # Python's stable sort, settles equal keys by id.
    units = sorted([a for a in ids if unit_of.get(a, a) == a] if bundle else ids)
    sha256 = hashlib.sha256
    keys = [sha256(seed + u.encode()).digest() for u in units]
    units = [units[i] for i in sorted(range(len(units)), key=keys.__getitem__)]
    lottery = dict(zip(units, range(1, len(units) + 1), strict=True))
    for u, members in bundle.items():
        lottery.update(dict.fromkeys(members, lottery[u]))
    schools = {s["id"]: s["places"] for s in m["schools"]}
    if m["mode"] == "single":  # spec section 5
        (school,) = schools
        priority = {a: p.get(school, default) for a, p in zip(ids, prios, strict=True) if p}
        if priority:  # rank by (priority, key, id): a stable sort of units by priority
            units.sort(key=lambda u: priority.get(u, default))
        remaining, admitted, waitlist = schools[school], [], []
        for i, u in enumerate(units):
            if remaining == 0 and not bundle:
                waitlist += units[i:]  # the rest, quickly: no bundles to expand
                break
            size = len(bundle.get(u, [u]))
            if size <= remaining or (remaining > 0 and m["bundle_policy"] == "admit-all"):
                admitted += bundle.get(u, [u])
                remaining = max(0, remaining - size)
            else:
                waitlist += bundle.get(u, [u])
        out = {school: {"admitted": admitted, "waitlist": waitlist}}
    else:  # spec section 6: schools rank applicants by (priority, lottery number)
        choices = dict(zip(ids, choices, strict=True))
        ranks = {s: {} for s in schools}  # ranks[s][a]: how school s ranks applicant a
        for a, p in zip(ids, prios, strict=True):
            for s in choices[a]:
                ranks[s][a] = (p.get(s, default), lottery[a])
        mechanism = deferred if m["mechanism"] == "deferred-acceptance" else boston
        got = mechanism(choices, schools, ranks)
        admitted = {s: [] for s in schools}
        waiting = {s: [] for s in schools}
        for a, listed in choices.items():
            # a waits at every school listed before the one they got (or at all of them)
            if a in got:
                admitted[got[a]].append(a)
                listed = listed[: listed.index(got[a])]
            for s in listed:
                waiting[s].append(a)
        by_rank = {s: {"admitted": admitted[s], "waitlist": waiting[s]} for s in schools}
        out = {
            s: {k: sorted(v, key=ranks[s].get) for k, v in x.items()} for s, x in by_rank.items()
        }
    placed = {a for s in out.values() for a in s["admitted"]}
    return {
        "algorithm": "sunshine-lottery/1",
        "manifest_digest": mdigest,
        "seed": seed.hex(),
        "lottery_numbers": lottery,
        "schools": out,
        "unassigned": sorted([a for a in ids if a not in placed]),
    }


def deferred(choices, places, ranks):  # student-proposing deferred acceptance
    held = {s: [] for s in places}  # heap of (minus rank, applicant): the weakest on top
    tried = {a: 0 for a in choices}
    free = list(choices)
    while free:
        a = free.pop()
        if tried[a] < len(choices[a]):  # else a has been rejected everywhere
            s = choices[a][tried[a]]
            tried[a] += 1
            heapq.heappush(held[s], (tuple(-x for x in ranks[s][a]), a))
            if len(held[s]) > places[s]:
                free.append(heapq.heappop(held[s])[1])
    return {a: s for s in held for _, a in held[s]}


def boston(choices, places, ranks):  # immediate acceptance, round by round
    got, left, k = {}, dict(places), 0
    while True:
        applying = {}  # school -> unassigned applicants whose k-th choice it is
        for a, c in choices.items():
            if a not in got and k < len(c):
                applying.setdefault(c[k], []).append(a)
        if not applying:
            return got
        for s, group in applying.items():
            for a in sorted(group, key=ranks[s].__getitem__)[: left[s]]:
                got[a] = s
                left[s] -= 1
        k += 1


def first_difference(expected, found, path):
    if type(expected) is type(found) is dict:
        for k in sorted(expected.keys() | found.keys()):
            if k not in found or k not in expected:
                return f"{path}.{k}: " + ("missing" if k not in found else "not expected")
            if d := first_difference(expected[k], found[k], f"{path}.{k}" if path else k):
                return d
    elif type(expected) is type(found) is list:
        for i, (e, f) in enumerate(zip(expected, found, strict=False)):
            if e != f or type(e) is not type(f):
                return f"{path}[{i}]: expected {json.dumps(e)}, found {json.dumps(f)}"
        if len(expected) != len(found):
            return f"{path}: expected {len(expected)} entries, found {len(found)}"
    elif canonical(expected) != canonical(found):
        return f"{path}: expected {json.dumps(expected)[:60]}, found {json.dumps(found)[:60]}"
    return None


def verify(manifest, entropy, result):
    """Return (True, "OK <digest>") or (False, "<first problem>")."""
    gc.freeze()  # the documents live until the end: the collector need not scan them again
    try:
        expected = recompute(manifest, entropy, *check_manifest(manifest))
        # Python's == is JSON's equality except that true == 1 and 1.0 == 1; the only numbers
        # in a result are the lottery numbers, so checking that they are integers closes the gap.
        if expected == result and set(map(type, result["lottery_numbers"].values())) == {int}:
            return True, f"OK {sha256_hex(canonical(result))}"
        return False, first_difference(expected, result, "") or "results differ"
    except (Problem, KeyError, TypeError, AttributeError) as e:
        return False, f"invalid input: {e}"
    finally:
        gc.unfreeze()


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
