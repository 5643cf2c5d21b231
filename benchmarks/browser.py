"""Measure the built site in headless Chromium and print figures (it prints; it does not assert).

    python -m benchmarks.browser benchmarks/out/build-10000/site

- map: time from navigation until the markers are drawn, and until the first popup is open;
- find support: time for a filter change to update the results (median of several changes).
Map tiles are answered locally with a blank image, so only the site itself is measured.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, TILE_PNG, serve_folder  # noqa: E402


def measure(site: Path) -> dict:
    """Figures for one built site."""
    url, server = serve_folder(site)
    figures: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context()
            context.route(
                "**/*",
                lambda route: (
                    route.fulfill(body=TILE_PNG, content_type="image/png")
                    if "tile.openstreetmap.org" in route.request.url
                    else route.continue_()
                ),
            )
            page = context.new_page()
            first_id = sorted((site / "support").iterdir())[0].name
            page.goto(url + f"map/#{first_id}", wait_until="commit")
            page.wait_for_selector(".folium-map[data-cam-ready]", timeout=60000)
            figures["map_ready_ms"] = page.evaluate("() => performance.now()")
            page.wait_for_selector(".leaflet-popup-content .cam-popup", timeout=60000)
            figures["map_first_popup_ms"] = page.evaluate("() => performance.now()")
            figures["map_points"] = int(page.get_attribute(".folium-map", "data-cam-ready"))

            page.goto(url + "find/")
            page.wait_for_selector("#cam-results li", timeout=60000)
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
                        setTimeout(() => { observer.disconnect(); resolve(-1); }, 5000);
                        select.value = value;
                        select.dispatchEvent(new Event('change', {bubbles: true}));
                    })""",
                    value,
                )
                if took >= 0:  # -1: the page did not change (nothing to measure)
                    timings.append(took)
            figures["find_filter_ms_median"] = statistics.median(timings)
            figures["find_filter_ms_max"] = max(timings)
            browser.close()
    finally:
        server.shutdown()
    return figures


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    figures = measure(parser.parse_args().site)
    print(
        f"map: markers drawn {figures['map_ready_ms']:.0f} ms after navigation start, first popup open at "
        f"{figures['map_first_popup_ms']:.0f} ms ({figures['map_points']:,} points)"
    )
    print(
        f"find support: a filter change updates the results in {figures['find_filter_ms_median']:.0f} ms "
        f"(median; slowest {figures['find_filter_ms_max']:.0f} ms)"
    )


if __name__ == "__main__":
    main()
