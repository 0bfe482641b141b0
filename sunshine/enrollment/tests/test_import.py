import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District
from sunshine.enrollment import importer, views
from sunshine.enrollment.models import Applicant, Application
from sunshine.lib import idcard

pytestmark = pytest.mark.django_db


def row(n, school="TML", born=date(2013, 10, 1), id_number=None, preference="1", **over):
    values = {
        "报名号": "",
        "儿童姓名": f"儿童{n}",
        "性别": "男",
        "出生日期": born.isoformat(),
        "身份证号": id_number or idcard.make("510302", born, n),
        "监护人姓名": "家长",
        "监护人手机": f"139{n:08d}",
        "户籍地址": "五星街1号",
        "居住地址": "五星街1号",
        "学校代码": school,
        "志愿顺序": preference,
        "录取顺位": "1",
        "多胞胎组": "",
    }
    values.update(over)
    return [values[h] for h in importer.HEADERS]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importer.HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(importer.HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bad_rows():
    good_id = idcard.make("510302", date(2013, 10, 1), 7)
    broken_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    return [
        row(1),  # row 2: fine
        row(2, id_number=broken_id),  # row 3: checksum
        row(3, school="XYZ"),  # row 4: unknown school
        row(1),  # row 5: duplicate of row 2
        row(5, born=date(2016, 1, 1)),  # row 6: too young
    ]


EXPECTED = {
    (3, "身份证号"),
    (4, "学校代码"),
    (5, "学校代码"),
    (6, "出生日期"),
}


def _snapshot():
    return Applicant.objects.count(), Application.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_rejects_the_whole_file_with_row_numbers(schools, fmt):
    data = as_csv(bad_rows()) if fmt == "csv" else as_xlsx(bad_rows())
    before = _snapshot()
    batch, summary = importer.run(f"a.{fmt}", data, District.objects.get(code="510302"), 2020)
    assert summary is None
    assert {(e.row, e.column) for e in batch.errors} == EXPECTED
    messages = {(e.row, e.column): e.message for e in batch.errors}
    assert "校验码" in messages[(3, "身份证号")]
    assert "XYZ" in messages[(4, "学校代码")]
    assert "第 2 行" in messages[(5, "学校代码")]
    assert "超出范围" in messages[(6, "出生日期")]
    assert _snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_imports_a_clean_file(schools, demo, fmt):
    rows = [
        row(1, school="TML", preference="1"),
        row(1, school="TKS", preference="2"),
        row(2, school="TKS", 多胞胎组="T1"),
    ]
    data = as_csv(rows) if fmt == "csv" else as_xlsx(rows)
    batch, summary = importer.run(
        f"a.{fmt}", data, District.objects.get(code="510302"), 2020, actor=demo["bureau_zlj"]
    )
    assert batch.errors == []
    assert summary["applicants_created"] == 2
    assert summary["applications_created"] == 3
    child = Applicant.objects.get(name="儿童1")
    assert child.number.startswith("2020-")
    assert child.birth_date == date(2013, 10, 1)
    assert (child.gender, child.guardian_phone) == ("M", "13900000001")
    stored = Application.objects.get(applicant=child, school__code="TML")
    assert stored.status == Application.Status.SUBMITTED
    assert stored.submitted_at is not None and stored.submitted_at.tzinfo is not None
    twin = Application.objects.get(applicant__name="儿童2")
    assert twin.multiple_birth_group == "T1"
    assert sorted(child.applications.values_list("school__code", "preference")) == [
        ("TKS", 2),
        ("TML", 1),
    ]
    entry = AuditEntry.objects.get(action="enrollment.applications_imported")
    assert entry.payload["applications_created"] == 3
    assert child.id_number not in str(entry.payload)


def test_it_refuses_an_application_already_stored(schools, make_application):
    existing = make_application("TML")
    rows = [row(99, id_number=existing.applicant.id_number, born=existing.applicant.birth_date)]
    batch, summary = importer.run("a.csv", as_csv(rows), District.objects.get(code="510302"), 2020)
    assert summary is None
    assert [(e.row, e.column) for e in batch.errors] == [(2, "学校代码")]
    assert "已报名" in batch.errors[0].message


def test_it_reports_missing_columns(schools):
    data = "儿童姓名,性别\n张三,男\n".encode()
    batch, summary = importer.run("a.csv", data, District.objects.get(code="510302"), 2020)
    assert summary is None
    assert {e.column for e in batch.errors} >= {"身份证号", "学校代码"}
    assert all(e.row == 1 for e in batch.errors)


def test_the_web_preview_writes_nothing_and_the_confirmation_imports(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    before = _snapshot()
    upload = SimpleUploadedFile("kids.csv", as_csv([row(1), row(2)]), "text/csv")
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    page = response.content.decode()
    assert "预检通过" in page
    assert _snapshot() == before
    token = response.context["token"]
    response = client.post(reverse("enrollment:import_confirm"), {"token": token}, follow=True)
    assert "导入完成" in response.content.decode()
    assert Application.objects.count() == before[1] + 2
    # The same token cannot import twice.
    client.post(reverse("enrollment:import_confirm"), {"token": token})
    assert Application.objects.count() == before[1] + 2


def test_the_web_import_lists_errors_by_row(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    before = _snapshot()
    upload = SimpleUploadedFile("kids.xlsx", as_xlsx(bad_rows()))
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    page = response.content.decode()
    assert "未写入任何数据" in page
    assert "token" not in response.context
    for r, _col in EXPECTED:
        assert f"<td>{r}</td>" in page
    assert _snapshot() == before


def test_it_refuses_a_file_whose_content_does_not_match(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    upload = SimpleUploadedFile("kids.xlsx", as_csv([row(1)]))
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    assert "不符" in response.content.decode()
    upload = SimpleUploadedFile("kids.exe", b"MZ\x00\x00")
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    assert "不支持的文件类型" in response.content.decode()


def test_the_command_rejects_and_writes_nothing(schools, tmp_path):
    path = tmp_path / "kids.csv"
    path.write_bytes(as_csv(bad_rows()))
    before = _snapshot()
    with pytest.raises(CommandError, match="4 errors"):
        call_command("import_applications", str(path), "--district", "510302", "--year", "2020")
    assert _snapshot() == before


def test_the_command_dry_run_then_import(schools, tmp_path):
    path = tmp_path / "kids.xlsx"
    path.write_bytes(as_xlsx([row(1), row(2)]))
    out = io.StringIO()
    args = ["import_applications", str(path), "--district", "510302", "--year", "2020"]
    call_command(*args, "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue()
    assert Application.objects.count() == 0
    call_command(*args, stdout=out)
    assert Application.objects.count() == 2


def test_it_explains_an_id_number_stored_as_a_number_in_excel(schools):
    bad = row(1)
    bad[importer.HEADERS.index("身份证号")] = 510302201310010011
    batch, summary = importer.run(
        "a.xlsx", as_xlsx([bad]), District.objects.get(code="510302"), 2020
    )
    assert summary is None
    assert [(e.row, e.column) for e in batch.errors] == [(2, "身份证号")]
    assert "文本" in batch.errors[0].message


def test_the_downloadable_template_passes_the_checks(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    response = client.get(reverse("enrollment:import_template"))
    data = response.content
    assert data.decode("utf-8-sig").splitlines()[0].split(",") == importer.HEADERS
    batch, _summary = importer.run(
        "t.csv", data, District.objects.get(code="510302"), 2020, dry_run=True
    )
    assert batch.errors == []


def damaged_xlsx() -> bytes:
    """A zip that passes the upload check (it holds xl/workbook.xml) but is no workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "这不是工作簿 <<<")
    return out.getvalue()


def test_a_damaged_workbook_is_rejected_on_reading(schools):
    with pytest.raises(importer.ImportRejected) as caught:
        importer.parse("a.xlsx", damaged_xlsx())
    assert "无法读取 Excel 文件" in caught.value.errors[0].message


def test_the_web_preview_of_a_damaged_workbook_lists_the_error(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    before = _snapshot()
    upload = SimpleUploadedFile("kids.xlsx", damaged_xlsx())
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "未写入任何数据" in page and "无法读取 Excel 文件" in page
    assert "token" not in response.context
    assert _snapshot() == before


def test_the_command_reports_a_damaged_workbook_without_a_traceback(schools, tmp_path):
    path = tmp_path / "kids.xlsx"
    path.write_bytes(damaged_xlsx())
    err = io.StringIO()
    before = _snapshot()
    with pytest.raises(CommandError, match="1 errors"):
        call_command(
            "import_applications", str(path), "--district", "510302", "--year", "2020", stderr=err
        )
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "无法读取 Excel 文件" in lines[0]
    assert _snapshot() == before


def test_a_confirmation_that_loses_a_race_shows_the_conflict(client, demo, schools, monkeypatch):
    """Two clicks on the same confirmation at once: both checked the file before either wrote.
    The second write conflicts; it must show the conflict, not fail, and write nothing."""
    client.force_login(demo["bureau_zlj"])
    data = as_csv([row(1), row(2)])
    upload = SimpleUploadedFile("kids.csv", data, "text/csv")
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    token = response.context["token"]
    staged = dict(client.session[views._SESSION_KEY])
    rows, _errors = importer.parse("kids.csv", data)
    district = District.objects.get(code="510302")
    stale = importer.validate(rows, district, 2020)  # checked before the first click wrote

    response = client.post(reverse("enrollment:import_confirm"), {"token": token}, follow=True)
    assert "导入完成" in response.content.decode()
    after_first = _snapshot()

    # The second click: same session, its file still there, its check already passed.
    session = client.session
    session[views._SESSION_KEY] = staged
    session.save()
    default_storage.save(staged["path"], ContentFile(data))
    monkeypatch.setattr(importer, "validate", lambda *args, **kwargs: stale)
    response = client.post(reverse("enrollment:import_confirm"), {"token": token})
    assert response.status_code == 200
    page = response.content.decode()
    assert "与已有数据冲突" in page and "未写入任何数据" in page
    assert _snapshot() == after_first
    assert not default_storage.exists(staged["path"])


def test_a_second_click_after_the_file_is_gone_says_the_preview_expired(client, demo, schools):
    client.force_login(demo["bureau_zlj"])
    upload = SimpleUploadedFile("kids.csv", as_csv([row(1)]), "text/csv")
    response = client.post(reverse("enrollment:import"), {"year": 2020, "file": upload})
    token = response.context["token"]
    default_storage.delete(client.session[views._SESSION_KEY]["path"])
    before = _snapshot()
    response = client.post(reverse("enrollment:import_confirm"), {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert _snapshot() == before
