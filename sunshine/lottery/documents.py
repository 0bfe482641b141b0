"""The announcement PDF (Chinese, built-in CID font, no font file) and the schools' .xlsx."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.lottery.models import Draw

FONT = "STSong-Light"


def _fmt(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else "—"


def announcement_pdf(draw: Draw) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=12)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1)
    h2 = ParagraphStyle("h2", parent=body, fontSize=13, leading=20, spaceBefore=8)

    result = draw.result() or {}
    numbers = result.get("lottery_numbers", {})
    story = [
        Paragraph(_("%(district)s电脑随机摇号结果公告") % {"district": draw.district}, title),
        Paragraph(draw.title, ParagraphStyle("sub", parent=body, alignment=1)),
        Spacer(1, 6 * mm),
        Paragraph(
            _(
                "本次摇号编号 %(code)s，算法 sunshine-lottery/1。报名名单于 %(frozen)s 冻结，"
                "摇号于 %(drawn)s 完成。下列摘要可用公开的 manifest.json、entropy.json、"
                "result.json 和 verify_draw.py 任何人自行复核。"
            )
            % {"code": draw.code, "frozen": _fmt(draw.frozen_at), "drawn": _fmt(draw.drawn_at)},
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    digest_rows = [
        [_("清单摘要"), draw.manifest_digest],
        [_("随机种子"), draw.seed],
        [_("结果摘要"), draw.result_digest],
    ]
    story.append(
        Table(
            [[Paragraph(a, small), Paragraph(b, small)] for a, b in digest_rows],
            colWidths=[25 * mm, 145 * mm],
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]),
        )
    )
    story.append(Paragraph(_("随机数来源（见证人揭示值）"), h2))
    rows = [[_("来源"), _("见证人"), _("揭示值")]]
    for w in draw.witnesses.all():
        rows.append([w.source, w.name, w.value or "—"])
    story.append(_table(rows, [38 * mm, 82 * mm, 50 * mm], small))

    for ds in draw.draw_schools():
        lists = result.get("schools", {}).get(ds.school.code, {"admitted": [], "waitlist": []})
        story.append(
            Paragraph(
                _("%(school)s（摇号学位 %(places)s 个）")
                % {"school": ds.school.name, "places": ds.places},
                h2,
            )
        )
        story.append(Paragraph(_("录取名单（按录取顺序，报名号/摇号序号）"), body))
        story.append(_grid(lists["admitted"], numbers, small))
        story.append(Paragraph(_("候补名单（按候补顺序）"), body))
        story.append(_grid(lists["waitlist"], numbers, small))

    story.append(Paragraph(_("见证签字"), h2))
    sign = []
    for w in draw.witnesses.exclude(kind="beacon").order_by("order", "pk"):
        label = f"{_('公证员')}（{w.name}）" if w.kind == "notary" else w.name
        sign.append([label, "", _("日期"), ""])
    sign.append([_("教育局经办人"), "", _("日期"), ""])
    story.append(
        Table(
            [[Paragraph(str(c), small) for c in row] for row in sign],
            colWidths=[70 * mm, 55 * mm, 15 * mm, 30 * mm],
            rowHeights=[11 * mm] * len(sign),
            style=TableStyle(
                [
                    ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                    ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            ),
        )
    )
    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=draw.title,
        author=str(draw.district),
    )
    doc.build(story)
    return buf.getvalue()


def _table(rows, widths, style):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    return Table(
        [[Paragraph(str(c), style) for c in row] for row in rows],
        colWidths=widths,
        repeatRows=1,
        style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]),
    )


def _grid(ids: list[str], numbers: dict, style, cols: int = 4):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    if not ids:
        return Paragraph(_("（无）"), style)
    cells = [f"{i}. {n}（{numbers.get(n, '')}）" for i, n in enumerate(ids, 1)]
    rows = [cells[k : k + cols] for k in range(0, len(cells), cols)]
    rows[-1] += [""] * (cols - len(rows[-1]))
    return Table(
        [[Paragraph(c, style) for c in row] for row in rows],
        colWidths=[170 * mm / cols] * cols,
        style=TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)]),
    )


def result_xlsx(draw: Draw, school=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    result = draw.result() or {}
    numbers = result.get("lottery_numbers", {})
    wb = Workbook()
    wb.remove(wb.active)
    for ds in draw.draw_schools():
        if school is not None and ds.school_id != school.pk:
            continue
        ws = wb.create_sheet(ds.school.code[:31])
        ws.append([draw.title, ds.school.name, _("摇号学位"), ds.places])
        ws.append([_("清单摘要"), draw.manifest_digest])
        ws.append([_("结果摘要"), draw.result_digest])
        ws.append([])
        header = [_("序号"), _("报名号"), _("摇号序号"), _("结果"), _("名次")]
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        lists = result.get("schools", {}).get(ds.school.code, {"admitted": [], "waitlist": []})
        row = 0
        for label, key in ((_("录取"), "admitted"), (_("候补"), "waitlist")):
            for pos, n in enumerate(lists[key], 1):
                row += 1
                ws.append([row, n, numbers.get(n), label, pos])
        ws.column_dimensions["B"].width = 20
        ws.column_dimensions["A"].width = 14
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
