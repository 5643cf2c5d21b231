"""The built sample site, checked with an HTML parser: pages, links, map data, no CDNs, atomic builds."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.problems import DataError
from generator.site.build import BuildError, build_site
from generator.site.write import is_generated

from .conftest import ROOT, SAMPLE, make_data_dir, standalone_mkdocs

RECORDS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE / "assets").glob("*.yaml"))}
CDN = re.compile(
    r"https?://(cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|unpkg\.com|[a-z]+\.googleapis\.com|fonts\.gstatic\.com"
    r"|[a-z.]*bootstrapcdn\.com|code\.jquery\.com|use\.fontawesome\.com|netdna\.[a-z.]+)"
)
# Named exceptions caused by the theme, not by us: Material's bundle holds two loaders that fetch from
# unpkg.com only when needed, a ResizeObserver polyfill (every current browser has ResizeObserver) and
# mermaid (used only on pages with mermaid diagrams; this site has none). The browser tests check
# that no page actually makes such a request.
THEME_EXCEPTIONS = {
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_one_page_per_asset(built_site):
    pages = {p.parent.name for p in (built_site / "support").glob("*/index.html")}
    assert pages == set(RECORDS)
    walkers = soup(built_site / "support" / "stroud-valleys-walkers" / "index.html")
    assert walkers.select_one("article.cam-asset h1").get_text() == "Stroud Valleys Walkers"
    when = [li.get_text(" ", strip=True) for li in walkers.select(".cam-sessions > li")]
    assert when[0].startswith("Gentle walk : Every Tuesday, 10:00 to 11:30.")
    assert when[1].startswith("Longer walk : First Saturday of the month, 10:00 to 12:30.")
    hrefs = [a["href"] for a in walkers.select("article a")]
    assert "tel:01632960123" in hrefs and "mailto:walks@example.org" in hrefs
    assert "https://www.openstreetmap.org/directions?to=51.74660%2C-2.22850" in hrefs
    assert "../../map/#stroud-valleys-walkers" in hrefs


def test_every_asset_page_carries_what_a_person_needs(built_site):
    for asset_id, record in RECORDS.items():
        page = soup(built_site / "support" / asset_id / "index.html")
        text = page.select_one("article.cam-asset").get_text(" ", strip=True)
        assert record["name"] in text
        for heading in ("What it is", "Who it is for", "When", "Where", "Cost", "How to get in", "Contact"):
            assert page.find("h2", string=heading), (asset_id, heading)
        assert "Last checked:" in text
        for loc in record.get("locations") or []:
            assert loc["postcode"] in text


def test_category_and_area_pages_list_their_assets(built_site):
    categories = yaml.safe_load((SAMPLE / "vocabularies" / "categories.yaml").read_text())
    areas = yaml.safe_load((SAMPLE / "vocabularies" / "areas.yaml").read_text())
    for kind, vocab, key in (("need", categories, "categories"), ("area", areas, "areas")):
        for entry in vocab:
            page = soup(built_site / kind / entry["id"] / "index.html")
            listed = {li["data-asset-id"] for li in page.select("li.cam-card")}
            expected = {i for i, r in RECORDS.items() if entry["id"] in r[key]}
            assert listed == expected, (kind, entry["id"])


def test_asset_pages_stay_out_of_the_navigation(built_site):
    home = soup(built_site / "index.html")
    nav_links = [a["href"] for a in home.select("nav.md-nav a[href]")]
    assert not any("support/" in href for href in nav_links)
    assert len(home.select("nav.md-nav--primary a.md-nav__link")) < 20


def _targets(page: Path, site: Path, base: str):
    tree = soup(page)
    for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for el in tree.find_all(tag):
            value = el.get(attr)
            if not value or urlsplit(value).scheme or value.startswith("//"):
                continue
            yield value, urljoin(base, value)


def test_no_broken_internal_links_or_anchors(built_site):
    ids_cache: dict[Path, set[str]] = {}
    for language in ("", *(p.parent.parent.name for p in built_site.glob("*/map/index.html"))):  # each language's map
        points = json.loads((built_site / language / "assets" / "data" / "map.json").read_text())["points"]
        ids_cache[built_site / language / "map" / "index.html"] = {p[0] for p in points}
    broken = []
    for page in html_files(built_site):
        rel = page.relative_to(built_site).as_posix()
        base = "http://site/" + rel
        for raw, absolute in _targets(page, built_site, base):
            parts = urlsplit(absolute)
            target = built_site / unquote(parts.path.lstrip("/"))
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{rel}: {raw}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids_cache:  # the map page's fragments name markers, held in map.json
                    ids_cache[target] = {el["id"] for el in soup(target).find_all(id=True)}
                if parts.fragment not in ids_cache[target]:
                    broken.append(f"{rel}: {raw} (no such anchor)")
    assert broken == []


def test_map_data_has_one_point_per_location(built_site):
    data = json.loads((built_site / "assets" / "data" / "map.json").read_text())
    located = {i: r["locations"] for i, r in RECORDS.items() if r.get("locations")}
    assert {p[0] for p in data["points"]} == set(located)
    assert len(data["points"]) == sum(len(locs) for locs in located.values())
    for point in data["points"]:
        loc = next(loc for loc in located[point[0]] if round(float(loc["latitude"]) * 1e5) == point[1])
        assert round(float(loc["longitude"]) * 1e5) == point[2]
    for asset_id in located:
        popup = json.loads((built_site / "assets" / "data" / "asset" / f"{asset_id}.json").read_text())
        assert popup["name"] == RECORDS[asset_id]["name"]


def test_map_page_uses_the_sites_own_leaflet(built_site):
    page = soup(built_site / "map" / "index.html")
    scripts = [s["src"] for s in page.select("script[src]")]
    assert "../assets/vendor/leaflet/leaflet.js" in scripts
    assert "../assets/vendor/leaflet.markercluster/leaflet.markercluster.js" in scripts
    for src in scripts:
        assert (built_site / "map" / src).resolve().is_file(), src
    assert len(page.select(".cam-legend input[type=checkbox]")) == len(
        yaml.safe_load((SAMPLE / "vocabularies" / "categories.yaml").read_text())
    )


def test_no_cdn_urls_anywhere_in_the_output(built_site):
    offenders = []
    for path in built_site.rglob("*"):
        if path.suffix in {".html", ".js", ".css", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for exception in THEME_EXCEPTIONS:
                if path.parent.name == "javascripts" and path.name.startswith("bundle."):
                    text = text.replace(exception, "")
            offenders += [f"{path.relative_to(built_site)}: {m.group(0)}" for m in CDN.finditer(text)]
    assert offenders == []


def test_no_external_scripts_styles_or_fonts(built_site):
    for page in html_files(built_site):
        tree = soup(page)
        for el in tree.select("script[src], link[href]"):
            url = el.get("src") or el.get("href")
            if el.name == "link" and el.get("rel") in (["canonical"], ["alternate"]):
                continue
            assert not urlsplit(url).scheme, f"{page}: {url}"


def test_search_index_holds_name_description_category_and_town(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    pages = {}
    for doc in index["docs"]:
        pages.setdefault(doc["location"].split("#")[0], []).append(doc["title"] + " " + doc["text"])
    text = " ".join(pages["support/stroud-valleys-walkers/"])
    for words in ("Stroud Valleys Walkers", "whatever the weather", "Walking and physical activity", "Stroud"):
        assert words in text


def test_need_and_area_pages_are_found_by_their_name_and_description_not_their_cards(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    categories = yaml.safe_load((SAMPLE / "vocabularies" / "categories.yaml").read_text())
    for category in categories:
        entries = [d for d in index["docs"] if d["location"].split("#")[0] == f"need/{category['id']}/"]
        assert len(entries) == 1, category["id"]
        assert entries[0]["title"] == category["name"]
        assert category["description"] in entries[0]["text"]
        assert "Stroud Valleys Walkers" not in entries[0]["text"]
    areas = {d["location"] for d in index["docs"] if d["location"].startswith("area/")}
    assert "area/stroud/" in areas


def test_home_page_counts_and_freshness(built_site):
    home = soup(built_site / "index.html")
    stats = home.select_one(".cam-stats").get_text(" ", strip=True)
    assert f"{len(RECORDS)} groups and services" in stats
    latest = max(str(r["last_checked"]) for r in RECORDS.values())
    assert latest[:4] in stats
    assert "Data licence: CC BY 4.0" in home.select_one(".md-copyright").get_text()


def test_failed_build_leaves_the_previous_site_untouched(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True, english_only=True)
    out = tmp_path / "site"
    build_site(data, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    record = data / "assets" / "stroud-valleys-walkers.yaml"
    record.write_text(record.read_text().replace('start: "10:00"', 'start: "25:00"', 1))
    with pytest.raises(DataError):
        build_site(data, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-build-", ".site-old-"))]


def test_mkdocs_failure_leaves_the_previous_site_untouched(tmp_path, monkeypatch, english_sample):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    build_site(english_sample, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "mkdocs.yml"
    text = standalone_mkdocs(ROOT / "site_src")
    assert "  - About: about.md" in text
    broken.write_text(text.replace("  - About: about.md", "  - About: missing.md"))
    with pytest.raises(BuildError, match="missing.md"):
        build_site(english_sample, out, broken, docs_dir=tmp_path / "docs")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def _snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def previous_site(tmp_path, monkeypatch, english_sample):
    """A built sample site (English only) in tmp_path/site, and its exact bytes."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    build_site(english_sample, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    return out, _snapshot(out)


