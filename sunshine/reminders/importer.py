"""Importing the staff directory from .xlsx or .csv, all or nothing.

Every row is checked first; any error (row, column, reason) means nothing is written. People
are matched by mobile number, then by e-mail, within the district: a match updates the person,
anything else is added; a person listed twice in one file is merged into the first row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.core import audit
from sunshine.core.models import District, Organisation
from sunshine.core.uploads import SPREADSHEETS, check_upload
from sunshine.reminders.models import StaffMember

MAX_ROWS = 50_000
MOBILE = re.compile(r"^1[3-9]\d{9}$")

# column key -> accepted headers (Chinese first)
COLUMNS = {
    "name": ("姓名", "name"),
    "organisation": ("单位", "organisation", "organization"),
    "position": ("职务", "position"),
    "category": ("人员类别", "类别", "category"),
    "mobile": ("手机号", "手机", "mobile"),
    "email": ("电子邮箱", "邮箱", "email", "e-mail"),
}
REQUIRED = ("name", "organisation")
COLUMN_LABELS = {
    "name": gettext_lazy("姓名"),
    "organisation": gettext_lazy("单位"),
    "position": gettext_lazy("职务"),
    "category": gettext_lazy("人员类别"),
    "mobile": gettext_lazy("手机号"),
    "email": gettext_lazy("电子邮箱"),
    "file": gettext_lazy("文件"),
}


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    @property
    def column_label(self) -> str:
        return str(COLUMN_LABELS.get(self.column, self.column))


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    merged: list[tuple[int, int]] = field(default_factory=list)  # (row, merged into row)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# --- reading ------------------------------------------------------------------------------


def _sniff(name: str, data: bytes) -> str:
    """Size, extension and content, by the one upload check every app uses."""
    try:
        return check_upload(SimpleUploadedFile(name, data), SPREADSHEETS)
    except ValidationError as exc:
        raise ImportFailed([RowError(0, "file", message) for message in exc.messages]) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile number typed into Excel becomes a number
    return str(value).strip()


def read_rows(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(row number as the user sees it, cells) for every row, header first."""
    kind = _sniff(name, data)
    if kind == "xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file
            raise ImportFailed([RowError(0, "file", _("无法读取该 Excel 文件"))]) from None
        ws = wb.worksheets[0]
        rows = [
            (i, [_cell(c) for c in row]) for i, row in enumerate(ws.iter_rows(values_only=True), 1)
        ]
        wb.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFailed([RowError(0, "file", _("无法识别文件编码（请使用 UTF-8 或 GBK）"))])
    return [(i, [c.strip() for c in row]) for i, row in enumerate(csv.reader(io.StringIO(text)), 1)]


# --- checking -----------------------------------------------------------------------------


