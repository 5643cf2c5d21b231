"""Hostile records: script payloads in every text field are rendered inert on every page type."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import CASES, build_into, make_data_dir, serve_folder

HOSTILE = CASES / "hostile" / "hostile-payloads.yaml"


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    data = make_data_dir(base / "data", {HOSTILE.name: HOSTILE.read_bytes()}, with_sample=True)
    return build_into(base, data)


def test_hostile_record_is_valid_data(hostile_site):
    assert (hostile_site / "support" / "hostile-payloads" / "index.html").is_file()


def test_no_payload_becomes_markup_anywhere(hostile_site):
    for page in hostile_site.rglob("*.html"):
        tree = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in tree.find_all("script"):
            assert "alert(" not in script.get_text(), f"{page}: script holds a payload"
        for el in tree.find_all(True):
            for attr, value in el.attrs.items():
                assert not attr.lower().startswith("on"), f"{page}: {el.name} has {attr}"
                if attr in ("href", "src", "action", "formaction"):
                    assert not str(value).strip().lower().startswith(("javascript:", "data:", "vbscript:")), page
        for tag in ("iframe", "svg", "img", "details", "style", "u", "b"):
            for el in tree.find_all(tag):
                assert "alert" not in str(el), f"{page}: <{tag}> came from a record"


def test_payload_text_is_shown_as_text(hostile_site):
    page = BeautifulSoup((hostile_site / "support" / "hostile-payloads" / "index.html").read_text(), "html.parser")
    assert page.select_one("article h1").get_text() == '<script>alert("name")</script> Payload Club'
    assert "{{ 7*7 }}" in page.get_text()


def test_data_files_keep_payloads_as_json_strings(hostile_site):
    card = json.loads((hostile_site / "assets" / "data" / "asset" / "hostile-payloads.json").read_text())
    assert card["name"].startswith("<script>")
    find = (hostile_site / "find" / "index.html").read_text()
    options = re.search(r'id="cam-find-options">(.*?)</script>', find, re.S).group(1)
    assert "</" not in options


PAGES = [
    "",
    "support/hostile-payloads/",
    "need/social-groups/",
    "area/stroud/",
    "need/",
    "sheets/area/stroud/",
    "map/#hostile-payloads",
    "find/?q=payload",
    "sheet/?ids=hostile-payloads,stroud-valleys-walkers",
    "list/",
]


@pytest.mark.browser
def test_no_script_runs_on_any_page_type(hostile_site, visit):
    url, server = serve_folder(hostile_site)
    page = visit.page
    try:
        page.goto(url + "support/hostile-payloads/")
        page.locator("button[data-cam-add='hostile-payloads']").click()
        for path in PAGES:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            if path.startswith("map/"):
                page.wait_for_selector(".cam-popup", timeout=15000)
            if path.startswith("find/"):
                page.wait_for_selector("#cam-results li", timeout=15000)
            if path.startswith("sheet/"):
                page.wait_for_selector(".cam-sheet-entry", timeout=15000)
            links = page.evaluate(
                "() => [...document.querySelectorAll('[href],[src]')]"
                ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
            )
            assert not [x for x in links if x and x.strip().lower().startswith(("javascript:", "vbscript:"))], path
        page.goto(url)
        page.locator("input.md-search__input").click()
        page.wait_for_function(
            "() => (document.querySelector('.md-search-result__meta') || {}).textContent === 'Type to start searching'",
            timeout=20000,
        )
        page.locator("input.md-search__input").press_sequentially("Payload", delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.wait_for_timeout(300)
    finally:
        server.shutdown()
    assert visit.dialogs == []
    assert visit.errors == []
    assert visit.outside == []
