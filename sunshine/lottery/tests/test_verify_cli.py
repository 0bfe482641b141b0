"""The stand-alone verifier run as a citizen would run it, in a subprocess."""

import json
import subprocess
import sys

from sunshine.lottery import engine

from .helpers import GOLDEN, VERIFIER_PATH, golden


def run(*paths):
    return subprocess.run(
        [sys.executable, str(VERIFIER_PATH), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_prints_ok_and_the_result_digest():
    d = GOLDEN / "match-da"
    proc = run(d / "manifest.json", d / "entropy.json", d / "result.json")
    _, _, result = golden("match-da")
    assert (proc.returncode, proc.stdout) == (0, f"OK {engine.digest(result)}\n")


def test_it_names_the_first_difference_in_a_tampered_result(tmp_path):
    m, entropy, result = golden("single-bundle-skip")
    result["lottery_numbers"]["A2"] = 1
    (tmp_path / "result.json").write_text(json.dumps(result), "utf-8")
    d = GOLDEN / "single-bundle-skip"
    proc = run(d / "manifest.json", d / "entropy.json", tmp_path / "result.json")
    assert proc.returncode == 1
    assert proc.stdout == "lottery_numbers.A2: expected 5, found 1\n"


def test_it_rejects_a_reveal_that_does_not_match_its_commitment(tmp_path):
    d = GOLDEN / "single-priority"
    (tmp_path / "entropy.json").write_text(json.dumps({"notary": "1", "parent-1": "2"}))
    proc = run(d / "manifest.json", tmp_path / "entropy.json", d / "result.json")
    assert proc.returncode == 1
    assert "entropy.notary: reveal does not match its commitment" in proc.stdout


def test_it_exits_2_on_bad_usage_or_unreadable_files(tmp_path):
    assert run().returncode == 2
    d = GOLDEN / "single-priority"
    assert run(d / "manifest.json", d / "entropy.json", tmp_path / "missing.json").returncode == 2
