"""`assetmap init`: start a new area's directory, ready to build and deploy, from this project's own files."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generator import __version__
from generator.authoring.editorschema import SCHEMA_NAME, schema_text
from generator.data.schema import load_schema
from generator.defaults import DEFAULT_DATA, bundled

# An area holds only what is its own; the generator, its templates, pages, scripts and schema come
# from the installed package, pinned in requirements.txt (upgrading the area is changing the pin).
COPIED = (  # from the package's bundled files (generator/defaults.py), as they are
    "CONTRIBUTING.md",
    "docs/configuration.md",
    "docs/deploy.md",
    "assets_data/vocabularies/categories.yaml",
    ".github/ISSUE_TEMPLATE",
    ".github/pull_request_template.md",
)
WORKFLOWS = ("deploy.yml", "pull-request.yml", "freshness.yml", "change-report.yml")
DISTRIBUTION = "community-asset-map"
EXAMPLES = ("stroud-valleys-walkers.yaml", "gloucestershire-carers-line.yaml")
# Gloucestershire: the bundled sample's box, kept when no --bbox is given (the examples lie in it).
DEFAULT_BOX = (51.57, -2.69, 52.12, -1.61)
DEFAULT_VIEW = (51.86, -2.2, 10)
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")
SITE_URL = "https://example.org/"  # a placeholder until the site has an address
BAD_NAME = re.compile(r"[<>\x00-\x1f\x7f]")


class InitError(Exception):
    """The project cannot be created; the message says why."""


@dataclass
class Box:
    """A bounding box in decimal degrees."""

    south: float
    west: float
    north: float
    east: float

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the box, rounded to 4 decimal places (about 10 m)."""
        return round((self.south + self.north) / 2, 4), round((self.west + self.east) / 2, 4)

    @property
    def zoom(self) -> int:
        """A map zoom level that shows roughly the whole box."""
        span = max(self.east - self.west, (self.north - self.south) * 1.5, 0.001)
        return max(3, min(16, int(math.log2(360 / span)) + 1))


def parse_bbox(text: str) -> Box:
    """A Box from 'south,west,north,east'; InitError when it is not one."""
    parts = [p.strip() for p in text.split(",")]
    try:
        south, west, north, east = (float(p) for p in parts)
    except ValueError:
        raise InitError(
            f"'{text}' is not a bounding box: give four numbers, south,west,north,east, "
            "for example --bbox 53.70,-1.80,53.95,-1.30"
        ) from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise InitError(
            f"'{text}' is not a bounding box: south must be less than north (latitudes, -90 to 90) and "
            "west less than east (longitudes, -180 to 180)."
        )
    return Box(south, west, north, east)


def slugify(text: str) -> str:
    """Lowercase letters, numbers and hyphens, for an id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def check_name(name: str, what: str) -> str:
    """The name stripped, or InitError when it cannot be a site or area name."""
    name = name.strip()
    if not name or BAD_NAME.search(name) or len(name) > 100 or not slugify(name):
        raise InitError(
            f"{what} '{name}' cannot be used: give 1 to 100 characters including a letter or number, "
            "with no < or > and no line breaks."
        )
    return name


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def config_text(name: str, area: str, box: Box, view: tuple[float, float, int]) -> str:
    """The new project's assets_data/config.yaml."""
    lat, lon, zoom = view
    return f"""# The one configuration of this directory: everything that differs between two areas.
# Every setting is explained in docs/configuration.md; `assetmap validate` checks this file.
# The needs and areas people browse by are in vocabularies/ beside this file.
site:
  name: {_q(name)}
  description: {_q(f"Local groups, activities and services in {area} that support health and wellbeing.")}
  # The public address of the site (QR codes on printed sheets lead back to it). Change it before
  # you publish: for GitHub Pages it is https://OWNER.github.io/REPOSITORY/ (see docs/deploy.md).
  url: {SITE_URL}
  # Your GitHub repository, for "Edit this entry" and "Suggest a change" links. Leave it out until
  # the repository exists.
  # repository: https://github.com/OWNER/REPOSITORY
area_name: {_q(area)}
# Every location must lie inside this box (decimal degrees).
bounding_box:
  south: "{box.south}"
  west: "{box.west}"
  north: "{box.north}"
  east: "{box.east}"
map:
  centre_latitude: "{lat}"
  centre_longitude: "{lon}"
  zoom: "{zoom}"
  # Read the tile provider's usage policy before going live (docs/deploy.md, "Map tiles").
  tiles: https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
  tile_provider: OpenStreetMap
theme:
  # custom: the colours in site_src/stylesheets/extra.css; or a Material colour name such as indigo.
  primary: custom
  accent: custom
  logo: material/map-marker-radius
# An email address or web page for corrections, shown at the foot of every page.
# corrections_contact: directory@example.org
languages: [en]
# A record not checked for this many months gets a warning (and a notice on its page).
review_after_months: "12"
data_licence: CC BY 4.0
data_licence_url: https://creativecommons.org/licenses/by/4.0/
"""


