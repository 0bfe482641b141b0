"""Import applicants and their applications from .xlsx or .csv, all or nothing.

``parse()`` reads the rows, ``validate()`` checks every row against the district's schools and
plans and what is already stored, and collects every problem with its row number and column;
``commit()`` writes a valid batch in one transaction, in batches of prepared inserts. Nothing is
written when any row is wrong. ``run()`` does all three (``dry_run=True`` stops before writing).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.core import audit
from sunshine.core.models import District
from sunshine.enrollment.models import Applicant, Application, EnrolmentPlan, School
from sunshine.lib import idcard

BATCH_SIZE = 2000

# key, header in the template, other accepted headers
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("number", "报名号", ("number",)),
    ("name", "儿童姓名", ("姓名", "name")),
    ("gender", "性别", ("gender",)),
    ("birth_date", "出生日期", ("birth_date",)),
    ("id_number", "身份证号", ("身份证号码", "id_number")),
    ("guardian_name", "监护人姓名", ("监护人", "guardian_name")),
    ("guardian_phone", "监护人手机", ("监护人电话", "联系电话", "guardian_phone")),
    ("hukou_address", "户籍地址", ("hukou_address",)),
    ("residence_address", "居住地址", ("residence_address",)),
    ("school", "学校代码", ("school", "school_code")),
    ("preference", "志愿顺序", ("志愿", "preference")),
    ("priority", "录取顺位", ("顺位", "priority")),
    ("multiple_birth_group", "多胞胎组", ("multiple_birth_group",)),
]
HEADERS = [c[1] for c in COLUMNS]
REQUIRED = (
    "name",
    "gender",
    "id_number",
    "guardian_name",
    "guardian_phone",
    "hukou_address",
    "residence_address",
    "school",
)
_LABEL = {key: header for key, header, _aliases in COLUMNS}
_GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
_PHONE = re.compile(r"^1\d{10}$")
_NUMBER = re.compile(r"^[0-9A-Za-z-]{4,32}$")
# idcard.id_error() speaks Chinese without Django; these make its reasons translatable.
_ID_ERRORS = {
    "身份证号应为18位": gettext_lazy("身份证号应为18位"),
    "身份证号格式不正确": gettext_lazy("身份证号格式不正确"),
    "身份证号中的出生日期无效": gettext_lazy("身份证号中的出生日期无效"),
    "身份证号校验码错误": gettext_lazy("身份证号校验码错误"),
}
_LIMITS = {
    "name": 50,
    "guardian_name": 50,
    "hukou_address": 200,
    "residence_address": 200,
    "multiple_birth_group": 32,
}


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number: the header is row 1, the first child row 2
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # about the whole file, e.g. a conflict found while writing
            return self.message
        return _("第 %(row)s 行 %(column)s：%(message)s") % {
            "row": self.row,
            "column": self.column or "—",
            "message": self.message,
        }


@dataclass
class Batch:
    district: District
    year: int
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # id_number -> applicant fields (children not yet stored)
    new_applicants: dict[str, dict] = field(default_factory=dict)
    # id_number -> pk of a child already stored for this district and year
    existing_applicants: dict[str, int] = field(default_factory=dict)
    applications: list[dict] = field(default_factory=list)
    per_school: Counter = field(default_factory=Counter)
    sample: list[dict] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def school_counts(self) -> list[tuple[str, int]]:
        return sorted(self.per_school.items())


def birth_window(year: int) -> tuple[date, date]:
    """Primary entry in ``year``: six years old by 31 August (born 1 Sep year-7 … 31 Aug year-6)."""
    return date(year - 7, 9, 1), date(year - 6, 8, 31)


# ---------------------------------------------------------------------------------------- parse


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> Iterable[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ImportRejected([RowError(1, "", _("无法识别文件编码，请保存为 UTF-8 CSV。"))])
    return csv.reader(io.StringIO(text))


def _read_xlsx(data: bytes) -> list[list]:
    """Every row of the first sheet, read now: a damaged workbook is rejected here, at read
    time, and not halfway through ``parse()`` (a generator would raise only when iterated)."""
    from openpyxl import load_workbook

    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged file
        raise ImportRejected([RowError(1, "", _("无法读取 Excel 文件：%s") % exc)]) from exc
    finally:
        if workbook is not None:
            workbook.close()


def parse(filename: str, data: bytes) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Rows as (row number, {key: value}); header problems come back as errors."""
    reader = _read_xlsx(data) if filename.lower().endswith(".xlsx") else _read_csv(data)
    rows: list[tuple[int, dict]] = []
    it = iter(reader)
    header = next(it, None)
    if not header:
        return [], [RowError(1, "", _("文件没有表头行。"))]
    lookup = {}
    for key, title, aliases in COLUMNS:
        for name in (title, *aliases):
            lookup[name.lower()] = key
    index: dict[str, int] = {}
    errors = []
    for i, title in enumerate(header):
        key = lookup.get(str(title or "").strip().lower())
        if key and key not in index:
            index[key] = i
    for key in REQUIRED:
        if key not in index:
            errors.append(RowError(1, _LABEL[key], _("缺少必需的列。")))
    if errors:
        return [], errors
    for number, raw in enumerate(it, start=2):
        if not any(v not in (None, "") for v in raw):
            continue
        values = {key: _cell(raw[i]) if i < len(raw) else "" for key, i in index.items()}
        id_raw = raw[index["id_number"]] if index["id_number"] < len(raw) else None
        if isinstance(id_raw, int | float) and not isinstance(id_raw, bool):
            # Excel keeps 15 significant digits of a number: an 18-digit ID typed as a number
            # has already lost its last digits and cannot be recovered from the file.
            values["_numeric_id"] = True
        rows.append((number, values))
    return rows, errors


