"""Quick exit in a real browser: by the button and by Shift three times the page is blank at once, the
site's storage is empty and going back does not return to the site; off, the pages hold none of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import build_into, make_data_dir, serve_folder

pytestmark = pytest.mark.browser

# Runs before the page's own scripts: reports how long after the trigger the page went blank, and what
# storage held then, through an exposed function (the page leaves a moment later).
WATCH = """() => {
    window.__camTrigger = null;
    const note = () => { window.__camTrigger = performance.now(); };
    window.addEventListener("keydown", note, true);
    window.addEventListener("click", note, true);
    new MutationObserver(() => {
        if (window.__camTrigger === null || document.body.childElementCount) return;
        window.camReport({
            ms: performance.now() - window.__camTrigger,
            hidden: getComputedStyle(document.documentElement).visibility === "hidden",
            text: document.body.innerText,
            local: localStorage.length,
            session: sessionStorage.length,
        });
    }).observe(document.documentElement, {childList: true, subtree: true});
}"""


@pytest.fixture(scope="module")
def exit_site(tmp_path_factory):
    """The sample built with quick exit going to a local neutral page; (site url, neutral url)."""
    tmp = tmp_path_factory.mktemp("quickexit")
    neutral = tmp / "neutral"
    neutral.mkdir()
    (neutral / "index.html").write_text("<!doctype html><title>Weather</title><p>Sunny spells.", encoding="utf-8")
    neutral_url, neutral_server = serve_folder(neutral)
    data = make_data_dir(tmp / "data", {}, with_sample=True)
    config = data / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("quick_exit_url: https://www.bbc.co.uk/weather", "")
    config.write_text(text + f"\nquick_exit_url: {neutral_url}\n", encoding="utf-8")
    site = build_into(tmp, data)
    url, server = serve_folder(site)
    yield url, neutral_url
    server.shutdown()
    neutral_server.shutdown()


def _open(visit, url: str):
    page = visit.page
    reports: list[dict] = []
    page.expose_function("camReport", lambda r: reports.append(r))
    page.goto(url)
    page.evaluate(
        "() => { localStorage.setItem('cam.list', '[\"stroud-valleys-walkers\"]');"
        " localStorage.setItem('other', '1'); sessionStorage.setItem('cam.find', 'q=walk'); }"
    )
    page.reload()
    page.evaluate(WATCH)
    assert page.evaluate("() => localStorage.length + sessionStorage.length") >= 3
    return page, reports


def _left(page, reports: list[dict], site_url: str, neutral_url: str) -> None:
    page.wait_for_url(neutral_url + "**")
    assert len(reports) == 1, reports
    report = reports[0]
    assert report["ms"] < 100, report
    assert report["hidden"] and report["text"] == "", report
    assert report["local"] == 0 and report["session"] == 0, report
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(site_url), page.url
    assert page.url == "about:blank"
    # what was kept is gone when the site is opened again
    page.goto(site_url + "about/")
    kept = "() => [localStorage.getItem('cam.list'), localStorage.getItem('other'), sessionStorage.getItem('cam.find')]"
    assert page.evaluate(kept) == [None, None, None]


def test_the_button_leaves_at_once(visit, exit_site):
    site_url, neutral_url = exit_site
    page, reports = _open(visit, site_url + "find/")
    page.click("a.cam-quick-exit__link")
    _left(page, reports, site_url, neutral_url)
    assert visit.errors == []


def test_shift_three_times_leaves_at_once(visit, exit_site):
    site_url, neutral_url = exit_site
    page, reports = _open(visit, site_url + "support/stroud-valleys-walkers/")
    for _ in range(3):
        page.keyboard.press("Shift")
    _left(page, reports, site_url, neutral_url)


def test_shift_with_other_keys_does_not_leave(visit, exit_site):
    site_url, _ = exit_site
    page, reports = _open(visit, site_url + "about/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")
    page.wait_for_timeout(400)  # (leaving would have begun at the third press)
    assert page.url == site_url + "about/" and reports == []
    assert page.evaluate("() => localStorage.getItem('cam.list')") is not None


def test_it_is_first_by_keyboard_and_a_plain_link(visit, exit_site):
    site_url, neutral_url = exit_site
    page = visit.page
    page.goto(site_url + "about/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent, document.activeElement.href]")
    assert focused == ["Leave this site", neutral_url]
    # without JavaScript it is an ordinary link to the neutral page
    context = visit.context.browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site_url + "about/")
        plain.click("a.cam-quick-exit__link")
        plain.wait_for_url(neutral_url + "**")
        assert plain.title() == "Weather"
    finally:
        context.close()


def test_every_page_has_it_and_none_when_off(tmp_path, built_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert pages and all("cam-quick-exit__link" in p.read_text(encoding="utf-8") for p in pages)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True, english_only=True)
    config = data / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('quick_exit: "true"', "quick_exit: false"), encoding="utf-8"
    )
    site = build_into(tmp_path, data)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "quick-exit" not in text, page
        announce = BeautifulSoup(text, "html.parser").select_one('[data-md-component="announce"]')
        for switch in announce.select(".cam-languages") if announce else []:
            switch.decompose()  # the language switch stays
        assert announce is None or announce.get_text(strip=True) == "", page


def test_a_bad_setting_is_reported(tmp_path):
    from generator.data.check import check

    data = make_data_dir(tmp_path, {}, with_sample=False)
    config = data / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('quick_exit: "true"', "quick_exit: maybe"), encoding="utf-8"
    )
    problems = [p for p in check(data).problems if p.field == "quick_exit"]
    assert problems and "true or false" in problems[0].message
