"""The ORUK export meets the UK profile: its JSON Schemas held strictly, and the profile's own placements."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import re

import jsonschema
import pytest

from generator.data.check import check
from generator.data.model import Session
from generator.opendata import publish
from generator.opendata.oruk_export import DISCOVERY, oruk_id, to_service
from generator.opendata.publish import catalogue_site, export_files
from generator.render.strings import load_catalogue

from .conftest import ROOT, SAMPLE

ORUK = ROOT / "standards" / "oruk"
TODAY = dt.date(2026, 11, 30)  # a fixed clock: winter, London time is UTC+00:00
SUMMER = dt.date(2026, 7, 1)
REMOVED = ("summary", "eligibility_description", "application_process", "phones", "fees_description")
OFFSET_TIME = re.compile(r"^\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _strict(schema: object) -> object:
    """The schema with additionalProperties false on every object: a property the profile does not have fails."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _profile_phone() -> dict:
    """A phone as the profile's phone table has it (the only place the profile keeps phones: under a contact)."""
    package = json.loads((ORUK / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in package["resources"] if r["name"] == "phone")["schema"]["fields"]
    return {
        "type": "object",
        "properties": {f["name"]: {"type": "string"} for f in fields},
        "required": ["id", "number"],
        "additionalProperties": False,
    }


def _service_schema() -> dict:
    schema = _strict(json.loads((ORUK / "service.json").read_text(encoding="utf-8")))
    contact = schema["properties"]["contacts"]["items"]
    contact["properties"]["phones"] = {"type": "array", "items": _profile_phone()}
    return schema


@pytest.fixture(scope="module")
def sample():
    checked = check(SAMPLE, today=TODAY)
    assert checked.ok
    return checked


@pytest.fixture(scope="module")
def files(sample):
    site = catalogue_site(sample, load_catalogue(ROOT / "templates"), TODAY)
    return export_files(site, sample.schema, "oruk")


@pytest.fixture(scope="module")
def services(files):
    return [json.loads(text) for name, text in sorted(files.items()) if name.startswith("services/")]


def test_every_service_holds_only_what_the_profile_has(services, sample):
    validator = jsonschema.Draft202012Validator(_service_schema(), format_checker=jsonschema.FormatChecker())
    assert len(services) == len(sample.assets)
    for service in services:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(service)]
        assert not errors, f"{service['name']}: {errors[:5]}"
    broken = copy.deepcopy(services[0]) | {"summary": "A field the UK profile removes"}
    assert list(validator.iter_errors(broken)), "the strict schema refuses a removed field"


PAGE = {  # HSDS 3's Page: the envelope of a /services response
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array"},
    },
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "additionalProperties": False,
}


def test_the_listing_is_a_page_whose_items_pass_the_profiles_list_schema(files):
    listing = json.loads(files["services.json"])
    assert not list(jsonschema.Draft202012Validator(PAGE).iter_errors(listing))
    item = jsonschema.Draft202012Validator(json.loads((ORUK / "service_list.json").read_text(encoding="utf-8")))
    full = jsonschema.Draft202012Validator(_service_schema())
    for service in listing["contents"]:
        assert not list(item.iter_errors(service)) and not list(full.iter_errors(service)), service["name"]


def _attributes(service: dict, kind: str) -> list[dict]:
    return [a for a in service["attributes"] if a["taxonomy_term"]["taxonomy"] == f"community-asset-map/{kind}"]