def areas_text(area: str, local_id: str, wide_id: str) -> str:
    """The new project's areas vocabulary: one place and one area-wide entry, to be replaced."""
    return f"""# Areas: the places people browse by. Each asset lists one or more of these ids.
# Replace these with your towns, districts or neighbourhoods; ids are lowercase words with hyphens.
- id: {local_id}
  name: {_q(area)}
  description: {_q(f"Groups and services that meet in {area}.")}
- id: {wide_id}
  name: {_q(f"Across {area}")}
  description: {_q(f"Services open to anyone in {area}, often by phone or online.")}
"""


EXAMPLE_NOTE = "# An example record from `assetmap init`: replace it with a real entry, or delete it.\n"


def example_text(text: str, area_id: str, centre: tuple[float, float] | None, today: dt.date) -> str:
    """An example record moved into the new area: its areas, coordinates and last-checked date."""
    text = re.sub(r"^areas:\n(  - .*\n)+", f"areas:\n  - {area_id}\n", text, flags=re.M)
    text = re.sub(r"^areas: \[.*\]$", f"areas: [{area_id}]", text, flags=re.M)
    text = re.sub(r"^last_checked: .*$", f"last_checked: {today.isoformat()}", text, flags=re.M)
    if centre is not None:
        text = re.sub(r'^(\s+latitude: )".*"$', rf'\g<1>"{centre[0]}"', text, flags=re.M)
        text = re.sub(r'^(\s+longitude: )".*"$', rf'\g<1>"{centre[1]}"', text, flags=re.M)
    first, _, rest = text.partition("\n")
    return f"{first}\n{EXAMPLE_NOTE}{rest}" if first.startswith("# yaml-language-server") else EXAMPLE_NOTE + text


def readme_text(name: str, area: str) -> str:
    """The new project's README."""
    return f"""# {name}

A directory of community assets in {area} for social prescribing: local groups, activities and
services that support health and wellbeing. Records live as YAML files in `assets_data/assets/`, are
checked against a schema, and are built into a static website with a map and printable signposting
sheets. It was started with `assetmap init` from
[Community Asset Map](https://github.com/example/community-asset-map) {__version__}.

## Two commands

On a machine with Python 3.11+:

```sh
./run.sh serve   # set up, build the site and preview it at http://127.0.0.1:8000/
./run.sh test    # set up, check every record and build the site strictly
```

`./run.sh build` builds the site into `site/`. The first run creates a virtualenv in `.venv/` and
installs the generator into it from `requirements.txt` (no Node.js is needed: the map and QR code
libraries come with the generator).

This folder holds only what is this area's own: the records, vocabularies and settings in
`assets_data/`, the workflows and issue forms in `.github/`, and this guide. The generator, with its
templates, pages, styles, scripts and schema, is installed from the version pinned in
`requirements.txt`; **upgrading is changing that pin** and running `./run.sh test`.

To change how the site looks, add only the files you change: a template of the same name in
`templates/` (for example `templates/home.md.j2`) or a page, style or script of the same name in
`site_src/` (for example `site_src/stylesheets/extra.css`) replaces the generator's own, as
Material for MkDocs' `custom_dir` does. A `mkdocs.yml` is needed only to change MkDocs itself.

## What to change first

1. `assets_data/config.yaml`: the site's name and address, the area and its bounding box, the map
   tiles, colours and logo, your repository, the contact for corrections. Every setting is
   explained in [docs/configuration.md](docs/configuration.md).
2. `assets_data/vocabularies/areas.yaml` and `categories.yaml`: the areas and needs people browse by.
3. `assets_data/assets/`: the two example records show every field; replace them with real ones.
   `.venv/bin/assetmap new my-group-name` starts a new record with every field explained.

Then check everything with `.venv/bin/assetmap validate`.

## Publishing

[docs/deploy.md](docs/deploy.md) goes from here to a live GitHub Pages site, and explains how to
host the same static files anywhere else and what to do about map tiles.

## Contributing

Community groups: see [CONTRIBUTING.md](CONTRIBUTING.md), written for people who do not program.
"""


