"""Shared fixtures: the bundled sample data and small data folders built from it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assets_data"
CASES = Path(__file__).resolve().parent / "cases"


def make_data_dir(
    base: Path, records: dict[str, bytes | str], with_sample: bool = False, english_only: bool = False
) -> Path:
    """A data folder with the sample vocabularies, config and schema, holding the given records.

    english_only: the site in English alone (languages: [en]), for tests about anything but languages,
    whose builds then take half the time."""
    data = base / "assets_data"
    (data / "assets").mkdir(parents=True)
    for name in ("datapackage.json", "config.yaml"):
        shutil.copy(SAMPLE / name, data / name)
    if english_only:
        config = (data / "config.yaml").read_text(encoding="utf-8")
        assert "\nlanguages: [en, cy]\n" in config
        (data / "config.yaml").write_text(
            config.replace("\nlanguages: [en, cy]\n", "\nlanguages: [en]\n"), encoding="utf-8"
        )
    shutil.copytree(SAMPLE / "vocabularies", data / "vocabularies")
    if with_sample:
        for path in (SAMPLE / "assets").glob("*.yaml"):
            shutil.copy(path, data / "assets" / path.name)
    for name, content in records.items():
        target = data / "assets" / name
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    return data


def differences(before, after) -> dict:
    """The fields of two records (model objects of one dataclass) that differ: name -> (before, after)."""
    import dataclasses

    return {
        f.name: (getattr(before, f.name), getattr(after, f.name))
        for f in dataclasses.fields(before)
        if getattr(before, f.name) != getattr(after, f.name)
    }


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Builds keep their state in a folder of this test session, never in the user's own cache."""
    import os

    from generator.speed.buildstate import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ[CACHE_ENV])
    if before is None:
        del os.environ[CACHE_ENV]
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture
def data_factory(tmp_path, monkeypatch):
    """Build a data folder in a temporary directory and make that the current folder."""
    monkeypatch.chdir(tmp_path)

    def factory(records: dict[str, bytes | str], with_sample: bool = False) -> Path:
        return make_data_dir(tmp_path, records, with_sample).relative_to(tmp_path)

    return factory


@pytest.fixture
def base_record() -> str:
    """A valid record (id valid-case) to vary in tests."""
    return (CASES / "valid" / "yaml-traps.yaml").read_text(encoding="utf-8").replace("yaml-traps", "valid-case")


# --- built sites and a browser -------------------------------------------------------------------

TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def standalone_mkdocs(docs_dir: str | Path) -> str:
    """This repository's mkdocs.yml as one file with no INHERIT (the package's default, its docs_dir and address)."""
    from generator.defaults import DEFAULT_MKDOCS

    text = DEFAULT_MKDOCS.read_text(encoding="utf-8")
    return text + f"docs_dir: {docs_dir}\nsite_url: https://community-asset-map.example.org/\n"


def build_into(tmp: Path, data_dir: Path = SAMPLE) -> Path:
    """Build a site from data_dir into tmp/site with the project's own configuration."""
    from generator.site.build import build_site

    out = tmp / "site"
    build_site(data_dir, out, ROOT / "mkdocs.yml", docs_dir=tmp / "docs")
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The sample site, built once per test session."""
    import os

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        return build_into(tmp_path_factory.mktemp("sample"))
    finally:
        os.chdir(here)


@pytest.fixture(scope="session")
def english_sample(tmp_path_factory) -> Path:
    """A copy of the sample data built in English alone (for builds whose tests are not about languages)."""
    return make_data_dir(tmp_path_factory.mktemp("english"), {}, with_sample=True, english_only=True)


@pytest.fixture(scope="session")
def welsh_site(built_site) -> Path:
    """The sample site, which is built in English and Welsh (languages: [en, cy])."""
    return built_site


@pytest.fixture(scope="session")
def welsh_url(site_url):
    """The base URL of the served sample site, in both its languages."""
    return site_url


def serve_folder(folder: Path):
    """Serve folder on a free localhost port in a background thread; returns (base url, server)."""
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # a browser that closes a page mid-answer is no error; printed, it landed in another test's
            # captured output (CliRunner's, which reads stderr), failing that test
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def site_url(built_site):
    """The base URL of the served sample site."""
    url, server = serve_folder(built_site)
    yield url
    server.shutdown()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Chromium is missing: run ./run.sh test, which installs Debian's chromium package.")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Visit:
    """A browser page that records every request leaving localhost, dialogs and console errors."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.outside: list[str] = []
        self.tiles: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        context.route("**/*", self._route)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        url = route.request.url
        if url.startswith("http://127.0.0.1:") or url.startswith("data:") or url.startswith("blob:"):
            return route.continue_()
        if "tile.openstreetmap.org" in url:
            self.tiles.append(url)
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        self.outside.append(url)
        return route.abort()


@pytest.fixture
def visit(browser):
    """A fresh browser context (no storage) with request recording; closed after the test."""
    # Service workers blocked: Playwright's routes (these tests' own data, the tiles) do not see what a
    # worker fetches. The offline copy's tests (test_offline_browser.py) allow them.
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", service_workers="block")
    v = Visit(context)
    yield v
    context.close()
