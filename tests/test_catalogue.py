"""Every interface string comes from the catalogue, so a language is added by translating one file."""

from __future__ import annotations

import re

import pytest

from generator.render.strings import load_catalogue

from .conftest import ROOT

TEMPLATES = sorted((ROOT / "templates").glob("*.j2"))
FRONT_MATTER_KEYS = re.compile(
    r"^(---|title:.*|description:.*|cam_(search|find_early):.*|hide:|search:|  exclude: true|  - (navigation|toc))$",
    re.M,
)


def leftover_words(source: str) -> list[str]:
    """Words in a template that do not come from an expression: there should be none."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = FRONT_MATTER_KEYS.sub(" ", text)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("template", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_templates_hold_no_interface_words(template):
    assert leftover_words(template.read_text(encoding="utf-8")) == []


def test_every_catalogue_key_used_in_templates_exists():
    t = load_catalogue(ROOT / "templates")
    used = set()
    for template in TEMPLATES:
        for key in re.findall(r"""\bt\(\s*["']([a-z_.-]+)["']""", template.read_text(encoding="utf-8")):
            if not key.endswith((".", "_")):  # a prefix completed in the template, such as "access." + value
                used.add(key)
    assert len(used) > 50  # the pattern finds the templates' keys (it would find none if the call changed shape)
    missing = []
    for key in sorted(used):
        try:
            assert t(key)
        except KeyError:
            missing.append(key)
    assert missing == []


STRINGS = ROOT / "templates" / "strings"
CATALOGUES = sorted(p for p in STRINGS.glob("*.yaml") if p.name != "en.yaml")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _strings(path) -> dict[str, str]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return {key: text for key, text in _flat(yaml.safe_load(fh))}


def _flat(node: dict, prefix: str = ""):
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _placeholders(text: str) -> set[str]:
    """The placeholders of a string, a softened form ({days_soft}) counting as its plain one ({days})."""
    return {name.removesuffix("_soft") for name in PLACEHOLDER.findall(str(text))}


def test_there_is_a_welsh_catalogue():
    assert STRINGS / "cy.yaml" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.name for p in CATALOGUES])
def test_catalogue_has_exactly_the_english_keys(path):
    english, other = _strings(STRINGS / "en.yaml"), _strings(path)
    assert sorted(set(english) - set(other)) == [], "missing"
    assert sorted(set(other) - set(english)) == [], "extra"


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.name for p in CATALOGUES])
def test_catalogue_placeholders_match_the_english(path):
    english, other = _strings(STRINGS / "en.yaml"), _strings(path)
    differ = {k: (english[k], other[k]) for k in english if k in other}
    differ = {k: v for k, v in differ.items() if _placeholders(v[0]) != _placeholders(v[1])}
    assert differ == {}


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.name for p in CATALOGUES])
def test_catalogue_strings_are_filled_in(path):
    strings = _strings(path)
    assert strings["language"] == path.stem
    assert [k for k, v in strings.items() if not isinstance(v, str) or not v.strip()] == []


def test_placeholder_check_catches_a_difference():
    assert _placeholders("Bob {days_soft}, {start} i {end}") == _placeholders("Every {days}, {start} to {end}")
    assert _placeholders("{first} i {last}") != _placeholders("{first} to {end}")


def test_welsh_catalogue_loads_and_names_itself():
    cy = load_catalogue(ROOT / "templates", "cy")
    assert cy.language == "cy"
    assert cy("language_name") == "Cymraeg"
    assert cy("i18n.untranslated") == "Saesneg yn unig · English only"
    assert cy("nav.find.md") == "Dod o hyd i gymorth"
    assert load_catalogue(ROOT / "templates")("nav.open-data.md") == "Open data"


def test_nav_titles_match_the_default_navigation():
    import yaml

    with open(ROOT / "generator" / "site" / "mkdocs.default.yml", encoding="utf-8") as fh:
        nav = yaml.load(fh, Loader=yaml.BaseLoader)["nav"]  # noqa: S506 - BaseLoader builds plain strings only
    english = load_catalogue(ROOT / "templates").section("nav")
    assert {page: title for entry in nav for title, page in entry.items()} == english


# Strings written the same in Welsh and English: real Welsh words (cost, map), names, file names and
# strings of placeholders only. A page test looking for English on Welsh pages can leave these out.
SAME_IN_WELSH = frozenset({"Cost", "cost", "Map", "Pashto", "GeoJSON", "Open Referral UK (JSON)"})


def test_welsh_strings_differ_from_the_english_unless_the_same_in_both():
    english, welsh = _strings(STRINGS / "en.yaml"), _strings(STRINGS / "cy.yaml")
    same = {k: v for k, v in english.items() if welsh[k] == v}
    leftover = {
        k: v
        for k, v in same.items()
        if v not in SAME_IN_WELSH and PLACEHOLDER.sub("", v).strip(" :£") and not v.endswith((".json", ".geojson"))
    }
    assert leftover == {}
    assert "Cost" in same.values()  # the allowance is used (it would hide nothing if the words changed)
