import pytest

from sunshine.enrollment import demo as enrollment_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_the_public_portal_and_finds_the_zoned_school(
    page, live_server, demo, artifacts_dir
):
    enrollment_demo.load()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/")
    page.click("nav >> text=招生公开")
    assert page.locator("h1").inner_text() == "招生公开"
    page.click("text=自贡市自流井区")
    assert "2020 年义务教育招生" in page.locator("h1").inner_text()
    body = page.locator("main").inner_text()
    assert "檀木林小学" in body and "塘坎上小学" in body
    assert "需要摇号（超出 18 人）" in body  # TML: 48 eligible, 30 surplus places
    assert "0813-8111407" in body
    page.screenshot(path=str(artifacts_dir / "enrollment-district.png"), full_page=True)

    page.fill("#id_q", "自流井区五星街12号")
    page.click("button:has-text('查询学区')")
    result = page.locator("#zone-results").inner_text()
    assert "檀木林小学" in result
    page.screenshot(path=str(artifacts_dir / "enrollment-zone-search.png"), full_page=True)

    page.fill("#id_q", "不存在的路")
    page.click("button:has-text('查询学区')")
    assert page.locator("#zone-none").is_visible()

    page.goto(f"{live_server.url}/enrollment/d/510302/")
    page.click("text=2020年义务教育阶段学校招生工作意见")
    assert "电脑摇号" in page.locator("main").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing overflows sideways on a phone
