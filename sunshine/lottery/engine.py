"""The Sunshine lottery engine, algorithm ``sunshine-lottery/1``.

Pure Python, standard library only, no Django.  The normative description is
``LOTTERY-SPEC.md``; every function here follows it section by section:

- section 1: :func:`canonical`, :func:`digest`;
- section 2: :func:`validate_manifest`;
- section 3: :func:`validate_entropy`, :func:`compute_seed`;
- sections 4 to 7: :func:`draw`.

Large single-school draws take fast paths (work done by C-level built-ins on whole lists
rather than a Python loop per applicant).  Every fast path is conservative: when it sees
anything unusual it hands over to the plain, precise code, which gives the same answer or
the exact error.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import sys
from array import array
from collections.abc import Callable, Mapping
from itertools import chain, compress, filterfalse, islice, repeat
from operator import itemgetter
from typing import Any

ALGORITHM = "sunshine-lottery/1"
MODES = ("single", "match")
MECHANISMS = ("deferred-acceptance", "immediate-acceptance")
BUNDLE_POLICIES = ("admit-all", "skip")
MAX_ID_LENGTH = 64

MANIFEST_FIELDS = frozenset(
    {
        "algorithm",
        "draw",
        "mode",
        "mechanism",
        "bundle_policy",
        "default_priority",
        "schools",
        "applicants",
        "bundles",
        "sources",
        "commitments",
    }
)
SCHOOL_FIELDS = frozenset({"id", "places"})
APPLICANT_FIELDS = frozenset({"id", "choices", "priority"})

# Unicode category Cc is exactly U+0000..U+001F and U+007F..U+009F.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_HEX64 = re.compile("[0-9a-f]{64}")
# Characters that JSON writes escaped (control characters aside).
_ESCAPED = re.compile(r'["\\]')

Progress = Callable[[int, int], None]

_CHUNK = 1 << 16


# --------------------------------------------------------------------------- section 1


def canonical(v: Any) -> bytes:
    """Canonical JSON bytes of ``v`` (spec section 1)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(v: Any) -> str:
    """Lowercase hex SHA-256 of ``canonical(v)``."""
    return hashlib.sha256(canonical(v)).hexdigest()


def commit(value: str) -> str:
    """The commitment for a reveal: lowercase hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def check_commitment(value: str, commitment: str) -> bool:
    """True when ``value`` is the reveal that ``commitment`` was made for."""
    return isinstance(value, str) and commit(value) == commitment


# --------------------------------------------------------------------------- errors


class ManifestError(ValueError):
    """An invalid manifest.  ``field`` is the path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        super().__init__(f"{field}: {message}" if field else message)


class EntropyError(ManifestError):
    """A missing, extra, malformed or non-matching reveal."""


def _show(v: Any) -> str:
    """A short JSON-like rendering of a value for error messages."""
    if isinstance(v, (dict, list)):
        return "an object" if isinstance(v, dict) else "a list"
    try:
        text = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


def _identifier(v: Any, field: str, what: str) -> str:
    if type(v) is not str:
        raise ManifestError(field, f"{what} must be a string, found {_show(v)}")
    if not v:
        raise ManifestError(field, f"{what} must not be empty")
    if len(v) > MAX_ID_LENGTH:
        raise ManifestError(field, f"{what} is longer than {MAX_ID_LENGTH} characters")
    if _CONTROL.search(v):
        raise ManifestError(field, f"{what} {_show(v)} contains a control character")
    return v


def _positive_int(v: Any, field: str) -> int:
    if type(v) is not int or v < 1:
        raise ManifestError(field, f"must be a positive integer, found {_show(v)}")
    return v


def _fields(obj: Any, field: str, expected: frozenset[str], what: str) -> None:
    if type(obj) is not dict:
        raise ManifestError(field, f"{what} must be an object, found {_show(obj)}")
    missing = sorted(expected - obj.keys())
    if missing:
        path = f"{field}.{missing[0]}" if field else missing[0]
        raise ManifestError(path, "required field is missing")
    unknown = sorted(obj.keys() - expected, key=str)
    if unknown:
        path = f"{field}.{unknown[0]}" if field else str(unknown[0])
        raise ManifestError(path, "unknown field")


