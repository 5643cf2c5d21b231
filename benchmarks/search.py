"""Measure the header search of a built site in headless Chromium with a 4x slowed CPU (it prints; it does not assert).

    python -m benchmarks.search benchmarks/out/build-10000/site
    python -m benchmarks.search SITE --queries walking "memory café" Stroud

For each query, from a freshly loaded home page: what was fetched for search before anyone searched,
then the time from focusing the box until it is ready (the engine's script and the index's manifest
loaded; or Pagefind's script, or Material's whole index loaded by its worker, in sites built by earlier
versions), the time from the query being typed (one input event) to the first result drawn, and the
bytes the search fetched (gzip sizes of the files, as a server compressing them would send; files
compressed already count as they are).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, serve_folder  # noqa: E402

QUERIES = ["walking", "memory café", "benefits advice", "Stroud", "knitting"]
SEARCH_FILES = ("/search/", "/javascripts/searchengine", "/pagefind/", "/workers/search")  # data and engines


def _gz(path: Path) -> int:
    data = path.read_bytes()
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))


def _bytes(site: Path, base: str, urls: list[str]) -> int:
    """The gzip size of the site's files at these addresses."""
    total = 0
    for url in dict.fromkeys(urls):
        rel = unquote(urlparse(url).path)[len(urlparse(base).path) :]
        path = site / rel
        if path.is_dir() or rel.endswith("/"):
            path = path / "index.html"
        if path.is_file():
            total += _gz(path)
    return total


def measure_query(browser, site: Path, url: str, query: str, throttle: float) -> dict:
    """One query from a freshly loaded home page, in a new context (empty cache)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # anything the page fetches by itself after loading
    before = [u for u in fetched if any(s in u for s in SEARCH_FILES)]
    fetched.clear()
    page.locator("input.md-search__input").click()
    focused = time.perf_counter()
    # ready: the engine and manifest loaded (ours), Pagefind's script, or the whole index in the theme's worker
    page.wait_for_function(
        "() => (document.querySelector('.md-search-result__meta') || {}).textContent === 'Type to start searching'",
        timeout=120000,
    )
    ready = (time.perf_counter() - focused) * 1000
    took = page.evaluate(
        """query => new Promise(resolve => {
            const input = document.querySelector('input.md-search__input');
            const list = document.querySelector('.md-search-result__list');
            const started = performance.now();
            const observer = new MutationObserver(() => {
                if (list.querySelector('.md-search-result__item')) {
                    observer.disconnect();
                    requestAnimationFrame(() => resolve(performance.now() - started));
                }
            });
            observer.observe(list, {childList: true, subtree: true});
            setTimeout(() => { observer.disconnect(); resolve(-1); }, 60000);
            input.value = query;
            input.dispatchEvent(new Event('input', {bubbles: true}));
            input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: query.slice(-1)}));
        })""",
        query,
    )
    page.wait_for_timeout(300)
    shown = page.locator(".md-search-result__item").count()
    search_urls = [u for u in fetched if u.startswith(url)]
    figures = {
        "query": query,
        "first_results_ms": took,
        "ready_ms": ready,
        "results_shown": shown,
        "bytes": _bytes(site, url, search_urls),
        "files": len(set(search_urls)),
        "fetched_before_search": len(before),
    }
    context.close()
    return figures


def measure(site: Path, queries: list[str], throttle: float = 4) -> list[dict]:
    """Figures for each query on one built site."""
    url, server = serve_folder(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            results = [measure_query(browser, site, url, q, throttle) for q in queries]
            browser.close()
    finally:
        server.shutdown()
    return results


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--queries", nargs="+", default=QUERIES)
    parser.add_argument("--throttle", type=float, default=4)
    args = parser.parse_args()
    results = measure(args.site, args.queries, args.throttle)
    for r in results:
        print(
            f"{r['query']!r}: first results {r['first_results_ms']:.0f} ms after typing "
            f"(box ready {r['ready_ms']:.0f} ms after focus), {r['results_shown']} shown; "
            f"search fetched {r['bytes'] / 1000:.1f} kB gzipped in {r['files']} files; "
            f"search files fetched before searching: {r['fetched_before_search']}"
        )
    print(
        f"median: {statistics.median(r['first_results_ms'] for r in results):.0f} ms, "
        f"{statistics.median(r['bytes'] for r in results) / 1000:.1f} kB; "
        f"slowest {max(r['first_results_ms'] for r in results):.0f} ms, "
        f"largest {max(r['bytes'] for r in results) / 1000:.1f} kB (CPU slowed {args.throttle:g}x)"
    )


if __name__ == "__main__":
    main()
