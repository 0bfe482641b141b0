import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sunshine.core.audit_models import AuditEntry
from sunshine.oversight import ledger
from sunshine.oversight.models import Problem

pytestmark = pytest.mark.django_db
D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIELDS = [
    "number",
    "subject_id",
    "found_on",
    "group_id",
    "description",
    "responsible_org_id",
    "responsible_person",
    "demand",
    "deadline",
    "status",
    "verification_note",
    "closed_on",
    "category",
    "severity",
]


def _rows(content: bytes):
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_it_exports_the_problems_ledger_in_the_inspectors_columns(client, world, make_problem):
    make_problem(responsible_person="王老师")
    client.force_login(world.inspector)
    response = client.get(reverse("oversight:problem_list"), {"format": "xlsx"})
    assert response["Content-Type"] == XLSX
    header, row = _rows(response.content)
    assert list(header[:12]) == [
        "编号", "对象", "日期", "方式", "检查组", "发现问题",
        "责任单位", "整改要求", "整改时限", "整改进展", "核查情况", "销号日期",
    ]  # fmt: skip
    assert row[:6] == (
        "WT-2023-001",
        "龙隐小学",
        datetime.datetime(2023, 7, 20),
        "明察·现场查看",
        "第一检查组",
        "招生咨询电话无人接听",
    )
    assert row[9] == "待整改"


def test_the_visits_ledger_lists_each_visit_with_its_findings(client, world, make_problem):
    problem = make_problem()
    client.force_login(world.inspector)
    response = client.get(reverse("oversight:visit_list"), {"format": "xlsx"})
    header, row = _rows(response.content)
    assert header[0] == "编号" and row[1] == "龙隐小学" and row[4] == "第一检查组"
    assert problem.number in row[5] and "龙隐小学" in row[6]


def test_the_export_filters_by_campaign_status_and_overdue(client, world, make_problem):
    late = make_problem(deadline=D(2000, 1, 1), description="逾期的")
    make_problem(deadline=D(2999, 1, 1), description="未到期")
    client.force_login(world.inspector)
    url = reverse("oversight:problem_list")
    assert [
        r[0] for r in _rows(client.get(url, {"format": "xlsx", "overdue": "1"}).content)[1:]
    ] == [late.number]
    rows = _rows(client.get(url, {"format": "xlsx", "status": "verified"}).content)
    assert len(rows) == 1
    rows = _rows(client.get(url, {"format": "xlsx", "campaign": world.campaign.pk}).content)
    assert len(rows) == 3


def test_export_then_import_gives_back_the_same_ledger(world, make_problem, lookback):
    a = make_problem(deadline=D(2023, 8, 1), responsible_person="张某", severity="serious")
    a.start_rectifying(by=world.inspector)
    a.report_rectification(text="done", by=world.inspector)
    a.verify(visit=lookback(), note="整改到位", by=world.inspector)
    make_problem("汇通小学", description="汇通小学问题", deadline=None, category="")
    before = list(Problem.objects.order_by("number").values(*FIELDS))
    content = ledger.problems_xlsx(Problem.objects.all())

    Problem.objects.all().delete()
    created = ledger.import_problems(BytesIO(content), campaign=world.campaign, by=world.inspector)
    assert len(created) == 2
    after = list(Problem.objects.order_by("number").values(*FIELDS))
    assert after == before
    # New numbers continue after the imported ones.
    assert make_problem(description="新问题").number == "WT-2023-002"
    assert AuditEntry.objects.filter(action="oversight.problems_imported").count() == 1


def _sheet(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(ledger.COLUMNS)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _row(**kw):
    base = dict.fromkeys(ledger.COLUMNS, None)
    base.update({"对象": "龙隐小学", "日期": "2023-07-20", "发现问题": "某问题"})
    base.update(kw)
    return [base[c] for c in ledger.COLUMNS]


def test_an_import_with_bad_rows_writes_nothing_and_names_every_error(world):
    sheet = _sheet(
        [
            _row(),
            _row(**{"对象": "不存在的学校"}),
            _row(**{"日期": "七月"}),
            _row(**{"发现问题": ""}),
            _row(**{"整改进展": "已核查销号"}),
            _row(**{"整改进展": "差不多"}),
            _row(**{"检查组": "第九检查组"}),
            _row(**{"销号日期": "2023-08-01"}),
        ]
    )
    with pytest.raises(ledger.ImportFailed) as exc:
        ledger.import_problems(sheet, campaign=world.campaign, by=world.inspector)
    found = {(e.row, e.column) for e in exc.value.errors}
    assert found == {
        (3, "对象"),
        (4, "日期"),
        (5, "发现问题"),
        (6, "销号日期"),
        (7, "整改进展"),
        (8, "检查组"),
        (9, "销号日期"),
    }
    assert not Problem.objects.exists()


def test_the_import_page_lists_row_errors_and_imports_a_clean_file(client, world):
    client.force_login(world.inspector)
    url = reverse("oversight:problem_import")
    bad = SimpleUploadedFile("l.xlsx", _sheet([_row(), _row(**{"对象": "无此单位"})]).read(), XLSX)
    response = client.post(url, {"campaign": world.campaign.pk, "file": bad})
    page = response.content.decode()
    assert "第 3 行" in page and "无此单位" in page and "未写入任何数据" in page
    assert not Problem.objects.exists()
    good = SimpleUploadedFile("l.xlsx", _sheet([_row(), _row(**{"整改时限": "2023-08-01"})]).read())
    response = client.post(url, {"campaign": world.campaign.pk, "file": good})
    assert response.status_code == 302
    assert Problem.objects.filter(source=Problem.Source.IMPORT).count() == 2


def test_the_import_refuses_a_file_that_is_not_xlsx(client, world):
    client.force_login(world.inspector)
    fake = SimpleUploadedFile("l.xlsx", b"%PDF-1.4 not a workbook")
    response = client.post(reverse("oversight:problem_import"), {"file": fake}, follow=True)
    assert "不符" in response.content.decode()
    assert not Problem.objects.exists()
