"""Golden draws, each checked by hand (the reasoning is written out next to each case).

For every case the test recomputes the lottery keys with hashlib alone, checks the order
written below (which the hand reasoning starts from), then checks that the engine and the
stand-alone verifier both reproduce result.json exactly.
"""

import hashlib
import json

import pytest

from sunshine.lottery import engine

from .helpers import golden, load_verifier


def key_order(m: dict, entropy: dict) -> list[str]:
    """Units sorted by SHA-256(seed || unit id), computed independently of the engine."""
    mdigest = hashlib.sha256(
        json.dumps(m, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    seed = hashlib.sha256(
        json.dumps(
            {"manifest": mdigest, "entropy": entropy},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
    ).digest()
    in_bundle = {a for b in m["bundles"] for a in b}
    units = [a["id"] for a in m["applicants"] if a["id"] not in in_bundle]
    units += [min(b) for b in m["bundles"]]
    return sorted(units, key=lambda u: (hashlib.sha256(seed + u.encode()).digest(), u))


CASES = {
    # Places 3, twins A3+A4 drawn as one unit (unit id A3), policy admit-all.
    # Key order: A5, A1, [A3 A4], A6, A2.  A5 admitted (2 left), A1 (1 left); the twins need
    # 2 places with 1 left: admit-all admits both and the school goes one over (4 admitted).
    # A6 and A2 wait.  Lottery numbers follow the key order; the twins share number 3.
    "single-bundle-admit-all": (
        ["A5", "A1", "A3", "A6", "A2"],
        {"TML": {"admitted": ["A5", "A1", "A3", "A4"], "waitlist": ["A6", "A2"]}},
        {"A5": 1, "A1": 2, "A3": 3, "A4": 3, "A6": 4, "A2": 5},
    ),
    # Same roster, policy skip.  Key order: A6, A5, [A3 A4], A1, A2.  A6 and A5 admitted
    # (1 left); the twins do not fit and are passed over (they head the waitlist); A1 takes
    # the last place; A2 waits after the twins.
    "single-bundle-skip": (
        ["A6", "A5", "A3", "A1", "A2"],
        {"TML": {"admitted": ["A6", "A5", "A1"], "waitlist": ["A3", "A4", "A2"]}},
        {"A6": 1, "A5": 2, "A3": 3, "A4": 3, "A1": 4, "A2": 5},
    ),
    # Places 3, default priority 2.  Priorities: P1 1, P3 1, P2 2 (default), P5 2 (default),
    # P6 2 (written), P4 3.  Key order: P5, P4, P1, P6, P3, P2.  Walk by (priority, key):
    # P1, P3 | P5, P6, P2 | P4.  Admitted P1, P3, P5; waitlist P6, P2, P4.
    "single-priority": (
        ["P5", "P4", "P1", "P6", "P3", "P2"],
        {"TKS": {"admitted": ["P1", "P3", "P5"], "waitlist": ["P6", "P2", "P4"]}},
        {"P5": 1, "P4": 2, "P1": 3, "P6": 4, "P3": 5, "P2": 6},
    ),
    # X 1 place, Y 1, Z 2; default priority 2; S2 has priority 1 at Z, S3 at X, S6 at Y
    # (ignored: S6 does not list Y).  Choices: S1 X>Y>Z, S2 X>Z, S3 Y>X, S4 X>Y, S5 Z>X, S6 X.
    # Key order: S4, S6, S2, S1, S3, S5.  Deferred acceptance:
    #  1. S1,S2,S4,S6 propose to X: X keeps S4 (best number).  S3 to Y (kept), S5 to Z (kept).
    #  2. S1 to Y: S1 (no. 4) beats S3 (no. 5), S3 rejected.  S2 to Z (kept, Z has 2 places).
    #     S6 has no choice left: unassigned.
    #  3. S3 to X: priority 1 beats S4, S4 rejected.  4. S4 to Y: no. 1 beats S1, S1 rejected.
    #  5. S1 to Z: Z ranks S2 (priority 1), S1 (no. 4), S5 (no. 6): S5 rejected.
    #  6. S5 to X: loses to S3.  Unassigned: S5, S6.
    # Waitlists: X: everyone listing X except S3, who got it: S4, S6, S2, S1, S5 in X's
    # order; Y: S1 (got Z, listed after Y) and S3 (got X, listed after Y); Z: S5.
    "match-da": (
        ["S4", "S6", "S2", "S1", "S3", "S5"],
        {
            "X": {"admitted": ["S3"], "waitlist": ["S4", "S6", "S2", "S1", "S5"]},
            "Y": {"admitted": ["S4"], "waitlist": ["S1", "S3"]},
            "Z": {"admitted": ["S2", "S1"], "waitlist": ["S5"]},
        },
        {"S4": 1, "S6": 2, "S2": 3, "S1": 4, "S3": 5, "S5": 6},
    ),
    # Same roster, immediate acceptance.  Key order: S1, S4, S6, S3, S2, S5.
    #  Round 1: X gets S1, S2, S4, S6 and admits S1 (best number); Y admits S3; Z admits S5.
    #  Round 2: S2 to Z (1 place left): admitted.  S4 to Y: full.  S6 has no 2nd choice.
    #  Unassigned: S4, S6.  Z lists S2 (priority 1) before S5.
    # Waitlists: X: S4, S6 (unassigned), S2 (got Z, listed after X); Y: S4; Z: nobody.
    "match-ia": (
        ["S1", "S4", "S6", "S3", "S2", "S5"],
        {
            "X": {"admitted": ["S1"], "waitlist": ["S4", "S6", "S2"]},
            "Y": {"admitted": ["S3"], "waitlist": ["S4"]},
            "Z": {"admitted": ["S2", "S5"], "waitlist": []},
        },
        {"S1": 1, "S4": 2, "S6": 3, "S3": 4, "S2": 5, "S5": 6},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_reproduces_the_hand_checked_golden_result(case):
    m, entropy, result = golden(case)
    order, schools, numbers = CASES[case]
    assert key_order(m, entropy) == order
    assert result["schools"] == schools
    assert result["lottery_numbers"] == numbers
    admitted = {a for s in schools.values() for a in s["admitted"]}
    assert result["unassigned"] == sorted(set(numbers) - admitted)
    drawn = engine.draw(m, entropy)
    assert engine.canonical(drawn) == engine.canonical(result)
    ok, message = load_verifier().verify(m, entropy, result)
    assert ok, message
    assert message == f"OK {engine.digest(result)}"
