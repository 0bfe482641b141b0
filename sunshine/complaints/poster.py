"""The printable "scan to report" (码上举报) poster: a QR code that opens the complaint form.

PDF with reportlab's built-in CID font STSong-Light (no font file needed; PDF readers supply
the glyphs), QR drawn as vector squares so it prints sharp at any size. PNG with Pillow, with
the Chinese text when a CJK TrueType font is installed (WenQuanYi, Noto CJK), else QR only.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from sunshine.core.models import District, Organisation

CJK_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
]


def form_url(district: District, org: Organisation | None) -> str:
    params = {"d": district.code}
    if org is not None:
        params["o"] = org.pk
    return f"{settings.SITE_URL.rstrip('/')}{reverse('complaints:new')}?{urlencode(params)}"


def _lines(district: District, org: Organisation | None) -> dict:
    return {
        "title": _("码上举报"),
        "subtitle": _("招生入学　校外培训　监督举报"),
        "place": f"{district}　{org.name}" if org else str(district),
        "scan": _("微信或手机相机扫码，即可在线举报"),
        "points": [
            _("无需注册登录，可以匿名；内容加密保存"),
            _("提交后会得到16位查询码，请抄写保存，凭码查询办理进度、补充材料"),
            _("插队“加塞”、收受钱物、招生违规、违反“双减”规定、工作作风问题都可反映"),
        ],
        "phone": _("举报电话：%(phone)s") % {"phone": district.complaint_phone}
        if district.complaint_phone
        else "",
        "address": _("来信地址：%(address)s") % {"address": district.complaint_address}
        if district.complaint_address
        else "",
        "office": _("%(district)s纪委监委 监制") % {"district": district.name},
    }


def poster_pdf(district: District, org: Organisation | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    url = form_url(district, org)
    text = _lines(district, org)
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{text['title']} {text['place']}")
    c.setFillColorRGB(0.75, 0.1, 0.1)
    c.rect(0, height - 150, width, 150, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(font, 54)
    c.drawCentredString(width / 2, height - 85, text["title"])
    c.setFont(font, 20)
    c.drawCentredString(width / 2, height - 125, text["subtitle"])
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 195, text["place"])

    qr = segno.make(url, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=2))
    size = 300.0
    cell = size / len(matrix)
    x0, y0 = (width - size) / 2, height - 230 - size
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x0 + col * cell, y0 + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)
    c.linkURL(url, (x0, y0, x0 + size, y0 + size), relative=0)  # clickable on screen too
    y = y0 - 35
    c.setFont(font, 20)
    c.drawCentredString(width / 2, y, text["scan"])
    c.setFont(font, 13)
    y -= 40
    for number, point in enumerate(text["points"], 1):
        c.drawString(60, y, f"{number}、{point}")
        y -= 24
    y -= 10
    for key in ("phone", "address"):
        if text[key]:
            c.drawString(60, y, text[key])
            y -= 22
    c.setFont("Helvetica", 9)
    c.drawCentredString(width / 2, 60, url)
    c.setFont(font, 11)
    c.drawCentredString(width / 2, 40, text["office"])
    c.showPage()
    c.save()
    return buf.getvalue()


def _cjk_font(size: int):
    from PIL import ImageFont

    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def poster_png(district: District, org: Organisation | None = None) -> bytes:
    from PIL import Image, ImageDraw

    url = form_url(district, org)
    qr_buf = io.BytesIO()
    segno.make(url, error="m").save(qr_buf, kind="png", scale=12, border=2)
    qr_buf.seek(0)
    qr_img = Image.open(qr_buf).convert("RGB")
    font_big = _cjk_font(72)
    if font_big is None:
        out = io.BytesIO()
        qr_img.save(out, format="PNG")
        return out.getvalue()
    text = _lines(district, org)
    width, height = 1240, 1754  # A4 at 150 dpi
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 300], fill=(191, 26, 26))
    draw.text((width / 2, 130), text["title"], font=font_big, fill="white", anchor="mm")
    draw.text((width / 2, 230), text["subtitle"], font=_cjk_font(38), fill="white", anchor="mm")
    draw.text((width / 2, 380), text["place"], font=_cjk_font(44), fill="black", anchor="mm")
    qr_img = qr_img.resize((720, 720), Image.NEAREST)
    img.paste(qr_img, ((width - 720) // 2, 440))
    draw.text((width / 2, 1220), text["scan"], font=_cjk_font(42), fill="black", anchor="mm")
    small = _cjk_font(28)
    y = 1300
    points = [f"{n}、{p}" for n, p in enumerate(text["points"], 1)]
    for line in [*points, text["phone"], text["address"]]:
        if line:
            draw.text((90, y), line, font=small, fill="black")
            y += 50
    draw.text((width / 2, height - 110), url, font=_cjk_font(22), fill=(80, 80, 80), anchor="mm")
    draw.text((width / 2, height - 60), text["office"], font=small, fill="black", anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
