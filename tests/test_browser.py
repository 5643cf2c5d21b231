"""The sample site in headless Chromium: map, popups, search, next dates, and no outside requests."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from babel.numbers import format_decimal
from playwright.sync_api import expect

from .conftest import SAMPLE

pytestmark = pytest.mark.browser


def located_records() -> dict[str, dict]:
    records = {p.stem: yaml.safe_load(p.read_text()) for p in (SAMPLE / "assets").glob("*.yaml")}
    return {i: r for i, r in records.items() if r.get("locations")}


def test_map_draws_clusters_and_a_popup_links_to_its_asset(visit, site_url, built_site):
    page = visit.page
    page.goto(site_url + "map/")
    page.wait_for_selector(".folium-map[data-cam-ready]", timeout=15000)
    points = json.loads((built_site / "assets" / "data" / "map.json").read_text())["points"]
    assert page.get_attribute(".folium-map", "data-cam-ready") == str(len(points))
    assert page.locator(".marker-cluster").count() >= 1
    assert visit.tiles, "the map should ask for tiles (intercepted by the test)"
    page.goto(site_url + "map/#stroud-valleys-walkers")
    page.reload()
    popup = page.wait_for_selector(".leaflet-popup-content .cam-popup", timeout=15000)
    assert popup.query_selector("h3").inner_text() == "Stroud Valleys Walkers"
    assert "Every Tuesday, 10:00 to 11:30" in popup.inner_text()
    page.locator(".leaflet-popup-content .cam-popup h3 a").focus()  # (a click could miss while the map pans)
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/stroud-valleys-walkers/")
    assert page.locator("article.cam-asset h1").inner_text() == "Stroud Valleys Walkers"
    assert visit.outside == [] and visit.errors == [] and visit.dialogs == []


def test_map_category_filter_hides_markers(visit, site_url):
    page = visit.page
    page.goto(site_url + "map/")
    page.wait_for_selector(".folium-map[data-cam-ready]", timeout=15000)

    def shown() -> int:
        return page.evaluate(
            "() => [...document.querySelectorAll('.marker-cluster span')].reduce((n, s) => n + +s.textContent, 0)"
            " + document.querySelectorAll('path.leaflet-interactive').length"
        )

    before = shown()
    for box in page.locator(".cam-legend input").all():
        box.uncheck()
    assert shown() == 0
    page.locator(".cam-legend input").first.check()
    assert 0 < shown() < before


def search(page, query: str) -> None:
    """Type a query once Material's search worker has loaded the index."""
    page.locator("input.md-search__input").click()
    page.wait_for_function(
        "() => (document.querySelector('.md-search-result__meta') || {}).textContent === 'Type to start searching'",
        timeout=20000,
    )
    page.locator("input.md-search__input").press_sequentially(query, delay=20)


def test_search_finds_an_asset_by_name(visit, site_url):
    page = visit.page
    page.goto(site_url)
    search(page, "Stroud Valleys Walkers")
    result = page.wait_for_selector(".md-search-result__item a[href*='support/stroud-valleys-walkers']", timeout=15000)
    assert result is not None
    assert visit.outside == []


@pytest.mark.parametrize(("query", "asset"), [("whatever the weather", "stroud-valleys-walkers"), ("Cinderford", None)])
def test_search_finds_words_from_descriptions_and_towns(visit, site_url, query, asset):
    page = visit.page
    page.goto(site_url)
    search(page, query)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()]
    if asset:
        assert any(f"support/{asset}/" in h for h in hrefs)
    else:
        towns = {i for i, r in located_records().items() if any(loc["town"] == query for loc in r["locations"])}
        assert towns and any(any(f"support/{i}/" in h for i in towns) for h in hrefs)


def test_asset_page_shows_the_next_date(visit, site_url):
    page = visit.page
    page.clock.set_fixed_time("2026-11-23T09:00:00")  # a Monday
    page.goto(site_url + "support/stroud-valleys-walkers/")
    nexts = page.locator(".cam-next:not([hidden]) time")
    assert nexts.nth(0).get_attribute("datetime") == "2026-11-24"  # every Tuesday
    assert nexts.nth(1).get_attribute("datetime") == "2026-12-05"  # first Saturday of December
    assert nexts.nth(0).inner_text() == "Tuesday 24 November"


def test_home_page_lists_what_is_on_today(visit, site_url, built_site):
    page = visit.page
    page.clock.set_fixed_time("2026-11-24T08:00:00")  # a Tuesday
    page.goto(site_url)
    page.wait_for_selector("[data-cam-today] ul:not([hidden]) li", timeout=10000)
    names = page.locator("[data-cam-today] li h3").all_inner_texts()
    assert "Stroud Valleys Walkers" in names


def test_no_cookies_and_no_outside_requests_while_browsing(visit, site_url):
    page = visit.page
    for path in ("", "support/stroud-valleys-walkers/", "need/", "need/carers/", "area/stroud/", "map/", "about/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert visit.context.cookies() == []
    assert visit.outside == []
    # The one theme exception: Material remembers the light/dark choice under "<scope>.__palette".
    stored = page.evaluate("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    assert [key for key in stored if not key.endswith(".__palette")] == []
    assert visit.errors == []


def test_map_popup_and_find_results_offer_add_to_list(visit, site_url):
    page = visit.page
    page.goto(site_url + "map/#stroud-valleys-walkers")
    button = page.locator(".cam-popup button[data-cam-add='stroud-valleys-walkers']")
    button.wait_for(timeout=15000)
    # by keyboard: a click at the button's position could miss it while the map still pans under load
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_class(re.compile("cam-add--added"))
    assert page.evaluate("() => JSON.parse(localStorage.getItem('cam.list'))") == ["stroud-valleys-walkers"]
    page.goto(site_url + "find/?q=walkers")
    page.wait_for_selector("#cam-results li button[data-cam-add]", timeout=15000)
    first = page.locator("#cam-results li button[data-cam-add]").first
    assert first.inner_text() in ("Add to list", "Remove from list")


@pytest.mark.parametrize("path,locale", [("", "en_GB"), ("cy/", "cy")])
def test_counts_are_written_as_the_page_language_writes_them(visit, site_url, path, locale):
    """CAM.wholeNumber writes counts of results without the browser's number formatting: as CLDR does."""
    numbers = [0, 7, 999, 1000, 1234, 12345, 100000, 123456, 1234567]
    page = visit.page
    page.goto(site_url + path)
    assert page.evaluate("() => document.documentElement.lang") == locale[:2]
    assert page.evaluate("ns => ns.map(n => CAM.wholeNumber(n))", numbers) == [
        format_decimal(n, locale=locale) for n in numbers
    ]
