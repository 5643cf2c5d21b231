"""Render stage: readable schedules, safe links and escaping, without building a site."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.data.model import Session
from generator.render.pages import json_script, paragraphs, safe_url, tel_href
from generator.render.schedule import compact, describe
from generator.render.strings import load_catalogue

from .conftest import ROOT

T = load_catalogue(ROOT / "templates")


@pytest.mark.parametrize(
    ("session", "words"),
    [
        (Session(0, "weekly", "10:00", "12:00", ("tuesday",)), "Every Tuesday, 10:00 to 12:00"),
        (Session(0, "weekly", "10:00", "12:00", ("tuesday", "thursday")), "Every Tuesday and Thursday, 10:00 to 12:00"),
        (
            Session(0, "monthly", "14:00", "16:00", ("monday",), week_of_month="first"),
            "First Monday of the month, 14:00 to 16:00",
        ),
        (
            Session(0, "monthly", "14:00", "16:00", ("friday",), week_of_month="last"),
            "Last Friday of the month, 14:00 to 16:00",
        ),
        (
            Session(0, "fortnightly", "19:00", "20:00", ("wednesday",), starts_on=dt.date(2026, 9, 2)),
            "Every other Wednesday, 19:00 to 20:00",
        ),
        (
            Session(
                0,
                "weekly",
                "09:00",
                "17:00",
                ("monday", "tuesday", "wednesday", "thursday", "friday"),
                type="opening-hours",
            ),
            "Open Monday to Friday, 09:00 to 17:00",
        ),
        (
            Session(0, "weekly", "09:00", "13:00", ("monday", "wednesday", "friday"), type="opening-hours"),
            "Open Monday, Wednesday and Friday, 09:00 to 13:00",
        ),
    ],
)
def test_schedules_read_naturally(session, words):
    assert describe(session, T) == words


def test_compact_schedule_for_the_browser():
    session = Session(0, "monthly", "14:00", "16:00", ("monday",), week_of_month="last")
    assert compact(session) == {"f": "m", "d": [1], "s": "14:00", "e": "16:00", "w": -1}
    fortnightly = Session(0, "fortnightly", "19:00", "20:00", ("wednesday",), starts_on=dt.date(2026, 9, 2))
    assert compact(fortnightly)["a"] == "2026-09-02"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org", True),
        ("mailto:a@example.org", True),
        ("tel:01632960000", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_safe_schemes_are_linked(url, kept):
    assert bool(safe_url(url)) is kept


def test_phone_links_and_paragraphs():
    assert tel_href("01632 960123") == "tel:01632960123"
    assert paragraphs("One\nline.\n\n  Two.  \n") == ["One line.", "Two."]


def test_json_for_script_elements_cannot_close_the_script():
    text = str(json_script({"a": "</script><script>alert(1)</script>", "b": "\u2028"}))
    assert "</" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text)["a"] == "</script><script>alert(1)</script>"


def test_catalogue_refuses_unknown_keys():
    with pytest.raises(KeyError):
        T("asset.no_such_string")
