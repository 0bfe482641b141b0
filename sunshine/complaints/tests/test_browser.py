"""In a real browser: scan the poster's QR URL, file a complaint, follow it with the receipt,
and read the handler's reply."""

import re

import pytest

from sunshine.complaints.models import Complaint
from sunshine.complaints.poster import form_url
from sunshine.core.models import District, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_files_from_the_qr_and_follows_the_reply(
    page, live_server, demo, browser_login, artifacts_dir, settings
):
    settings.SITE_URL = live_server.url
    zlj = District.objects.get(code="510302")
    tml = Organisation.objects.get(name="檀木林小学")
    url = form_url(zlj, tml)  # what the poster's QR code encodes

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(url)
    assert page.locator("#id_subject_org").input_value() == str(tml.pk)
    page.check("input[name=category][value=queue_jumping]")
    page.fill("#id_text", "报名现场有人说交两万元可以不摇号直接进檀木林小学。")
    page.fill("#id_when", "2026年7月上旬")
    page.click("button.primary")
    receipt = page.locator("#receipt").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    page.screenshot(path=str(artifacts_dir / "complaints-receipt.png"), full_page=True)

    # The inspector accepts it and replies (a second browser session).
    complaint = Complaint.objects.get()
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login("inspector_zlj")
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    page.click("form[action$='/accept/'] button")
    page.fill("form[action$='/reply/'] textarea", "已受理，核查组正在调查，请关注进度。")
    page.click("form[action$='/reply/'] button")
    assert page.get_by_text("已受理，核查组正在调查").count() == 1
    page.context.clear_cookies()

    # The reporter, anonymous again, follows the case with the code.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/complaints/follow/")
    page.fill("#id_receipt", receipt)
    page.click("button.primary")
    assert "已受理" in page.locator("#case-status").inner_text()
    assert page.get_by_text("已受理，核查组正在调查，请关注进度。").count() == 1
    page.fill("#id_text", "补充：对方微信号是 abc123。")
    page.click("form[action$='/follow/add/'] button.primary")
    assert page.get_by_text("补充：对方微信号是 abc123。").count() == 1
    page.screenshot(path=str(artifacts_dir / "complaints-follow.png"), full_page=True)