def _list(v: Any, field: str) -> list:
    if type(v) is not list:
        raise ManifestError(field, f"must be a list, found {_show(v)}")
    return v


# --------------------------------------------------------------------------- section 2


class _Prepared:
    """What validation learnt about a manifest, in the shape the draw needs."""

    __slots__ = (
        "mode",
        "mechanism",
        "policy",
        "default",
        "school_ids",
        "places",
        "ids",
        "choices",
        "priorities",
        "single_priority",
        "bundles",
        "plain_ids",
    )

    def __init__(self) -> None:
        self.single_priority: list[int] | None = None
        self.plain_ids = False  # True when no applicant id needs escaping in JSON


def validate_manifest(m: Any) -> None:
    """Raise :class:`ManifestError` unless ``m`` is a valid manifest (spec section 2)."""
    _prepare(m)


def _prepare(m: Any) -> _Prepared:
    _fields(m, "", MANIFEST_FIELDS, "the manifest")
    p = _Prepared()
    if m["algorithm"] != ALGORITHM:
        raise ManifestError("algorithm", f"must be {ALGORITHM!r}, found {_show(m['algorithm'])}")
    _identifier(m["draw"], "draw", "draw id")
    mode = m["mode"]
    if type(mode) is not str or mode not in MODES:
        raise ManifestError("mode", f"must be 'single' or 'match', found {_show(mode)}")
    mechanism = m["mechanism"]
    if mode == "single" and mechanism is not None:
        raise ManifestError("mechanism", f"must be null in single mode, found {_show(mechanism)}")
    if mode == "match" and (type(mechanism) is not str or mechanism not in MECHANISMS):
        raise ManifestError(
            "mechanism",
            "must be 'deferred-acceptance' or 'immediate-acceptance' in match mode, "
            f"found {_show(mechanism)}",
        )
    policy = m["bundle_policy"]
    if type(policy) is not str or policy not in BUNDLE_POLICIES:
        raise ManifestError(
            "bundle_policy", f"must be 'admit-all' or 'skip', found {_show(policy)}"
        )
    default = _positive_int(m["default_priority"], "default_priority")
    p.mode, p.mechanism, p.policy, p.default = mode, mechanism, policy, default

    schools = _list(m["schools"], "schools")
    school_ids: list[str] = []
    places: list[int] = []
    seen_schools: set[str] = set()
    for i, s in enumerate(schools):
        f = f"schools[{i}]"
        _fields(s, f, SCHOOL_FIELDS, "a school")
        sid = _identifier(s["id"], f + ".id", "school id")
        if sid in seen_schools:
            raise ManifestError(f + ".id", f"duplicate school {sid!r}")
        seen_schools.add(sid)
        school_ids.append(sid)
        places.append(_positive_int(s["places"], f + ".places"))
    if mode == "single" and len(school_ids) != 1:
        raise ManifestError(
            "schools", f"single mode needs exactly one school, found {len(school_ids)}"
        )
    if mode == "match" and len(school_ids) < 2:
        raise ManifestError(
            "schools", f"match mode needs at least two schools, found {len(school_ids)}"
        )
    p.school_ids, p.places = school_ids, places

    applicants = _list(m["applicants"], "applicants")
    if not applicants:
        raise ManifestError("applicants", "at least one applicant is required")
    if not _fast_applicants(applicants, school_ids, mode, default, p):
        _slow_applicants(applicants, seen_schools, mode, default, p)

    p.bundles = _bundles(m["bundles"], m["applicants"], mode, p)
    _sources(m["sources"], m["commitments"])
    return p


