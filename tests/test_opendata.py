"""Open data out (data package, ORUK, GeoJSON, calendars) and in (ORUK and CSV import), checked by third-party tools."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import icalendar
import pytest
import yaml
from click.testing import CliRunner

from generator.authoring.feedimport import import_feed
from generator.authoring.importer import import_csv
from generator.authoring.importreport import as_text
from generator.cli.opendata import export_command, import_group
from generator.data.check import check
from generator.opendata.calendars import asset_calendar
from generator.opendata.oruk_export import NAMESPACE, offset, oruk_id
from generator.opendata.publish import (
    catalogue_site,
    data_package,
    format_outputs,
    oruk_files,
    oruk_outputs,
    render_open_data,
    write_export,
)
from generator.render.contract import every_file
from generator.render.pages import environment
from generator.render.schedule import describe
from generator.render.strings import load_catalogue
from generator.speed import outputs
from generator.speed.buildstate import Plan

from .conftest import CASES, ROOT, SAMPLE, differences, make_data_dir

ORUK = ROOT / "standards" / "oruk"  # Open Referral UK schemas, copied unchanged (CC BY-SA 4.0; see README there)
BIN = Path(sys.executable).parent
TODAY = dt.date.today()
CSV_CASE = CASES / "import" / "assets.csv"


def _tool(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def sample():
    """The sample data, checked once."""
    checked = check(SAMPLE, today=TODAY)
    assert checked.ok
    return checked


@pytest.fixture(scope="module")
def site(sample):
    return catalogue_site(sample, load_catalogue(ROOT / "templates"), TODAY)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample, site):
    """Every format of the sample exported into its own folder."""
    out = tmp_path_factory.mktemp("export")
    for fmt in ("datapackage", "oruk", "geojson", "ics"):
        write_export(site, sample.schema, fmt, out / fmt)
    return out


def _asset(sample, asset_id):
    return next(a for a in sample.assets if a.id == asset_id)


# --- data package -------------------------------------------------------------------------------


def test_data_package_passes_frictionless_validate(exported, sample):
    result = _tool("frictionless", "validate", "--json", str(exported / "datapackage" / "datapackage.json"))
    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[:2000]
    names = {task["name"] for task in report["tasks"]}
    assert names == {t.name for t in sample.schema.tables}
    with open(exported / "datapackage" / "assets.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == sorted(a.id for a in sample.assets)


def test_data_package_guards_spreadsheet_formulas(data_factory, base_record):
    record = base_record.replace("  Bring whatever", '  =HYPERLINK("https://example.org") Bring whatever')
    data = data_factory({"valid-case.yaml": record})
    checked = check(data, today=TODAY)
    assert checked.ok, checked.problems
    out = Path("out")
    write_export(catalogue_site(checked, load_catalogue(ROOT / "templates"), TODAY), checked.schema, "datapackage", out)
    with open(out / "assets.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["description"].startswith("'=HYPERLINK")
    assert row["phone"] == "01632 960555"


def test_a_rebuilds_data_package_reuses_unchanged_rows_and_is_the_full_one(sample, site):
    changed = dataclasses.replace(site.assets[3], description='Now "quoted", on two\nlines, =1+1 and, commas')
    added = dataclasses.replace(site.assets[5], id="zz-a-new-asset", name="A new asset")
    removed = site.assets[7]
    before = data_package(sample.schema, site.assets, site.categories, site.areas)
    assets = [changed if a is site.assets[3] else a for a in site.assets if a is not removed] + [added]
    unchanged = frozenset(a.id for a in assets) - {changed.id, added.id}
    full = data_package(sample.schema, assets, site.categories, site.areas)
    [package] = format_outputs(site, sample.schema, "datapackage")

    def rebuilt(previous: dict[str, str]) -> dict:
        [files] = outputs.assembled(package, assets, unchanged, previous.get)
        return files

    assert rebuilt(before) == full
    assert "zz-a-new-asset" in full["assets.csv"] and removed.id not in full["assets.csv"]
    # the unchanged rows really are read back: a mark put in the previous text comes through
    marked = dict(before, **{"assets.csv": before["assets.csv"].replace(site.assets[0].name, "Marked name", 1)})
    assert "Marked name" in rebuilt(marked)["assets.csv"]
    # previous text that is not this table is ignored
    broken = dict(before, **{"sessions.csv": "not,the,header\n"})
    assert rebuilt(broken) == full


# --- Open Referral UK ---------------------------------------------------------------------------


def test_every_oruk_service_passes_check_jsonschema(exported, sample):
    files = sorted((exported / "oruk" / "services").glob("*.json"))
    assert len(files) == len(sample.assets)
    result = _tool("check-jsonschema", "--schemafile", str(ORUK / "service.json"), *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_oruk_list_is_paginated_and_each_item_passes_service_list_schema(exported, sample, tmp_path):
    listing = json.loads((exported / "oruk" / "services.json").read_text(encoding="utf-8"))
    assert listing["total_items"] == len(sample.assets) == listing["size"]
    assert (listing["total_pages"], listing["page_number"], listing["first_page"], listing["last_page"]) == (
        1,
        1,
        True,
        True,
    )
    assert listing["empty"] is False
    items = []
    for i, service in enumerate(listing["contents"]):
        items.append(tmp_path / f"item{i}.json")
        items[-1].write_text(json.dumps(service), encoding="utf-8")
    result = _tool("check-jsonschema", "--schemafile", str(ORUK / "service_list.json"), *map(str, items))
    assert result.returncode == 0, result.stdout + result.stderr


def _walk(value):
    if isinstance(value, dict):
        for sub in value.values():
            yield from _walk(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _walk(sub)
    yield value


def test_oruk_ids_are_stable_uuid5_and_empty_fields_left_out(exported, site, sample, tmp_path):
    for asset in sample.assets:
        service_id = str(uuid.uuid5(NAMESPACE, asset.id))
        service = json.loads((exported / "oruk" / "services" / f"{service_id}.json").read_text(encoding="utf-8"))
        assert service["name"] == asset.name
        assert all(v not in (None, "", [], {}) for v in _walk(service))
    write_export(site, sample.schema, "oruk", tmp_path / "again")
    for path in (exported / "oruk").rglob("*.json"):
        assert path.read_bytes() == (tmp_path / "again" / path.relative_to(exported / "oruk")).read_bytes()


def test_each_oruk_service_is_made_once_for_its_file_and_the_listing(site, monkeypatch):
    import generator.opendata.publish as publish

    made: list[str] = []
    to_service = publish.to_service
    monkeypatch.setattr(publish, "to_service", lambda asset, *rest: made.append(asset.id) or to_service(asset, *rest))
    monkeypatch.setattr(outputs, "BATCH_BYTES", 100_000)  # handed over a little at a time, as made
    tasks = outputs.plan_tasks(oruk_outputs(site), site.assets, {}, Plan(), lambda path: None, None)
    merged, batches = {}, 0
    for task in tasks:
        for batch in task.run():
            assert not merged.keys() & batch.keys()
            merged |= batch
            batches += 1
    assert batches > 3
    assert sorted(made) == sorted(a.id for a in site.assets)  # once each
    listing = json.loads(merged["services.json"])
    assert listing["total_items"] == len(site.assets) == len(listing["contents"])
    for service in listing["contents"]:  # the same service, byte for byte, in its own file
        own = merged[f"services/{service['id']}.json"]
        assert own == json.dumps(service, ensure_ascii=False, separators=(",", ":")) + "\n"
    monkeypatch.undo()
    assert merged == oruk_files(site)


def _service(exported, asset_id):
    path = exported / "oruk" / "services" / f"{uuid.uuid5(NAMESPACE, asset_id)}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_oruk_fields_are_mapped(exported, sample):
    walkers = _service(exported, "stroud-valleys-walkers")
    weekly, monthly = walkers["schedules"]
    zone = offset(_asset(sample, "stroud-valleys-walkers").sessions[0], TODAY)  # London's offset then (TODAY is today)
    assert (weekly["freq"], weekly["byday"], weekly["opens_at"], weekly["closes_at"]) == (
        "WEEKLY",
        "TU",
        "10:00" + zone,
        "11:30" + zone,
    )
    assert (monthly["freq"], monthly["byday"]) == ("MONTHLY", "1SA")
    assert walkers["assured_date"] == "2026-10-14"
    assert walkers["status"] == "active"
    assert walkers["contacts"][0]["phones"][0]["number"] == "01632 960123"
    assert walkers["email"] == "walks@example.org" and walkers["url"] == "https://www.example.org/walks"
    assert walkers["cost_options"] == [
        {"id": walkers["cost_options"][0]["id"], "service_id": walkers["id"], "amount": 0}
    ]
    location = walkers["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (51.7466, -2.2285)
    assert location["addresses"][0]["postal_code"] == "GL5 4AF"
    assert [a["description"] for a in location["accessibility"] if "description" in a] == [
        "Accessible toilet",
        "Parking",
        "Near public transport",
    ]
    (language,) = walkers["languages"]
    assert [a["taxonomy_term"]["term"] for a in walkers["attributes"] if a["link_id"] == language["id"]] == ["en"]
    fortnightly = [
        (a, s) for a in sample.assets for s in a.sessions if s.frequency == "fortnightly" and not s.is_opening_hours
    ]
    asset, session = fortnightly[0]
    schedule = _service(exported, asset.id)["schedules"][session.index]
    assert (schedule["freq"], schedule["interval"], schedule["dtstart"]) == ("WEEKLY", 2, session.starts_on.isoformat())
    last = next((a, s) for a in sample.assets for s in a.sessions if s.week_of_month == "last")
    assert _service(exported, last[0].id)["schedules"][last[1].index]["byday"].startswith("-1")
    paused = next(a for a in sample.assets if a.status == "paused")
    assert _service(exported, paused.id)["status"] == "temporarily closed"


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_is_rfc7946_with_coordinates_from_the_records(exported, sample):
    doc = json.loads((exported / "geojson" / "assets.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    expected = {(a.id, loc.id): loc for a in sample.assets for loc in a.locations}
    seen = {}
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        props = feature["properties"]
        seen[(props["asset_id"], props["location_id"])] = feature["geometry"]["coordinates"]
    assert seen.keys() == expected.keys()
    for key, (lon, lat) in seen.items():
        assert (lon, lat) == (expected[key].longitude, expected[key].latitude)
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and lat > 49  # latitude second: [lon, lat]
    walkers = next(f for f in doc["features"] if f["properties"]["asset_id"] == "stroud-valleys-walkers")
    props = walkers["properties"]
    assert props["name"] == "Stroud Valleys Walkers" and props["cost_text"] == "Free"
    t = load_catalogue(ROOT / "templates")
    assert props["when"] == [describe(s, t) for s in _asset(sample, "stroud-valleys-walkers").sessions]


# --- calendars ----------------------------------------------------------------------------------


def test_every_calendar_parses_with_icalendar_and_has_recurring_events(exported, sample):
    files = sorted((exported / "ics").glob("*.ics"))
    assert {p.stem for p in files} == {a.id for a in sample.assets if a.sessions}
    rules = {}
    for path in files:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert cal.walk("VTIMEZONE"), path.name
        asset = _asset(sample, path.stem)
        events = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e]  # not a moved day's own instance
        assert len(events) == len(asset.sessions)
        for event, session in zip(events, asset.sessions, strict=True):
            start = event.decoded("dtstart")
            assert start.tzinfo is not None and str(event["dtstart"].params["TZID"]) == "Europe/London"
            assert start.strftime("%A").lower() in session.days
            assert start.strftime("%H:%M") == session.start
            rules[(asset.id, session.index)] = (session, event["rrule"])
    weekly = [r for s, r in rules.values() if s.frequency == "weekly"]
    fortnightly = [(s, r) for s, r in rules.values() if s.frequency == "fortnightly"]
    monthly_first = [(s, r) for s, r in rules.values() if s.week_of_month == "first"]
    assert weekly and all(r["FREQ"] == ["WEEKLY"] and "INTERVAL" not in r for r in weekly)
    assert fortnightly and all(r["FREQ"] == ["WEEKLY"] and r["INTERVAL"] == [2] for _, r in fortnightly)
    assert monthly_first
    for _session, rule in monthly_first:
        assert rule["FREQ"] == ["MONTHLY"]
        assert all(str(day).startswith("1") for day in rule["BYDAY"])
        assert rule.to_ical().decode().count("BYDAY=1") == 1


def test_fortnightly_calendar_starts_on_the_anchor_date(exported, sample):
    asset, session = next((a, s) for a in sample.assets for s in a.sessions if s.frequency == "fortnightly")
    cal = icalendar.Calendar.from_ical((exported / "ics" / f"{asset.id}.ics").read_bytes())
    event = cal.walk("VEVENT")[session.index]
    assert event.decoded("dtstart").date() == session.starts_on


def test_calendar_text_is_escaped_and_folded_so_contributor_text_cannot_add_properties(sample):
    asset = _asset(sample, "stroud-valleys-walkers")
    name = "Café; walks, talks \\ more\r\nEND:VEVENT\r\nBEGIN:VEVENT\nSUMMARY:injected " + "ü" * 60
    hostile = dataclasses.replace(asset, name=name, summary="Line one\nLine two;\x07 with a bell")
    data = asset_calendar(hostile, load_catalogue(ROOT / "templates"))
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "content lines fold at 75 octets"
    data.decode("utf-8")  # folding never splits a character
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == len(asset.sessions)
    assert str(events[0]["summary"]).startswith("Café; walks, talks \\ more\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:")
    assert str(events[0]["description"]).startswith("Line one\nLine two; with a bell\n\n")
    assert "ü" * 60 in str(cal["x-wr-calname"])


def test_export_ids_are_the_uuid5_of_their_names():
    for name in ("stroud-valleys-walkers", "stroud-valleys-walkers/schedule/0", "café/ü", ""):
        assert oruk_id(*name.split("/")) == str(uuid.uuid5(NAMESPACE, name))


# --- the site's Open data page ------------------------------------------------------------------


def test_render_open_data_publishes_every_format_and_the_page(site, sample):
    files = every_file(render_open_data(site, sample, environment(ROOT / "templates")), site.assets, site.groups())
    page = files["open-data.md"]
    assert sample.config.data_licence in page and sample.config.data_licence_url in page
    for path in ("data/datapackage/datapackage.json", "data/oruk/services.json", "data/assets.geojson"):
        assert path in files and f"({path})" in page
    assert "data/calendar/stroud-valleys-walkers.ics" in files
    assert f"data/oruk/services/{uuid.uuid5(NAMESPACE, 'stroud-valleys-walkers')}.json" in files
    assert "`last_checked`" in page and "ORUK" in page
    assert "<script" not in page


# --- import -------------------------------------------------------------------------------------


def _import(data: Path, source: Path, update: bool = False):
    return import_feed(data, source, update, ROOT / "templates", TODAY)


def test_round_trip_sample_to_oruk_and_back_keeps_the_facts(exported, sample, tmp_path):
    data = make_data_dir(tmp_path, {})
    outcome = _import(data, exported / "oruk" / "services.json")
    assert outcome.report.ok, as_text(outcome)
    assert len(outcome.report.written) == len(sample.assets)
    assert not outcome.drafts and not outcome.reasons.get("not-mapped"), as_text(outcome)
    again = check(data, today=TODAY)
    assert again.ok
    assert sum(1 for a in sample.assets if a.changes or a.capacity) >= 4  # the dated facts must come back too
    for before, after in zip(sample.assets, again.assets, strict=True):  # every field, generically
        assert not differences(before, after), before.id


def test_round_trip_from_a_folder_of_service_files(exported, sample, tmp_path):
    data = make_data_dir(tmp_path, {})
    outcome = _import(data, exported / "oruk" / "services")
    assert outcome.report.ok and len(outcome.report.written) == len(sample.assets)


def test_import_of_the_oruk_example_reports_what_it_could_not_use(tmp_path):
    data = make_data_dir(tmp_path, {})
    outcome = _import(data, ORUK / "service_full.json")
    assert outcome.report.ok, as_text(outcome)
    text = as_text(outcome, limit=None)
    record = (data / "assets" / "community-counselling.yaml").read_text(encoding="utf-8")
    for expected in (
        "service_at_locations[0].location: location left out",
        "latitude: 100 is outside",
        "schedules[0]",
        "contacts[0].name: a person's",
        "assurer_email: never imported",
        "funding[0].source: not mapped",
        "community-counselling: categories:",
    ):
        assert expected in text, expected
    assert "Ann Persona" not in record and "A. Persona" not in record
    assert "to_confirm:" in record
    checked = check(data, today=TODAY)
    assert checked.ok
    assert not checked.assets, "a draft is kept off the site"
    (asset,) = checked.drafts
    assert (asset.name, asset.cost, asset.cost_amount, asset.min_age, asset.max_age) == (
        "Community Counselling",
        "fee",
        35.0,
        12,
        100,
    )
    assert asset.draft and asset.attending == ("unknown",) and not asset.locations


def test_import_never_overwrites_without_update(exported, tmp_path):
    data = make_data_dir(tmp_path, {})
    source = exported / "oruk" / "services.json"
    _import(data, source)
    target = data / "assets" / "stroud-valleys-walkers.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("Gentle walk", "Gentle stroll"), encoding="utf-8")
    outcome = _import(data, source)
    assert not outcome.report.written and len(outcome.report.skipped) == 70
    assert "Gentle stroll" in target.read_text(encoding="utf-8")
    outcome = _import(data, source, update=True)  # the source did not change: the local edit is kept
    assert not outcome.report.updated and len(outcome.unchanged) == 70
    assert "Gentle stroll" in target.read_text(encoding="utf-8")


def test_csv_import_reports_rows_it_cannot_use_and_writes_only_a_clean_sheet(tmp_path):
    data = make_data_dir(tmp_path, {})
    report = import_csv(data, CSV_CASE, False, TODAY)
    assert not report.written and not list((data / "assets").iterdir()), "all or nothing"
    problems = {(p.line, p.code) for p in report.problems}
    assert (4, "no-coordinates") in problems
    assert (5, "bad-session") in problems
    assert (1, "unknown-column") in problems
    assert "Nothing was imported" in report.text()
    clean = tmp_path / "clean.csv"
    clean.write_text("".join(CSV_CASE.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    report = import_csv(data, clean, False, TODAY)
    assert sorted(Path(p).name for p in report.written) == ["kingsholm-knitters.yaml", "listening-line.yaml"]
    assert report.ok, report.text()
    checked = check(data, today=TODAY)
    assert checked.ok
    knitters = _asset(checked, "kingsholm-knitters")
    assert knitters.locations[0].postcode == "GL1 3BD"
    assert [(s.frequency, s.week_of_month, s.days) for s in knitters.sessions] == [
        ("weekly", None, ("tuesday",)),
        ("monthly", "first", ("saturday",)),
    ]
    line = _asset(checked, "listening-line")
    assert line.sessions[0].starts_on == dt.date(2026, 9, 2) and line.languages == ("en", "pl")


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        ('{"name": "x",\n  "status": }', "bad-json", 2),
        ('{"total_items": 0}', "not-a-service", 1),
        ('[{"id": "no-name"}]', "required", 0),
    ],
)
def test_bad_oruk_input_is_a_problem_not_a_traceback(tmp_path, content, code, line):
    data = make_data_dir(tmp_path, {})
    source = tmp_path / "in.json"
    source.write_text(content, encoding="utf-8")
    outcome = _import(data, source)
    assert not outcome.report.ok
    assert [(p.code, p.line) for p in outcome.report.problems if p.code != "not-imported"] == [(code, line)]
    assert not list((data / "assets").iterdir())


def test_cli_export_and_import(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    result = runner.invoke(export_command, ["--format", "geojson", "--out", str(tmp_path / "geo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "geo" / "assets.geojson").is_file()
    data = make_data_dir(tmp_path, {})
    result = runner.invoke(import_group, ["csv", str(CSV_CASE), "--data", str(data)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert "Traceback" not in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = runner.invoke(import_group, ["oruk", str(bad), "--data", str(data)])
    assert result.exit_code == 1 and "not valid JSON" in result.output


def _import_chatty_cafe(exported, tmp_path, edit):
    """Import the exported Chatty Café alone, after edit(term) on each of its attribute terms; (data, outcome)."""
    document = json.loads((exported / "oruk" / "services.json").read_text(encoding="utf-8"))
    service = next(s for s in document["contents"] if s["name"] == "Cheltenham Chatty Café")
    for attribute in service["attributes"]:
        edit(attribute["taxonomy_term"])
    source = tmp_path / "feed.json"
    source.write_text(json.dumps({**document, "contents": [service]}), encoding="utf-8")
    data = make_data_dir(tmp_path / "area", {})
    return data, _import(data, source)


def test_markup_in_an_exports_own_texts_is_cleaned_on_import(exported, tmp_path):
    """A feed can imitate this tool's export: its first-visit text and change notes are cleaned like any text."""

    def add_markup(term):
        if term["taxonomy"].endswith("/first-visit"):
            term["name"] = "<p>Just <b>come</b> along &amp;amp; say hello.</p><p><br></p>"
        if term["taxonomy"].endswith("/change"):
            change = json.loads(term["term"])
            change["note"] = "<p>Closed over <em>Christmas</em> &amp;amp; New Year.</p>"
            term["term"] = json.dumps(change)

    data, outcome = _import_chatty_cafe(exported, tmp_path, add_markup)
    assert outcome.report.ok, as_text(outcome)
    record = yaml.safe_load((data / "assets" / "cheltenham-chatty-cafe.yaml").read_text(encoding="utf-8"))
    assert record["first_visit"] == "Just come along & say hello."
    assert record["changes"][0]["note"] == "Closed over Christmas & New Year."


def test_a_dated_change_that_does_not_fit_the_schema_is_left_out_and_reported(exported, tmp_path):
    def lengthen_note(term):
        if term["taxonomy"].endswith("/change"):
            term["term"] = json.dumps({"kind": "closed", "from": "2026-12-24", "to": "2027-01-02", "note": "x" * 400})

    data, outcome = _import_chatty_cafe(exported, tmp_path, lengthen_note)
    record = yaml.safe_load((data / "assets" / "cheltenham-chatty-cafe.yaml").read_text(encoding="utf-8"))
    assert "changes" not in record
    assert "the limit is 300" in as_text(outcome)
