import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_sees_the_chinese_dashboard(
    page, live_server, demo, browser_login, artifacts_dir
):
    browser_login("inspector_zlj")
    assert page.locator("h1").inner_text() == "工作台"
    assert "易组长" in page.content()
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    page.click("text=审计日志")
    assert page.locator("h1").inner_text() == "审计日志"