def _fast_applicants(apps: list, schools: list[str], mode: str, default: int, p: _Prepared) -> bool:
    """Validate an applicant list with whole-list operations.

    Returns False (and leaves the precise checks to the slow path) at the first sign of
    anything unusual; returns True only for a list that is certainly valid.
    """
    n = len(apps)
    if n < 1024:
        return False
    if set(map(type, apps)) != {dict} or set(map(len, apps)) != {3}:
        return False
    try:
        ids = list(map(itemgetter("id"), apps))
        choices = list(map(itemgetter("choices"), apps))
        prios = list(map(itemgetter("priority"), apps))
    except KeyError:
        return False
    if set(map(type, ids)) != {str}:
        return False
    lengths = set(map(len, ids))
    if min(lengths) < 1 or max(lengths) > MAX_ID_LENGTH:
        return False
    joined = "".join(ids)
    if _CONTROL.search(joined):
        return False
    if len(set(ids)) != n:
        return False
    if set(map(type, choices)) != {list}:
        return False
    school_set = set(schools)
    if mode == "single":
        if choices.count([schools[0]]) != n:
            return False
    else:
        if min(map(len, choices)) < 1:
            return False
        listed = list(chain.from_iterable(choices))
        if set(map(type, listed)) != {str} or not school_set.issuperset(listed):
            return False
        if sum(map(len, map(set, choices))) != len(listed):  # a repeated choice
            return False
    if set(map(type, prios)) != {dict}:
        return False
    given = list(filter(None, prios))
    single_priority = None
    if given:
        if not school_set.issuperset(chain.from_iterable(given)):
            return False
        values = list(chain.from_iterable(map(dict.values, given)))
        if set(map(type, values)) != {int} or min(values) < 1:
            return False
        if mode == "single" and set(values) != {default}:
            single_priority = list(map(dict.get, prios, repeat(schools[0]), repeat(default)))
    p.ids = ids
    p.choices = None if mode == "single" else choices
    p.priorities = None if mode == "single" else prios
    p.single_priority = single_priority
    p.plain_ids = not _ESCAPED.search(joined)
    return True


def _slow_applicants(apps: list, schools: set[str], mode: str, default: int, p: _Prepared) -> None:
    ids: list[str] = []
    choices_out: list[list[str]] = []
    prios_out: list[dict[str, int]] = []
    seen: set[str] = set()
    for i, a in enumerate(apps):
        f = f"applicants[{i}]"
        _fields(a, f, APPLICANT_FIELDS, "an applicant")
        aid = _identifier(a["id"], f + ".id", "applicant id")
        if aid in seen:
            raise ManifestError(f + ".id", f"duplicate applicant {aid!r}")
        seen.add(aid)
        choices = _list(a["choices"], f + ".choices")
        if not choices:
            raise ManifestError(f + ".choices", "at least one choice is required")
        listed: set[str] = set()
        for k, c in enumerate(choices):
            cf = f"{f}.choices[{k}]"
            _identifier(c, cf, "school id")
            if c not in schools:
                raise ManifestError(cf, f"unknown school {c!r}")
            if c in listed:
                raise ManifestError(cf, f"repeated choice {c!r}")
            listed.add(c)
        prio = a["priority"]
        if type(prio) is not dict:
            raise ManifestError(f + ".priority", f"must be an object, found {_show(prio)}")
        for s, v in prio.items():
            if s not in schools:
                raise ManifestError(f"{f}.priority.{s}", f"unknown school {s!r}")
            _positive_int(v, f"{f}.priority.{s}")
        ids.append(aid)
        choices_out.append(choices)
        prios_out.append(prio)
    p.ids = ids
    p.choices = choices_out
    p.priorities = prios_out
    if mode == "single":
        (school,) = schools
        values = [pr.get(school, default) for pr in prios_out]
        p.single_priority = values if any(v != default for v in values) else None


