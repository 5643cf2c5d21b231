"""Importing what councils publish: ORUK 1.0 and 3.0 feeds with HTML, odd values, drafts, and re-imports."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.authoring import provenance
from generator.authoring.cleaning import clean_line, clean_text, repair_email, repair_website
from generator.authoring.feedimport import import_feed
from generator.authoring.importreport import as_text, summary
from generator.cli.main import main
from generator.data.check import check
from generator.data.loader import load_document
from generator.opendata.oruk_export import oruk_id
from generator.opendata.publish import catalogue_site, write_export
from generator.render.strings import load_catalogue

from . import feeds
from .conftest import ROOT, SAMPLE, build_into, differences, make_data_dir

TODAY = dt.date(2026, 11, 30)
TEMPLATES = ROOT / "templates"


def _area(tmp_path: Path, mapping: bool = True) -> Path:
    data = make_data_dir(tmp_path, {})
    if mapping:
        shutil.copy(SAMPLE / "import-mapping.yaml", data / "import-mapping.yaml")
    return data


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _record(data: Path, record_id: str) -> dict:
    return load_document(data / "assets" / f"{record_id}.yaml").data


# --- cleaning -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Tea &amp;amp; cake.</p><p><br></p>", "Tea & cake."),
        ('<p>One.<br aria-hidden="true">Two.</p><ul><li>a</li><li>b</li></ul>', "One.\nTwo.\n\n- a\n- b"),
        ('<p>See <a href="https://www.example.org/x">our site</a>.</p>', "See our site (https://www.example.org/x)."),
        ("<p><br></p>", ""),
        ("<div><p>&nbsp;</p></div>", ""),
        ("<h2>Who</h2><p><strong>Anyone</strong> &ndash; all&nbsp;ages</p>", "Who\n\nAnyone – all ages"),
        ("Plain text, no markup: 5 * 3 = 15_a", "Plain text, no markup: 5 * 3 = 15_a"),
    ],
)
def test_html_becomes_plain_paragraphs(html, text):
    assert clean_text(html) == text


def test_one_line_fields_and_repairs():
    assert clean_line("<p>Walk</p><p>and talk</p>") == "Walk and talk"
    assert repair_website("www.example.org") == ("https://www.example.org", "https:// added to 'www.example.org'")
    assert repair_website("https://example.org/") == ("https://example.org/", "")
    assert repair_website("not a website")[1] == ""
    assert repair_email("hello@example.org\u200b")[0] == "hello@example.org"
    assert repair_email("hello@example.org.")[0] == "hello@example.org"
    assert repair_email("hello@example.org") == ("hello@example.org", "")


# --- the 800-service ORUK 1.0 feed -----------------------------------------------------------------


@pytest.fixture(scope="module")
def v1_import(tmp_path_factory):
    """The realistic ORUK 1.0 feed imported once into an area with the sample's reviewed mapping."""
    tmp = tmp_path_factory.mktemp("v1")
    source = _write(tmp / "v1.json", feeds.v1_list(800))
    data = _area(tmp)
    started = time.perf_counter()
    outcome = import_feed(data, source, False, TEMPLATES, TODAY)
    seconds = time.perf_counter() - started
    print(f"\nimported 800 ORUK 1.0 services in {seconds:.1f} s: {summary(outcome)}")
    return data, outcome, seconds


def test_v1_feed_imports_without_loss_or_traceback(v1_import):
    data, outcome, _seconds = v1_import  # the time is benchmarks/imports.py's to measure
    s = summary(outcome)
    assert s["services_read"] == 800
    assert s["written"] == 673 and s["skipped"] == 127  # 128 services share one id: the first is imported
    assert s["skipped_by_reason"]["duplicate source id"] == 127
    assert s["drafts"] == 225 and s["published"] == 448  # 112 need an area, 169 a date they were checked (56 both)
    assert s["repaired"] > 150 and s["schedules"]["expired-schedule"] > 50
    checked = check(data, today=TODAY)
    assert checked.ok
    assert len(checked.assets) == 448 and len(checked.drafts) == 225
    assert sum(p.code == "draft" for p in checked.problems) == 225


