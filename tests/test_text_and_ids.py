"""Text, ids and dates are decided where they enter: bad characters, reserved ids and impossible dates are
refused with file, line and field, and what is published (CSV, Markdown reports) cannot be turned into
formulas, links or mentions."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from pathlib import Path

import icalendar
import markdown
import pytest
import yaml

from generator.authoring.review import format_review, md_code, review
from generator.data.check import check
from generator.data.loader import load_dataset, parse_yaml
from generator.data.model import Asset
from generator.data.rules import JS_OBJECT_PROPERTIES, RESERVED_IDS
from generator.data.schema import load_schema
from generator.data.validate import validate
from generator.opendata.calendars import asset_calendar
from generator.opendata.publish import catalogue_site, write_export
from generator.problems import report
from generator.render.strings import load_catalogue

from .conftest import ROOT, SAMPLE

TODAY = dt.date(2026, 11, 22)


def parse(text: str):
    return parse_yaml(text.encode("utf-8"), "x.yaml")


def errors(data_dir: Path) -> list[tuple[str, int, str, str]]:
    schema = load_schema(data_dir)
    result = validate(load_dataset(data_dir, schema.descriptor), today=TODAY)
    return [(Path(p.file).name, p.line, p.field, p.code) for p in result.problems if p.is_error]


# --- characters, at the loader -------------------------------------------------------------------


CHARACTERS = ["\r", "\x85", "\u2028", "\u2029", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x9b"]


@pytest.mark.parametrize("char", CHARACTERS)
def test_a_character_in_a_value_is_refused_at_its_own_line_and_field(char):
    data, problems = parse(f"a: fine\nb:\n  c: one\n  d: two{char}three\ne: last\n")
    assert data is None
    assert [(p.line, p.field, p.code) for p in problems] == [(4, "b.d", "bad-character")]


def test_every_character_is_reported_with_its_line_even_in_comments_and_keys():
    text = "# note\x1b\nname: a\u2028b\nk\x01ey: x\nlast: \rend\n"
    data, problems = parse(text)
    assert data is None
    assert [(p.line, p.field, p.message) for p in problems] == [
        (1, "", "the file holds an escape character (ESC, U+001B)."),
        (2, "name", "holds a line separator (U+2028)."),
        (3, "k ey", "holds a control character (U+0001)."),
        (4, "last", "holds a carriage return (CR) without a line feed."),
    ]


def test_a_character_that_would_change_the_yaml_is_still_placed_in_its_field():
    _, problems = parse("a: x\nsummary: \x1b[2J cleared\n")
    assert [(p.line, p.field) for p in problems] == [(2, "summary")]


@pytest.mark.parametrize("escape", ["\\r", "\\x07", "\\e", "\\N", "\\L", "\\P", "\\u2028", "\\x9b", "\\0"])
def test_a_character_written_as_an_escape_is_refused(escape):
    data, problems = parse(f'a: fine\nname: "Tea{escape}=1+2"\nz: 1\n')
    assert data is None
    assert [(p.line, p.field, p.code) for p in problems] == [(2, "name", "bad-character")]


def test_crlf_files_load_like_lf_files_with_the_same_lines():
    text = "a: 1\nb: |\n  one\n  two\nc:\n  - x\n  - y\nd: tab\there\n"
    lf, lf_problems = parse(text)
    crlf, crlf_problems = parse(text.replace("\n", "\r\n"))
    assert lf_problems == crlf_problems == []
    assert crlf == lf and crlf["b"] == "one\ntwo\n" and crlf["d"] == "tab\there"
    assert crlf.key_lines == lf.key_lines == {"a": 1, "b": 2, "c": 5, "d": 8}
    assert crlf["c"].item_lines == [6, 7]


def test_the_bad_record_is_named_even_when_it_is_not_the_first_or_is_the_last(data_factory, base_record):
    middle = base_record.replace("valid-case", "b-middle").replace(
        "name: Tuffley Knit and Natter", 'name: "Tuffley Knit\\r=1+2 and Natter"'
    )
    middle = middle.replace("checked_by: Gloucester City Community Connectors", "checked_by: " + "x" * 200)
    last = base_record.replace("valid-case", "z-last").replace(
        "checked_by: Gloucester City Community Connectors", "checked_by: Gloucester City\r=HYPERLINK(1)"
    )
    records = {"a-first.yaml": base_record.replace("valid-case", "a-first"), "b-middle.yaml": middle}
    records |= {"c-fine.yaml": base_record.replace("valid-case", "c-fine"), "z-last.yaml": last}
    assert errors(data_factory(records)) == [
        ("b-middle.yaml", 2, "name", "bad-character"),
        ("z-last.yaml", 48, "checked_by", "bad-character"),
    ]


def test_only_a_multiline_field_may_hold_new_lines(data_factory, base_record):
    record = base_record.replace("checked_by: Gloucester City Community Connectors", 'checked_by: "One\\nTwo"')
    record = record.replace("  name: Tuffley Community Association", "  name: |\n    Tuffley\n    Association")
    assert errors(data_factory({"valid-case.yaml": record})) == [
        ("valid-case.yaml", 9, "organisation.name", "line-break"),
        ("valid-case.yaml", 50, "checked_by", "line-break"),
    ]


def test_a_one_line_block_in_a_one_line_field_is_fine(data_factory, base_record):
    one_line_block = base_record.replace("name: Tuffley Knit and Natter", "name: |\n  Tuffley Knit and Natter")
    assert errors(data_factory({"valid-case.yaml": one_line_block})) == []


def test_vocabularies_and_settings_follow_the_same_rules(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    areas = data / "vocabularies" / "areas.yaml"
    areas.write_text(areas.read_text().replace("name: Cheltenham", "name: Chelten\u2028ham", 1), encoding="utf-8")
    config = data / "config.yaml"
    config.write_bytes(config.read_bytes().replace(b"area_name: Gloucestershire", b"area_name: Glouce\rstershire"))
    assert [e for e in errors(data) if e[0] != "valid-case.yaml"] == [  # (which now names unknown areas)
        ("config.yaml", 15, "area_name", "bad-character"),
        ("areas.yaml", 10, "[1].name", "bad-character"),
    ]


# --- ids ------------------------------------------------------------------------------------------


def test_reserved_ids_cover_index_the_site_folders_and_every_object_property():
    assert {"index", "support", "need", "area", "sheets", "data", "assets", "search", "404"} <= RESERVED_IDS
    assert {"constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"} <= RESERVED_IDS
    assert len(JS_OBJECT_PROPERTIES) == 13  # Object.prototype's twelve, and prototype


def test_a_reserved_record_id_gets_another_suggested(data_factory, base_record):
    data = data_factory({"index.yaml": base_record.replace("valid-case", "index")})
    schema = load_schema(data)
    problems = validate(load_dataset(data, schema.descriptor), today=TODAY).problems
    assert report(problems, 1).splitlines()[:2] == [
        "assets_data/assets/index.yaml:1: id: the id 'index' is a name the site keeps for its own pages or scripts.",
        "    hint: Use another id, such as 'tuffley-knit-and-natter' and rename the file to match.",
    ]


def test_need_area_and_location_ids_are_checked_too(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record.replace("- id: community-centre", "- id: prototype")})
    categories = data / "vocabularies" / "categories.yaml"
    categories.write_text(categories.read_text().replace("- id: housing", "- id: constructor"))
    areas = data / "vocabularies" / "areas.yaml"
    areas.write_text(areas.read_text().replace("- id: cheltenham", "- id: index"))
    assert [e for e in errors(data) if e[3] == "reserved-id"] == [
        ("valid-case.yaml", 28, "locations[0].id", "reserved-id"),
        ("areas.yaml", 9, "[1].id", "reserved-id"),
        ("categories.yaml", 26, "[3].id", "reserved-id"),
    ]


def test_no_page_or_file_the_site_writes_beside_an_id_can_be_an_id(built_site):
    """In every folder that holds a page or file per id, whatever is not an id has a reserved name."""
    ids = {p.stem for p in (SAMPLE / "assets").glob("*.yaml")}
    for vocabulary in ("categories", "areas"):
        text = (SAMPLE / "vocabularies" / f"{vocabulary}.yaml").read_text()
        ids |= set(re.findall(r"^- id: (\S+)$", text, re.MULTILINE))
    folders = ["support", "need", "area", "sheets/need", "sheets/area", "data/calendar", "assets/data/asset"]
    others = set()
    for folder in folders:
        names = {p.name.split(".")[0] for p in (built_site / folder).iterdir()}
        assert names & ids, folder
        others |= names - ids
    assert others == {"index"}
    assert others <= RESERVED_IDS
    hand_written = {"about", "javascripts", "stylesheets", "sw"}  # pages, scripts, styles, the service worker
    languages = set(yaml.safe_load((SAMPLE / "config.yaml").read_text())["languages"][1:])  # /cy/
    top = {p.name.split(".")[0] for p in built_site.iterdir()} - hand_written - languages
    assert top <= RESERVED_IDS  # nothing but reserved names sits beside an id


# --- dates ----------------------------------------------------------------------------------------


def test_the_date_range_is_in_the_schema_and_both_ends_are_accepted(data_factory, base_record):
    schema = load_schema(SAMPLE)
    for table, column in (("assets", "last_checked"), ("sessions", "starts_on")):
        limits = schema.table(table).field(column).constraints
        assert (limits["minimum"], limits["maximum"]) == ("1900-01-01", "2100-12-31")
    earliest = base_record.replace("last_checked: 2026-10-01", "last_checked: 1900-01-01")
    assert errors(data_factory({"valid-case.yaml": earliest})) == []


@pytest.mark.parametrize(("date", "ok"), [("1899-12-31", False), ("1900-01-01", True), ("2100-12-31", True)])
def test_dates_either_side_of_the_range(data_factory, base_record, date, ok):
    record = base_record.replace('    end: "16:00"\n', f'    end: "16:00"\n    starts_on: {date}\n')
    found = errors(data_factory({"valid-case.yaml": record}))
    assert found == ([] if ok else [("valid-case.yaml", 44, "sessions[0].starts_on", "out-of-range")])


@pytest.mark.parametrize(("starts_on", "day"), [("1900-01-01", "monday"), ("2100-12-31", "friday")])
def test_a_calendar_carries_both_ends_of_the_range(data_factory, base_record, starts_on, day):
    record = base_record.replace("frequency: weekly", "frequency: fortnightly").replace("- thursday", f"- {day}")
    record = record.replace('    end: "16:00"\n', f'    end: "16:00"\n    starts_on: {starts_on}\n')
    checked = check(data_factory({"valid-case.yaml": record}), today=TODAY)
    assert checked.ok, checked.problems
    ics = asset_calendar(checked.assets[0], load_catalogue(ROOT / "templates"))
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event["dtstart"].dt.date() == dt.date.fromisoformat(starts_on)


# --- what is published ----------------------------------------------------------------------------


def test_csv_cells_are_guarded_at_every_line_start(data_factory, base_record):
    formulas = '  Bring:\n\n  =HYPERLINK("https://example.org")\n  -2+3\n  @SUM(1)\n  Beginners'
    record = base_record.replace("  Beginners are very welcome", formulas)
    record += "translations:\n  cy:\n    description: |\n      Croeso.\n      +cmd|' /C calc'!A0\n"
    checked = check(data_factory({"valid-case.yaml": record}), today=TODAY)
    assert checked.ok, checked.problems
    out = Path("out")
    write_export(catalogue_site(checked, load_catalogue(ROOT / "templates"), TODAY), checked.schema, "datapackage", out)
    with open(out / "assets.csv", encoding="utf-8", newline="") as fh:
        (row,) = csv.DictReader(fh)
    lines = row["description"].split("\n")
    assert '\'=HYPERLINK("https://example.org")' in lines and "'-2+3" in lines and "'@SUM(1)" in lines
    with open(out / "translations.csv", encoding="utf-8", newline="") as fh:
        (translation,) = csv.DictReader(fh)
    assert translation["description"].split("\n") == ["Croeso.", "'+cmd|' /C calc'!A0"]
    for name in ("assets.csv", "translations.csv"):
        text = (out / name).read_text(encoding="utf-8")
        assert "\r" not in text and "\u2028" not in text and "\x85" not in text
        for line in text.split("\n"):  # a reader that splits at every new line still meets no formula
            assert not line.startswith(("=", "+", "-", "@")), (name, line)


# --- Markdown reports -----------------------------------------------------------------------------

HOSTILE = [
    "[click me](javascript:alert(1))",
    "![tracker](https://evil.example/x.png)",
    "@octocat and @github/security",
    "# Heading",
    "<img src=x onerror=alert(1)>",
    "closes #1, see GH-2 and https://evil.example/",
    "`code` and ``two`` ticks`",
    "**bold** _it_ ~~gone~~ :smile:",
]


def _asset(i: int, name: str) -> Asset:
    return Asset(
        id=f"a{i}",
        name=name,
        summary="s",
        description="d",
        status="active",
        organisation=HOSTILE[(i + 1) % len(HOSTILE)],
        access="drop-in",
        cost="free",
        last_checked=dt.date(2020, 1, 1),
        checked_by=HOSTILE[(i + 2) % len(HOSTILE)],
        source=f"a{i}.yaml",
    )


def test_markdown_review_shows_hostile_names_as_written_and_nothing_more():
    assets = [_asset(i, name) for i, name in enumerate(HOSTILE)]
    text = format_review(review(assets, TODAY, "12m"), "markdown", "12m")
    lines = text.splitlines()
    assert lines[0].startswith("Records not checked for 12m")
    headings = [line for line in lines if line.startswith("#")]
    items = [line for line in lines if line.startswith("- [ ] ")]
    assert len(headings) == len(HOSTILE) and len(items) == len(HOSTILE)
    assert all(h.startswith("### `") and h.endswith("`") for h in headings)
    rendered = markdown.markdown(text)
    for tag in ("<a ", "<img", "<h1", "<h2", "<em", "<del", "<script"):
        assert tag not in rendered, tag
    assert rendered.count("<h3>") == len(HOSTILE)
    shown = {html.unescape(code) for code in re.findall(r"<code>(.*?)</code>", rendered, re.DOTALL)}
    assert set(HOSTILE) <= shown  # every name, organisation and checker comes through as written
    outside = re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL)
    assert "@" not in outside and "#" not in outside and "http" not in outside


@pytest.mark.parametrize("text", ["plain", "a`b", "`start", "end`", "``", "x ``` y", "line\nbreak\r\u2028"])
def test_md_code_gives_the_text_back(text):
    span = md_code(text)
    assert "\n" not in span and "\r" not in span
    rendered = markdown.markdown(span)
    assert html.unescape(re.search(r"<code>(.*)</code>", rendered).group(1)) == " ".join(text.split())


def test_a_key_with_an_escaped_character_is_named_without_it():
    _, problems = parse('a: 1\nb:\n  "c\\x1bd": 2\n')
    assert [(p.line, p.field, p.code) for p in problems] == [(3, "b.c?d", "bad-character")]
