"""The offline copy in headless Chromium: an asset page and a sheet of three opened once open again with
the network off, with the "Offline copy from <date>" banner; a rebuild replaces the kept copies; nothing
is kept that the person did not open (no search index, no other page)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from generator.site.build import build_site

from .conftest import ROOT, SAMPLE, serve_folder
from .test_accessibility import run_axe

pytestmark = pytest.mark.browser

TODAY = dt.date(2026, 11, 20)
FIRST = "barton-womens-wellbeing-circle"
SHEET_IDS = ["barton-womens-wellbeing-circle", "bishops-cleeve-computer-club", "bishops-cleeve-walking-football"]
BANNER = "[data-cam-offline-banner]"
CACHE_NAME = re.compile(r'var BUILD = "([0-9a-f]{16})"')


def kept(page, url: str) -> bool:
    """True when the offline copy holds url."""
    return page.evaluate("url => caches.match(url).then(r => !!r)", url)


def poll(page, condition: str, arg=None) -> None:
    """Wait until the asynchronous condition (a JavaScript function of arg, resolving to true or false)
    holds: Cache Storage has no events, and Playwright's wait_for_function takes a promise as true."""
    held = page.evaluate(
        """async ([source, arg]) => {
            const condition = eval(source);
            for (const until = Date.now() + 15000; Date.now() < until; ) {
                if (await condition(arg)) return true;
                await new Promise(resolve => setTimeout(resolve, 50));
            }
            return false;
        }""",
        [condition, arg],
    )
    assert held, f"still false after 15 s: {condition}"


def wait_kept(page, urls: list[str]) -> None:
    """Wait until the offline copy holds every one of urls (the worker writes them as they arrive)."""
    poll(page, "urls => Promise.all(urls.map(u => caches.match(u))).then(found => found.every(Boolean))", urls)


def wait_page_kept(page) -> list[str]:
    """Wait until the offline copy holds the open page and every file of this site it loaded that may be
    kept (its styles, scripts and strings; never search or open data), and return their addresses: the
    worker writes them one by one, after the page has loaded, so a test that goes on sooner races it."""
    urls = page.evaluate(
        """() => [location.href.split("#")[0], ...performance.getEntriesByType("resource").map(e => e.name)]
            .filter(u => u.startsWith(location.origin))
            .filter(u => !/^\\/(search|data)\\/|^\\/sw\\.js$/.test(new URL(u).pathname))"""
    )
    wait_kept(page, urls)
    return urls


def build(data: Path, out: Path, docs: Path) -> str:
    """Build the site (a rebuild when out holds one) and return its id, as written into sw.js."""
    build_site(data, out, ROOT / "mkdocs.yml", today=TODAY, docs_dir=docs)
    return CACHE_NAME.search((out / "sw.js").read_text(encoding="utf-8")).group(1)


def serve_on(folder: Path, port: int):
    """Serve folder on the given localhost port again (a server that was stopped, back)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the sample data, free to change."""
    data = tmp_path / "assets_data"
    shutil.copytree(SAMPLE, data)
    return data


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", service_workers="allow")
    yield context
    context.close()


