"""The two ledgers (双台账) as .xlsx in the inspectors' columns, and the all-or-nothing import of
an existing problems ledger."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from sunshine.core import audit
from sunshine.core.models import Organisation
from sunshine.oversight.models import Campaign, InspectionGroup, Problem, ProblemCounter

# The columns inspectors already use, in their order; then three of ours that keep a round trip
# lossless.
COLUMNS = [
    "编号",
    "对象",
    "日期",
    "方式",
    "检查组",
    "发现问题",
    "责任单位",
    "整改要求",
    "整改时限",
    "整改进展",
    "核查情况",
    "销号日期",
]
EXTRA = ["类别", "严重程度", "责任人"]


def _book(title: str, header: list[str], rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    widths = {"A": 14, "B": 22, "C": 12, "D": 14, "E": 14, "F": 50, "G": 22, "H": 40}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _method(problem: Problem) -> str:
    if problem.visit_id:
        v = problem.visit
        return f"{v.get_mode_display()}·{v.get_method_display()}"
    return str(problem.get_source_display())


def problems_xlsx(problems) -> bytes:
    problems = problems.select_related(
        "subject", "responsible_org", "group", "visit", "campaign"
    ).order_by("found_on", "number")
    rows = (
        [
            p.number,
            p.subject.name if p.subject_id else "",
            p.found_on,
            _method(p),
            p.group.name if p.group_id else "",
            p.description,
            p.responsible_org.name if p.responsible_org_id else "",
            p.demand,
            p.deadline,
            str(p.get_status_display()),
            p.verification_note,
            p.closed_on,
            str(p.get_category_display()) if p.category else "",
            str(p.get_severity_display()),
            p.responsible_person,
        ]
        for p in problems
    )
    return _book(_("问题台账"), COLUMNS + EXTRA, rows)


def visits_xlsx(visits) -> bytes:
    visits = visits.select_related("subject", "group").prefetch_related("problems__responsible_org")
    rows = []
    for v in visits.order_by("date", "id"):
        problems = list(v.problems.all())

        def joined(f, problems=problems):
            return "\n".join(f(p) for p in problems if f(p))

        rows.append(
            [
                v.number,
                v.subject.name,
                v.date,
                f"{v.get_mode_display()}·{v.get_method_display()}",
                v.group.name if v.group_id else "",
                joined(lambda p: f"{p.number} {p.description}") or _("未发现问题"),
                joined(lambda p: p.responsible_org.name if p.responsible_org_id else ""),
                joined(lambda p: p.demand),
                joined(lambda p: p.deadline.isoformat() if p.deadline else ""),
                joined(lambda p: f"{p.number} {p.get_status_display()}"),
                joined(lambda p: p.verification_note),
                joined(lambda p: p.closed_on.isoformat() if p.closed_on else ""),
            ]
        )
    return _book(_("走访台账"), COLUMNS, rows)


# --- import ----------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("第 %(row)s 行，“%(col)s”列：%(reason)s") % {
            "row": self.row,
            "col": self.column,
            "reason": self.reason,
        }


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


NUMBER_RE = re.compile(r"^WT-(\d{4})-(\d{3,})$")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _date(v):
    if v in (None, ""):
        return None
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    s = str(v).strip().replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", s) or re.match(
        r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", s
    )
    if not m:
        raise ValueError
    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _label_map(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
    return out


def import_problems(fileobj, *, campaign: Campaign | None, by, district=None) -> list[Problem]:
    """Validate every row, then write all of them in one transaction, or raise ImportFailed
    listing every bad row (row number, column, reason) and write nothing."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise ImportFailed([RowError(1, "—", _("无法读取该 .xlsx 文件。"))]) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise ImportFailed([RowError(1, "—", _("表格是空的。"))])
    header = [_text(h) for h in rows[0]]
    missing = [c for c in ("对象", "日期", "发现问题") if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, _("缺少该列。")) for c in missing])
    col = {name: header.index(name) for name in COLUMNS + EXTRA if name in header}

    district = district or (campaign.district if campaign else None)
    orgs = Organisation.objects.all()
    if district is not None:
        orgs = orgs.filter(district=district)
    by_name: dict[str, list[Organisation]] = {}
    for o in orgs:
        by_name.setdefault(o.name, []).append(o)
    groups = (
        {g.name: g for g in InspectionGroup.objects.filter(campaign=campaign)} if campaign else {}
    )
    statuses = _label_map(Problem.Status.choices)
    categories = _label_map(Problem.Category.choices)
    severities = _label_map(Problem.Severity.choices)
    existing = set(Problem.objects.values_list("number", flat=True))

    errors: list[RowError] = []
    parsed: list[dict] = []
    seen_numbers: set[str] = set()
    for i, raw in enumerate(rows[1:], start=2):
        if raw is None or all(_text(v) == "" for v in raw):
            continue

        def cell(name, raw=raw):
            idx = col.get(name)
            return raw[idx] if idx is not None and idx < len(raw) else None

        def err(column, reason, i=i):
            errors.append(RowError(i, column, reason))

        def org(name, column):
            text = _text(cell(name))
            if not text:
                return None
            found = by_name.get(text, [])
            if len(found) != 1:
                err(
                    column,
                    _("找不到单位“%(name)s”。") % {"name": text}
                    if not found
                    else _("单位“%(name)s”不唯一。") % {"name": text},
                )
                return None
            return found[0]

        item: dict = {}
        number = _text(cell("编号"))
        if number:
            if number in existing or number in seen_numbers:
                err("编号", _("编号 %(n)s 已存在。") % {"n": number})
            seen_numbers.add(number)
        item["number"] = number
        item["subject"] = org("对象", "对象")
        if not _text(cell("对象")):
            err("对象", _("必填。"))
        item["responsible_org"] = org("责任单位", "责任单位") or item["subject"]
        for name, key in (
            ("日期", "found_on"),
            ("整改时限", "deadline"),
            ("销号日期", "closed_on"),
        ):
            try:
                item[key] = _date(cell(name))
            except ValueError:
                err(name, _("不是有效日期（应为 2023-08-01 这样的格式）。"))
                item[key] = None
        if cell("日期") in (None, ""):
            err("日期", _("必填。"))
        item["description"] = _text(cell("发现问题"))
        if not item["description"]:
            err("发现问题", _("必填。"))
        item["demand"] = _text(cell("整改要求"))
        item["verification_note"] = _text(cell("核查情况"))
        item["responsible_person"] = _text(cell("责任人"))[:50]
        status_text = _text(cell("整改进展")) or str(Problem.Status.OPEN.label)
        item["status"] = statuses.get(status_text)
        if item["status"] is None:
            err("整改进展", _("未知的状态“%(s)s”。") % {"s": status_text})
        elif item["status"] == Problem.Status.VERIFIED and not item["closed_on"]:
            err("销号日期", _("已销号的问题必须填写销号日期。"))
        elif item["status"] != Problem.Status.VERIFIED and item["closed_on"]:
            err("销号日期", _("只有已核查销号的问题才有销号日期。"))
        cat = _text(cell("类别"))
        item["category"] = categories.get(cat, "") if cat else ""
        if cat and not item["category"]:
            err("类别", _("未知的类别“%(s)s”。") % {"s": cat})
        sev = _text(cell("严重程度"))
        item["severity"] = severities.get(sev) if sev else Problem.Severity.GENERAL
        if item["severity"] is None:
            err("严重程度", _("未知的严重程度“%(s)s”。") % {"s": sev})
        group = _text(cell("检查组"))
        item["group"] = groups.get(group) if group else None
        if group and item["group"] is None:
            err("检查组", _("本专项检查中没有检查组“%(s)s”。") % {"s": group})
        parsed.append(item)

    if errors:
        raise ImportFailed(errors)
    if not parsed:
        raise ImportFailed([RowError(2, "—", _("表格中没有数据行。"))])

    created = []
    with transaction.atomic():
        for item in parsed:
            number = item.pop("number")
            found_on = item["found_on"]
            if number:
                m = NUMBER_RE.match(number)
                if m:
                    # Keep the counter ahead of imported numbers so new ones never collide.
                    year, seq = int(m.group(1)), int(m.group(2))
                    ProblemCounter.objects.get_or_create(year=year)
                    c = ProblemCounter.objects.select_for_update().get(year=year)
                    if c.last < seq:
                        c.last = seq
                        c.save(update_fields=["last"])
            else:
                number = Problem.next_number(found_on.year)
            p = Problem.objects.create(
                number=number,
                campaign=campaign,
                source=Problem.Source.IMPORT,
                raised_by=by if getattr(by, "is_authenticated", False) else None,
                **item,
            )
            created.append(p)
        audit.record(
            "oversight.problems_imported",
            campaign,
            actor=by,
            object_type="" if campaign else "oversight.problem",
            object_repr=str(campaign) if campaign else _("问题台账导入"),
            payload={"count": len(created), "numbers": [p.number for p in created][:200]},
        )
    return created


