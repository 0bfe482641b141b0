"""Fill empty English msgstr entries of a .po file from a {chinese: english} mapping.

    python tools/po_fill.py sunshine/locale/en/LC_MESSAGES/django.po tools/en/core.py

The mapping file is a Python file defining EN = {...}. Entries already translated are kept;
msgids missing from the mapping are listed so nothing is silently left in Chinese.
Plural entries get the same English text for both forms unless the mapping gives a tuple.
"""

import ast
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line.strip()) for line in lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_path: Path, mapping: dict) -> list[str]:
    blocks = po_path.read_text(encoding="utf-8").split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        fields: dict[str, list[str]] = {}
        order: list[str] = []
        current = None
        for line in lines:
            m = re.match(r"^(msgid_plural|msgid|msgstr\[\d\]|msgstr|msgctxt) (\".*\")$", line)
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
                order.append(current)
            elif line.startswith('"') and current:
                fields[current].append(line)
        msgid = _unquote(fields["msgid"]) if "msgid" in fields else ""
        if not msgid:
            out.append(block)
            continue
        is_fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        strs = [k for k in order if k.startswith("msgstr")]
        translated = all(_unquote(fields[k]) for k in strs) and not is_fuzzy
        if translated:
            out.append(block)
            continue
        if msgid not in mapping:
            missing.append(msgid)
            out.append(block)
            continue
        value = mapping[msgid]
        forms = value if isinstance(value, tuple) else (value, value)
        head = [
            line
            for line in lines
            if line.startswith("#") and not (line.startswith("#,") and "fuzzy" in line)
        ]
        body = []
        for k in order:
            if k.startswith("msgstr"):
                continue
            body.append(f"{k} " + "\n".join(fields[k]))
        if "msgid_plural" in fields:
            body.append(f"msgstr[0] {_quote(forms[0])}")
            body.append(f"msgstr[1] {_quote(forms[1])}")
        else:
            body.append(f"msgstr {_quote(forms[0])}")
        out.append("\n".join(head + body))
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return missing


if __name__ == "__main__":
    po, mapping_file = Path(sys.argv[1]), Path(sys.argv[2])
    namespace: dict = {}
    exec(mapping_file.read_text(encoding="utf-8"), namespace)
    left = fill(po, namespace["EN"])
    for msgid in left:
        print("untranslated:", msgid)
    sys.exit(1 if left else 0)
