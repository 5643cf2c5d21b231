"""`assetmap init` and the one configuration: a new area's project validates, builds and carries its settings."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from mkdocs.utils.yaml import yaml_load

from generator.authoring.areainit import InitError, init_project, parse_bbox
from generator.cli.main import main
from generator.data.check import check
from generator.data.config import BEGIN, BY_KEY, END, SECTIONS, config_reference
from generator.defaults import DEFAULT_MKDOCS
from generator.problems import DataError, report
from generator.site.build import build_site

from .conftest import ROOT

TODAY = dt.date(2026, 11, 22)
NAME = "Leeds Community Asset Map"
AREA = "Leeds"
BBOX = "53.70,-1.80,53.95,-1.29"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def new_project(base: Path) -> Path:
    """A project made by init: only the area's own files."""
    return init_project(base / "leeds-map", NAME, AREA, parse_bbox(BBOX), today=TODAY)


def build(project: Path, out: Path) -> Path:
    build_site(project / "assets_data", out, today=TODAY)
    return out


def set_config(project: Path, *replacements: tuple[str, str]) -> None:
    config = project / "assets_data" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> tuple[Path, Path]:
    """A project made by init, and its site built as it is."""
    base = tmp_path_factory.mktemp("init")
    project = new_project(base)
    return project, build(project, base / "built" / "site")


