"""The whole ceremony of seed 001 in one browser run: create, choose the parent
representatives, commit, freeze, reveal (watched on the projector), draw, publish, look up,
download the four files and verify them with the downloaded verify_draw.py."""

import json
import subprocess
import sys

import pytest

from sunshine.lottery import engine
from sunshine.lottery.models import Draw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.click("form[action$='/logout/'] button")
    page.wait_for_load_state()


def test_it_runs_the_witnessed_ceremony_end_to_end(
    page, browser, live_server, browser_login, roster, demo, artifacts_dir, tmp_path
):
    base = live_server.url
    tml = roster["TML"]

    # The bureau creates the draw for 檀木林小学's surplus places.
    browser_login("bureau_zlj")
    page.goto(f"{base}/lottery/new/")
    page.fill("#id_title", "2020年檀木林小学富余学位电脑随机摇号")
    page.fill("#id_code", "2020-zlj-tml")
    page.fill("#id_year", "2020")
    page.select_option("#id_mode", "single")
    page.check(f"input[name=schools][value='{tml.pk}']")
    page.click("button[type=submit].primary")
    assert "摇号已创建" in page.content()
    draw = Draw.objects.get(code="2020-zlj-tml")

    # Five parent representatives by RFC 3797 from the published public sources.
    page.click("text=家长代表随机抽取（RFC 3797）")
    page.select_option("#id_school", str(tml.pk))
    page.fill("#id_sources", "7 8 11 17 23 30\n08285182")
    page.click("button[type=submit].primary")
    assert page.locator(".key-string").inner_text() == "7.8.11.17.23.30./8285182./"
    assert page.locator("ol.chosen li").count() == 5

    # Commitments: the operator enters the parents' and the inspection group's.
    values = {
        w.source: f"{k + 1}{k + 3}0718{k}2995{k}1" for k, w in enumerate(draw.witnesses.all())
    }
    page.goto(f"{base}/lottery/{draw.pk}/")
    for source, value in values.items():
        if source == "notary":
            continue
        page.fill(f"#witness-{source} .commit-form input[name=value]", value)
        page.click(f"#witness-{source} .commit-form button")
        assert "已记录" in page.content()
    # The notary commits on the notary's own login.
    _logout(page)
    browser_login("notary_zlj")
    page.goto(f"{base}/lottery/{draw.pk}/")
    assert page.locator(".commit-form").count() == 1
    page.fill("#witness-notary .commit-form input[name=value]", values["notary"])
    page.click("#witness-notary .commit-form button")
    _logout(page)

    # Freeze: the digest is public at once.
    browser_login("bureau_zlj")
    page.goto(f"{base}/lottery/{draw.pk}/")
    page.click("#freeze")
    digest = page.locator("#manifest-digest").inner_text()
    draw.refresh_from_db()
    assert digest == draw.manifest_digest and draw.state == Draw.State.FROZEN

    # The projector, opened by anyone, follows the reveals without reloading.
    public = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000})
    screen = public.new_page()
    screen.goto(f"{base}/lottery/{draw.pk}/projector/")
    assert screen.locator("#p-digest").inner_text() == digest

    # The notary reveals on the notary's own login (the operator may not act for them) ...
    _logout(page)
    browser_login("notary_zlj")
    page.goto(f"{base}/lottery/{draw.pk}/")
    page.fill("#witness-notary .reveal-form input[name=value]", "1234567890")
    page.click("#witness-notary .reveal-form button")
    assert "与冻结前提交的承诺值不符" in page.content()
    page.fill("#witness-notary .reveal-form input[name=value]", values["notary"])
    page.click("#witness-notary .reveal-form button")
    _logout(page)
    # ... and the operator types in the values the other witnesses read out.
    browser_login("bureau_zlj")
    page.goto(f"{base}/lottery/{draw.pk}/")
    assert page.locator("#witness-notary .reveal-form").count() == 0
    for source, value in values.items():
        if source == "notary":
            continue
        page.fill(f"#witness-{source} .reveal-form input[name=value]", value)
        page.click(f"#witness-{source} .reveal-form button")
    screen.wait_for_function(
        "v => document.getElementById('p-witnesses').textContent.includes(v)",
        arg=values["notary"],
    )

    page.click("#run")
    draw.refresh_from_db()
    admitted = draw.result()["schools"]["TML"]["admitted"]
    screen.wait_for_function(
        "n => document.getElementById('p-schools').textContent.includes(n)", arg=admitted[0]
    )
    screen.screenshot(path=str(artifacts_dir / "lottery-projector.png"), full_page=True)

    page.click("#publish")
    assert "结果已公布" in page.content()

    # The public result page, with the numbers in order and the files.
    anon = public.new_page()
    anon.goto(f"{base}/lottery/{draw.pk}/")
    shown = anon.locator("ol.admitted li .mono").all_inner_texts()
    assert shown == admitted
    assert (
        anon.locator("ol.waitlist li .mono").all_inner_texts()
        == draw.result()["schools"]["TML"]["waitlist"]
    )
    anon.screenshot(path=str(artifacts_dir / "lottery-result.png"), full_page=True)
    for name in ("manifest.json", "entropy.json", "result.json", "verify_draw.py"):
        with anon.expect_download() as dl:
            anon.click(f"a[download]:text-is('{name}')")
        dl.value.save_as(tmp_path / name)
    check = subprocess.run(
        [sys.executable, "verify_draw.py", "manifest.json", "entropy.json", "result.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == f"OK {draw.result_digest}"
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    entropy = json.loads((tmp_path / "entropy.json").read_text("utf-8"))
    assert entropy == values
    assert (
        engine.canonical(engine.draw(manifest, entropy)) == (tmp_path / "result.json").read_bytes()
    )

    # A parent looks up their child.
    number = admitted[0]
    from sunshine.enrollment.models import Applicant

    phone = Applicant.objects.get(number=number).guardian_phone
    anon.goto(f"{base}/lottery/lookup/")
    anon.fill("#id_number", number)
    anon.fill("#id_phone_last4", phone[-4:])
    anon.click("button[type=submit].primary")
    assert "摇中录取" in anon.locator("#lookup-result").inner_text()
    public.close()