def test_v1_text_is_clean_and_lengths_are_measured_after_cleaning(v1_import):
    data, outcome, _ = v1_import
    texts = [load_document(p).data for p in (data / "assets").glob("*.yaml")]
    for record in texts:
        for key in ("name", "summary", "description"):
            assert "<" not in record[key] and "&amp;" not in record[key] and "&nbsp;" not in record[key], record["id"]
    # services with over 4,000 characters of HTML but under 4,000 of text are written
    long_html = [s for s in feeds.v1_list(800) if len(s["description"]) > 4000 and s["id"] != feeds.SHARED_ID]
    assert long_html
    long_ids = {provenance.load(data)[s["id"]].record_id for s in long_html}
    assert all(len(_record(data, i)["description"]) < 4000 for i in long_ids)
    assert not [p for p in outcome.report.problems if p.is_error]


def test_v1_fields_are_mapped(v1_import):
    data, outcome, _ = v1_import
    records = {p.stem: load_document(p).data for p in (data / "assets").glob("*.yaml")}
    first = next(r for i, r in records.items() if i.endswith("-0"))
    assert first["contact"]["website"].startswith(("https://", "http://"))
    assert sum("url: https:// added" in line for line in outcome.reasons["repaired"]) > 10  # bare domains
    assert first["contact"]["email"] == "hello0@example.org"  # the zero-width space trimmed
    assert first["organisation"]["website"] == "https://www.trust0.example.org"  # organization.url, repaired
    assert "A local charity & community group." in first["description"]  # organization.description
    assert first["cost"] == {"type": "fee", "amount": "35.00", "per": "per session"}  # '£35'
    nan = next(r for i, r in records.items() if i.endswith("-140"))  # amount 'NaN'
    assert nan["cost"]["type"] == "unknown" and "amount" not in nan["cost"]
    assert all(r["categories"][0] in {c["id"] for c in _categories()} for r in records.values())
    audience = [r for r in records.values() if r.get("who_for", {}).get("groups")]
    assert audience  # pc_targetAudience mapped to groups by the mapping
    walking = [r for r in records.values() if "walking-group" in r["id"] and "to_confirm" not in r]
    assert walking and all("physical-activity" in r["categories"] for r in walking)  # 'Health Walks'
    ends = [s for r in records.values() for s in r.get("sessions", []) if "Until" in s.get("notes", "")]
    assert ends and all("2005" not in s["notes"] for s in ends)
    reasons = outcome.reasons
    assert any("ended on 2005-01-01" in line for line in reasons["expired-schedule"])
    assert any("byweekno" in line for line in reasons["schedule-not-kept"])
    assert "attending_type" not in json.dumps(reasons.get("not-mapped", []))


def _categories():
    return load_document(SAMPLE / "vocabularies" / "categories.yaml").data


def test_no_guess_is_published(v1_import):
    data, outcome, _ = v1_import
    checked = check(data, today=TODAY)
    sources = {item.record_id: item.source_id for item in provenance.load(data).values()}
    services = {s["id"]: s for s in reversed(feeds.v1_list(800))}  # the first of those sharing an id
    said = {"Venue": {"in-person"}, "Online": {"online"}, "Telephone": {"phone"}}
    for asset in checked.assets:
        service = services[sources[asset.id]]
        assert asset.cost == "unknown" or service["cost_options"]
        assert not asset.to_confirm
        assert service["assured_date"], "a record published as checked was checked"
        if not asset.locations:  # the feed said how to take part, or the page says it is not known
            assert set(asset.attending) <= said.get(service["attending_type"], {"unknown"}), asset.id
    assert {a.access for a in checked.assets} == {"unknown"}  # the feed never says how to join
    for draft in checked.drafts:
        assert all(i.startswith(("areas: none given", "last_checked: the feed does not say")) for i in draft.to_confirm)
        assert any(i.startswith("last_checked") for i in draft.to_confirm) == (
            not services[sources[draft.id]]["assured_date"]
        )


def test_the_same_feed_as_api_pages_imports_the_same(tmp_path, v1_import):
    _data, outcome, _ = v1_import
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in feeds.pages(feeds.v1_list(800)):
        _write(folder / f"page-{page['number']}.json", page)
    data = _area(tmp_path)
    again = import_feed(data, folder, False, TEMPLATES, TODAY)
    assert summary(again)["written"] == summary(outcome)["written"]
    assert summary(again)["drafts"] == summary(outcome)["drafts"]


