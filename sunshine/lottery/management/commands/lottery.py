"""``manage.py lottery draw|verify|select-representatives``: the engine from the command line.

Every mistake in the input ends in one line naming the file and the field, a non-zero exit
status and no traceback; ``draw -o`` writes its result file only when the draw succeeded.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sunshine.lottery import engine, rfc3797

PROGRESS_FROM = 100_000  # applicants; smaller draws finish before a bar would be seen


def _load(path: str, what: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, parse_float=_no_float(what))
    except OSError as e:
        raise CommandError(f"{what}: cannot read {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{what}: {path} is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise CommandError(
            f"{what}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None


def _no_float(what: str):
    def parse(text):
        raise CommandError(f"{what}: floats are not allowed (found {text})")

    return parse


def _first_difference(expected, found, path=""):
    if type(expected) is not type(found):
        return f"{path or 'result'}: expected {json.dumps(expected, ensure_ascii=False)[:60]}, found {json.dumps(found, ensure_ascii=False)[:60]}"
    if isinstance(expected, dict):
        for k in sorted(expected.keys() | found.keys()):
            p = f"{path}.{k}" if path else k
            if k not in found:
                return f"{p}: missing"
            if k not in expected:
                return f"{p}: not expected"
            d = _first_difference(expected[k], found[k], p)
            if d:
                return d
    elif isinstance(expected, list):
        for i, (e, f) in enumerate(zip(expected, found, strict=False)):
            d = _first_difference(e, f, f"{path}[{i}]")
            if d:
                return d
        if len(expected) != len(found):
            return f"{path}: expected {len(expected)} entries, found {len(found)}"
    elif expected != found:
        return f"{path}: expected {json.dumps(expected, ensure_ascii=False)}, found {json.dumps(found, ensure_ascii=False)}"
    return None


class Command(BaseCommand):
    help = "Run, verify or prepare a sunshine-lottery/1 draw from files (see LOTTERY-SPEC.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        d = sub.add_parser("draw", help="compute the result of a manifest and revealed entropy")
        d.add_argument("manifest")
        d.add_argument("entropy")
        d.add_argument("-o", "--output", metavar="RESULT", help="write the result here")
        v = sub.add_parser("verify", help="recompute a result and compare it byte for byte")
        v.add_argument("manifest")
        v.add_argument("entropy")
        v.add_argument("result")
        s = sub.add_parser(
            "select-representatives", help="RFC 3797 selection, e.g. five parents per school"
        )
        s.add_argument("--pool-size", type=int, required=True, metavar="N")
        s.add_argument("--count", type=int, required=True, metavar="K")
        s.add_argument(
            "--source",
            action="append",
            required=True,
            metavar="NUMBERS",
            help='one public random source, its integers separated by spaces ("7 8 11 17")',
        )
        s.add_argument("--pool", metavar="FILE", help="names, one a line, to print names")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    # ------------------------------------------------------------------ draw

    def _draw(self, options):
        manifest = _load(options["manifest"], "manifest")
        entropy = _load(options["entropy"], "entropy")
        result = self._compute(manifest, entropy)
        text = engine.canonical(result).decode("utf-8")
        out = options.get("output")
        if out:
            _write_atomically(Path(out), text + "\n")
            self.stderr.write(
                f"result digest {engine.digest(result)} written to {out}", style_func=str
            )
        else:
            self.stdout.write(text)

    def _compute(self, manifest, entropy):
        progress = None
        bar = None
        apps = manifest.get("applicants") if isinstance(manifest, dict) else None
        if isinstance(apps, list) and len(apps) >= PROGRESS_FROM:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(file=sys.stderr), transient=True)
            task = bar.add_task("lottery keys", total=len(apps))
            bar.start()

            def progress(done, total):
                bar.update(task, completed=done, total=total)

        try:
            return engine.draw(manifest, entropy, progress=progress)
        except engine.EntropyError as e:
            raise CommandError(f"invalid entropy: {e}") from None
        except engine.ManifestError as e:
            raise CommandError(f"invalid manifest: {e}") from None
        except (TypeError, KeyError, AttributeError) as e:
            raise CommandError(f"invalid input: {e}") from None
        finally:
            if bar is not None:
                bar.stop()

    # ------------------------------------------------------------------ verify

    def _verify(self, options):
        manifest = _load(options["manifest"], "manifest")
        entropy = _load(options["entropy"], "entropy")
        found = _load(options["result"], "result")
        expected = self._compute(manifest, entropy)
        if engine.canonical(expected) == engine.canonical(found):
            self.stdout.write(f"OK {engine.digest(found)}")
            return
        raise CommandError(_first_difference(expected, found) or "results differ")

    # ------------------------------------------------------------------ RFC 3797

    def _select_representatives(self, options):
        names = None
        if options["pool"]:
            try:
                with open(options["pool"], encoding="utf-8") as f:
                    names = [line.strip() for line in f if line.strip()]
            except (OSError, UnicodeDecodeError) as e:
                raise CommandError(f"--pool: cannot read {options['pool']}: {e}") from None
            if len(names) != options["pool_size"]:
                raise CommandError(
                    f"--pool: {options['pool']} has {len(names)} names, --pool-size is "
                    f"{options['pool_size']}"
                )
        sources = []
        for i, text in enumerate(options["source"], 1):
            try:
                sources.append(rfc3797.parse_source(text))
            except ValueError as e:
                raise CommandError(f"--source {i}: {e}") from None
        try:
            key, positions = rfc3797.select(options["pool_size"], options["count"], sources)
        except ValueError as e:
            raise CommandError(f"--pool-size/--count: {e}") from None
        self.stdout.write(key)
        for p in positions:
            self.stdout.write(names[p - 1] if names else str(p))


def _write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename, so a failure never leaves a partial result."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".result-", suffix=".tmp")
    except OSError as e:
        raise CommandError(f"--output: cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise CommandError(f"--output: cannot write {path}: {e.strerror or e}") from None