def test_init_creates_a_project_of_the_areas_own_files_only(initialised):
    project, _ = initialised
    expected = {
        "assets_data/config.yaml",
        "assets_data/record.schema.json",
        "assets_data/vocabularies/categories.yaml",
        "assets_data/vocabularies/areas.yaml",
        "assets_data/assets/gloucestershire-carers-line.yaml",
        "assets_data/assets/stroud-valleys-walkers.yaml",
        "requirements.txt",
        ".github/workflows/deploy.yml",
        ".github/workflows/freshness.yml",
        ".github/workflows/change-report.yml",
        ".github/pull_request_template.md",
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/workflows/pull-request.yml",
        ".github/ISSUE_TEMPLATE/add-asset.yml",
        ".github/ISSUE_TEMPLATE/report-change.yml",
        "CONTRIBUTING.md",
        "README.md",
        "run.sh",
        "docs/configuration.md",
        "docs/deploy.md",
        ".gitignore",
    }
    # no copy of the generator, its templates, pages, scripts, schema or MkDocs settings; no npm
    assert {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()} == expected
    assert os.access(project / "run.sh", os.X_OK)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {NAME}\n") and "./run.sh serve" in readme and "./run.sh test" in readme
    run_sh = (project / "run.sh").read_text(encoding="utf-8")
    assert "pip install --quiet -r requirements.txt" in run_sh and "npm" not in run_sh
    pin = (project / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert pin.startswith("community-asset-map")
    for workflow in (project / ".github" / "workflows").iterdir():
        text = workflow.read_text(encoding="utf-8")
        assert "npm" not in text and "setup-node" not in text and "pip install -e" not in text, workflow.name


def test_the_new_project_validates(initialised):
    project, _ = initialised
    result = check(project / "assets_data", today=TODAY)
    assert result.ok and result.checked == 2 and result.problems == []
    config = result.config
    assert (config.site_name, config.area_name) == (NAME, AREA)
    assert (config.south, config.west, config.north, config.east) == (53.70, -1.80, 53.95, -1.29)
    assert config.centre == (53.825, -1.545)
    assert [a.id for a in result.areas] == ["leeds", "area-wide"]
    assert [a.name for a in result.areas] == ["Leeds", "Across Leeds"]


def test_pages_carry_the_new_name(initialised):
    _, site = initialised
    for page in ("index.html", "about/index.html", "support/stroud-valleys-walkers/index.html"):
        html = soup(site / page)
        assert html.title.get_text().endswith(f" - {NAME}"), page
        assert NAME in html.select_one(".md-header__topic").get_text(), page
        assert "Gloucestershire" not in html.title.get_text()
    home = soup(site / "index.html")
    assert "across Leeds" in home.select_one(".cam-lead").get_text()
    assert home.find("meta", attrs={"name": "description"})["content"].startswith("Local groups, activities")


def test_the_map_opens_on_the_new_bounding_box(initialised):
    _, site = initialised
    script = (site / "map" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"center: \[53\.825, -1\.545\]", script)
    assert '"zoom": 10,' in script
    points = yaml.safe_load((site / "assets" / "data" / "map.json").read_text(encoding="utf-8"))["points"]
    assert points == [["stroud-valleys-walkers", 5382500, -154500, 0]]


def test_a_location_outside_the_new_box_is_rejected(tmp_path):
    project = init_project(tmp_path / "p", NAME, AREA, parse_bbox(BBOX), today=TODAY)
    walkers = project / "assets_data" / "assets" / "stroud-valleys-walkers.yaml"
    walkers.write_text(walkers.read_text().replace('latitude: "53.825"', 'latitude: "51.7466"'))
    problems = check(project / "assets_data", today=TODAY).problems
    assert [(p.field, p.message) for p in problems] == [
        ("locations[0].latitude", "51.7466 is outside the area this directory covers (53.7 to 53.95).")
    ]


def test_pages_carry_the_new_vocabularies(initialised):
    project, site = initialised
    categories = yaml.safe_load((project / "assets_data/vocabularies/categories.yaml").read_text())
    for entry in categories:
        page = soup(site / "need" / entry["id"] / "index.html")
        assert page.find("h1").get_text(strip=True) == entry["name"]
    leeds = soup(site / "area" / "leeds" / "index.html")
    assert leeds.find("h1").get_text(strip=True) == "Leeds"
    assert [li["data-asset-id"] for li in leeds.select("li.cam-card")] == ["stroud-valleys-walkers"]
    wide = soup(site / "area" / "area-wide" / "index.html")
    assert [li["data-asset-id"] for li in wide.select("li.cam-card")] == ["gloucestershire-carers-line"]
    index = soup(site / "area" / "index.html").get_text(" ", strip=True)
    assert "Across Leeds" in index and "Cheltenham" not in index
    assert not (site / "area" / "cheltenham").exists()


def test_config_yaml_wins_over_mkdocs_yml(tmp_path):
    project = new_project(tmp_path)
    set_config(
        project,
        ("  url: https://example.org/", "  url: https://leeds.example.org/map"),
        ("  # repository: https://github.com/OWNER/REPOSITORY", "  repository: https://github.com/leeds/asset-map"),
        ("primary: custom", "primary: deep purple"),
        ("accent: custom", "accent: amber"),
        ("logo: material/map-marker-radius", "logo: material/home-heart"),
        ("# corrections_contact: directory@example.org", "corrections_contact: fix@leeds.example.org"),
    )
    site = build(project, tmp_path / "out" / "site")
    home = soup(site / "index.html")
    assert home.body["data-md-color-primary"] == "deep-purple"
    assert home.body["data-md-color-accent"] == "amber"
    assert home.find("link", rel="canonical")["href"] == "https://leeds.example.org/map/"
    footer = soup(site / "about" / "index.html").select_one(".md-copyright")
    assert footer.find("a", href="mailto:fix@leeds.example.org").get_text() == "fix@leeds.example.org"
    walkers = soup(site / "support" / "stroud-valleys-walkers" / "index.html")
    edit = walkers.select("p.cam-improve a")[1]["href"]
    assert edit == "https://github.com/leeds/asset-map/edit/main/assets_data/assets/stroud-valleys-walkers.yaml"
    sheet = (site / "sheets" / "area" / "leeds" / "index.html").read_text(encoding="utf-8")
    assert "https://leeds.example.org/map/sheets/area/leeds/" in sheet
    assert not (project / "mkdocs.yml").exists()
    for mkdocs_yml in (ROOT / "mkdocs.yml", DEFAULT_MKDOCS):
        with open(mkdocs_yml, encoding="utf-8") as fh:
            mkdocs = yaml_load(fh)  # MkDocs' own loader, which follows INHERIT
        assert not {"site_name", "site_description", "repo_url"} & set(mkdocs)
        assert not {"repository", "records_path"} & set(mkdocs["extra"])
        assert "palette" in mkdocs["theme"] and "primary" not in mkdocs["theme"]["palette"][0]


def test_mkdocs_yml_site_url_is_a_copy_of_config_yaml():
    for root in (ROOT,):  # an area made by init has no mkdocs.yml
        mkdocs = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        config = yaml.safe_load((root / "assets_data" / "config.yaml").read_text(encoding="utf-8"))
        assert mkdocs["site_url"] == config["site"]["url"], root


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    target = tmp_path / "existing"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(target), "--name", NAME])
    assert result.exit_code == 1
    assert f"{target} is not empty" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["existing"]