# ------------------------------------------------------------------------------------- validate


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _positive(value, default: int = 1) -> int | None:
    if value in ("", None):
        return default
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number >= 1 else None


def priority_error(rank: int) -> str:
    return _("该校招生计划没有第 %(n)s 顺位。") % {"n": rank}


def check_child(values: dict, year: int) -> tuple[dict, list[tuple[str, str]]]:
    """The checks of one child and application that need no other row and no school:
    required fields, lengths, ID number, gender, phone, birth date, preference and priority.

    ``values`` holds the import columns by key (strings or dates). Returns the cleaned values
    (``id_number``, ``id_ok``, ``gender``, ``guardian_phone``, ``birth_date``, ``preference``,
    ``priority``, ``number``) and the problems as (key, message). Used by ``validate()`` for
    every row and by the form that enters one application by hand.
    """
    problems: list[tuple[str, str]] = []

    def err(key: str, message: str) -> None:
        problems.append((key, message))

    for key in REQUIRED:
        if key != "school" and values.get(key) in ("", None):
            err(key, _("不能为空。"))
    for key, limit in _LIMITS.items():
        if len(str(values.get(key, ""))) > limit:
            err(key, _("超过 %(n)s 个字符。") % {"n": limit})
    id_number = str(values.get("id_number", "")).strip().upper()
    if values.get("_numeric_id"):
        err(
            "id_number",
            _("在 Excel 中被存成了数字，末几位已丢失；请把该列设为文本后重新填写。"),
        )
        id_number = ""
    elif id_number and (problem := idcard.id_error(id_number)):
        err("id_number", str(_ID_ERRORS.get(problem, problem)))
    gender = _GENDERS.get(str(values.get("gender", "")))
    if values.get("gender") and not gender:
        err("gender", _("应填“男”或“女”。"))
    phone = str(values.get("guardian_phone", "")).replace(" ", "").replace("-", "")
    if phone and not _PHONE.match(phone):
        err("guardian_phone", _("应为11位手机号码。"))
    birth = None
    if values.get("birth_date") not in ("", None):
        birth = _as_date(values["birth_date"])
        if birth is None:
            err("birth_date", _("日期格式应为 YYYY-MM-DD。"))
    id_ok = bool(id_number) and idcard.id_error(id_number) is None
    if id_ok:
        from_id = idcard.birth_date(id_number)
        if birth and birth != from_id:
            err("birth_date", _("与身份证号中的出生日期不一致。"))
        birth = birth or from_id
    low, high = birth_window(year)
    if birth and not (low <= birth <= high):
        err(
            "birth_date",
            _("出生日期 %(d)s 超出范围（%(year)s 年入学应在 %(low)s 至 %(high)s 之间）。")
            % {"d": birth.isoformat(), "year": year, "low": low, "high": high},
        )
    preference = _positive(values.get("preference"))
    if preference is None:
        err("preference", _("应为正整数。"))
    priority = _positive(values.get("priority"))
    if priority is None:
        err("priority", _("应为正整数。"))
    number = str(values.get("number", "")).strip()
    if number and not _NUMBER.match(number):
        err("number", _("报名号只能包含字母、数字和连字符。"))
    cleaned = {
        "id_number": id_number,
        "id_ok": id_ok,
        "gender": gender,
        "guardian_phone": phone,
        "birth_date": birth,
        "preference": preference,
        "priority": priority,
        "number": number,
    }
    return cleaned, problems


