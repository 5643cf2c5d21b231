"""A large directory's find support page in headless Chromium: its data split by area, the page loads only
the parts its view needs (the area chosen, the areas of a postcode district), and asks where first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from generator.render import findsupport
from generator.site.build import build_site

from .conftest import ROOT, SAMPLE, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> Path:
    """The sample built as a large directory would be: its find data split by area."""
    tmp = tmp_path_factory.mktemp("split")
    patch = pytest.MonkeyPatch()
    patch.setattr(findsupport, "FIND_SPLIT_AT", 10)
    try:
        build_site(SAMPLE, tmp / "site", ROOT / "mkdocs.yml", docs_dir=tmp / "docs", incremental=False)
    finally:
        patch.undo()
    return tmp / "site"


def test_the_data_is_split_by_area_without_losing_an_asset(split_site):
    index = json.loads((split_site / "assets/data/find.json").read_text(encoding="utf-8"))
    assert "assets" not in index
    ids: set[str] = set()
    for area, count in zip(index["areas"], index["parts"]["counts"], strict=True):
        part = json.loads((split_site / f"assets/data/find/{area}.json").read_text(encoding="utf-8"))["assets"]
        assert len(part) == count
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
        assert [u for u in fetched if "/assets/data/find/" in u] == [url + "assets/data/find/stroud.json"]

        # a postcode district without an area: the areas with venues there, nearest first
        page.select_option("#f-area", "")
        page.fill("#f-near", "GL5")
        expect(page.locator("#cam-results li").first).to_contain_text("km")
        wanted = {index["areas"][i] for i in index["districtAreas"]["GL5"]}
        loaded = {u.rsplit("/", 1)[1].removesuffix(".json") for u in fetched if "/assets/data/find/" in u}
        assert loaded == wanted | {"stroud"}
        assert visit.errors == []
    finally:
        server.shutdown()
