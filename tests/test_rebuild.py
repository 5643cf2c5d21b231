"""Rebuilds and worker processes: only what changed is rebuilt; the site is the one a one-process full build makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator.render.mapview as mapview
import generator.site.build
from generator.data.check import check
from generator.opendata.publish import catalogue_site
from generator.render.strings import load_catalogue
from generator.site.build import build_site
from generator.speed.buildstate import read_sealed, state_dir, write_sealed
from generator.speed.outputs import recall

from .conftest import ROOT, SAMPLE, make_data_dir, standalone_mkdocs

LANGUAGES = check(SAMPLE).config.languages  # the sample is built in each


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _page_times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def _full_build(data: Path, where: Path) -> dict[str, bytes]:
    build_site(data, where / "site", ROOT / "mkdocs.yml", docs_dir=where / "docs", incremental=False)
    return _files(where / "site")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the sample data, built once into tmp_path/site."""
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True)
    first = build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    assert not first.incremental
    return data, tmp_path


def _rebuild(data: Path, tmp_path: Path):
    return build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")


def test_a_rebuild_after_records_change_is_the_site_a_full_build_makes(project):
    data, tmp_path = project
    record = data / "assets" / "stroud-valleys-walkers.yaml"
    text = record.read_text()
    record.write_text(text.replace("name: Stroud Valleys Walkers", "name: Stroud Valley Ramblers"))
    other = data / "assets" / "nailsworth-knit-and-natter.yaml"
    other.write_text(other.read_text().replace("  - arts-and-crafts", "  - money-and-benefits", 1))
    pages_before = _page_times(tmp_path / "site")
    result = _rebuild(data, tmp_path)
    assert result.incremental
    pages_after = _page_times(tmp_path / "site")
    replaced = [page for page, stamp in pages_after.items() if pages_before.get(page) != stamp]
    # the 2 asset pages; the need and area pages and sheets of the 5 groups they are or were in; the
    # home page and the browse-by-need page (their counts changed); What's changed (built outside git, it
    # lists the records checked lately by name, the renamed one among them); the same in each language.
    # Not the other ~100 pages of each.
    assert len(replaced) == (2 + 2 * 5 + 2 + 1) * len(LANGUAGES), replaced
    assert "changed/index.html" in replaced and "cy/changed/index.html" in replaced
    assert len(pages_after) > 100
    rebuilt = _files(tmp_path / "site")
    assert rebuilt == _full_build(data, tmp_path / "full")
    assert b"Stroud Valley Ramblers" in rebuilt["support/stroud-valleys-walkers/index.html"]
    assert b"nailsworth-knit-and-natter" in rebuilt["need/money-and-benefits/index.html"]
    assert b"nailsworth-knit-and-natter" not in rebuilt["need/arts-and-crafts/index.html"]
    compiled = state_dir(tmp_path / "site") / "compiled"  # kept for the next build: ours and the theme's
    assert list((compiled / "templates").glob("*.cache")) and list((compiled / "theme").glob("*.cache"))


def test_a_rebuild_removes_every_file_of_a_removed_record_and_adds_a_new_one(project):
    data, tmp_path = project
    before = _files(tmp_path / "site")
    gone = [path for path in before if "stroud-valleys-walkers" in path]
    assert {"support/stroud-valleys-walkers/index.html", "data/calendar/stroud-valleys-walkers.ics"} <= set(gone)
    source = data / "assets" / "stroud-valleys-walkers.yaml"
    text = source.read_text()
    source.unlink()
    (data / "assets" / "stroud-valley-striders.yaml").write_text(
        text.replace("id: stroud-valleys-walkers", "id: stroud-valley-striders")
    )
    result = _rebuild(data, tmp_path)
    assert result.incremental
    rebuilt = _files(tmp_path / "site")
    assert not [path for path in rebuilt if "stroud-valleys-walkers/" in path or "stroud-valleys-walkers." in path]
    assert "support/stroud-valley-striders/index.html" in rebuilt
    assert rebuilt == _full_build(data, tmp_path / "full")


