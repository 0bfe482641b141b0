"""manage.py lottery draw | verify | select-representatives."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sunshine.lottery import engine

GOLDEN = Path(__file__).parent / "golden" / "single-bundle-admit-all"
ROOT = Path(__file__).resolve().parents[3]


def _write(tmp_path, name, value):
    p = tmp_path / name
    p.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return str(p)


def test_it_draws_to_stdout_and_to_a_file(tmp_path, capsys):
    call_command("lottery", "draw", str(GOLDEN / "manifest.json"), str(GOLDEN / "entropy.json"))
    out = capsys.readouterr().out.strip()
    expected = engine.draw(
        json.loads((GOLDEN / "manifest.json").read_text()),
        json.loads((GOLDEN / "entropy.json").read_text()),
    )
    assert out.encode() == engine.canonical(expected)
    target = tmp_path / "result.json"
    call_command(
        "lottery",
        "draw",
        str(GOLDEN / "manifest.json"),
        str(GOLDEN / "entropy.json"),
        "-o",
        str(target),
    )
    assert json.loads(target.read_text()) == expected


def test_a_bad_manifest_names_the_field_and_writes_nothing(tmp_path):
    m = json.loads((GOLDEN / "manifest.json").read_text())
    m["schools"][0]["places"] = 0
    target = tmp_path / "result.json"
    with pytest.raises(CommandError, match=r"schools\[0\]\.places"):
        call_command(
            "lottery",
            "draw",
            _write(tmp_path, "m.json", m),
            str(GOLDEN / "entropy.json"),
            "-o",
            str(target),
        )
    assert not target.exists() and list(tmp_path.iterdir()) == [tmp_path / "m.json"]


def test_a_bad_reveal_names_the_source(tmp_path):
    entropy = json.loads((GOLDEN / "entropy.json").read_text())
    name = next(iter(entropy))
    entropy[name] += "0"
    with pytest.raises(CommandError, match=f"entropy.{name}"):
        call_command(
            "lottery", "draw", str(GOLDEN / "manifest.json"), _write(tmp_path, "e.json", entropy)
        )


def test_it_verifies_and_reports_the_first_difference(tmp_path, capsys):
    args = [str(GOLDEN / "manifest.json"), str(GOLDEN / "entropy.json")]
    call_command("lottery", "verify", *args, str(GOLDEN / "result.json"))
    assert capsys.readouterr().out.startswith("OK ")
    result = json.loads((GOLDEN / "result.json").read_text())
    result["unassigned"] = ["Z"]
    with pytest.raises(CommandError, match=r"unassigned"):
        call_command("lottery", "verify", *args, _write(tmp_path, "r.json", result))


def test_it_selects_representatives_as_rfc_3797_section_6(tmp_path, capsys):
    call_command(
        "lottery",
        "select-representatives",
        "--pool-size",
        "25",
        "--count",
        "10",
        "--source",
        "9319",
        "--source",
        "2 5 12 8 10",
        "--source",
        "9 18 26 34 41 45",
    )
    lines = capsys.readouterr().out.split()
    assert lines == [
        "9319./2.5.8.10.12./9.18.26.34.41.45./",
        "17",
        "7",
        "2",
        "16",
        "25",
        "23",
        "8",
        "24",
        "19",
        "13",
    ]
    pool = tmp_path / "pool.txt"
    pool.write_text("\n".join(f"家长{k}" for k in range(1, 26)), "utf-8")
    call_command(
        "lottery",
        "select-representatives",
        "--pool-size",
        "25",
        "--count",
        "2",
        "--source",
        "9319",
        "--source",
        "2 5 12 8 10",
        "--source",
        "9 18 26 34 41 45",
        "--pool",
        str(pool),
    )
    assert capsys.readouterr().out.split() == [
        "9319./2.5.8.10.12./9.18.26.34.41.45./",
        "家长17",
        "家长7",
    ]
    with pytest.raises(CommandError, match="--source 1"):
        call_command(
            "lottery",
            "select-representatives",
            "--pool-size",
            "5",
            "--count",
            "2",
            "--source",
            "7 x",
        )


def _run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "lottery", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"algorithm": 1.5}', "utf-8")
    target = tmp_path / "out.json"
    p = _run("draw", str(bad), str(GOLDEN / "entropy.json"), "-o", str(target))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "float" in p.stderr and not target.exists()
    p = _run(
        "verify",
        str(GOLDEN / "manifest.json"),
        str(GOLDEN / "entropy.json"),
        str(GOLDEN / "manifest.json"),
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    p = _run("frobnicate")
    assert p.returncode == 2 and "Traceback" not in p.stderr