def test_asset_page_and_sheet_open_offline_with_the_banner(sample, tmp_path, context):
    out = tmp_path / "site"
    build(sample, out, tmp_path / "docs")
    url, server = serve_folder(out)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        asset_url = f"{url}support/{FIRST}/"
        page.goto(asset_url)
        # the first page opened is kept although the worker started after it had loaded
        page.wait_for_load_state("load")
        opened = wait_page_kept(page)
        assert {asset_url, url + "javascripts/core.js", url + "stylesheets/extra.css"} <= set(opened)
        expect(page.locator(BANNER)).to_be_hidden()  # online: no banner

        sheet_url = f"{url}sheet/?ids={','.join(SHEET_IDS)}"
        page.goto(sheet_url)
        page.wait_for_selector(".cam-sheet--dynamic[data-cam-ready]")
        wait_kept(page, [sheet_url, *(f"{url}assets/data/asset/{i}.json" for i in SHEET_IDS)])
        wait_page_kept(page)
        # nothing the person did not open: no search index, no other asset page
        assert not kept(page, url + "search/search_index.json")
        assert not kept(page, f"{url}support/{SHEET_IDS[1]}/")

        failed.clear()
        context.set_offline(True)
        server.shutdown()  # and the server gone too: nothing can come from the network
        server.server_close()

        page.goto(asset_url)
        expect(page.locator("h1")).to_have_text("Barton Women's Wellbeing Circle")
        banner = page.locator(BANNER)
        expect(banner).to_be_visible()
        expect(banner).to_have_text(re.compile(r"^Offline copy from \d{1,2} [A-Z][a-z]+ 20\d\d"))
        fetched = page.evaluate(
            "url => caches.match(url).then(r => new Date(r.headers.get('X-Cam-Fetched'))"
            ".toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric'}))",
            asset_url,
        )
        expect(banner).to_contain_text(f"Offline copy from {fetched}")
        # the page's own styles came from the kept copy
        assert page.evaluate("getComputedStyle(document.querySelector('.cam-keyfacts')).display") != "inline"
        for scheme in ("light", "dark"):  # the banner meets WCAG 2.2 AA in both palettes
            page.emulate_media(color_scheme=scheme)
            assert run_axe(page) == [], scheme

        page.goto(sheet_url)
        page.wait_for_selector(".cam-sheet--dynamic[data-cam-ready]")
        expect(page.locator("#cam-sheet-entries .cam-sheet-entry__name")).to_have_count(3)
        expect(page.locator("#sheet-missing")).to_be_hidden()
        expect(page.locator(BANNER)).to_be_visible()
        # only search data is missing offline (never kept, and fetched only once the search box is used)
        assert all(u.startswith(url + "search/") for u in failed)
        assert set(errors) <= {"Network error"}
    finally:
        server.shutdown()


def test_a_new_build_replaces_the_kept_copy(sample, tmp_path, context):
    out = tmp_path / "site"
    first_id = build(sample, out, tmp_path / "docs")
    url, server = serve_folder(out)
    try:
        page = context.new_page()
        asset_url = f"{url}support/{FIRST}/"
        page.goto(asset_url)
        page.wait_for_load_state("load")
        opened = wait_page_kept(page)
        assert asset_url in opened and f"{url}javascripts/offline.js" in opened
        assert page.evaluate("caches.keys()") == [f"cam-offline-{first_id}"]

        record = sample / "assets" / f"{FIRST}.yaml"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("name: Barton Women's Wellbeing Circle", "name: Barton Wellbeing Circle"))
        second_id = build(sample, out, tmp_path / "docs")  # a rebuild: only what changed is built
        assert second_id != first_id

        page.goto(url)  # any page, with a signal: the browser finds the new worker
        poll(page, "name => caches.keys().then(k => k.length === 1 && k[0] === name)", f"cam-offline-{second_id}")
        renewed = "url => caches.match(url).then(r => r && r.text()).then(t => !!t && t.includes('Barton Wellbeing C'))"
        poll(page, renewed, asset_url)
        wait_kept(page, opened)  # and everything else the page used, renewed into the new copy
        context.set_offline(True)
        server.shutdown()  # (Playwright's offline mode does not always reach a service worker's fetches)
        server.server_close()
        page.goto(asset_url)
        expect(page.locator("h1")).to_have_text("Barton Wellbeing Circle")
        expect(page.locator(BANNER)).to_be_visible()

        context.set_offline(False)  # a signal again: Refresh loads the live page
        server = serve_on(out, int(url.rsplit(":", 1)[1].strip("/")))
        with page.expect_navigation():
            page.locator(BANNER).get_by_role("button", name="Refresh").click()
        expect(page.locator("h1")).to_have_text("Barton Wellbeing Circle")
        expect(page.locator(BANNER)).to_be_hidden()
    finally:
        server.shutdown()


def test_a_page_on_a_poor_signal_comes_from_the_copy(sample, tmp_path, context):
    """A kept page whose live version has not come within five seconds is served from the copy."""
    import functools
    import http.server
    import threading
    import time

    out = tmp_path / "site"
    build(sample, out, tmp_path / "docs")

    class Slow(http.server.SimpleHTTPRequestHandler):
        delay = 0.0

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/support/"):
                time.sleep(Slow.delay)
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Slow, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page = context.new_page()
        asset_url = f"{url}support/{FIRST}/"
        page.goto(asset_url)
        wait_kept(page, [asset_url])
        Slow.delay = 15.0  # a signal that barely works
        started = time.monotonic()
        page.goto(asset_url, timeout=14000)
        expect(page.locator(BANNER)).to_be_visible()
        assert time.monotonic() - started < 14
        expect(page.locator("h1")).to_have_text("Barton Women's Wellbeing Circle")
    finally:
        Slow.delay = 0.0
        server.shutdown()
