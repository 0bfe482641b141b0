import pytest

from sunshine.reminders.models import Campaign, Delivery

from .conftest import LINK, files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_creates_and_sends_a_campaign_then_opens_a_read_link(
    page, live_server, browser_login, artifacts_dir, template, make_staff, outboxes
):
    make_staff(3, org="龙隐小学", category="school_leader", name="王芳")
    make_staff(2, org="汇通小学", category="other")
    browser_login("inspector_qx1")
    page.click("nav >> text=廉洁提醒")
    page.click("text=新建发送批次")
    page.fill("#id_title", "开学前廉洁提醒")
    page.select_option("#id_template", label="廉洁招生提醒")
    page.check("label:has-text('龙隐小学') >> input")
    page.check("label:has-text('学校领导') >> input")
    page.fill("#id_season_start", "2026-07-01")
    page.fill("#id_season_end", "2026-07-10")
    page.click("button.primary:has-text('保存并预览')")
    assert "将发送给 3 人" in page.content()
    assert "王芳同志（龙隐小学教师）" in page.inner_text("#preview")
    page.click("#send-button")  # the immediate task backend sends before the page returns
    page.wait_for_selector("text=已提交发送，共 3 人")
    page.reload()
    assert page.inner_text("#campaign-status") == "已完成"
    assert "已发出 3 / 3" in page.inner_text("#progress")
    page.screenshot(path=str(artifacts_dir / "reminders-campaign.png"), full_page=True)

    sms = files(outboxes["sms"], "*.sms")
    assert len(sms) == 3
    token = LINK.search(sms[0].read_text()).group(1)
    reader = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 800}
    )
    phone = reader.new_page()  # the recipient, on a phone, not signed in
    phone.goto(f"{live_server.url}/reminders/r/{token}/")
    assert "请严守纪律" in phone.inner_text("#reminder-body")
    phone.click("#ack-button")
    assert "确认收到本提醒" in phone.inner_text("#ack-done")
    phone.screenshot(path=str(artifacts_dir / "reminders-read-link.png"), full_page=True)
    reader.close()
    campaign = Campaign.objects.get(title="开学前廉洁提醒")
    assert campaign.deliveries.filter(state=Delivery.State.ACKNOWLEDGED).count() == 1
