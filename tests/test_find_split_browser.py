"""A large directory's find support page in headless Chromium: its data split by area, each area's part in
pieces; the page loads only the parts its view needs (the area chosen, the areas of a postcode district),
asks where first, and shows the first results by name from an area's first piece while the rest arrive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from generator.render import findsupport
from generator.site.build import build_site

from .conftest import ROOT, SAMPLE, serve_folder

pytestmark = pytest.mark.browser
FIRST, PIECE = 3, 4  # assets in the first piece of an area's part, and in each later one (areas here: 6 to 28)


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> Path:
    """The sample built as a large directory would be: its find data split by area, in small pieces."""
    tmp = tmp_path_factory.mktemp("split")
    patch = pytest.MonkeyPatch()
    patch.setattr(findsupport, "FIND_SPLIT_AT", 10)
    patch.setattr(findsupport, "FIND_FIRST_PIECE", FIRST)
    patch.setattr(findsupport, "FIND_PIECE", PIECE)
    try:
        build_site(SAMPLE, tmp / "site", ROOT / "mkdocs.yml", docs_dir=tmp / "docs", incremental=False)
    finally:
        patch.undo()
    return tmp / "site"


def test_the_data_is_split_by_area_without_losing_an_asset(split_site):
    index = json.loads((split_site / "assets/data/find.json").read_text(encoding="utf-8"))
    assert "assets" not in index
    ids: set[str] = set()
    for area, count, pieces in zip(index["areas"], index["parts"]["counts"], index["parts"]["pieces"], strict=True):
        files = [f"{area}.json", *(f"{area}.{n}.json" for n in range(2, pieces + 1))]
        cut = [json.loads((split_site / "assets/data/find" / f).read_text(encoding="utf-8"))["assets"] for f in files]
        rest = range(FIRST, count, PIECE)
        assert [len(piece) for piece in cut] == [min(FIRST, count)] + [min(PIECE, count - i) for i in rest]
        assert not (split_site / f"assets/data/find/{area}.{pieces + 1}.json").exists()
        part = [item for piece in cut for item in piece]
        names = [item["n"].casefold() for item in part]
        assert names == sorted(names)  # in name order, so that the first piece holds the first names
        assert all(index["areas"].index(area) in item["a"] for item in part)
        ids |= {item["i"] for item in part}
    assert len(ids) == index["parts"]["total"] == len(list((split_site / "support").iterdir()))
    assert set(index["districtAreas"]) == set(index["districts"])


def test_find_loads_only_the_parts_its_view_needs(split_site, visit):
    url, server = serve_folder(split_site)
    try:
        fetched: list[str] = []
        visit.page.on("requestfinished", lambda request: fetched.append(request.url))
        page = visit.page
        page.goto(url + "find/")
        heading = page.locator("#results-heading")
        expect(heading).to_have_text("Choose an area, or give a postcode or your location, to see groups and services.")
        expect(page.locator("#cam-results li")).to_have_count(0)
        assert url + "assets/data/find.json" in fetched
        assert not [u for u in fetched if "/assets/data/find/" in u]

        index = json.loads((split_site / "assets/data/find.json").read_text(encoding="utf-8"))
        stroud = index["parts"]["counts"][index["areas"].index("stroud")]
        page.select_option("#f-area", "stroud")
        expect(page.locator("#cam-results li")).to_have_count(stroud)
        pieces = index["parts"]["pieces"][index["areas"].index("stroud")]
        assert pieces > 1
        wanted_files = ["stroud.json", *(f"stroud.{n}.json" for n in range(2, pieces + 1))]
        got = sorted(u.rsplit("/", 1)[1] for u in fetched if "/assets/data/find/" in u)
        assert got == sorted(wanted_files)

        # a postcode district without an area: the areas with venues there, nearest first
        page.select_option("#f-area", "")
        page.fill("#f-near", "GL5")
        expect(page.locator("#cam-results li").first).to_contain_text("km")
        wanted = {index["areas"][i] for i in index["districtAreas"]["GL5"]}
        loaded = {u.rsplit("/", 1)[1].split(".")[0] for u in fetched if "/assets/data/find/" in u}
        assert loaded == wanted | {"stroud"}
        assert visit.errors == []
    finally:
        server.shutdown()


def test_the_first_results_show_while_the_rest_of_the_area_arrives(split_site, visit):
    """The first piece of an area's part is enough to show its first results by name; the count comes with the rest."""
    url, server = serve_folder(split_site)
    try:
        held = []
        page = visit.page
        page.route("**/assets/data/find/stroud.*.json", lambda route: held.append(route))  # the later pieces wait
        index = json.loads((split_site / "assets/data/find.json").read_text(encoding="utf-8"))
        first = json.loads((split_site / "assets/data/find/stroud.json").read_text(encoding="utf-8"))["assets"]
        page.goto(url + "find/?area=stroud")
        heading = page.locator("#results-heading")
        expect(heading).to_have_text("The first results are below; the rest are still loading.")
        cards = page.locator("#cam-results li .cam-card__title")
        shown = page.locator("#cam-results li")
        expect(shown.first).to_be_visible()
        assert 0 < shown.count() <= FIRST
        assert {item["n"] for item in first} >= set(cards.all_inner_texts())
        assert page.get_attribute("#cam-find-form", "data-cam-results") is None
        # the area in the address: its first piece was asked for once, while the page was still loading
        asked = page.evaluate(
            """() => performance.getEntriesByType("resource").filter(e => /find\\/stroud\\.json$/.test(e.name))
                .map(e => e.startTime < performance.getEntriesByType("navigation")[0].domContentLoadedEventStart)"""
        )
        assert asked == [True]
        assert len(held) == index["parts"]["pieces"][index["areas"].index("stroud")] - 1

        for route in held:
            route.continue_()
        stroud = index["parts"]["counts"][index["areas"].index("stroud")]
        expect(shown).to_have_count(stroud)
        expect(heading).to_have_text(f"{stroud} results")
        expect(page.locator("#cam-find-form")).to_have_attribute("data-cam-results", str(stroud))
        assert visit.errors == []
    finally:
        server.shutdown()


