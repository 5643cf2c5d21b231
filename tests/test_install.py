"""The generator as areas get it: installed from this checkout into a fresh virtualenv, with no Node.js."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.authoring.areainit import init_project, parse_bbox
from generator.site.build import build_site

from .conftest import ROOT, serve_folder
from .test_sheets_browser import BIG_QR, READY, decode_qr

sys.path.insert(0, str(ROOT))
from scripts.update_vendor import check as vendor_differences  # noqa: E402


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed_area(tmp_path_factory) -> tuple[Path, Path]:
    """pip install <this checkout> in a fresh virtualenv, then `assetmap init` and `assetmap build`, no Node.js."""
    base = tmp_path_factory.mktemp("install")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    # PATH holds the new virtualenv and the system's basic tools only: no node, no npm
    tools = base / "tools"
    tools.mkdir()
    for name in ("sh", "bash", "env", "git", "uname"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    env = {"PATH": f"{bin_dir}:{tools}", "HOME": str(base), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "SSL_CERT_FILE"):
        if key in os.environ:
            env[key] = os.environ[key]
    source = base / "checkout"  # a copy of the checkout's committed-style files, as pip would see a clone
    skipped = {".venv", "node_modules", "site", "benchmarks", "build", ".git"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        at_top = Path(folder) == ROOT
        return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or at_top and n in skipped}

    shutil.copytree(ROOT, source, ignore=ignore)
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", source, cwd=base, env=env)
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    area = base / "leeds-map"
    run(bin_dir / "assetmap", "init", area, "--name", "Leeds Community Asset Map", "--area", "Leeds", cwd=base, env=env)
    run(bin_dir / "assetmap", "build", cwd=area, env=env)
    return area, area / "site"


def test_an_installed_generator_builds_an_area_that_holds_no_copy_of_it(installed_area):
    area, site = installed_area
    own = {p.relative_to(area).parts[0] for p in area.iterdir()} - {"site", ".site-state"}
    assert not own & {"generator", "templates", "site_src", "mkdocs.yml", "package.json", "node_modules"}
    sources = [p for p in area.rglob("*") if p.suffix in {".j2", ".js", ".py"} and "site" not in p.parts]
    assert sources == []
    for page in ("index.html", "map/index.html", "sheet/index.html", "support/stroud-valleys-walkers/index.html"):
        assert (site / page).is_file(), page
    for library in (
        "leaflet/leaflet.js",
        "leaflet.markercluster/leaflet.markercluster.js",
        "qrcode-generator/qrcode.js",
    ):
        assert (site / "assets" / "vendor" / library).stat().st_size > 1000, library
    assert "Leeds Community Asset Map" in BeautifulSoup((site / "index.html").read_text(), "html.parser").title.text


@pytest.mark.browser
def test_the_installed_areas_site_has_a_working_map_qr_code_and_search(installed_area, visit, tmp_path):
    _, site = installed_area
    url, server = serve_folder(site)
    try:
        page = visit.page
        page.goto(url + "map/")
        page.wait_for_selector(".folium-map[data-cam-ready]", timeout=15000)
        assert page.get_attribute(".folium-map", "data-cam-ready") == "1"
        page.goto(url + "sheet/?ids=stroud-valleys-walkers,gloucestershire-carers-line")
        page.wait_for_selector(READY, timeout=15000)
        page.add_style_tag(content=BIG_QR)
        qr = decode_qr(page.locator("#sheet-qr"), tmp_path / "qr.png")
        assert qr == url + "sheet/?ids=stroud-valleys-walkers,gloucestershire-carers-line"
        page.goto(url)
        page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").press_sequentially("walkers", delay=20)
        page.wait_for_selector(".md-search-result__item a[href*='support/stroud-valleys-walkers']", timeout=15000)
        assert visit.outside == [] and visit.errors == []
    finally:
        server.shutdown()


def test_an_area_overrides_one_template_and_one_stylesheet(tmp_path):
    area = init_project(tmp_path / "area", "Kirklees Connect", "Kirklees", parse_bbox("53.55,-2.05,53.75,-1.55"))
    (area / "templates").mkdir()
    home = (ROOT / "templates" / "home.md.j2").read_text(encoding="utf-8")
    (area / "templates" / "home.md.j2").write_text(home + '\n<p class="kirklees-home">Our own home page</p>\n')
    (area / "site_src" / "stylesheets").mkdir(parents=True)
    (area / "site_src" / "stylesheets" / "extra.css").write_text(".kirklees-own { color: #123456; }\n")
    out = build_site(area / "assets_data", tmp_path / "out" / "site").checked and tmp_path / "out" / "site"
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.select_one("p.kirklees-home").get_text() == "Our own home page"
    assert (out / "stylesheets" / "extra.css").read_text() == ".kirklees-own { color: #123456; }\n"
    # every other default is still there, from the package
    assert (out / "stylesheets" / "sheet.css").read_bytes() == (ROOT / "site_src/stylesheets/sheet.css").read_bytes()
    assert (out / "about" / "index.html").is_file()


def test_the_browser_libraries_match_their_pinned_manifest():
    assert vendor_differences() == []