def _bundles(bundles: Any, apps: list, mode: str, p: _Prepared) -> list[list[str]]:
    bundles = _list(bundles, "bundles")
    if bundles and mode != "single":
        raise ManifestError("bundles", "bundles are allowed in single mode only")
    if not bundles:
        return []
    index = {aid: i for i, aid in enumerate(p.ids)}
    where: dict[str, int] = {}
    out: list[list[str]] = []
    for b, bundle in enumerate(bundles):
        f = f"bundles[{b}]"
        _list(bundle, f)
        if len(bundle) < 2:
            raise ManifestError(f, f"a bundle needs at least two members, found {len(bundle)}")
        first = None
        for k, member in enumerate(bundle):
            mf = f"{f}[{k}]"
            if type(member) is not str or member not in index:
                raise ManifestError(mf, f"unknown applicant {_show(member)}")
            if member in where:
                raise ManifestError(
                    mf, f"applicant {member!r} is already in bundles[{where[member]}]"
                )
            where[member] = b
            a = apps[index[member]]
            if first is None:
                first = a
            elif a["choices"] != first["choices"] or not _same_json(
                a["priority"], first["priority"]
            ):
                which = "choices" if a["choices"] != first["choices"] else "priority"
                raise ManifestError(
                    mf,
                    f"bundle members must have identical choices and priority: "
                    f"{which} of {member!r} differ from {first['id']!r}",
                )
        out.append(sorted(bundle))
    return out


def _same_json(a: Any, b: Any) -> bool:
    """Equality as written (so 1 and true, or 1 and 1.0, are different)."""
    return canonical(a) == canonical(b)


def _sources(sources: Any, commitments: Any) -> None:
    sources = _list(sources, "sources")
    if not sources:
        raise ManifestError("sources", "at least one source is required")
    seen: set[str] = set()
    for i, s in enumerate(sources):
        _identifier(s, f"sources[{i}]", "source name")
        if s in seen:
            raise ManifestError(f"sources[{i}]", f"repeated source {s!r}")
        seen.add(s)
    if type(commitments) is not dict:
        raise ManifestError("commitments", f"must be an object, found {_show(commitments)}")
    for name, c in commitments.items():
        f = f"commitments.{name}"
        if name not in seen:
            raise ManifestError(f, f"unknown source {name!r}")
        if type(c) is not str or not _HEX64.fullmatch(c):
            raise ManifestError(f, f"must be 64 lowercase hex characters, found {_show(c)}")


# --------------------------------------------------------------------------- section 3


def validate_entropy(manifest: Mapping[str, Any], entropy: Any) -> None:
    """Raise :class:`EntropyError` unless ``entropy`` holds exactly one valid reveal per
    source, each matching its commitment.  The manifest is assumed valid."""
    if type(entropy) is not dict:
        raise EntropyError("entropy", f"must be an object, found {_show(entropy)}")
    sources = manifest["sources"]
    commitments = manifest["commitments"]
    for name in sources:
        f = f"entropy.{name}"
        if name not in entropy:
            raise EntropyError(f, f"missing reveal for source {name!r}")
        value = entropy[name]
        if type(value) is not str:
            raise EntropyError(f, f"reveal must be a string, found {_show(value)}")
        if not value:
            raise EntropyError(f, f"reveal for source {name!r} is empty")
        if _CONTROL.search(value):
            raise EntropyError(f, f"reveal for source {name!r} contains a control character")
        if name in commitments and commit(value) != commitments[name]:
            raise EntropyError(f, f"reveal for source {name!r} does not match its commitment")
    for name in entropy:
        if name not in sources:
            raise EntropyError(f"entropy.{name}", f"unknown source {_show(name)}")


