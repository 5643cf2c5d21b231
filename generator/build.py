"""Build: validate, render, write the generated pages, run a strict MkDocs build, swap the site in."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .catalogue import load_catalogue
from .findsupport import render_find_page
from .mapview import render_map_page
from .opendata import render_open_data
from .pipeline import Checked, check
from .problems import DataError
from .render import Site, environment, render_pages
from .sheets import render_sheets
from .write import WriteError, copy_hand_written, discard, staging_dir, swap_in, sync_generated

# Library files the site serves itself, copied from node_modules (see package.json).
VENDOR_FILES = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "leaflet.markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "qrcode-generator/qrcode.js": "qrcode-generator/qrcode.js",
}


class BuildError(Exception):
    """A build step failed for a reason other than invalid data; the message says which and why."""


@dataclass
class BuildResult:
    """What a build did, with the time each stage took."""

    checked: Checked
    pages: int = 0
    written: int = 0
    removed: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Project:
    """Where a project's pieces are: its MkDocs configuration, templates and browser libraries."""

    config_file: Path

    @property
    def root(self) -> Path:
        """The folder holding mkdocs.yml."""
        return self.config_file.resolve().parent

    @property
    def templates(self) -> Path:
        """The Jinja2 templates folder."""
        return self.root / "templates"

    @property
    def node_modules(self) -> Path:
        """Where npm installed the browser libraries."""
        return self.root / "node_modules"


def vendor_files(project: Project) -> dict[str, bytes]:
    """The browser libraries, read from node_modules, keyed by their path in the docs folder."""
    files = {}
    for target, source in VENDOR_FILES.items():
        path = project.node_modules / source
        if not path.is_file():
            raise BuildError(f"{path} is missing: run `npm ci` in {project.root} to install the browser libraries.")
        files[f"assets/vendor/{target}"] = path.read_bytes()
    return files


class _Collector(logging.Handler):
    """Keeps MkDocs' warnings so a failed strict build can say why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, copyright_text: str) -> None:
    """A strict MkDocs build of docs_dir into site_dir; raise BuildError with MkDocs' warnings."""
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True)
        cfg["copyright"] = copyright_text
        mkdocs_build(cfg)
    except (MkDocsException, OSError) as exc:
        details = "; ".join(collector.messages) or str(exc)
        raise BuildError(f"the MkDocs build failed: {details}") from exc
    finally:
        logger.removeHandler(collector)


def build_site(
    data_dir: Path,
    out: Path,
    config_file: Path = Path("mkdocs.yml"),
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda message: None,
    docs_dir: Path | None = None,
) -> BuildResult:
    """Build the whole site into out; on any failure out is left exactly as it was.

    Generated pages go into the generated part of the project's docs folder (site_src/), or into
    docs_dir when given, which then also receives a copy of the hand-written pages (so that two
    builds, such as parallel test runs, do not share a folder).
    """
    today = today or dt.date.today()
    project = Project(Path(config_file))
    if not project.config_file.is_file():
        raise BuildError(f"{config_file} not found: run the build from the project folder or pass --config.")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    checked = check(data_dir, today=today)
    timings["validate"] = time.perf_counter() - started
    if not checked.ok:
        raise DataError(checked.problems, checked.checked)
    progress(f"Validated {checked.checked} assets in {timings['validate']:.1f} s.")

    started = time.perf_counter()
    mk = load_config(config_file=str(project.config_file))
    if docs_dir is None:
        docs_dir = Path(mk["docs_dir"])
    else:
        copy_hand_written(Path(mk["docs_dir"]), Path(docs_dir))
    t = load_catalogue(project.templates, mk["theme"]["language"])
    site = Site(
        checked.config,
        t,
        checked.assets,
        checked.categories,
        checked.areas,
        today,
        repository=mk["extra"].get("repository", ""),
    )
    env = environment(project.templates)
    try:
        files: dict[str, str | bytes] = dict(render_pages(site, env))
        files |= render_map_page(site, env)
        files |= render_find_page(site, env)
        files |= render_sheets(site, env, mk["site_url"] or "")
        files |= render_open_data(site, checked, env)
    except Exception as exc:  # a template error is a bug in a template, reported without a traceback
        raise BuildError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
    files |= vendor_files(project)
    timings["render"] = time.perf_counter() - started
    progress(f"Rendered {len(files)} files in {timings['render']:.1f} s.")

    started = time.perf_counter()
    try:
        written, removed = sync_generated(docs_dir, files)
    except WriteError as exc:
        raise BuildError(str(exc)) from exc
    timings["write"] = time.perf_counter() - started
    progress(f"Wrote {written} changed files, removed {removed}; running MkDocs (strict)…")

    started = time.perf_counter()
    staged = staging_dir(Path(out))
    try:
        licence = f"Data licence: {checked.config.data_licence}. Built on {today.day} {today:%B %Y}."
        run_mkdocs(project.config_file, docs_dir.resolve(), staged, licence)
        swap_in(staged, Path(out))
    except BaseException:
        discard(staged)
        raise
    timings["mkdocs"] = time.perf_counter() - started
    progress(f"MkDocs built the site in {timings['mkdocs']:.1f} s; it is in {out}/.")
    pages = sum(1 for name in files if name.endswith(".md"))
    return BuildResult(checked, pages, written, removed, timings)