RUN_SH = """#!/usr/bin/env bash
# Set up everything this directory needs, then run one job:
#   ./run.sh serve   build the site and preview it at http://127.0.0.1:8000/
#   ./run.sh build   build the site into site/
#   ./run.sh test    check every record, then build the site strictly
set -euo pipefail
cd "$(dirname "$0")"

job="${1:-serve}"
shift || true

setup_python() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
}

case "$job" in
  serve)
    setup_python
    exec .venv/bin/assetmap serve "$@" ;;
  build)
    setup_python
    exec .venv/bin/assetmap build "$@" ;;
  test)
    setup_python
    .venv/bin/assetmap validate "$@"
    exec .venv/bin/assetmap build ;;
  *)
    echo "usage: ./run.sh serve|build|test [options]" >&2; exit 2 ;;
esac
"""


GITIGNORE = """# virtualenvs, caches and the built site
.venv/
__pycache__/
site/
.site-*/
"""


def generator_requirement() -> str:
    """The pin for requirements.txt: how this generator was installed (a release, a git commit or a folder)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return f"{DISTRIBUTION}=={__version__}"
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    url = direct.get("url", "")
    vcs = direct.get("vcs_info")
    if vcs and url:
        return f"{DISTRIBUTION} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    if url:
        return f"{DISTRIBUTION} @ {url}"
    return f"{DISTRIBUTION}=={dist.version}"


def area_workflow(text: str) -> str:
    """One of this repository's workflows made an area's: install the pinned generator, no Node.js."""
    text = re.sub(r"      - uses: actions/setup-node@v4\n        with:\n          node-version: .*\n", "", text)
    text = re.sub(r"\.venv/bin/pip install -e \S+", ".venv/bin/pip install -r requirements.txt", text)
    return re.sub(r"\n +npm ci [^\n]*", "", text)


def _copy_own_files(stage: Path) -> None:
    """The guides, issue forms, workflows and default categories an area starts with."""
    for rel in COPIED:
        top, _, below = rel.partition("/")
        source = bundled(top) / below if below else bundled(top)
        if source.is_dir():
            shutil.copytree(source, stage / rel, ignore=SKIP)
        else:
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, stage / rel)
    workflows = stage / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOWS:
        text = (bundled(".github") / "workflows" / name).read_text(encoding="utf-8")
        (workflows / name).write_text(area_workflow(text), encoding="utf-8")


def init_project(
    target: Path,
    name: str,
    area: str | None = None,
    box: Box | None = None,
    today: dt.date | None = None,
    requirement: str | None = None,
) -> Path:
    """Create a new area's project in target (absent or empty), ready to build; nothing is left half-written.

    It holds only the area's own files and requirements.txt, pinning this generator (or requirement).
    """
    name = check_name(name, "The name")
    area = check_name(area, "The area") if area is not None else name
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} is not empty: give a new folder, or an empty one.")
    today = today or dt.date.today()
    local_id = slugify(area)
    wide_id = "area-wide" if local_id != "area-wide" else "everywhere"
    view = (*box.centre, box.zoom) if box else DEFAULT_VIEW
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-init-"))
    try:
        _copy_own_files(stage)
        data = stage / "assets_data"
        (data / "config.yaml").write_text(config_text(name, area, box or Box(*DEFAULT_BOX), view), encoding="utf-8")
        (data / "vocabularies" / "areas.yaml").write_text(areas_text(area, local_id, wide_id), encoding="utf-8")
        centre = box.centre if box else None
        for example, area_id in zip(EXAMPLES, (local_id, wide_id), strict=True):
            text = (DEFAULT_DATA / "assets" / example).read_text(encoding="utf-8")
            (data / "assets").mkdir(exist_ok=True)
            (data / "assets" / example).write_text(example_text(text, area_id, centre, today), encoding="utf-8")
        south, west, north, east = (box.south, box.west, box.north, box.east) if box else DEFAULT_BOX
        schema = load_schema(data).with_bounding_box(south, west, north, east)
        (data / SCHEMA_NAME).write_text(schema_text(schema), encoding="utf-8")
        (stage / "requirements.txt").write_text(
            "# The generator this area builds with. Upgrading is changing this pin, then ./run.sh test.\n"
            f"{requirement or generator_requirement()}\n",
            encoding="utf-8",
        )
        (stage / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        (stage / "README.md").write_text(readme_text(name, area), encoding="utf-8")
        (stage / "run.sh").write_text(RUN_SH, encoding="utf-8")
        (stage / "run.sh").chmod(0o755)
        stage.chmod(0o755)
        if target.exists():
            target.rmdir()
        os.replace(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return target