def manifest_digest(m: Mapping[str, Any], _p: _Prepared | None = None) -> str:
    """``digest(m)``.  A large valid single-mode manifest is serialised without a Python
    loop per applicant; the bytes are the same as ``canonical(m)``."""
    if _p is None or _p.mode != "single" or _p.choices is not None:
        return digest(m)
    from json.encoder import encode_basestring  # the C function json.dumps uses

    school_id = _p.school_ids[0]
    school = encode_basestring(school_id)
    head = ',{"choices":[' + school + '],"id":'
    tails: dict[int | None, str] = {None: ',"priority":{}}'}
    prios = list(map(dict.get, map(itemgetter("priority"), m["applicants"]), repeat(school_id)))
    for v in set(prios):
        if v is not None:
            tails[v] = ',"priority":{' + school + ":" + str(v) + "}}"
    rest = {k: v for k, v in m.items() if k not in ("algorithm", "applicants")}
    h = hashlib.sha256()
    h.update(b'{"algorithm":' + canonical(m["algorithm"]) + b',"applicants":[')
    ids = _p.ids
    if _p.plain_ids and len(set(prios)) == 1:
        # Every applicant is written alike, and encode_basestring(id) is '"' + id + '"'.
        tail = tails[prios[0]]
        sep = '"' + tail + head + '"'
    else:
        sep = None
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        if sep is not None:
            text = head + '"' + sep.join(chunk) + '"' + tail
        else:
            parts = [head] * (3 * len(chunk))
            parts[1::3] = map(encode_basestring, chunk)
            parts[2::3] = map(tails.__getitem__, prios[start : start + _CHUNK])
            text = "".join(parts)
        h.update((text[1:] if start == 0 else text).encode("utf-8"))
    h.update(b"]," + canonical(rest)[1:])
    return h.hexdigest()


def compute_seed(manifest: Mapping[str, Any], entropy: Mapping[str, str]) -> bytes:
    """The 32-byte seed of spec section 3 (validates manifest and entropy first)."""
    p = _prepare(manifest)
    validate_entropy(manifest, entropy)
    return _seed(manifest_digest(manifest, p), entropy)


def _seed(mdigest: str, entropy: Mapping[str, str]) -> bytes:
    return hashlib.sha256(canonical({"manifest": mdigest, "entropy": dict(entropy)})).digest()


# --------------------------------------------------------------------------- section 4


def unit_keys(seed: bytes, unit_ids: list[str], progress: Progress | None = None) -> bytes:
    """Concatenated 32-byte keys SHA-256(seed || utf8(unit_id)), in ``unit_ids`` order."""
    sha = hashlib.sha256
    out = bytearray()
    n = len(unit_ids)
    for start in range(0, n, _CHUNK):
        chunk = unit_ids[start : start + _CHUNK]
        # Identifiers hold no control characters, so "\n" separates them safely.
        encoded = "\n".join(chunk).encode("utf-8").split(b"\n")
        out += b"".join([sha(seed + b).digest() for b in encoded])
        if progress is not None:
            progress(min(start + _CHUNK, n), n)
    return bytes(out)


# Bits of the key used for the fast float sort; ties are then settled exactly.
_FLOAT_BITS = 53


def lottery_order(keys: bytes, unit_ids: list[str]) -> list[int]:
    """Indices of the units sorted by (key, unit_id) ascending (spec section 4).

    Sorting Python floats is much faster than sorting 32-byte strings, so the units are
    first sorted by the top ``_FLOAT_BITS`` bits of their key (held exactly in a float);
    runs of equal floats, which are rare, are then re-sorted by the full key and id.
    """
    n = len(unit_ids)
    tops = array("Q")
    tops.frombytes(keys)
    if tops.itemsize != 8:  # pragma: no cover - every CPython platform has 8-byte Q
        raise RuntimeError("unsupported platform")
    if sys.byteorder == "little":
        tops.byteswap()
    tops = tops[::4]
    shift = 64 - _FLOAT_BITS
    floats = list(map(float, map(int.__rshift__, tops, repeat(shift))))
    del tops
    order = sorted(range(n), key=floats.__getitem__)
    if len(set(floats)) < n:  # equal floats
        ranked = list(map(floats.__getitem__, order))
        i = 0
        while i < n:
            j = i + 1
            while j < n and ranked[j] == ranked[i]:
                j += 1
            if j - i > 1:
                order[i:j] = sorted(
                    order[i:j], key=lambda u: (keys[32 * u : 32 * u + 32], unit_ids[u])
                )
            i = j
    return order


