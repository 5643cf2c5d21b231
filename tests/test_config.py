"""Settings: a bad value stops every command alike; hostile values show as text; any mkdocs.yml MkDocs loads works."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli.main import main
from generator.data.check import check
from generator.data.config import BY_KEY, Config, load_config
from generator.problems import DataError

from .conftest import ROOT, SAMPLE, build_into, make_data_dir, standalone_mkdocs

EMOJI = """  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def set_config(data: Path, replacements: dict[str, str]) -> str:
    """Replace whole lines of data/config.yaml (by their text before the value); returns the new text."""
    path = data / "config.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for start, value in replacements.items():
        [at] = [i for i, line in enumerate(lines) if line.startswith(start)]
        lines[at] = start + value
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def project_copy(base: Path, extra_markdown: str = "") -> tuple[Path, Path]:
    """A project folder like this one (mkdocs.yml, site_src, the sample data); returns (project, data)."""
    project = base / "project"
    project.mkdir()
    text = standalone_mkdocs("site_src")
    assert "      permalink: false\n" in text
    (project / "mkdocs.yml").write_text(
        text.replace("      permalink: false\n", "      permalink: false\n" + extra_markdown)
    )
    shutil.copytree(
        ROOT / "site_src",
        project / "site_src",
        ignore=shutil.ignore_patterns("support", "need", "area", "sheets", "data"),
    )
    (project / "templates").symlink_to(ROOT / "templates")
    return project, make_data_dir(project, {}, with_sample=True)


# --- one bad value, every command ----------------------------------------------------------------


