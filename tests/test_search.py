"""The header search: a Pagefind index per language, loaded only when a person starts to search."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pytest

import generator.site.search
from generator.site.build import BuildError
from generator.site.search import FOLDER, SearchIndexError, settle_search_files, write_search_index
from tests.conftest import ROOT, build_into, make_data_dir
from tests.test_accessibility import run_axe

READY = "() => (document.querySelector('.md-search-result__meta') || {}).textContent === 'Type to start searching'"


def _index(folder, lang: str, docs: list[dict]) -> None:
    (folder / "search").mkdir(parents=True)
    (folder / "search" / "search_index.json").write_text(json.dumps({"config": {"lang": [lang]}, "docs": docs}))


def test_the_built_site_has_a_pagefind_index_and_no_unused_pagefind_files(built_site):
    bundle = built_site / FOLDER
    assert (bundle / "pagefind.js").is_file()
    assert json.loads((bundle / "pagefind-entry.json").read_text())["languages"].keys() == {"en"}
    assert list((bundle / "fragment").iterdir()) and list((bundle / "index").iterdir())
    assert not list(bundle.glob("pagefind-*ui*")) and not (bundle / "pagefind-highlight.js").exists()
    home = (built_site / "index.html").read_text()
    # no form named "search" and no theme search hooks: the theme neither fetches its index nor starts its worker
    assert 'name="search"' not in home and 'data-md-component="search' not in home
    assert 'name="cam-search"' in home and "javascripts/search.js" in home


def test_each_language_build_gets_its_own_index_in_its_language(tmp_path):
    _index(tmp_path, "en", [{"location": "support/walk/", "title": "Health walks", "text": "<p>Gentle walks.</p>"}])
    # the theme's index says "en" for a language it has no stemmer for: the pages' <html lang> decides
    _index(
        tmp_path / "cy",
        "en",
        [{"location": "support/walk/", "title": "Teithiau cerdded", "text": "<p>Teithiau &amp; paned.</p>"}],
    )
    (tmp_path / "index.html").write_text('<!doctype html><html lang="en" class="no-js"><body></body></html>')
    (tmp_path / "cy" / "index.html").write_text('<!doctype html><html lang="cy" class="no-js"><body></body></html>')
    assert write_search_index(tmp_path) == 2
    for folder, lang in ((tmp_path, "en"), (tmp_path / "cy", "cy")):
        languages = json.loads((folder / FOLDER / "pagefind-entry.json").read_text())["languages"]
        assert languages.keys() == {lang} and languages[lang]["page_count"] == 1
    fragments = [gzip.decompress(p.read_bytes()) for p in (tmp_path / "cy" / FOLDER / "fragment").iterdir()]
    assert b"Teithiau & paned" in fragments[0] and b'"url":"/support/walk/"' in fragments[0]


def test_an_unreadable_search_index_is_a_clear_error(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("{not json")
    with pytest.raises(SearchIndexError, match="search_index.json"):
        write_search_index(tmp_path)


def _tree(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def two_language_build(tmp_path, monkeypatch):
    """A two-language sample site built once into tmp_path/site; its files; the data folder."""
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True)
    out = build_into(tmp_path, data)
    (data / "assets" / "stroud-valleys-walkers.yaml").write_bytes(
        (data / "assets" / "stroud-valleys-walkers.yaml").read_bytes().replace(b"Walkers", b"Walking Group", 1)
    )
    return out, _tree(out), data


def _nothing_staged(tmp_path) -> bool:
    return not [p for p in tmp_path.iterdir() if p.name.startswith((".site-build-", ".site-old-"))]


def test_a_search_index_that_fails_fails_the_build_and_leaves_the_site(tmp_path, monkeypatch, two_language_build):
    out, before, data = two_language_build
    write = generator.site.search._write

    def full_disk(folder, records):
        if folder.name != "cy":
            raise OSError(28, "No space left on device")
        write(folder, records)

    monkeypatch.setattr(generator.site.search, "_write", full_disk)
    with pytest.raises(BuildError, match="Pagefind could not write the search index: OSError: .*No space left"):
        build_into(tmp_path, data)
    assert _tree(out) == before and _nothing_staged(tmp_path)


def test_a_rebuild_keeps_published_index_files_and_removes_stale_ones(tmp_path):
    out, staged = tmp_path / "site", tmp_path / "staged"
    for folder, names in ((out, ["same", "stale"]), (staged, ["same", "new"])):
        (folder / FOLDER / "fragment").mkdir(parents=True)
        for name in names:
            (folder / FOLDER / "fragment" / f"en_{name}.pf_fragment").write_text(name)
        (folder / FOLDER / "pagefind-entry.json").write_text(str(folder))
    stale = settle_search_files(staged, out)
    assert stale == [f"{FOLDER}/fragment/en_stale.pf_fragment"]
    assert sorted(p.name for p in (staged / FOLDER / "fragment").iterdir()) == ["en_new.pf_fragment"]
    assert (staged / FOLDER / "pagefind-entry.json").is_file()  # not named by its content: always replaced


def test_a_failed_search_index_leaves_the_site_as_it_was(tmp_path, built_site):
    from generator.site.build import BuildError, build_site
    from tests.conftest import ROOT, SAMPLE

    out = tmp_path / "site"
    shutil.copytree(built_site, out)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    docs = tmp_path / "docs"
    (docs / "zz" / "search").mkdir(parents=True)  # a folder no language of the sample's is built into
    (docs / "zz" / "search" / "search_index.json").write_text("{not json")  # copied into the staged site
    with pytest.raises(BuildError, match="search index"):
        build_site(SAMPLE, out, ROOT / "mkdocs.yml", docs_dir=docs, incremental=False)
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_nothing_for_search_is_fetched_until_a_person_searches(visit, site_url):
    page = visit.page
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(site_url + "support/stroud-valleys-walkers/", wait_until="load")
    page.wait_for_timeout(500)
    assert not [u for u in fetched if "/pagefind/" in u or "search_index" in u or "workers/search" in u]
    page.locator("input.md-search__input").click()
    page.wait_for_function(READY, timeout=20000)
    page.locator("input.md-search__input").press_sequentially("whatever the weather", delay=20)
    page.wait_for_selector(".md-search-result__item a[href*='support/stroud-valleys-walkers/']", timeout=15000)
    assert [u for u in fetched if "/pagefind/" in u]
    assert not [u for u in fetched if "search_index" in u or "workers/search" in u]
    assert page.locator(".md-search-result__meta").inner_text().endswith("matching documents") or (
        page.locator(".md-search-result__meta").inner_text() == "1 matching document"
    )
    assert visit.outside == [] and visit.errors == []


def test_search_by_keyboard_and_its_results_pass_axe(visit, site_url):
    page = visit.page
    page.goto(site_url + "about/")
    page.keyboard.press("/")  # the theme's shortcut opens the search
    page.wait_for_function("() => document.activeElement.matches('input.md-search__input')", timeout=5000)
    page.wait_for_function(READY, timeout=20000)
    page.keyboard.type("carers")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert page.get_attribute(".md-search-result__meta", "role") == "status"
    page.keyboard.press("ArrowDown")
    first = page.evaluate("() => document.activeElement.closest('.md-search-result__item') !== null")
    assert first
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert violations_of(page) == []
    page.keyboard.press("Enter")
    page.wait_for_url("**" + href.split("#")[0], timeout=10000)
    assert visit.errors == []


def violations_of(page) -> list[dict]:
    """axe's WCAG violations with the search open."""
    return run_axe(page)


def test_escape_closes_the_search(visit, site_url):
    page = visit.page
    page.goto(site_url)
    page.locator("input.md-search__input").click()
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")


def test_the_welsh_site_searches_its_own_pages_in_welsh(visit, site_url):
    page = visit.page
    page.goto(site_url + "cy/about/")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("sgwrs", delay=20)  # in a Welsh name only
    hit = page.locator(".md-search-result__item a[href*='support/coleford-welsh-chat-cafe/']")
    hit.first.wait_for(timeout=20000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith(site_url + "cy/") for href in hrefs)  # Welsh pages only
    assert "Paned a Sgwrs Coleford" in hit.first.inner_text()
    assert visit.errors == []