# --------------------------------------------------------------------------- sections 5-7


def draw(
    manifest: Mapping[str, Any], entropy: Mapping[str, str], progress: Progress | None = None
) -> dict[str, Any]:
    """Validate, derive the seed and compute the result document of spec section 7.

    ``progress``, if given, is called as ``progress(done, total)`` while the lottery keys
    are derived (the slow part of a large draw).
    """
    p = _prepare(manifest)
    validate_entropy(manifest, entropy)
    mdigest = manifest_digest(manifest, p)
    seed = _seed(mdigest, entropy)

    in_bundle: dict[str, list[str]] = {}
    for members in p.bundles:
        for a in members:
            in_bundle[a] = members
    if in_bundle:
        unit_ids = [a for a in p.ids if a not in in_bundle] + [b[0] for b in p.bundles]
        bundle_of_unit = {b[0]: b for b in p.bundles}
    else:
        unit_ids = p.ids
        bundle_of_unit = {}
    keys = unit_keys(seed, unit_ids, progress)
    order = lottery_order(keys, unit_ids)
    ranked = list(map(unit_ids.__getitem__, order))  # units by (key, id)

    # Lottery numbers in manifest order (updating a key keeps its place), which for a roster
    # sorted by id is the order canonical JSON writes: serialising the result is then cheap.
    lottery: dict[str, int] = dict.fromkeys(p.ids)  # type: ignore[arg-type]
    lottery.update(zip(ranked, range(1, len(ranked) + 1), strict=True))
    for a, members in in_bundle.items():
        lottery[a] = lottery[members[0]]  # the unit id is the smallest member id

    if p.mode == "single":
        schools = {p.school_ids[0]: _single(p, ranked, unit_ids, order, bundle_of_unit)}
        admitted_ids = schools[p.school_ids[0]]["admitted"]
    else:
        schools = _match(p, lottery)
        admitted_ids = [a for s in schools.values() for a in s["admitted"]]

    admitted_set = set(admitted_ids)
    unassigned = list(filterfalse(admitted_set.__contains__, p.ids))
    unassigned.sort()
    return {
        "algorithm": ALGORITHM,
        "manifest_digest": mdigest,
        "seed": seed.hex(),
        "lottery_numbers": lottery,
        "schools": schools,
        "unassigned": unassigned,
    }