def test_the_area_is_asked_for_while_the_page_styles_load(split_site, visit):
    """The page's head asks for find.json and the area's first piece before its stylesheets: with the theme's
    stylesheet held back (scripts after it wait for it), both are asked for, once each, and used."""
    url, server = serve_folder(split_site)
    try:
        held, asked = [], []
        page = visit.page
        page.on("request", lambda request: asked.append(request.url))
        page.route("**/assets/stylesheets/main.*.css", lambda route: held.append(route))
        with page.expect_request(url + "assets/data/find/stroud.json", timeout=10000):
            page.goto(url + "find/?area=stroud", wait_until="commit")
        assert held, "the theme's stylesheet was not asked for"
        assert url + "assets/data/find.json" in asked
        assert url + "assets/data/find/stroud.json" in asked
        assert page.evaluate("() => window.CAM.t === undefined")  # core.js has not run: the page waits for its styles
        for route in held:
            route.continue_()
        index = json.loads((split_site / "assets/data/find.json").read_text(encoding="utf-8"))
        stroud = index["parts"]["counts"][index["areas"].index("stroud")]
        expect(page.locator("#cam-results li")).to_have_count(stroud)
        assert asked.count(url + "assets/data/find.json") == 1
        assert asked.count(url + "assets/data/find/stroud.json") == 1
        assert visit.errors == []
    finally:
        server.shutdown()


def test_a_long_list_on_a_split_directory_shows_names(split_site, visit):
    """My list longer than a sheet reads names from find.json, which holds no assets once the data is split:
    it reads each entry's card instead, rather than showing ids."""
    url, server = serve_folder(split_site)
    try:
        page = visit.page
        ids = sorted(p.name for p in (split_site / "support").iterdir())
        listed = ids + [f"not-here-{n}" for n in range(101 - len(ids))]  # more than a sheet takes (100)
        page.goto(url)
        page.evaluate("ids => localStorage.setItem('cam.list', JSON.stringify(ids))", listed)
        page.goto(url + "list/")
        expect(page.locator("#mylist-items li")).to_have_count(len(listed))
        card = json.loads((split_site / f"assets/data/asset/{ids[0]}.json").read_text(encoding="utf-8"))
        name = '#mylist-items li[data-asset-id="{}"] .cam-mylist__name'
        expect(page.locator(name.format(ids[0]))).to_have_text(card["name"])
        expect(page.locator(name.format("not-here-0"))).to_have_text("not-here-0")  # no card: its id
        assert visit.errors == []
    finally:
        server.shutdown()