def _header_map(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        key = lookup.get(title.strip().lower())
        if key and key not in found:
            found[key] = i
    errors = [
        RowError(1, key, _("缺少“%(col)s”列") % {"col": COLUMN_LABELS[key]})
        for key in REQUIRED
        if key not in found
    ]
    if "mobile" not in found and "email" not in found:
        errors.append(RowError(1, "mobile", _("至少需要“手机号”或“电子邮箱”列")))
    return found, errors


def _category(value: str) -> str | None:
    """A category from its code, its Chinese name or its name in the current language."""
    if not value:
        return StaffMember.Category.OTHER
    for choice in StaffMember.Category:
        with translation.override(None):
            source = str(choice.label)
        if value in (choice.value, source, str(choice.label)):
            return choice.value
    aliases = {"校领导": "school_leader", "招生人员": "enrolment", "局领导": "bureau_leader"}
    return aliases.get(value)


def check(district: District, rows: list[tuple[int, list[str]]]) -> tuple[list[dict], ImportResult]:
    result = ImportResult()
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        result.errors.append(RowError(0, "file", _("文件是空的")))
        return [], result
    (_n, header), body = rows[0], rows[1:]
    cols, errors = _header_map(header)
    if errors:
        result.errors = errors
        return [], result
    if not body:
        result.errors.append(RowError(2, "file", _("没有人员数据")))
        return [], result
    if len(body) > MAX_ROWS:
        result.errors.append(RowError(0, "file", _("行数超过上限 %(n)d") % {"n": MAX_ROWS}))
        return [], result
    orgs = {o.name: o for o in Organisation.objects.filter(district=district)}
    records: list[dict] = []
    first_by_mobile: dict[str, dict] = {}
    first_by_email: dict[str, dict] = {}

    def get(cells, key):
        i = cols.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for n, cells in body:
        rec = {"row": n}
        row_errors = []
        rec["name"] = get(cells, "name")
        if not rec["name"]:
            row_errors.append(RowError(n, "name", _("姓名不能为空")))
        elif len(rec["name"]) > 50:
            row_errors.append(RowError(n, "name", _("姓名过长（最多 50 字）")))
        org_name = get(cells, "organisation")
        if not org_name:
            row_errors.append(RowError(n, "organisation", _("单位不能为空")))
        elif org_name not in orgs:
            row_errors.append(
                RowError(
                    n,
                    "organisation",
                    _("本区没有名为“%(org)s”的单位") % {"org": org_name[:50]},
                )
            )
        else:
            rec["organisation"] = orgs[org_name]
        rec["position"] = get(cells, "position")[:100]
        category = _category(get(cells, "category"))
        if category is None:
            labels = "、".join(str(c.label) for c in StaffMember.Category)
            row_errors.append(
                RowError(n, "category", _("人员类别应为：%(labels)s") % {"labels": labels})
            )
        rec["category"] = category
        mobile = re.sub(r"[\s\-]", "", get(cells, "mobile"))
        if mobile.startswith("+86"):
            mobile = mobile[3:]
        if mobile and not MOBILE.match(mobile):
            row_errors.append(RowError(n, "mobile", _("手机号应为 11 位数字，以 1 开头")))
        rec["mobile"] = mobile
        email = get(cells, "email").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(RowError(n, "email", _("电子邮箱格式不正确")))
        rec["email"] = email
        if not mobile and not email:
            row_errors.append(RowError(n, "mobile", _("手机号和电子邮箱至少填写一项")))
        if row_errors:
            result.errors.extend(row_errors)
            continue
        first = (mobile and first_by_mobile.get(mobile)) or (email and first_by_email.get(email))
        if first:
            result.merged.append((n, first["row"]))
            continue
        if mobile:
            first_by_mobile[mobile] = rec
        if email:
            first_by_email[email] = rec
        records.append(rec)

    # Match against the directory: by mobile, then by e-mail.
    existing = StaffMember.objects.filter(district=district)
    by_mobile = {s.mobile: s for s in existing if s.mobile}
    by_email = {s.email: s for s in existing if s.email}
    claimed: dict[int, int] = {}  # existing person -> the row that updates it
    for rec in records:
        a = by_mobile.get(rec["mobile"]) if rec["mobile"] else None
        b = by_email.get(rec["email"]) if rec["email"] else None
        if a and b and a.pk != b.pk:
            result.errors.append(
                RowError(rec["row"], "email", _("手机号和电子邮箱分别属于名录中的两位不同人员"))
            )
            continue
        rec["existing"] = a or b
        if rec["existing"]:
            pk = rec["existing"].pk
            if pk in claimed:
                result.errors.append(
                    RowError(
                        rec["row"],
                        "mobile",
                        _("与第 %(row)d 行指向名录中的同一人员") % {"row": claimed[pk]},
                    )
                )
            claimed.setdefault(pk, rec["row"])
    result.errors.sort(key=lambda e: (e.row, e.column))
    return records, result


def import_staff(district: District, name: str, data: bytes, *, actor=None) -> ImportResult:
    """Check the whole file, then write all of it or nothing. Raises ImportFailed on errors."""
    records, result = check(district, read_rows(name, data))
    if result.errors:
        raise ImportFailed(result.errors)
    fields = ("organisation", "name", "position", "category", "mobile", "email")
    with transaction.atomic():
        new = []
        for rec in records:
            person = rec["existing"]
            if person is None:
                new.append(StaffMember(district=district, **{f: rec[f] for f in fields}))
                continue
            for f in fields:
                if f in ("mobile", "email") and not rec[f]:
                    continue  # an empty cell keeps the address already known
                setattr(person, f, rec[f])
            person.active = True
            person.save()
            result.updated += 1
        StaffMember.objects.bulk_create(new, batch_size=1000)
        result.created = len(new)
        audit.record(
            "reminders.staff_imported",
            object_type="reminders.staffmember",
            object_repr=str(district),
            actor=actor,
            payload={
                "district": district.pk,
                "created": result.created,
                "updated": result.updated,
                "merged": len(result.merged),
            },
        )
    return result