def test_a_rebuild_with_nothing_changed_changes_nothing(project):
    data, tmp_path = project
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()}
    result = _rebuild(data, tmp_path)
    assert result.incremental and result.written == 0
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("change", ["template", "theme override", "vocabulary", "date"])
def test_anything_every_page_depends_on_means_a_full_build(project, change, monkeypatch):
    data, tmp_path = project
    templates = None
    if change == "template":
        project_dir = tmp_path / "project"
        shutil.copytree(ROOT / "templates", project_dir / "templates")
        config = project_dir / "mkdocs.yml"
        config.write_text(standalone_mkdocs(ROOT / "site_src"))
        page = project_dir / "templates" / "asset.md.j2"
        page.write_text(page.read_text().replace('<p class="cam-summary">', '<p class="cam-summary cam-lead">', 1))
        templates = config
    elif change == "theme override":
        project_dir = tmp_path / "project"
        project_dir.mkdir()
        (project_dir / "templates").symlink_to(ROOT / "templates", target_is_directory=True)
        override = project_dir / "overrides" / "main.html"
        override.parent.mkdir(parents=True)
        override.write_text('{% extends "base.html" %}\n')
        config = project_dir / "mkdocs.yml"
        text = standalone_mkdocs(ROOT / "site_src")
        config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1))
        assert not build_site(data, tmp_path / "site", config, docs_dir=tmp_path / "docs").incremental
        assert build_site(data, tmp_path / "site", config, docs_dir=tmp_path / "docs").incremental
        override.write_text('{% extends "base.html" %}\n{% block announce %}Closed on Monday{% endblock %}\n')
        templates = config
    elif change == "vocabulary":
        vocabulary = data / "vocabularies" / "areas.yaml"
        vocabulary.write_text(vocabulary.read_text().replace("name: Gloucester\n", "name: Gloucester city\n", 1))
    config_file = templates or ROOT / "mkdocs.yml"
    today = None
    if change == "date":
        import datetime as dt

        today = dt.date.today() + dt.timedelta(days=1)
    result = build_site(data, tmp_path / "site", config_file, docs_dir=tmp_path / "docs", today=today)
    assert not result.incremental


# --- worker processes (a large site's build uses every core) ----------------------------------------

# Run in a new process: forking is refused in a process with other threads, as the test process has.
FORKING_BUILD = """
import json, os, sys, time
from pathlib import Path
import generator.site.build, generator.speed.pageworkers
from generator.site.build import BuildError, build_site

generator.site.build.PARALLEL_RENDER = 1 if sys.argv[4] == "fork" else 10**9
generator.speed.pageworkers.MIN_SHARE = 1 if sys.argv[4] == "fork" else 10**9
os.cpu_count = lambda: 2
forks, real = [], os.fork
os.fork = lambda: (pid := real()) and (forks.append(pid) or pid)
if sys.argv[5] == "page":  # an asset page (built by a worker) fails
    build_page = generator.speed.pageworkers._build_page
    def broken(page, *args, **kwargs):
        if page.file.src_uri.startswith("support/"):
            raise RuntimeError(f"cannot build {page.file.src_uri}")
        return build_page(page, *args, **kwargs)
    generator.speed.pageworkers._build_page = broken
if sys.argv[5] == "render":
    def broken(*args, **kwargs):
        raise ValueError("a sheet template is broken")
    generator.site.build.render_sheets = broken
if sys.argv[5] == "welsh":  # fails while the English search index is still being written
    import time, generator.site.search
    index_folder = generator.site.search._index_folder
    def slow(*args):
        time.sleep(1)
        return index_folder(*args)
    def broken(*args, **kwargs):
        raise BuildError("the Welsh build broke")
    generator.site.search._index_folder = slow
    generator.site.build.build_language = broken
try:
    build_site(Path(sys.argv[1]), Path(sys.argv[2]), Path("mkdocs.yml"), docs_dir=Path(sys.argv[3]), incremental=False)
    error = ""
except BuildError as exc:
    error = str(exc)
    time.sleep(1.5)  # anything left writing into the staged site would have done so by now
print(json.dumps({"forks": len(forks), "error": error}))
"""