def validate(
    rows: list[tuple[int, dict]],
    district: District,
    year: int,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    batch = Batch(district=district, year=year, rows=len(rows))
    errors = batch.errors
    schools = {
        s.code.lower(): s
        for s in School.objects.filter(organisation__district=district).select_related(
            "organisation"
        )
    }
    plans = {
        p.school_id: p
        for p in EnrolmentPlan.objects.filter(school__organisation__district=district, year=year)
    }
    ranks: dict[int, set[int]] = defaultdict(set)
    for school_id, rank in EnrolmentPlan.objects.filter(
        school__organisation__district=district, year=year, priority_groups__isnull=False
    ).values_list("school_id", "priority_groups__rank"):
        ranks[school_id].add(rank)
    stored = {
        id_number: (pk, number)
        for id_number, pk, number in Applicant.objects.filter(
            district=district, year=year
        ).values_list("id_number", "id", "number")
    }
    stored_numbers = {number for _pk, number in stored.values()}
    stored_applications = set(
        Application.objects.filter(
            year=year, applicant__district=district, applicant__year=year
        ).values_list("applicant__id_number", "school_id")
    )
    seen_application: dict[tuple[str, int], int] = {}
    seen_child: dict[str, tuple[int, dict]] = {}
    seen_preference: dict[tuple[str, int], int] = {}
    number_owner: dict[str, str] = {}

    for done, (row, values) in enumerate(rows, start=1):
        if progress and done % 1000 == 0:
            progress(1000)

        def err(key: str, message: str, row=row) -> None:
            errors.append(RowError(row, _LABEL[key], message))

        before = len(errors)
        checked, problems = check_child(values, year)
        for key, message in problems:
            err(key, message)
        id_number, id_ok = checked["id_number"], checked["id_ok"]
        gender, phone, birth = checked["gender"], checked["guardian_phone"], checked["birth_date"]
        preference, priority = checked["preference"], checked["priority"]
        number = checked["number"]
        school = None
        code = str(values.get("school", "")).strip()
        if not code:
            err("school", _("不能为空。"))
        else:
            school = schools.get(code.lower())
            if school is None:
                err("school", _("未知学校代码“%(code)s”。") % {"code": code})
            elif school.pk not in plans:
                err("school", _("该校没有 %(year)s 年招生计划。") % {"year": year})
        if priority and school and ranks.get(school.pk) and priority not in ranks[school.pk]:
            err("priority", priority_error(priority))

        if id_ok and school:
            key = (id_number, school.pk)
            if key in seen_application:
                err(
                    "school",
                    _("重复报名：与第 %(row)s 行是同一儿童报同一学校。")
                    % {"row": seen_application[key]},
                )
            elif key in stored_applications:
                err("school", _("重复报名：该儿童已报名此学校。"))
            else:
                seen_application[key] = row
            if preference and seen_application.get(key) == row:
                pkey = (id_number, preference)
                if pkey in seen_preference and seen_preference[pkey] != row:
                    err(
                        "preference",
                        _("与第 %(row)s 行的志愿顺序相同。") % {"row": seen_preference[pkey]},
                    )
                seen_preference.setdefault(pkey, row)
        if id_ok:
            child = {
                "name": values.get("name", ""),
                "gender": gender,
                "birth_date": birth,
                "guardian_name": values.get("guardian_name", ""),
                "guardian_phone": phone,
                "hukou_address": values.get("hukou_address", ""),
                "residence_address": values.get("residence_address", ""),
            }
            if id_number in seen_child:
                first_row, first = seen_child[id_number]
                if first["name"] != child["name"]:
                    err(
                        "name",
                        _("与第 %(row)s 行同一身份证号的姓名不一致。") % {"row": first_row},
                    )
            else:
                seen_child[id_number] = (row, child)
            if id_number in stored:
                pk, stored_number = stored[id_number]
                if number and number != stored_number:
                    err("number", _("该儿童已有报名号 %(n)s。") % {"n": stored_number})
            elif number:
                owner = number_owner.get(number)
                if (owner and owner != id_number) or number in stored_numbers:
                    err("number", _("报名号“%(n)s”已被其他儿童使用。") % {"n": number})
                else:
                    number_owner[number] = id_number
        if len(errors) > before or not (id_ok and school):
            continue
        if id_number in stored:
            batch.existing_applicants[id_number] = stored[id_number][0]
        elif id_number not in batch.new_applicants:
            batch.new_applicants[id_number] = dict(seen_child[id_number][1], number=number)
        elif number and not batch.new_applicants[id_number]["number"]:
            batch.new_applicants[id_number]["number"] = number
        batch.applications.append(
            {
                "id_number": id_number,
                "school": school,
                "preference": preference,
                "priority": priority,
                "multiple_birth_group": str(values.get("multiple_birth_group", "")),
            }
        )
        batch.per_school[school.code] += 1
        if len(batch.sample) < 10:
            batch.sample.append(
                {
                    "row": row,
                    "name": values.get("name", ""),
                    "masked_id": idcard.mask(id_number),
                    "school": school.name,
                    "preference": preference,
                    "priority": priority,
                }
            )
    if progress:
        progress(len(rows) % 1000)
    return batch


# --------------------------------------------------------------------------------------- commit


def _fresh_numbers(year: int, count: int, taken: set[str]) -> list[str]:
    numbers: list[str] = []
    while len(numbers) < count:
        candidate = f"{year}-{secrets.randbelow(10**8):08d}"
        if candidate not in taken:
            taken.add(candidate)
            numbers.append(candidate)
    return numbers


APPLICANT_FIELDS = [
    "district",
    "year",
    "number",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "guardian_name",
    "guardian_phone",
    "hukou_address",
    "residence_address",
]
APPLICATION_FIELDS = [
    "applicant",
    "school",
    "year",
    "preference",
    "priority",
    "multiple_birth_group",
    "status",
    "status_reason",
    "submitted_at",
]


def _insert(model, fields: list[str], rows: list[tuple], progress) -> None:
    """Insert database-ready rows with one prepared statement run by ``executemany``.

    ``bulk_create`` builds SQL and adapts every value through each field in Python, which for
    100,000 children and 100,000 applications took most of the import's time; rows here are
    already validated and adapted, so the statement is prepared once per batch. Nothing else
    writes these tables this way: every other change goes through the models.
    """
    meta = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            cursor.executemany(sql, chunk)
            if progress:
                progress(len(chunk))


def commit(batch: Batch, actor=None, progress: Callable[[int], None] | None = None) -> dict:
    if not batch.ok:
        raise ImportRejected(batch.errors)
    district, year = batch.district, batch.year
    try:
        with transaction.atomic():
            taken = set(
                Applicant.objects.filter(number__startswith=f"{year}-").values_list(
                    "number", flat=True
                )
            )
            taken.update(a["number"] for a in batch.new_applicants.values() if a["number"])
            missing = [a for a in batch.new_applicants.values() if not a["number"]]
            for child, number in zip(
                missing, _fresh_numbers(year, len(missing), taken), strict=True
            ):
                child["number"] = number
            children = list(batch.new_applicants.items())
            birth = connection.ops.adapt_datefield_value
            _insert(
                Applicant,
                APPLICANT_FIELDS,
                [
                    (
                        district.pk,
                        year,
                        child["number"],
                        child["name"],
                        child["gender"],
                        birth(child["birth_date"]),
                        id_number,
                        child["guardian_name"],
                        child["guardian_phone"],
                        child["hukou_address"],
                        child["residence_address"],
                    )
                    for id_number, child in children
                ],
                progress,
            )
            pks = dict(batch.existing_applicants)
            if children:
                pks.update(
                    Applicant.objects.filter(district=district, year=year).values_list(
                        "id_number", "id"
                    )
                )
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            submitted = Application.Status.SUBMITTED.value
            _insert(
                Application,
                APPLICATION_FIELDS,
                [
                    (
                        pks[a["id_number"]],
                        a["school"].pk,
                        year,
                        a["preference"],
                        a["priority"],
                        a["multiple_birth_group"],
                        submitted,
                        "",
                        now,
                    )
                    for a in batch.applications
                ],
                progress,
            )
            applications = batch.applications
            summary = {
                "district": district.code,
                "year": year,
                "rows": batch.rows,
                "applicants_created": len(children),
                "applications_created": len(applications),
                "per_school": dict(batch.per_school),
                "file_sha256": batch.digest,
            }
            audit.record(
                "enrollment.applications_imported",
                district,
                actor=actor,
                payload=summary,
            )
    except IntegrityError as exc:
        # Another import or a reviewer wrote the same child or application in the meantime.
        raise ImportRejected(
            [RowError(0, "", _("与已有数据冲突，未写入任何记录，请重新检查后导入。"))]
        ) from exc
    return summary


def run(
    filename: str,
    data: bytes,
    district: District,
    year: int,
    *,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Batch, dict | None]:
    """Parse, validate and (unless dry_run or any error) write. Returns (batch, summary).

    Raises ImportRejected, with nothing written, for a workbook that cannot be read or for a
    write that conflicts with rows stored meanwhile; callers show its ``errors`` like a batch's.
    """
    rows, errors = parse(filename, data)
    batch = Batch(district=district, year=year, rows=len(rows), errors=errors)
    if errors:
        return batch, None
    total = len(rows)
    batch = validate(
        rows, district, year, (lambda n: progress("validate", n, total)) if progress else None
    )
    batch.digest = hashlib.sha256(data).hexdigest()
    if dry_run or not batch.ok:
        return batch, None
    writes = len(batch.new_applicants) + len(batch.applications)
    summary = commit(batch, actor, (lambda n: progress("write", n, writes)) if progress else None)
    return batch, summary


def template_rows() -> list[list[str]]:
    """Header and one example row for the downloadable template."""
    example = idcard.make("510302", date(2013, 10, 8), 123)
    return [
        HEADERS,
        [
            "",
            "张小明",
            "男",
            "2013-10-08",
            example,
            "张伟",
            "13800000000",
            "自贡市自流井区五星街12号",
            "自贡市自流井区五星街12号",
            "TML",
            "1",
            "1",
            "",
        ],
    ]