def test_without_a_mapping_records_with_no_known_category_are_drafts(tmp_path):
    data = _area(tmp_path, mapping=False)
    outcome = import_feed(data, _write(tmp_path / "f.json", feeds.v1_list(60)), False, TEMPLATES, TODAY)
    s = summary(outcome)
    assert s["drafts"] == s["written"] and s["published"] == 0
    assert s["terms_without_mapping"]["Adults"] > 0
    checked = check(data, today=TODAY)
    assert not checked.assets and all(any("categor" in i for i in d.to_confirm) for d in checked.drafts)


def test_a_bad_mapping_code_is_a_warning(tmp_path):
    data = _area(tmp_path, mapping=False)
    (data / "import-mapping.yaml").write_text("categories:\n  Health Walks: walking\n", encoding="utf-8")
    outcome = import_feed(data, _write(tmp_path / "f.json", feeds.v1_list(3)), False, TEMPLATES, TODAY)
    assert any(p.code == "bad-mapping" and "walking" in p.message for p in outcome.report.problems)


# --- ORUK 3.0 --------------------------------------------------------------------------------------


def test_v3_feed_with_service_level_phones(tmp_path):
    data = _area(tmp_path)
    source = _write(tmp_path / "v3.json", feeds.v3_list(20))
    outcome = import_feed(data, source, False, TEMPLATES, TODAY)
    s = summary(outcome)
    assert s["written"] == 20 and s["skipped"] == 0, as_text(outcome)
    checked = check(data, today=TODAY)
    assert checked.ok and len(checked.assets) == 20
    for asset in checked.assets:
        assert asset.phone and asset.phone.startswith("01632 960")
        assert asset.description.startswith("Weekly sessions") and "<" not in asset.description
        assert asset.sessions[0].start == "10:00"
    with_end = [a for a in checked.assets if a.sessions[0].notes]
    assert with_end and all(a.sessions[0].notes == "Until 31 July 2030." for a in with_end)


def test_own_export_round_trip_restores_every_record(tmp_path):
    sample = check(SAMPLE, today=TODAY)
    site = catalogue_site(sample, load_catalogue(TEMPLATES), TODAY)
    write_export(site, sample.schema, "oruk", tmp_path / "oruk")
    data = _area(tmp_path)
    outcome = import_feed(data, tmp_path / "oruk", False, TEMPLATES, TODAY)  # the list and every service file
    s = summary(outcome)
    assert s["written"] == len(sample.assets) and s["skipped"] == 0 and s["drafts"] == 0, as_text(outcome)
    again = check(data, today=TODAY)
    assert again.ok
    assert sum(1 for a in sample.assets if a.translations) >= 4  # the translations are part of what must come back
    assert [a.id for a in again.assets] == [a.id for a in sample.assets]
    for before, after in zip(sample.assets, again.assets, strict=True):  # every field, generically
        assert not differences(before, after), before.id


# --- re-import ------------------------------------------------------------------------------------