def filter_problems(qs, params, today=None):
    """The ledger filters shared by the page and the export: campaign, subject, status, overdue."""
    if (campaign := query_id(params, "campaign")) is not None:
        qs = qs.filter(campaign_id=campaign)
    if (subject := query_id(params, "subject")) is not None:
        qs = qs.filter(subject_id=subject)
    if params.get("status") in Problem.Status.values:
        qs = qs.filter(status=params["status"])
    if params.get("overdue") == "1":
        qs = qs.overdue(today)
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return qs


def filter_visits(qs, params):
    if (campaign := query_id(params, "campaign")) is not None:
        qs = qs.filter(campaign_id=campaign)
    if (subject := query_id(params, "subject")) is not None:
        qs = qs.filter(subject_id=subject)
    if (group := query_id(params, "group")) is not None:
        qs = qs.filter(group_id=group)
    if params.get("status") in Problem.Status.values:
        qs = qs.filter(problems__status=params["status"]).distinct()
    if params.get("overdue") == "1":
        qs = qs.filter(pk__in=Problem.objects.overdue().values("visit_id")).distinct()
    return qs


MAX_ID = 2**63 - 1  # the largest primary key any backend stores (bigint)


def query_id(params, name: str) -> int | None:
    """The id in a query parameter, or None when it is missing or not an id at all ("abc", "1.5",
    "-1", a number too large for the database). Views treat None as if the parameter were absent,
    so a hand-edited or truncated link shows the page unfiltered or unfilled, never a 500."""
    value = (params.get(name) or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
