"""GeoJSON and calendar files carry a record's names in other languages (Welsh in the sample) where it has them."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from generator.data.check import check
from generator.opendata.publish import catalogue_site, export_files
from generator.render.strings import load_catalogue

from .conftest import ROOT, SAMPLE

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def sample():
    checked = check(SAMPLE, today=TODAY)
    assert checked.ok
    return checked


@pytest.fixture(scope="module")
def site(sample):
    return catalogue_site(sample, load_catalogue(ROOT / "templates"), TODAY)


def test_geojson_features_carry_the_welsh_name_and_summary(sample, site):
    doc = json.loads(export_files(site, sample.schema, "geojson")["assets.geojson"])
    by_asset = {a.id: a for a in sample.assets}
    welsh = 0
    for feature in doc["features"]:
        asset = by_asset[feature["properties"]["asset_id"]]
        extra = {k: v for k, v in feature["properties"].items() if k.startswith(("name_", "summary_"))}
        expected = {
            f"{key}_{lang}": texts[key]
            for lang, texts in asset.translations.items()
            for key in ("name", "summary")
            if texts.get(key)
        }
        assert extra == expected, asset.id
        welsh += "name_cy" in extra
    assert welsh >= 3  # the sample's translated records with a venue


def test_calendars_name_themselves_in_each_language_and_keep_one_summary(sample, site):
    files = export_files(site, sample.schema, "ics")
    translated = 0
    for asset in sample.assets:
        if not asset.sessions:
            continue
        cal = icalendar.Calendar.from_ical(files[f"{asset.id}.ics"])
        names = cal.get("name")
        names = [] if names is None else names if isinstance(names, list) else [names]
        welsh = asset.translations.get("cy", {})
        if welsh.get("name"):
            translated += 1
            assert [(n.params.get("LANGUAGE"), str(n)) for n in names] == [("en", asset.name), ("cy", welsh["name"])]
        else:
            assert not names
        for event in cal.walk("VEVENT"):
            assert not isinstance(event["summary"], list), "one SUMMARY an event (RFC 5545 3.6.1)"
            assert str(event["summary"]).startswith(asset.name)  # the calendar's language: English
            for key in ("name", "summary"):
                if welsh.get(key):
                    assert welsh[key] in str(event["description"])
    assert translated >= 3