def test_reimport_keeps_local_edits_and_matches_by_source_id(tmp_path):
    services = feeds.v1_list(140)[128:140]  # twelve services with their own ids
    data = _area(tmp_path)
    source = tmp_path / "feed.json"
    import_feed(data, _write(source, services), False, TEMPLATES, TODAY)
    ids = sorted(p.stem for p in (data / "assets").glob("*.yaml"))
    assert len(ids) == 12 and len(list((data / provenance.FOLDER).glob("*.json"))) == 12
    first = ids[0]
    record_file = data / "assets" / f"{first}.yaml"
    by_id = {provenance.load(data)[k].record_id: k for k in provenance.load(data)}
    edited = record_file.read_text(encoding="utf-8").replace("status: active", "status: paused")
    edited = re.sub(r"(?m)^checked_by: .*$", "checked_by: Local Hub", edited)
    record_file.write_text(edited, encoding="utf-8")
    changed = [dict(s) for s in services]
    target = next(s for s in changed if s["id"] == by_id[first])
    target["name"] = target["name"] + " (renamed)"  # changed only at the source
    target["status"] = "defunct"  # changed at both: a conflict
    gone = changed.pop(-1)
    _write(source, changed)
    outcome = import_feed(data, source, True, TEMPLATES, TODAY)
    s = summary(outcome)
    assert (s["written"], s["updated"], s["unchanged"]) == (0, 1, 10), as_text(outcome)  # one record, renamed
    record = _record(data, first)
    assert record["name"].endswith("(renamed)")
    assert record["status"] == "paused" and record["checked_by"] == "Local Hub"
    assert [(c.field, c.local, c.source) for c in outcome.conflicts] == [("status", "paused", "closed")]
    assert any(gone["id"] in line for line in outcome.reasons["gone-from-source"])
    assert sorted(p.stem for p in (data / "assets").glob("*.yaml")) == ids  # nothing deleted, nothing added
    (data / "assets" / f"{ids[1]}.yaml").unlink()  # the area decides it does not belong on its map
    outcome = import_feed(data, source, True, TEMPLATES, TODAY)
    assert not outcome.report.written and any(ids[1] in line for line in outcome.reasons["removed-here"])


def test_without_update_existing_records_are_left_alone(tmp_path):
    data = _area(tmp_path)
    source = _write(tmp_path / "feed.json", feeds.v1_list(135)[128:])
    import_feed(data, source, False, TEMPLATES, TODAY)
    before = {p.name: p.read_bytes() for p in (data / "assets").glob("*.yaml")}
    outcome = import_feed(data, source, False, TEMPLATES, TODAY)
    assert len(outcome.report.skipped) == 7 and not outcome.report.written
    assert {p.name: p.read_bytes() for p in (data / "assets").glob("*.yaml")} == before


# --- the command, drafts in validate, review and the built site -------------------------------------


def test_cli_from_another_folder_with_report_and_exit_status(tmp_path, monkeypatch):
    data = _area(tmp_path)
    source = _write(tmp_path / "feed.json", feeds.v1_list(130))  # two services share the first id
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner()
    args = ["import", "oruk", str(source), "--data", str(data), "--report", str(tmp_path / "r.json")]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output  # services were left out (sharing an id)
    assert result.output.startswith("Import of feed.json: 130 services read")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["written"] == 3 and report["summary"]["skipped"] == 127
    assert list(report["details"])[0] == "duplicate-source-id"
    result = runner.invoke(main, ["import", "oruk", str(source), "--data", str(data), "--report", "r.md"])
    assert (elsewhere / "r.md").read_text(encoding="utf-8").startswith("# Import of feed.json")
    ok = _write(tmp_path / "ok.json", feeds.v1_list(131)[129:])
    assert runner.invoke(main, ["import", "oruk", str(ok), "--data", str(data)]).exit_code == 0
    assert "Exit status" in runner.invoke(main, ["import", "oruk", "--help"]).output


def test_drafts_in_validate_review_and_the_site(tmp_path, monkeypatch):
    data = _area(tmp_path)
    services = feeds.v1_list(160)[128:160]
    import_feed(data, _write(tmp_path / "feed.json", services), False, TEMPLATES, TODAY)
    checked = check(data, today=TODAY)
    draft = checked.drafts[0]
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 0 and f"{draft.source}" in result.output and "draft, kept off the site" in result.output
    assert runner.invoke(main, ["validate", "--data", str(data), "--strict"]).exit_code == 1
    result = runner.invoke(main, ["review", "--data", str(data)])
    assert f"DRAFT  {draft.id}" in result.output and draft.to_confirm[0] in result.output
    site = build_into(tmp_path, data)
    assert not (site / "support" / draft.id).exists()
    published = checked.assets
    unknown_cost = next(a for a in published if a.cost == "unknown")
    page = soup(site / "support" / unknown_cost.id / "index.html")
    text = page.get_text(" ")
    assert "Ask about cost" in text and "Contact them to ask how to join" in text
    for asset in published:
        html = (site / "support" / asset.id / "index.html").read_text(encoding="utf-8")
        body = soup(site / "support" / asset.id / "index.html").get_text(" ")
        assert "<p>" not in body and "&amp;" not in body and "<br" not in body, asset.id
        assert html
    no_venue = [a for a in published if a.attending == ("unknown",)]
    for asset in no_venue:
        body = soup(site / "support" / asset.id / "index.html").get_text(" ")
        assert "Contact them to ask how to take part" in body and "Online" not in body


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_profiles_own_example_has_no_guess_published(tmp_path):
    data = _area(tmp_path)
    outcome = import_feed(data, ROOT / "standards" / "oruk" / "service_full.json", False, TEMPLATES, TODAY)
    record = _record(data, "community-counselling")
    assert record["areas"] == ["countywide"] and any(i.startswith("areas:") for i in record["to_confirm"])
    assert record["access"] == {"type": "unknown"} and record["attending"] == ["unknown"]
    assert any("ended on 2005-01-01" in line for line in outcome.reasons["expired-schedule"])
    assert "sessions" not in record  # the only schedule ended in 2005