def test_profile_placements_of_phones_languages_eligibility_and_application(services, sample):
    by_id = {oruk_id(a.id): a for a in sample.assets}
    for service in services:
        asset = by_id[service["id"]]
        assert not set(REMOVED) & set(service), service["name"]
        if asset.phone:
            (contact,) = service["contacts"]
            (phone,) = contact["phones"]
            assert (phone["number"], phone["contact_id"], contact["service_id"]) == (
                asset.phone,
                contact["id"],
                service["id"],
            )
        else:
            assert "contacts" not in service
        items = service.get("languages", [])
        assert all(set(item) <= {"id", "service_id", "phone_id"} for item in items)
        codes = {a["link_id"]: a["taxonomy_term"]["term"] for a in _attributes(service, "language")}
        assert [codes[item["id"]] for item in items] == list(asset.languages)
        assert all(a["link_type"] == "language" for a in _attributes(service, "language"))
        eligibility = _attributes(service, "eligibility")
        assert [a["taxonomy_term"]["name"] for a in eligibility] == (
            [asset.who_for_notes] if asset.who_for_notes else []
        )
        assert all(a["link_type"] == "eligibility" for a in eligibility + _attributes(service, "group"))
        process = _attributes(service, "application-process")
        assert [a["taxonomy_term"]["name"] for a in process] == ([asset.access_notes] if asset.access_notes else [])
        assert all(a["link_type"] == "application_process" for a in process + _attributes(service, "access"))
        assert [a["taxonomy_term"]["name"] for a in _attributes(service, "summary")] == [asset.summary]
        if asset.min_age is not None:
            assert service["minimum_age"] == asset.min_age
        for schedule in service.get("schedules", []):
            assert OFFSET_TIME.match(schedule["opens_at"]) and OFFSET_TIME.match(schedule["closes_at"])
    terms = [a["taxonomy_term"] for s in services for a in s["attributes"]]
    assert len({t["id"] for t in terms}) == len({json.dumps(t, sort_keys=True) for t in terms}), "one id, one term"


def test_translations_travel_as_attributes(services, sample):
    by_id = {oruk_id(a.id): a for a in sample.assets}
    translated = 0
    for service in services:
        asset = by_id[service["id"]]
        found = {a["taxonomy_term"]["term"]: a["taxonomy_term"]["name"] for a in _attributes(service, "translation")}
        expected = {f"{lang}/{col}": text for lang, texts in asset.translations.items() for col, text in texts.items()}
        assert found == expected
        translated += bool(found)
    assert translated >= 4


def _session(days: tuple[str, ...], start: str = "10:00") -> Session:
    return Session(index=0, frequency="weekly", days=days, start=start, end="11:00")


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        (TODAY, ("tuesday",), "+00:00"),  # GMT
        (SUMMER, ("tuesday",), "+01:00"),  # BST
        (dt.date(2026, 3, 27), ("sunday",), "+01:00"),  # the next session is on the Sunday the clocks go forward
        (dt.date(2026, 3, 27), ("friday",), "+00:00"),  # today's session, still GMT
        (dt.date(2026, 10, 24), ("sunday",), "+00:00"),  # the clocks go back on Sunday 25 October 2026
    ],
)
def test_times_carry_the_offset_of_the_next_session_in_london(sample, today, days, expected):
    asset = next(a for a in sample.assets if a.sessions)
    session = _session(days)
    asset = dataclasses.replace(asset, sessions=(session,))
    t = load_catalogue(ROOT / "templates")
    (schedule,) = to_service(asset, t, {}, {}, "Gloucestershire", today)["schedules"]
    assert (schedule["opens_at"], schedule["closes_at"]) == (f"10:00{expected}", f"11:00{expected}")


def test_discovery_document_at_the_root_of_the_feed(files):
    document = json.loads(files["index.json"])
    assert document == DISCOVERY and document["version"] == "HSDS-UK-3.0"
    # what the ORUK validator's api_details schema requires (version, profile, openapi_url; the last two URIs)
    assert {"version", "profile", "openapi_url"} <= set(document)
    assert all(document[k].startswith("https://") for k in ("profile", "openapi_url"))


def test_pages_beyond_the_first_are_files_a_proxy_can_serve_for_page_n(sample, monkeypatch):
    monkeypatch.setattr(publish, "PAGE_SIZE", 30)
    site = catalogue_site(sample, load_catalogue(ROOT / "templates"), TODAY)
    files = export_files(site, sample.schema, "oruk")
    names = sorted(n for n in files if n.startswith("services") and n.endswith(".json") and "/" not in n)
    pages = -(-len(sample.assets) // 30)
    assert pages > 1 and names == sorted(["services.json"] + [f"services-page-{n}.json" for n in range(2, pages + 1)])
    listed = []
    for number in range(1, pages + 1):
        page = json.loads(files["services.json" if number == 1 else f"services-page-{number}.json"])
        assert (page["page_number"], page["total_pages"], page["first_page"], page["last_page"]) == (
            number,
            pages,
            number == 1,
            number == pages,
        )
        listed += [s["id"] for s in page["contents"]]
    assert sorted(listed) == sorted(oruk_id(a.id) for a in sample.assets) and len(set(listed)) == len(listed)
