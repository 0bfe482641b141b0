"""Shared helpers for the lottery tests (no Django, no database)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
VERIFIER_PATH = HERE.parent / "verify_draw.py"


def load_verifier() -> Any:
    """Import verify_draw.py from its file path, as a citizen would run it."""
    spec = importlib.util.spec_from_file_location("verify_draw_standalone", VERIFIER_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def golden(case: str) -> tuple[dict, dict, dict]:
    d = GOLDEN / case
    return tuple(
        json.loads((d / f).read_text("utf-8"))
        for f in ("manifest.json", "entropy.json", "result.json")  # type: ignore[return-value]
    )


def manifest(**overrides: Any) -> dict:
    """A small valid single-mode manifest, with top-level fields overridden."""
    m = {
        "algorithm": "sunshine-lottery/1",
        "draw": "test-draw",
        "mode": "single",
        "mechanism": None,
        "bundle_policy": "admit-all",
        "default_priority": 1,
        "schools": [{"id": "TML", "places": 2}],
        "applicants": [
            {"id": "A1", "choices": ["TML"], "priority": {}},
            {"id": "A2", "choices": ["TML"], "priority": {"TML": 2}},
            {"id": "A3", "choices": ["TML"], "priority": {}},
            {"id": "A4", "choices": ["TML"], "priority": {}},
        ],
        "bundles": [],
        "sources": ["notary", "parent-1"],
        "commitments": {},
    }
    m.update(overrides)
    return m


def match_manifest(**overrides: Any) -> dict:
    m = manifest(
        mode="match",
        mechanism="deferred-acceptance",
        schools=[{"id": "X", "places": 1}, {"id": "Y", "places": 2}],
        applicants=[
            {"id": "B1", "choices": ["X", "Y"], "priority": {}},
            {"id": "B2", "choices": ["Y"], "priority": {"X": 1}},
            {"id": "B3", "choices": ["Y", "X"], "priority": {"Y": 1}},
        ],
    )
    m.update(overrides)
    return m


ENTROPY = {"notary": "1234567890123", "parent-1": "9876543210987"}