def test_unknowns_survive_an_export_and_import(tmp_path):
    data = _area(tmp_path / "a")
    import_feed(data, _write(tmp_path / "feed.json", feeds.v1_list(170)[128:]), False, TEMPLATES, TODAY)
    first = check(data, today=TODAY)
    assert any(a.cost == "unknown" for a in first.assets) and any(a.attending == ("unknown",) for a in first.assets)
    site = catalogue_site(first, load_catalogue(TEMPLATES), TODAY)
    write_export(site, first.schema, "oruk", tmp_path / "oruk")
    unknown = next(a for a in first.assets if a.cost == "unknown")
    exported = json.loads((tmp_path / "oruk" / "services" / f"{oruk_id(unknown.id)}.json").read_text("utf-8"))
    assert "cost_options" not in exported  # nothing to say, so nothing is said
    again = _area(tmp_path / "b")
    import_feed(again, tmp_path / "oruk", False, TEMPLATES, TODAY)
    second = check(again, today=TODAY)
    assert [(a.id, a.cost, a.access, a.attending) for a in second.assets] == [
        (a.id, a.cost, a.access, a.attending) for a in first.assets
    ]


def test_a_new_area_imports_both_feeds_and_builds_without_markup(tmp_path):
    from generator.authoring.areainit import init_project, parse_bbox
    from generator.site.build import build_site

    box = parse_bbox("51.57,-2.69,52.12,-1.61")
    project = init_project(tmp_path / "glos", "Glos Map", "Gloucestershire", box, today=TODAY)
    data = project / "assets_data"
    shutil.copy(SAMPLE / "import-mapping.yaml", data / "import-mapping.yaml")
    v1 = import_feed(data, _write(tmp_path / "v1.json", feeds.v1_list(300)[120:]), False, TEMPLATES, TODAY)
    v3 = import_feed(data, _write(tmp_path / "v3.json", feeds.v3_list(10)), False, TEMPLATES, TODAY)
    assert summary(v1)["written"] == 173 and summary(v3)["written"] == 10, as_text(v1) + as_text(v3)
    out = build_site(data, tmp_path / "site", today=TODAY).checked
    assert out.drafts and out.assets
    for asset in out.assets:
        body = soup(tmp_path / "site" / "support" / asset.id / "index.html").get_text(" ")
        assert not any(mark in body for mark in ("<p", "<br", "&amp;", "&nbsp;", "</")), asset.id


HOSTILE = [None, "", 0, 1e309, "NaN", [], {}, [None], [1, "x"], {"a": {"b": []}}, True, "25:99", "x" * 5000]


def _paths(value: object, path: tuple = ()):
    if isinstance(value, dict | list):
        for key, sub in value.items() if isinstance(value, dict) else enumerate(value):
            yield (*path, key)
            yield from _paths(sub, (*path, key))


