"""Measure the built site in headless Chromium and print figures (it prints; it does not assert).

    python -m benchmarks.browser benchmarks/out/build-10000/site

- first visit (empty cache) of the home page, an asset page and a sheet of three: the bytes that
  cross the wire, gzipped as a web server would send them (each response the local server sends is
  gzipped here, level 6; a 304 counts as nothing), against the budget of 120 KB each;
- find support: time from navigation until the first results of one area's view are shown (find/?area=
  the first area: a large directory's page loads that area's part only), and for a filter change to
  update them; the map: time from navigation until the markers are drawn and until the first popup
  is open. These run with the CPU slowed four times (CDP Emulation.setCPUThrottlingRate), as on a
  cheap phone, three times each (--runs N: N times) in a browser of their own; the median is printed, with
  every run's.
Map tiles are refused (their host does not resolve), so only the site itself is measured; nothing is
routed through Playwright, which would turn the browser's HTTP cache off.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS  # noqa: E402

BUDGET = 120 * 1024  # bytes, gzipped, for each first visit
SLOWDOWN = 4  # CPU throttling rate for the timings
RUNS = 3  # each timing is taken this many times, in a new browser each time; the median is reported
NO_TILES = "--host-resolver-rules=MAP tile.openstreetmap.org ~NOTFOUND, MAP *.tile.openstreetmap.org ~NOTFOUND"
SERVICE_WORKERS = ["allow"]  # "block" (--no-offline-copy): the pages without the offline copy's worker
PARSED = "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"  # page and scripts done


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Serves the site and notes each response's path and gzipped size (what the wire would carry)."""

    sent: list[tuple[str, int]]

    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        self.sent.append((self.path.split("?", 1)[0], len(gzip.compress(data, 6))))
        outputfile.write(data)


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer, list[tuple[str, int]]]:
    """Serve site on a free localhost port; returns its address, the server and the list of what it sent."""
    sent: list[tuple[str, int]] = []
    handler = type("Handler", (_Counting,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server, sent


def _context(browser):
    """A new, empty browser context (with the HTTP cache on: Playwright's routing would turn it off)."""
    return browser.new_context(service_workers=SERVICE_WORKERS[0])


def first_visit(browser, url: str, sent: list, settle: str = "networkidle") -> tuple[int, list[tuple[str, int]]]:
    """Open url in a new, empty browser context until the network is quiet; the gzipped bytes sent, and what."""
    context = _context(browser)
    before = len(sent)
    page = context.new_page()
    page.goto(url, wait_until=settle)
    page.wait_for_timeout(1000)  # late requests: the theme's search worker, the offline copy's worker
    context.close()
    got = sent[before:]
    return sum(size for _, size in got), got


# Notes, in the page, when an element matching each selector first appears (performance.now()): Playwright's
# own waiting polls, and cannot look while the page's script holds the main thread.
FIRST_SEEN = """(selectors => {
    window.__camSeen = {};
    new MutationObserver(() => {
        for (const s of selectors) {
            if (!(s in window.__camSeen) && document.querySelector(s)) window.__camSeen[s] = performance.now();
        }
    }).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-cam-ready"]});
})(%s)"""
POPUP, RESULT, DRAWN = ".leaflet-popup-content .cam-popup", "#cam-results li", ".folium-map[data-cam-ready]"


def slowed_page(context, slowdown: float = SLOWDOWN):
    """A new page of context with its CPU slowed the given number of times."""
    page = context.new_page()
    page.add_init_script(FIRST_SEEN % json.dumps([POPUP, RESULT, DRAWN]))
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    return page


def _launch(p):
    return p.chromium.launch(executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, NO_TILES])


def _time_map(browser, url: str, first_id: str, slowdown: float) -> dict:
    """The map's timings, in a new context: from navigation to the first popup and to every marker drawn."""
    context = _context(browser)
    page = slowed_page(context, slowdown)
    page.goto(url + f"map/#{first_id}", wait_until="commit")
    page.wait_for_selector(POPUP, timeout=120000)
    figures = {"map_first_popup_ms": page.evaluate("s => window.__camSeen[s]", POPUP)}
    page.wait_for_selector(DRAWN, timeout=120000)
    figures["map_ready_ms"] = page.evaluate("s => window.__camSeen[s]", DRAWN)
    figures["map_dcl_ms"] = page.evaluate(PARSED)
    figures["map_points"] = int(page.get_attribute(".folium-map", "data-cam-ready"))
    context.close()
    return figures


def _time_find(browser, url: str, area: str, slowdown: float) -> dict:
    """Find support's timings, in a new context: from navigation to the first results of one area's view
    (a large directory's page loads only that area's part), and for a change of need to update them."""
    context = _context(browser)
    page = slowed_page(context, slowdown)
    page.goto(url + f"find/?area={area}", wait_until="commit")
    page.wait_for_selector(RESULT, timeout=120000)
    figures = {"find_first_results_ms": page.evaluate("s => window.__camSeen[s]", RESULT)}
    figures["find_dcl_ms"] = page.evaluate(PARSED)
    page.wait_for_selector("#cam-find-form[data-cam-results]", timeout=120000)  # every piece of the area is in
    categories = page.eval_on_selector_all("#f-cat option", "els => els.map(e => e.value).filter(Boolean)")
    timings = []
    for value in categories[:10]:
        took = page.evaluate(
            """value => new Promise(resolve => {
                const watched = [document.getElementById('results-heading'),
                                 document.getElementById('cam-results')];
                const select = document.getElementById('f-cat');
                const started = performance.now();
                const observer = new MutationObserver(() => {
                    observer.disconnect();
                    requestAnimationFrame(() => resolve(performance.now() - started));
                });
                watched.forEach(el => observer.observe(el, {childList: true, characterData: true,
                                                             subtree: true}));
                setTimeout(() => { observer.disconnect(); resolve(-1); }, 20000);
                select.value = value;
                select.dispatchEvent(new Event('change', {bubbles: true}));
            })""",
            value,
        )
        if took >= 0:  # -1: the page did not change (nothing to measure)
            timings.append(took)
    figures["find_filter_ms_median"] = statistics.median(timings)
    figures["find_filter_ms_max"] = max(timings)
    context.close()
    return figures


def _median_of(runs: list[dict], key: str) -> dict:
    """The run whose timing key is the median one, with every run's (key_runs)."""
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[len(ordered) // 2] | {key + "_runs": [r[key] for r in runs]}


def measure(site: Path, verbose: bool = False, slowdown: float = SLOWDOWN, runs: int = RUNS) -> dict:
    """Figures for one built site."""
    url, server, sent = serve(site)
    figures: dict = {}
    ids = sorted(p.name for p in (site / "support").iterdir())[:3]
    area = json.loads((site / "assets" / "data" / "find.json").read_text(encoding="utf-8"))["areas"][0]
    try:
        with sync_playwright() as p:
            browser = _launch(p)
            pages = {"home": "", "asset": f"support/{ids[0]}/", "sheet": "sheet/?ids=" + ",".join(ids)}
            for name, path in pages.items():
                total, got = first_visit(browser, url + path, sent)
                figures[f"first_visit_{name}"] = total
                figures[f"first_visit_{name}_files"] = got
                if verbose:
                    for file, size in got:
                        print(f"    {size:9,d}  {file}")
            browser.close()
            # each timing in a browser of its own, as on a phone that opens the link and nothing else
            timings = ((_time_map, ids[0], "map_first_popup_ms"), (_time_find, area, "find_first_results_ms"))
            for timing, arg, headline in timings:
                results = []
                for _ in range(runs):
                    browser = _launch(p)
                    results.append(timing(browser, url, arg, slowdown))
                    browser.close()
                figures |= _median_of(results, headline)
            figures["find_area"] = area
    finally:
        server.shutdown()
    return figures


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--files", action="store_true", help="list every file each first visit fetched")
    parser.add_argument("--slowdown", type=float, default=SLOWDOWN, help="CPU slowdown for the timings (1: none)")
    parser.add_argument("--no-offline-copy", action="store_true", help="block service workers (the offline copy)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"times each timing is taken (default {RUNS})")
    args = parser.parse_args()
    if args.no_offline_copy:
        SERVICE_WORKERS[0] = "block"
    figures = measure(args.site, args.files, args.slowdown, args.runs)
    for name, label in (("home", "home page"), ("asset", "an asset page"), ("sheet", "a sheet of three")):
        total = figures[f"first_visit_{name}"]
        search = sum(size for path, size in figures[f"first_visit_{name}_files"] if "/search" in path)
        verdict = "within" if total <= BUDGET else "OVER"
        print(
            f"first visit, {label}: {total / 1024:.1f} KB gzipped in {len(figures[f'first_visit_{name}_files'])} "
            f"files ({search / 1024:.1f} KB of it search), {verdict} the 120 KB budget"
        )
    slowed = f"the CPU slowed {args.slowdown:g} times"
    print(f"(timings below with {slowed}: the median of {args.runs} runs, a browser each)")
    print(
        f"map: first popup open {figures['map_first_popup_ms']:.0f} ms after navigation start "
        f"(runs: {', '.join(f'{ms:.0f}' for ms in figures['map_first_popup_ms_runs'])}), every marker "
        f"drawn at {figures['map_ready_ms']:.0f} ms ({figures['map_points']:,} points; target 3,000 ms; "
        f"the page itself was parsed, with its scripts run, at {figures['map_dcl_ms']:.0f} ms)"
    )
    print(
        f"find support (?area={figures['find_area']}): first results {figures['find_first_results_ms']:.0f} ms "
        f"(runs: {', '.join(f'{ms:.0f}' for ms in figures['find_first_results_ms_runs'])}) "
        "after navigation start "
        f"(target 1,000 ms; page parsed at {figures['find_dcl_ms']:.0f} ms); a filter change updates them in "
        f"{figures['find_filter_ms_median']:.0f} ms "
        f"(median; slowest {figures['find_filter_ms_max']:.0f} ms)"
    )


if __name__ == "__main__":
    main()