def test_init_accepts_an_empty_folder_and_defaults_the_area_to_the_name(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    result = CliRunner().invoke(main, ["init", str(target), "--name", "Kirklees Connect"])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((target / "assets_data" / "config.yaml").read_text())
    assert config["site"]["name"] == config["area_name"] == "Kirklees Connect"
    assert config["bounding_box"] == {"south": "51.57", "west": "-2.69", "north": "52.12", "east": "-1.61"}
    # The command stamps the example records with the real date, so they are checked against it.
    assert check(target / "assets_data", today=dt.date.today()).ok


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--name", "<script>x</script>"], 1, "cannot be used"),
        (["--name", "  "], 1, "cannot be used"),
        (["--name", "Ok", "--bbox", "53.9,-1.8,53.7,-1.3"], 2, "south must be less than north"),
        (["--name", "Ok", "--bbox", "north of here"], 2, "is not a bounding box"),
    ],
)
def test_init_refuses_bad_names_and_boxes(tmp_path, args, code, message):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), *args])
    assert result.exit_code == code
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_init_errors_are_domain_errors():
    with pytest.raises(InitError, match="is not a bounding box"):
        parse_bbox("1,2,3")


def test_configuration_errors_name_file_line_and_field(tmp_path, monkeypatch):
    project = init_project(tmp_path / "p", NAME, AREA, parse_bbox(BBOX), today=TODAY)
    set_config(
        project,
        ("primary: custom", "primary: purplish"),
        ("  url: https://example.org/", "  url: ftp://x"),
        ("  name: ", "  nmae: "),
        ("languages: [en]", "languages: [en, Welsh]"),
    )
    monkeypatch.chdir(project)
    text = report(check(Path("assets_data"), today=TODAY).problems, 2)
    lines = (project / "assets_data" / "config.yaml").read_text().splitlines()

    def at(key: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith(key))

    assert f"assets_data/config.yaml:{at('primary:')}: theme.primary: 'purplish' is not a Material" in text
    assert "    hint: Did you mean 'purple'?" in text
    assert f"assets_data/config.yaml:{at('url:')}: site.url: 'ftp://x' is not a web address starting with" in text
    assert f"assets_data/config.yaml:{at('nmae:')}: site.nmae: 'nmae' is not a known setting." in text
    assert "    hint: Did you mean 'name'?" in text
    assert f"assets_data/config.yaml:{at('languages:')}: languages[1]: 'Welsh' is not a language code." in text


def test_a_language_without_a_catalogue_stops_the_build(tmp_path):
    project = new_project(tmp_path)
    set_config(project, ("languages: [en]", "languages: [pl, en]"))
    with pytest.raises(DataError) as caught:
        build(project, tmp_path / "out" / "site")
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("languages[0]", "no-catalogue")
    assert problem.file.endswith("config.yaml") and problem.line > 1
    assert not (tmp_path / "out" / "site").exists()


def test_a_missing_logo_stops_the_build(tmp_path):
    project = new_project(tmp_path)
    set_config(project, ("logo: material/map-marker-radius", "logo: images/logo.svg"))
    with pytest.raises(DataError, match="1 problems") as caught:
        build(project, tmp_path / "out" / "site")
    assert caught.value.problems[0].message == "'images/logo.svg' is not in site_src/."
    (project / "site_src" / "images").mkdir(parents=True)
    (project / "site_src" / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    site = build(project, tmp_path / "out" / "site")
    assert soup(site / "index.html").select_one(".md-header__button.md-logo img")["src"] == "images/logo.svg"


def test_the_configuration_reference_is_current():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    current = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert current == config_reference(), "run `assetmap config-reference --write` to refresh it"
    for key, setting in BY_KEY.items():
        assert setting.help and setting.example, key
        assert f"| `{key}` |" in text
    for key, section in SECTIONS.items():
        assert section.help and f"| `{key}` | " in text, key


def test_the_sample_config_documents_itself():
    config = yaml.safe_load((ROOT / "assets_data" / "config.yaml").read_text(encoding="utf-8"))
    keys = set()
    for key, value in config.items():
        keys |= {f"{key}.{sub}" for sub in value} if isinstance(value, dict) else {key}
    assert keys == set(BY_KEY)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/deploy.md" in readme and "docs/configuration.md" in readme and "assetmap init" in readme