def test_no_value_of_any_shape_anywhere_gives_a_traceback(tmp_path):
    base = feeds.v1_list(3)[1]
    services = []
    for path in _paths(base):
        for value in HOSTILE:
            service = json.loads(json.dumps(base))
            node = service
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            service["id"] = f"hostile-{len(services)}"
            services.append(service)
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(services), encoding="utf-8")
    data = _area(tmp_path)
    before = sorted(p for p in data.rglob("*"))
    outcome = import_feed(data, source, False, TEMPLATES, TODAY)
    assert not [p for p in outcome.report.problems if p.code == "unreadable"], as_text(outcome)
    # all or nothing: the few services no record can hold (no name, text over a limit) stop the batch, each named
    assert not outcome.report.written and sorted(p for p in data.rglob("*")) == before
    assert as_text(outcome).startswith("Import of hostile.json: ")
    assert "Nothing was imported: the data folder is unchanged." in as_text(outcome)
    named = {
        int(m.group(1)) - 1
        for p in outcome.report.problems
        if p.is_error and (m := re.search(r"hostile\.json #(\d+)$", p.file))
    }
    assert 0 < len(named) < 0.1 * len(services), as_text(outcome)
    source.write_text(json.dumps([s for i, s in enumerate(services) if i not in named]), encoding="utf-8")
    outcome = import_feed(data, source, False, TEMPLATES, TODAY)
    assert outcome.report.ok and not [p for p in outcome.report.problems if p.code == "unreadable"], as_text(outcome)
    assert len(outcome.report.written) == len(services) - len(named)
    assert any("not a value of the shape" in line for line in outcome.reasons["not-mapped"])


@pytest.mark.parametrize(
    "content",
    ['{"content": "x"}', "[1, 2]", '[{"name": ["x"]}]', "[" * 100000, '{"version": "HSDS-UK-3.0"}', "\ufeff[]"],
)
def test_odd_documents_are_problems_not_tracebacks(tmp_path, content):
    source = tmp_path / "odd.json"
    source.write_text(content, encoding="utf-8")
    outcome = import_feed(_area(tmp_path), source, False, TEMPLATES, TODAY)
    assert not outcome.report.written


def test_the_oruk_tabular_set_imports_like_the_json(tmp_path):
    services = feeds.v3_list(15)["contents"]
    from_json = _area(tmp_path / "json")
    import_feed(from_json, _write(tmp_path / "v3.json", services), False, TEMPLATES, TODAY)
    folder = feeds.write_tabular(services, tmp_path / "tabular")
    (folder / "datapackage.json").write_text("{}", encoding="utf-8")  # described, as a published set is
    from_csv = _area(tmp_path / "csv")
    outcome = import_feed(from_csv, folder, False, TEMPLATES, TODAY)
    assert summary(outcome)["written"] == 15 and not outcome.report.problems, as_text(outcome)
    assert [a for a in check(from_csv, today=TODAY).assets] == [a for a in check(from_json, today=TODAY).assets]


def test_adding_terms_to_the_mapping_and_reimporting_confirms_drafts_at_once(tmp_path):
    data = _area(tmp_path, mapping=False)
    source = _write(tmp_path / "feed.json", feeds.v1_list(200)[128:])
    first = summary(import_feed(data, source, False, TEMPLATES, TODAY))
    assert first["published"] == 0 and first["drafts"] == 72
    shutil.copy(SAMPLE / "import-mapping.yaml", data / "import-mapping.yaml")  # the area reviews the terms once
    again = import_feed(data, source, True, TEMPLATES, TODAY)
    checked = check(data, today=TODAY)
    assert not again.conflicts and summary(again)["updated"] == 72
    assert len(checked.drafts) == summary(again)["drafts"] < 40  # only those with no area or no date left
    assert all(i.startswith(("areas:", "last_checked:")) for d in checked.drafts for i in d.to_confirm)


def test_no_date_of_a_check_means_no_check_is_claimed(tmp_path):
    services = [dict(s) for s in feeds.v3_list(3)["contents"]]
    services[0].pop("assured_date")  # not given
    services[1]["assured_date"] = "2031-01-01"  # not yet happened: no more a check than none
    data = _area(tmp_path)
    outcome = import_feed(data, _write(tmp_path / "feed.json", services), False, TEMPLATES, TODAY)
    checked = check(data, today=TODAY)
    assert [a.last_checked for a in checked.assets] == [dt.date(2026, 9, 1)]  # only the one the feed says was checked
    assert len(checked.drafts) == 2 == summary(outcome)["drafts"]
    for draft in checked.drafts:
        assert [i.split(":")[0] for i in draft.to_confirm] == ["last_checked"]
    assert any("last_checked" in line for line in outcome.reasons["draft"])
