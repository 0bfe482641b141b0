"""One visit, in a real browser: checklist → problem → school's report → look-back → closed."""

import pytest

from sunshine.oversight.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_load_state()


def test_it_runs_a_visit_from_checklist_to_lookback(
    page, live_server, browser_login, world, artifacts_dir
):
    base = live_server.url
    browser_login("inspector_qx1")

    # 1. Record an unannounced phone visit and answer the checklist.
    page.goto(f"{base}/oversight/visits/new/")
    page.select_option("#id_campaign", label="测试专项检查")
    page.select_option("#id_group", label="测试专项检查 · 第一检查组")
    page.select_option("#id_subject", label="汇通小学")
    page.select_option("#id_mode", "unannounced")
    page.select_option("#id_method", "phone")
    page.fill("#id_date", "2023-07-18")
    page.click("button.primary")
    page.wait_for_selector("#answers")
    row = page.locator("tr", has_text="招生咨询电话是否畅通")
    row.locator("select").first.select_option("no")
    page.click("#answers button.primary")
    page.wait_for_load_state()

    # 2. Raise the problem from the failed checklist item.
    page.locator("tr", has_text="招生咨询电话是否畅通").get_by_role("link", name="登记问题").click()
    page.wait_for_selector("#id_description")
    assert "招生咨询电话是否畅通" in page.input_value("#id_description")
    page.select_option("#id_category", "service")
    page.select_option("#id_responsible_org", label="汇通小学")
    page.fill("#id_demand", "安排专人值守招生咨询电话")
    page.fill("#id_deadline", "2023-08-04")
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('问题 WT-')")
    problem = Problem.objects.get()
    assert problem.source == "visit" and problem.visit.mode == "unannounced"
    _logout(page)

    # 3. The school answers: starts rectifying and reports with its text.
    browser_login("school_ht")
    page.goto(f"{base}/oversight/problems/{problem.pk}/")
    page.get_by_role("button", name="开始整改").click()
    page.wait_for_selector("#report")
    page.fill("#id_text", "已安排专人值守，并在学校网站公布备用号码。")
    page.click("#report button.primary")
    page.wait_for_load_state()
    assert "已报整改" in page.content()
    _logout(page)

    # 4. Look-back visit and verification by the group.
    browser_login("inspector_qx1")
    page.goto(f"{base}/oversight/problems/{problem.pk}/")
    page.get_by_role("link", name="登记回头看走访").click()
    page.wait_for_selector("#id_purpose")
    assert page.input_value("#id_purpose") == "lookback"
    page.select_option("#id_group", label="测试专项检查 · 第一检查组")
    page.select_option("#id_method", "onsite")
    page.fill("#id_date", "2023-08-07")
    page.click("button.primary")
    page.wait_for_selector("#verify")
    page.select_option("#id_visit", index=1)
    page.check("input[name=outcome][value=verified]")
    page.fill("#verify #id_note", "回头看核查：电话有人接听，整改到位。")
    page.click("#verify button.primary")
    page.wait_for_load_state()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.VERIFIED
    assert problem.verification_visit.purpose == "lookback"
    assert "已核查销号" in page.content()
    page.screenshot(path=str(artifacts_dir / "oversight_loop.png"), full_page=True)