def test_a_bad_value_stops_every_command_with_file_line_and_field(data_factory, tmp_path):
    data = data_factory({}, with_sample=True)
    text = set_config(data, {"  south: ": "banana"})
    expected = f"assets_data/config.yaml:{line_of(text, '  south: ')}: bounding_box.south: 'banana' is not a number."
    out = ["--out", str(tmp_path / "site"), "--config", str(ROOT / "mkdocs.yml")]
    for command in (["validate"], ["build", *out], ["schema"], ["schema", "--write"], ["serve", *out, "--port", "1"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert expected in result.output, (command, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()
    assert not (data / "record.schema.json").exists()


def test_a_setting_out_of_its_range_or_a_box_upside_down_stops_the_schema(data_factory):
    data = data_factory({}, with_sample=True)
    text = set_config(data, {"  zoom: ": '"19"', "  north: ": '"50"'})
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 1
    assert f"config.yaml:{line_of(text, '  zoom: ')}: map.zoom: 19 is not between 1 and 18." in result.output
    set_config(data, {"  zoom: ": '"10"'})
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 1
    assert f"config.yaml:{line_of(text, 'bounding_box:')}: bounding_box: south must be less than north" in result.output


def test_no_config_is_made_from_a_bad_file_and_none_has_hidden_defaults(data_factory):
    data = data_factory({}, with_sample=True)
    set_config(data, {"  south: ": "banana"})
    with pytest.raises(DataError) as caught:
        load_config(data)
    assert [p.field for p in caught.value.problems] == ["bounding_box.south"]
    assert check(data).config is None
    with pytest.raises(TypeError):
        Config()  # required settings have no default to fall back on


def test_serve_stops_on_a_setting_the_project_cannot_satisfy(data_factory, tmp_path):
    data = data_factory({}, with_sample=True)
    text = set_config(data, {"languages: ": "[zz]"})
    result = CliRunner().invoke(main, ["serve", "--out", str(tmp_path / "site"), "--config", str(ROOT / "mkdocs.yml")])
    assert result.exit_code == 1
    line = line_of(text, "languages: ")
    assert f"assets_data/config.yaml:{line}: languages[0]: there are no interface strings for 'zz'" in result.output


def test_every_declared_setting_has_a_line_in_the_sample(tmp_path):
    config = load_config(SAMPLE)
    assert set(config.lines) >= set(BY_KEY)
    assert config.centre == (51.86, -2.2) and config.site_url.endswith("/")


# --- hostile values --------------------------------------------------------------------------------

NAME = 'Map "><script>alert("name")</script> [n](javascript:alert(1)) <img src=x onerror=alert(1)>'
DESCRIPTION = 'About" http-equiv="refresh" content="0;url=javascript:alert(2)'
AREA = '[area](javascript:alert(3)) <img src=x onerror=alert(3)> "it\'s" &amp; <script>alert(3)</script>'
LICENCE = '[CC](javascript:alert(4))" onmouseover="alert(4) <script>alert(4)</script>'
PROVIDER = '<b onmouseover=alert(5)>Tiles</b> "'
ATTRIBUTION = '&copy; "quoted" [x](javascript:void(0)) <a href="https://example.org/a?b=1&amp;c=2">Tiles</a>'
HOSTILE = {
    "  name: ": NAME,
    "  description: ": DESCRIPTION,
    "area_name: ": AREA,
    "data_licence: ": LICENCE,
    "  tile_provider: ": PROVIDER,
    "  attribution: ": ATTRIBUTION,
}


@pytest.fixture(scope="module")
def hostile_settings_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile-settings")
    data = make_data_dir(base / "data", {}, with_sample=True)
    set_config(data, {start: json.dumps(value) for start, value in HOSTILE.items()})
    return build_into(base, data)


def _pages(site: Path) -> list[tuple[Path, BeautifulSoup]]:
    return [(page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")) for page in site.rglob("*.html")]


def test_hostile_settings_break_out_of_nothing(hostile_settings_site):
    pages = _pages(hostile_settings_site)
    assert len(pages) > 20
    for page, tree in pages:
        assert tree.find("meta", attrs={"http-equiv": True}) is None, page
        for el in tree.find_all(True):
            for attr, value in el.attrs.items():
                assert not attr.lower().startswith("on"), f"{page}: <{el.name} {attr}>"
                if attr in ("href", "src", "action", "formaction", "content"):
                    text = " ".join(value) if isinstance(value, list) else str(value)
                    assert "javascript:" not in text.lower() or el.name == "meta", f"{page}: {el}"
        for script in tree.find_all("script"):
            assert not script.get_text().strip().startswith("alert("), f"{page}: a setting became a script"
        for tag in ("img", "b"):
            assert not [el for el in tree.find_all(tag) if "alert" in str(el)], f"{page}: <{tag}> from a setting"


def test_hostile_settings_are_shown_as_written(hostile_settings_site):
    home = BeautifulSoup((hostile_settings_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("meta", attrs={"name": "description"})["content"] == DESCRIPTION
    assert home.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == NAME
    assert home.select_one(".md-header__button.md-logo")["title"] == NAME
    assert home.select_one(".md-header__button.md-logo")["aria-label"] == NAME
    assert home.title.get_text().endswith(NAME)
    assert AREA in home.select_one(".cam-lead").get_text()
    assert LICENCE in home.select_one(".md-copyright").get_text()
    opendata = BeautifulSoup((hostile_settings_site / "open-data" / "index.html").read_text(), "html.parser")
    licence = opendata.find("a", string=LICENCE)
    assert licence["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert AREA in licence.parent.get_text()
    find = (hostile_settings_site / "find" / "index.html").read_text(encoding="utf-8")
    options = re.search(r'id="cam-find-options">(.*?)</script>', find, re.S).group(1)
    assert "</" not in options


def test_the_map_attribution_keeps_only_text_and_https_links(hostile_settings_site):
    page = (hostile_settings_site / "map" / "index.html").read_text(encoding="utf-8")
    attribution = json.loads(re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', page).group(1))
    tree = BeautifulSoup(attribution, "html.parser")
    assert [(a.name, a.attrs) for a in tree.find_all(True)] == [("a", {"href": "https://example.org/a?b=1&c=2"})]
    assert tree.get_text() == '© "quoted" [x](javascript:void(0)) Tiles'


@pytest.mark.browser
def test_no_setting_runs_a_script_in_the_browser(hostile_settings_site, visit):
    from .conftest import serve_folder

    url, server = serve_folder(hostile_settings_site)
    try:
        for path in ("", "map/", "open-data/", "find/", "about/"):
            visit.page.goto(url + path)
            visit.page.wait_for_load_state("load")
            if path == "map/":
                visit.page.wait_for_selector(".leaflet-control-attribution a[href='https://example.org/a?b=1&c=2']")
                links = visit.page.eval_on_selector_all(
                    ".leaflet-control-attribution a", "els => els.map(e => e.getAttribute('href'))"
                )
                assert all(link.startswith("https://") for link in links), links
    finally:
        server.shutdown()
    assert visit.dialogs == []
    assert visit.errors == []


@pytest.mark.parametrize(
    ("start", "value", "field", "message"),
    [
        ("  url: ", "javascript:alert(1)//", "site.url", "is not a web address"),
        ("  url: ", 'https://x.org/" onmouseover="a', "site.url", "is not a web address"),
        ("  repository: ", "javascript://github.com/x", "site.repository", "is not a web address"),
        ("data_licence_url: ", "data:text/html,<script>x</script>", "data_licence_url", "is not a web address"),
        ("  tiles: ", "https://t.org/{z}/{x}/{y}.png\"'", "map.tiles", "is not a tile address"),
        ("  tiles: ", "https://t.org/tiles.png", "map.tiles", "does not hold {z}, {x} and {y}"),
        ("corrections_contact: ", "a@b.org?subject=<script>", "corrections_contact", "is not an email address"),
        ("  attribution: ", '<img src=x onerror="alert(1)">', "map.attribution", "holds <img>"),
        ("  attribution: ", '<a href="javascript:alert(1)">x</a>', "map.attribution", "links must start with https"),
        ("  attribution: ", '<a href="https://x.org" onclick="alert(1)">x</a>', "map.attribution", "attribute onclick"),
        ("  attribution: ", "<!-- x --> <style>a{}</style>", "map.attribution", "a comment, <style>"),
        ("  logo: ", 'images/x" onerror="alert(1).svg', "theme.logo", "is not a Material icon name"),
        ("  records_path: ", 'assets"><script>', "site.records_path", "is not a folder path"),
        ("  name: ", "Two\u2028lines", "site.name", "holds a line separator (U+2028)"),
        ("area_name: ", "Bidi \u202eevil", "area_name", "holds a line break or another control character"),
        ("  primary: ", "red; background: url(x)", "theme.primary", "is not a Material for MkDocs colour name"),
    ],
)
def test_values_outside_their_kind_are_refused_with_line_and_field(data_factory, start, value, field, message):
    data = data_factory({}, with_sample=True)
    text = set_config(data, {start: json.dumps(value)})
    problems = [p for p in check(data).problems if p.is_error]
    assert [(p.file, p.line, p.field) for p in problems] == [("assets_data/config.yaml", line_of(text, start), field)]
    assert message in problems[0].message
    assert "\u2028" not in problems[0].message and "\u202e" not in problems[0].message


# --- mkdocs.yml read by MkDocs alone -------------------------------------------------------------


def test_build_accepts_python_name_tags_in_mkdocs_yml(tmp_path):
    project, data = project_copy(tmp_path, EMOJI)
    about = project / "site_src" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nWith thanks :material-heart:\n", encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--data", str(data), "--out", str(out), "--config", str(project / "mkdocs.yml")]
    )
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((out / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("span.twemoji svg") is not None  # an icon, inlined (an emoji would be a CDN image)
    assert page.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == load_config(data).site_name


def test_an_invalid_mkdocs_yml_is_reported_without_a_traceback(tmp_path):
    project, data = project_copy(tmp_path, "  - pymdownx.emoji:\n      emoji_index: !!python/name:no.such.thing\n")
    out = ["--out", str(tmp_path / "site"), "--config", str(project / "mkdocs.yml")]
    for command in (["build", "--data", str(data), *out], ["serve", "--data", str(data), *out, "--port", "1"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert "is not a valid MkDocs configuration" in result.output and "no.such" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_docs_folder_named_for_a_language_of_the_site_is_refused(tmp_path):
    from generator.data.settingkinds import ProjectPaths

    config = load_config(SAMPLE)
    assert config.languages == ("en", "cy")
    docs = tmp_path / "docs"
    (docs / "cy").mkdir(parents=True)  # a pull request's folder, where the Welsh site is built
    paths = ProjectPaths([ROOT / "templates" / "strings"], docs, [])
    problems = [p for p in config.check_in_project(paths) if p.field.startswith("languages")]
    assert [(p.field, p.code) for p in problems] == [("languages[1]", "language-folder-taken")]
    assert "page.cy.md" in problems[0].hint
    (docs / "cy").rmdir()
    assert not [p for p in config.check_in_project(paths) if p.field.startswith("languages")]
