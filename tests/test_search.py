"""The header search: the site's own index per language, loaded only when a person starts to search."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

import generator.site.search
from generator.site import searchindex
from generator.site.build import BuildError
from generator.site.search import FOLDER, SearchIndexError, settle_search_files, write_search_index
from tests.conftest import ROOT, build_into, make_data_dir, serve_folder
from tests.test_accessibility import run_axe

READY = "() => (document.querySelector('.md-search-result__meta') || {}).textContent === 'Type to start searching'"


def _index(folder, lang: str, docs: list[dict]) -> None:
    (folder / "search").mkdir(parents=True)
    (folder / "search" / "search_index.json").write_text(json.dumps({"config": {"lang": [lang]}, "docs": docs}))


def _manifest(folder) -> dict:
    return json.loads((folder / FOLDER / "manifest.json").read_text())


def _pages(folder) -> list[list[str]]:
    """Every page row of a build's index ([url, title, text]), in the index's order."""
    manifest = _manifest(folder)
    return [
        row for name in manifest["groups"] for row in json.loads((folder / FOLDER / "p" / f"{name}.json").read_text())
    ]


def test_the_built_site_has_a_search_index_of_every_entry(built_site):
    manifest = _manifest(built_site)
    docs = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    entries = [d for d in docs if d["title"] or d["text"]]  # an entry with neither is no result
    assert manifest["language"] == "en" and manifest["pages"] == len(entries) == len(_pages(built_site))
    listed = {f"w/{n}.json" for n in manifest["words"].values()} | {f"p/{n}.json" for n in manifest["groups"]}
    written = {p.relative_to(built_site / FOLDER).as_posix() for p in (built_site / FOLDER).rglob("*.json")}
    assert written == listed | {"manifest.json"}
    assert not (built_site / "pagefind").exists()
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
        assert _manifest(folder)["language"] == lang and _manifest(folder)["pages"] == 1
    assert _pages(tmp_path / "cy") == [["support/walk/", "Teithiau cerdded", "Teithiau & paned."]]
    assert "walk" in _manifest(tmp_path)["words"] or "w" in _manifest(tmp_path)["words"]


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

    def full_disk(folder, language, records):
        if folder.name != "cy":
            raise OSError(28, "No space left on device")
        write(folder, language, records)

    monkeypatch.setattr(generator.site.search, "_write", full_disk)
    with pytest.raises(
        BuildError, match="could not write the search index in ./search/index/: OSError: .*No space left"
    ):
        build_into(tmp_path, data)
    assert _tree(out) == before and _nothing_staged(tmp_path)


def test_a_rebuild_keeps_published_index_files_and_removes_stale_ones(tmp_path):
    out, staged = tmp_path / "site", tmp_path / "staged"
    for folder, names in ((out, ["same", "stale"]), (staged, ["same", "new"])):
        for language in ("", "cy"):
            (folder / language / FOLDER / "w").mkdir(parents=True)
            for name in names:
                (folder / language / FOLDER / "w" / f"{name}.json").write_text(name)
            (folder / language / FOLDER / "manifest.json").write_text(str(folder))
    stale = settle_search_files(staged, out)
    assert stale == [f"{FOLDER}/w/stale.json", f"cy/{FOLDER}/w/stale.json"]
    for language in ("", "cy"):
        assert sorted(p.name for p in (staged / language / FOLDER / "w").iterdir()) == ["new.json"]
        assert (staged / language / FOLDER / "manifest.json").is_file()  # not named by its content: always replaced


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
    assert not [u for u in fetched if "/search/" in u or "searchengine" in u or "workers/search" in u]
    page.locator("input.md-search__input").click()
    page.wait_for_function(READY, timeout=20000)
    page.locator("input.md-search__input").press_sequentially("whatever the weather", delay=20)
    page.wait_for_selector(".md-search-result__item a[href*='support/stroud-valleys-walkers/']", timeout=15000)
    assert [u for u in fetched if "/search/index/w/" in u] and [u for u in fetched if "/search/index/p/" in u]
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


# The index's words and files (generator/site/searchindex.py) and the engine that reads them
# (javascripts/searchengine.js).

WORDS = [
    ("Women's Café walks", "en", ["women", "cafe", "walk"]),
    (
        "Carers’ support groups: activities for families",
        "en",
        ["carer", "support", "group", "activity", "for", "family"],
    ),
    ("Class, bus, Paris, a 10:30 walk", "en", ["class", "bus", "paris", "10", "30", "walk"]),
    ("Paned a Sgwrs, Ŵyl Gymraeg yn y Goedwig", "cy", ["paned", "sgwrs", "wyl", "gymraeg", "yn", "goedwig"]),
    ("Grwpiau cerdded i'r teulu", "cy", ["grwpiau", "cerdded", "ir", "teulu"]),
    ("Żółć naïve CAFÉ ½ 東京 مرحبا x_y", "en", ["zołc", "naive", "cafe", "東京", "مرحبا"]),
]


@pytest.mark.parametrize("text,language,expected", WORDS)
def test_the_index_reads_words_without_case_accents_apostrophes_or_plurals(text, language, expected):
    assert searchindex.words(text, language) == expected


def _word_file(keys: list[str], word: str) -> str:
    """The rule the engine follows: a word is in the file of the longest key it begins with."""
    return max((k for k in keys if word.startswith(k)), key=len)


def test_a_large_index_splits_its_words_by_how_they_begin_and_every_word_is_where_the_engine_looks(monkeypatch):
    monkeypatch.setattr(searchindex, "WORD_GROUP_BYTES", 60)
    text = "walk walking walker walkers wall wales war warm water wat wa w2 and andrew anderson"
    pages = [{"url": f"p{i}/", "title": f"Page {i}", "text": text if i % 2 else "and walking"} for i in range(30)]
    files = searchindex.build(pages, "en")
    manifest = json.loads(files["manifest.json"])
    keys = list(manifest["words"])
    assert len(keys) > 5 and any(len(k) >= 4 for k in keys)  # split below the first letters
    for word in set(searchindex.words(text + " page", "en")):
        entries = json.loads(files[f"w/{manifest['words'][_word_file(keys, word)]}.json"])
        assert word in entries, word
    and_pages = json.loads(files[f"w/{manifest['words'][_word_file(keys, 'and')]}.json"])["and"]
    assert and_pages == [[], [0] + [1] * 29]  # in every page's text, as gaps between page numbers
    assert manifest["pages"] == 30 and len(manifest["groups"]) == -(-30 // searchindex.PAGE_GROUP)


def test_long_words_in_many_pages_are_indexed_without_running_out_of_stack(monkeypatch):
    monkeypatch.setattr(searchindex, "WORD_GROUP_BYTES", 10)
    long = "a" * 5000  # a page's text is the contributor's: any length, in any number of pages
    pages = [{"url": f"p{i}/", "title": "Long", "text": f"{long}b {long}c {long}"} for i in range(50)]
    manifest = json.loads(searchindex.build(pages, "en")["manifest.json"])
    keys = list(manifest["words"])
    assert {_word_file(keys, w) for w in (long, long + "b", long + "c")} == {long, long + "b", long + "c"}


def test_the_engine_reads_words_as_the_index_does(visit, site_url):
    page = visit.page
    page.goto(site_url)
    page.add_script_tag(url=site_url + "javascripts/searchengine.js")
    for text, language, expected in WORDS:
        assert page.evaluate("([t, l]) => CamSearchEngine.words(t, l)", [text, language]) == expected, text


@pytest.fixture
def split_index(tmp_path, monkeypatch):
    """A small index split into many files of words and of pages, served with the engine: its address."""
    monkeypatch.setattr(searchindex, "WORD_GROUP_BYTES", 40)
    monkeypatch.setattr(searchindex, "PAGE_GROUP", 2)
    docs = [
        {"location": "walk/", "title": "Walking group", "text": "<p>Gentle walks &amp; a cuppa.</p>"},
        {"location": "walk-2/", "title": "Stroud Strollers", "text": "<p>A walking group for everyone.</p>"},
        {"location": "wall/", "title": "Dry stone walling", "text": "<p>Learn a craft outdoors.</p>"},
        {"location": "money/", "title": "Benefits advice", "text": "<p>Help with money and forms.</p>"},
        {"location": "cafe/", "title": "Memory café", "text": "<p>For people living with dementia.</p>"},
    ] + [{"location": f"x{i}/", "title": f"Other {i}", "text": "<p>Something else again.</p>"} for i in range(9)]
    _index(tmp_path, "en", docs)
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body></body></html>'
    )
    assert write_search_index(tmp_path) == len(docs)
    (tmp_path / "javascripts").mkdir()
    shutil.copy(ROOT / "site_src" / "javascripts" / "searchengine.js", tmp_path / "javascripts")
    assert len(_manifest(tmp_path)["words"]) > 10 and len(_manifest(tmp_path)["groups"]) == 7
    url, server = serve_folder(tmp_path)
    yield url
    server.shutdown()


SEARCH = """async ([base, query]) => {
    const index = await CamSearchEngine.open(base);
    const found = await index.search(query);
    return {count: found.count, first: (await Promise.all(found.first(3))).map(p => [p.url, p.title])};
}"""


def test_the_engine_finds_whole_words_and_their_starts_best_first(visit, split_index):
    page = visit.page
    page.goto(split_index)
    page.add_script_tag(url=split_index + "javascripts/searchengine.js")
    walking = page.evaluate(SEARCH, [split_index, "walking"])
    # in a title first, then only in the text; "walks" is "walk", which does not begin "walking"
    assert walking["count"] == 2 and [t for _, t in walking["first"]] == ["Walking group", "Stroud Strollers"]
    walk = page.evaluate(SEARCH, [split_index, "walk"])  # the word and the words it begins
    assert walk["count"] == 2 and walk["first"][0] == [split_index + "walk/", "Walking group"]
    wal = page.evaluate(SEARCH, [split_index, "wal"])  # in titles first, equally good ones by title
    assert [t for _, t in wal["first"]] == ["Dry stone walling", "Walking group", "Stroud Strollers"]
    assert page.evaluate(SEARCH, [split_index, "WALKING group"])["count"] == 2  # every word, any case
    assert page.evaluate(SEARCH, [split_index, "walking money"])["count"] == 0
    assert page.evaluate(SEARCH, [split_index, "memory cafe"])["first"] == [[split_index + "cafe/", "Memory café"]]
    assert page.evaluate(SEARCH, [split_index, "a"])["count"] == 0  # too short to look up
    assert page.evaluate(SEARCH, [split_index, "Other"])["count"] == 9
    assert visit.errors == []


def test_the_themes_search_plugin_scans_no_html_of_generated_pages_it_leaves_out(tmp_path, monkeypatch, english_sample):
    """It strips its own attributes from every page, indexed or not: pages of a large directory's lists took
    seconds (mkdocs_plugin._set_aside_from_search). The HTML is given back: the page is whole."""
    from material.plugins.search.plugin import SearchPlugin

    from generator.site.build import build_site

    seen: dict[str, int] = {}
    scan = SearchPlugin.on_page_context

    def watched(self, context, *, page, config, nav):
        seen[page.file.src_uri] = len(page.content or "")
        return scan(self, context, page=page, config=config, nav=nav)

    monkeypatch.setattr(SearchPlugin, "on_page_context", watched)
    monkeypatch.chdir(ROOT)
    site = tmp_path / "site"
    build_site(english_sample, site, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs", incremental=False)
    assets = [uri for uri in seen if uri.startswith("support/")]
    assert len(assets) > 50 and all(seen[uri] == 0 for uri in assets)
    assert seen["about.md"] > 1000 and seen["index.md"] > 1000, "pages it indexes: scanned as before"
    page = (site / assets[0].removesuffix(".md").removesuffix("/index") / "index.html").read_text(encoding="utf-8")
    record = yaml.safe_load((english_sample / "assets" / f"{Path(assets[0]).stem}.yaml").read_text(encoding="utf-8"))
    assert str(escape(record["name"])) in page and f'data-cam-add="{record["id"]}"' in page