def _single(
    p: _Prepared,
    ranked: list[str],
    unit_ids: list[str],
    order: list[int],
    bundle_of_unit: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Spec section 5: walk the units by (priority, key, unit_id)."""
    if p.single_priority is not None:
        prio_of = dict(zip(p.ids, p.single_priority, strict=False))
        # A bundle's members share one priority, so the unit id's priority is the unit's.
        unit_prio = list(map(prio_of.__getitem__, ranked))
        walk = [ranked[i] for i in sorted(range(len(ranked)), key=unit_prio.__getitem__)]
    else:
        walk = ranked
    remaining = p.places[0]
    if not bundle_of_unit:
        return {"admitted": walk[:remaining], "waitlist": walk[remaining:]}
    admitted: list[str] = []
    waitlist: list[str] = []
    i = 0
    while i < len(walk) and remaining > 0:
        members = bundle_of_unit.get(walk[i]) or [walk[i]]
        if len(members) <= remaining:
            admitted.extend(members)
            remaining -= len(members)
        elif p.policy == "admit-all":
            admitted.extend(members)
            remaining = 0
        else:
            waitlist.extend(members)
        i += 1
    for u in islice(walk, i, None):
        waitlist.extend(bundle_of_unit.get(u) or [u])
    return {"admitted": admitted, "waitlist": waitlist}


def _match(p: _Prepared, lottery: dict[str, int]) -> dict[str, dict[str, list[str]]]:
    """Spec section 6 (no bundles in match mode, so units are applicants).

    Applicants are handled by index.  School s ranks applicant a by the rank value
    priority_s(a) * (n + 1) + lottery number: smaller is ranked higher, and it orders
    applicants exactly as (priority_s(a), key(a), id(a)).  Rank values are computed only
    for the choices that are reached (a small part of all the choices listed).
    """
    n = len(p.ids)
    base = n + 1
    lot = list(map(lottery.__getitem__, p.ids))
    by_lot = [0] * base  # applicant index by lottery number
    for i, li in enumerate(lot):
        by_lot[li] = i
    if p.mechanism == "deferred-acceptance":
        assigned_pos = _deferred_acceptance(p, lot, by_lot)
    else:
        assigned_pos = _immediate_acceptance(p, lot)

    admitted: dict[str, list[int]] = {s: [] for s in p.school_ids}
    waiting: dict[str, list[int]] = {s: [] for s in p.school_ids}
    default = p.default
    for choices, pr, li, pos in zip(p.choices, p.priorities, lot, assigned_pos, strict=True):
        if pos >= 0:
            admitted[choices[pos]].append(pr.get(choices[pos], default) * base + li)
        else:
            pos = len(choices)
        for s in choices[:pos]:  # schools the applicant would rather have
            waiting[s].append(pr.get(s, default) * base + li)
    id_by_lot = [""] + [p.ids[i] for i in by_lot[1:]]
    return {
        s: {
            "admitted": [id_by_lot[rv % base] for rv in sorted(admitted[s])],
            "waitlist": [id_by_lot[rv % base] for rv in sorted(waiting[s])],
        }
        for s in p.school_ids
    }


def _deferred_acceptance(p: _Prepared, lot: list[int], by_lot: list[int]) -> list[int]:
    """Student-proposing deferred acceptance.  Returns, per applicant, the position in
    their choices of the school they end up with, or -1."""
    choices, prios, default, base = p.choices, p.priorities, p.default, len(lot) + 1
    places = dict(zip(p.school_ids, p.places, strict=True))
    nxt = [0] * len(lot)  # how many of its choices each applicant has proposed to
    # held[s] is a heap of -rank value: its top is the weakest applicant held by s.
    held: dict[str, list[int]] = {s: [] for s in p.school_ids}
    # Any proposal order gives the same matching; best lottery numbers first means fewer
    # rejections.  free is a stack: pop() takes lottery number 1 first.
    free = by_lot[:0:-1]
    heappush, heapreplace = heapq.heappush, heapq.heapreplace
    while free:
        a = free.pop()
        listed, pr, k = choices[a], prios[a], nxt[a]
        while k < len(listed):
            s = listed[k]
            rv = pr.get(s, default) * base + lot[a]
            k += 1
            h = held[s]
            if len(h) < places[s]:
                heappush(h, -rv)
                break
            if -h[0] > rv:
                free.append(by_lot[-heapreplace(h, -rv) % base])
                break
        nxt[a] = k
    pos = [-1] * len(lot)
    for h in held.values():
        for v in h:
            a = by_lot[-v % base]
            pos[a] = nxt[a] - 1
    return pos


def _immediate_acceptance(p: _Prepared, lot: list[int]) -> list[int]:
    """Choice-first rounds (Boston mechanism): admissions in each round are final."""
    choices, prios, default = p.choices, p.priorities, p.default
    pos = [-1] * len(lot)
    remaining = dict(zip(p.school_ids, p.places, strict=True))
    waiting = list(range(len(lot)))
    k = 0
    while waiting:
        applying: dict[str, list[tuple[int, int, int]]] = {}
        still: list[int] = []
        for a in waiting:
            listed = choices[a]
            if k < len(listed):
                s = listed[k]
                applying.setdefault(s, []).append((prios[a].get(s, default), lot[a], a))
                still.append(a)
        for s, apps in applying.items():
            apps.sort()
            for _prio, _lot, a in apps[: remaining[s]]:
                pos[a] = k
            remaining[s] -= min(remaining[s], len(apps))
        waiting = list(compress(still, (pos[a] < 0 for a in still)))
        k += 1
    return pos