def test_template_error_leaves_the_previous_site_untouched(tmp_path, previous_site, english_sample):
    out, before = previous_site
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    asset = project / "templates" / "asset.md.j2"
    asset.write_text(asset.read_text().replace("{{ asset.summary }}", "{{ asset.no_such_field }}", 1))
    config = project / "mkdocs.yml"
    config.write_text(standalone_mkdocs(ROOT / "site_src"))
    with pytest.raises(BuildError, match="rendering failed: UndefinedError"):
        build_site(english_sample, out, config, docs_dir=tmp_path / "docs2")
    assert _snapshot(out) == before


def test_generated_files_go_to_mkdocs_in_memory_and_leftovers_in_the_docs_folder_go(
    tmp_path, monkeypatch, english_sample
):
    monkeypatch.chdir(ROOT)
    docs = tmp_path / "docs"
    leftover = docs / "support" / "an-old-asset.md"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("# written by an older build\n")
    (docs / "index.md").write_text("# an older home page\n")
    build_site(english_sample, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=docs)
    hand_written = {p.relative_to(ROOT / "site_src") for p in (ROOT / "site_src").rglob("*") if p.is_file()}
    hand_written = {p for p in hand_written if not is_generated(p.as_posix())}
    assert {p.relative_to(docs) for p in docs.rglob("*") if p.is_file()} == hand_written
    assert (tmp_path / "site" / "support" / "stroud-valleys-walkers" / "index.html").is_file()
    assert not (tmp_path / "site" / "support" / "an-old-asset").exists()