def _forking_build(data: Path, where: Path, fork: bool = True, broken: str = "") -> dict:
    args = [str(data), str(where / "site"), str(where / "docs"), "fork" if fork else "one", broken or "none"]
    done = subprocess.run([sys.executable, "-c", FORKING_BUILD, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_worker_processes_make_the_same_site_as_one_process(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True)
    many = _forking_build(data, tmp_path / "many")
    # in each language: one process rendering half the files, two building the asset pages; and one
    # writing the first language's search index while the next language's pages are made
    assert many == {"forks": 3 * len(LANGUAGES) + (len(LANGUAGES) > 1), "error": ""}
    assert _forking_build(data, tmp_path / "one", fork=False) == {"forks": 0, "error": ""}
    assert _files(tmp_path / "many" / "site") == _files(tmp_path / "one" / "site")


@pytest.mark.parametrize(
    "broken, message",
    [
        ("page", "worker process failed: RuntimeError: cannot build support/"),
        ("render", "rendering failed: ValueError: a sheet template is broken"),
        ("welsh", "the Welsh build broke"),
    ],
)
def test_a_failing_worker_process_fails_the_build_and_leaves_the_site(tmp_path, monkeypatch, broken, message):
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True)
    assert _forking_build(data, tmp_path)["error"] == ""
    before = _files(tmp_path / "site")
    result = _forking_build(data, tmp_path, broken=broken)
    assert message in result["error"]
    assert _files(tmp_path / "site") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-build-", ".site-old-"))]


# Run in a new process (see above): this process and a forked child take tickets until none is left.
TAKING_TURNS = """
import json, os, sys, time
from generator.speed.forked import Tickets
tickets = Tickets(200)
read, write = os.pipe()
pid = os.fork()
taken = []
for number in tickets:
    taken.append(number)
    time.sleep(0.001)  # a task: both processes are taking tickets at once
if pid == 0:
    os.write(write, json.dumps(taken).encode())
    os._exit(0)
os.waitpid(pid, 0)
os.close(write)
print(json.dumps({"parent": taken, "child": json.loads(os.read(read, 100_000))}))
"""


def test_two_processes_take_every_ticket_exactly_once_between_them():
    done = subprocess.run([sys.executable, "-c", TAKING_TURNS], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    taken = json.loads(done.stdout)
    assert taken["parent"] and taken["child"], "both processes took some"
    assert sorted(taken["parent"] + taken["child"]) == list(range(200))


def test_the_cycle_collector_is_paused_for_a_build_and_runs_again_after(project, monkeypatch):
    data, tmp_path = project
    seen = []
    render = generator.site.build.render_pages
    monkeypatch.setattr(generator.site.build, "render_pages", lambda *a: seen.append(gc.isenabled()) or render(*a))
    assert gc.isenabled()
    build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs", incremental=False)
    assert seen == [False] * len(LANGUAGES)  # the pages of each language
    assert gc.isenabled()


def test_the_map_folium_drew_is_kept_until_its_settings_change(tmp_path, monkeypatch):
    checked = check(SAMPLE)
    site = catalogue_site(checked, load_catalogue(ROOT / "templates"), dt.date.today())
    cache = tmp_path / "compiled" / "map.json"
    drawn = recall(mapview.folium_memo(site, "../"), cache.parent)
    assert cache.is_file() and '<script src="../assets/vendor/leaflet/leaflet.js">' in drawn[0]
    with monkeypatch.context() as patched:
        patched.setattr(mapview, "_draw_map", lambda *args: pytest.fail("drawn again with the same settings"))
        assert recall(mapview.folium_memo(site, "../"), cache.parent) == drawn
    zoomed = dataclasses.replace(site, config=dataclasses.replace(checked.config, zoom=checked.config.zoom + 1))
    again = recall(mapview.folium_memo(zoomed, "../"), cache.parent)
    assert again != drawn, "another zoom: drawn again"
    stored = json.loads(read_sealed(cache, "map"))
    damaged = stored | {"value": [1, 2, 3]}  # the same settings, but not the map's text
    write_sealed(cache, json.dumps(damaged).encode("utf-8"), "map")
    assert recall(mapview.folium_memo(zoomed, "../"), cache.parent) == again
    forged = stored | {"value": ["<script>alert(1)</script>"] * 3}  # not sealed with this user's key
    cache.write_bytes(cache.read_bytes()[:49] + json.dumps(forged).encode("utf-8"))
    assert read_sealed(cache, "map") is None
    assert recall(mapview.folium_memo(zoomed, "../"), cache.parent) == again


def test_generated_pages_outside_the_navigation_are_built_one_at_a_time_after_the_workers_start(tmp_path, monkeypatch):
    import generator.speed.pageworkers as pageworkers

    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "data", {}, with_sample=True)
    later: list[list[str]] = []
    build = pageworkers.build
    monkeypatch.setattr(
        pageworkers, "build", lambda share, *a, **k: later.append([f.src_uri for f in share]) or build(share, *a, **k)
    )
    build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs", incremental=False)
    assert len(later) == len(LANGUAGES)  # once in each language's build
    for names in later:
        assert "sheet.md" in names and any(n.startswith("need/") and n != "need/index.md" for n in names)
        # pages the navigation names are read first, as MkDocs reads them (the workers show their titles)
        assert not {"index.md", "find.md", "map.md", "list.md", "need/index.md", "area/index.md"} & set(names)
    site = tmp_path / "site"
    assert "<h1" in (site / "sheet" / "index.html").read_text(encoding="utf-8")
