"""Every English catalogue is complete, and its compiled .mo matches the .po beside it."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/en/LC_MESSAGES/django.po"))


def _entries(po: Path):
    """(msgctxt, msgid, msgstr or first plural msgstr, fuzzy) for every entry but the header."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields, current, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            m = re.match(
                r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d\]) (\".*\")$", line
            )
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)

        text = {
            key: "".join(ast.literal_eval(part) for part in parts) for key, parts in fields.items()
        }
        if text.get("msgid"):
            msgstr = text.get("msgstr") or text.get("msgstr[0]", "")
            yield text.get("msgctxt", ""), text["msgid"], msgstr, fuzzy


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 7


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_translates_every_string_and_compiles_it(po):
    mo = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    missing, stale = [], []
    for context, msgid, msgstr, fuzzy in _entries(po):
        if not msgstr or fuzzy:
            missing.append(msgid)
            continue
        compiled = mo.pgettext(context, msgid) if context else mo.gettext(msgid)
        if compiled != msgstr and "%(" not in msgid:
            stale.append(msgid)
    assert missing == [], "untranslated (run make messages, fill with tools/po_fill.py)"
    assert stale == [], ".mo is older than the .po (run manage.py compilemessages)"