def test_full_disk_while_mkdocs_writes_leaves_the_previous_site_untouched(
    tmp_path, previous_site, monkeypatch, english_sample
):
    out, before = previous_site
    import mkdocs.utils

    real = mkdocs.utils.write_file
    calls = {"n": 0}

    def fills_up(content, output_path):
        calls["n"] += 1
        if calls["n"] > 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(content, output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", fills_up)
    monkeypatch.setattr("mkdocs.commands.build.utils.write_file", fills_up)
    with pytest.raises(BuildError, match="No space left on device"):
        build_site(english_sample, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs", incremental=False)
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-build-", ".site-old-"))]


def test_failure_while_a_rebuild_moves_changed_files_in_puts_every_file_back(tmp_path, previous_site, monkeypatch):
    out, before = previous_site
    data = make_data_dir(tmp_path / "data", {}, with_sample=True, english_only=True)
    import generator.site.write

    real = generator.site.write.os.replace
    calls = {"n": 0}

    def fails_midway(source, target, **folders):  # the second file moved into the site fails
        if not folders and Path(target).is_relative_to(out):  # (atomic writes rename within a folder's descriptor)
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, target, **folders)

    build_site(data, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")  # the same records, from their copy
    before = _snapshot(out)  # (the copy is outside git: its What's changed page is the one without history)
    record = data / "assets" / "stroud-valleys-walkers.yaml"
    record.write_text(record.read_text().replace("whatever the weather", "in all weathers"))
    monkeypatch.setattr(generator.site.write.os, "replace", fails_midway)
    with pytest.raises(BuildError, match="No space left on device; it was put back as it was"):
        build_site(data, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    monkeypatch.setattr(generator.site.write.os, "replace", real)
    assert calls["n"] >= 2, "the rebuild should have been moving files in when it failed"
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-build-", ".site-old-"))]
    result = build_site(data, out, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    assert not result.incremental, "after a failed rebuild the next build starts from scratch"
    assert "in all weathers" in (out / "support" / "stroud-valleys-walkers" / "index.html").read_text()
