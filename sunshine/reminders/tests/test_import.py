import io

import openpyxl
import pytest

from sunshine.core.audit_models import AuditEntry
from sunshine.reminders import importer
from sunshine.reminders.models import StaffMember

pytestmark = pytest.mark.django_db

HEADER = "姓名,单位,职务,人员类别,手机号,电子邮箱\n"


def csv_bytes(*rows: str, header: str = HEADER, encoding="utf-8") -> bytes:
    return (header + "\n".join(rows) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_it_imports_a_csv_file(qx):
    data = csv_bytes(
        "王芳,龙隐小学,校长,学校领导,138 0000 0001,wf@ly.example.cn",
        "李强,汇通小学,招生办主任,招生工作人员,13800000002,",
        "赵敏,七星区教育局,副局长,教育局领导班子,,zm@qx.example.cn",
    )
    result = importer.import_staff(qx, "staff.csv", data)
    assert (result.created, result.updated) == (3, 0)
    wf = StaffMember.objects.get(name="王芳")
    assert (wf.mobile, wf.category, wf.organisation.name) == (
        "13800000001",
        "school_leader",
        "龙隐小学",
    )
    assert StaffMember.objects.get(name="赵敏").category == "bureau_leader"
    assert AuditEntry.objects.filter(action="reminders.staff_imported").count() == 1


def test_it_imports_an_xlsx_file_with_numeric_mobiles(qx):
    data = xlsx_bytes(
        [
            ["姓名", "单位", "职务", "人员类别", "手机号", "电子邮箱"],
            ["王芳", "龙隐小学", "校长", "学校领导", 13800000001, None],
            ["李强", "汇通小学", "教师", None, 13800000002.0, "lq@ht.example.cn"],
        ]
    )
    result = importer.import_staff(qx, "名录.xlsx", data)
    assert result.created == 2
    assert set(StaffMember.objects.values_list("mobile", flat=True)) == {
        "13800000001",
        "13800000002",
    }
    assert StaffMember.objects.get(name="李强").category == "other"


def test_it_reports_every_bad_row_and_writes_nothing(qx):
    data = csv_bytes(
        "王芳,龙隐小学,校长,学校领导,13800000001,",
        ",龙隐小学,教师,,13800000002,",
        "李强,不存在的学校,教师,,13800000003,",
        "赵敏,汇通小学,教师,校外人员,12345,not-an-email",
        "钱多,汇通小学,教师,,,",
    )
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_staff(qx, "staff.csv", data)
    errors = [(e.row, e.column) for e in exc.value.errors]
    assert errors == [
        (3, "name"),
        (4, "organisation"),
        (5, "category"),
        (5, "email"),
        (5, "mobile"),
        (6, "mobile"),
    ]
    reasons = {(e.row, e.column): e.reason for e in exc.value.errors}
    assert "不存在的学校" in reasons[(4, "organisation")]
    assert "11 位" in reasons[(5, "mobile")]
    assert StaffMember.objects.count() == 0  # the good first row was not written either


def test_it_names_missing_columns(qx):
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_staff(qx, "staff.csv", csv_bytes("王芳", header="姓名\n"))
    assert {(e.row, e.column) for e in exc.value.errors} == {
        (1, "organisation"),
        (1, "mobile"),
    }


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("staff.pdf", b"%PDF-1.4", "只接受"),
        ("staff.xlsx", b"name,organisation\n", "不符"),
        ("staff.csv", b"PK\x03\x04binary", "不符"),
        ("staff.csv", b"", "空"),
    ],
)
def test_it_refuses_files_of_the_wrong_type(qx, name, data, reason):
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_staff(qx, name, data)
    assert reason in exc.value.errors[0].reason


def test_it_refuses_a_file_over_the_size_limit(qx, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_staff(qx, "staff.csv", csv_bytes(*["王芳,龙隐小学,,,13800000001,"] * 10))
    assert "太大" in exc.value.errors[0].reason


def test_it_reads_gbk_encoded_csv(qx):
    data = csv_bytes("王芳,龙隐小学,校长,学校领导,13800000001,", encoding="gbk")
    assert importer.import_staff(qx, "staff.csv", data).created == 1
    assert StaffMember.objects.get().name == "王芳"


def test_it_merges_duplicate_rows_and_updates_known_people(qx, make_staff):
    (known,) = make_staff(1, name="王芳", position="教师")
    data = csv_bytes(
        f"王芳,汇通小学,副校长,学校领导,{known.mobile},wf@ht.example.cn",
        "李强,龙隐小学,教师,,13900000001,lq@ly.example.cn",
        "李强,龙隐小学,教师,,139-0000-0001,",  # same mobile: merged into the row above
        "李强（重名）,龙隐小学,教师,,,LQ@ly.example.cn",  # same e-mail, other case: merged
    )
    result = importer.import_staff(qx, "staff.csv", data)
    assert (result.created, result.updated) == (1, 1)
    assert result.merged == [(4, 3), (5, 3)]
    known.refresh_from_db()
    assert (known.organisation.name, known.position, known.email) == (
        "汇通小学",
        "副校长",
        "wf@ht.example.cn",
    )
    assert StaffMember.objects.count() == 2
    # Importing the same file again changes nothing: the directory stays de-duplicated.
    again = importer.import_staff(qx, "staff.csv", data)
    assert (again.created, again.updated) == (0, 2)
    assert StaffMember.objects.count() == 2


def test_it_refuses_a_row_whose_mobile_and_email_belong_to_two_people(qx, make_staff):
    (a,), (b,) = make_staff(1), make_staff(1, channel="email")
    data = csv_bytes(f"王芳,龙隐小学,,,{a.mobile},{b.email}")
    with pytest.raises(importer.ImportFailed) as exc:
        importer.import_staff(qx, "staff.csv", data)
    assert "两位不同人员" in exc.value.errors[0].reason


def test_it_understands_chinese_categories_whatever_the_interface_language(qx):
    from django.utils import translation

    data = csv_bytes(
        "王芳,龙隐小学,校长,学校领导,13800000001,", "李强,汇通小学,,School leaders,13800000002,"
    )
    with translation.override("en"):
        assert importer.import_staff(qx, "staff.csv", data).created == 2
    assert set(StaffMember.objects.values_list("category", flat=True)) == {"school_leader"}
