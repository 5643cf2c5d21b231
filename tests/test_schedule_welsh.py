"""Schedules, day ranges and dates read right in Welsh, phrase by phrase, from the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.data.model import Session
from generator.render.schedule import describe
from generator.render.strings import load_catalogue

from .conftest import ROOT

CY = load_catalogue(ROOT / "templates", "cy")
EN = load_catalogue(ROOT / "templates", "en")


def session(frequency: str, *days: str, week: str | None = None, kind: str | None = None) -> Session:
    return Session(index=0, frequency=frequency, start="10:00", end="11:30", days=days, week_of_month=week, type=kind)


@pytest.mark.parametrize(
    ("given", "welsh", "english"),
    [
        (session("weekly", "tuesday"), "Bob dydd Mawrth, 10:00 i 11:30", "Every Tuesday, 10:00 to 11:30"),
        (
            session("weekly", "thursday", "tuesday"),
            "Bob dydd Mawrth a dydd Iau, 10:00 i 11:30",
            "Every Tuesday and Thursday, 10:00 to 11:30",
        ),
        (
            session("fortnightly", "friday"),
            "Bob yn ail ddydd Gwener, 10:00 i 11:30",
            "Every other Friday, 10:00 to 11:30",
        ),
        (
            session("monthly", "saturday", week="first"),
            "Dydd Sadwrn cyntaf y mis, 10:00 i 11:30",
            "First Saturday of the month, 10:00 to 11:30",
        ),
        (
            session("monthly", "tuesday", week="second"),
            "Ail ddydd Mawrth y mis, 10:00 i 11:30",
            "Second Tuesday of the month, 10:00 to 11:30",
        ),
        (
            session("monthly", "wednesday", week="third"),
            "Trydydd dydd Mercher y mis, 10:00 i 11:30",
            "Third Wednesday of the month, 10:00 to 11:30",
        ),
        (
            session("monthly", "monday", week="fourth"),
            "Pedwerydd dydd Llun y mis, 10:00 i 11:30",
            "Fourth Monday of the month, 10:00 to 11:30",
        ),
        (
            session("monthly", "tuesday", week="last"),
            "Dydd Mawrth olaf y mis, 10:00 i 11:30",
            "Last Tuesday of the month, 10:00 to 11:30",
        ),
        (
            session("weekly", "monday", "tuesday", "wednesday", "thursday", "friday", kind="opening-hours"),
            "Ar agor ddydd Llun i ddydd Gwener, 10:00 i 11:30",
            "Open Monday to Friday, 10:00 to 11:30",
        ),
        (
            session("weekly", "monday", "wednesday", kind="opening-hours"),
            "Ar agor ddydd Llun a dydd Mercher, 10:00 i 11:30",
            "Open Monday and Wednesday, 10:00 to 11:30",
        ),
    ],
)
def test_schedule_in_welsh_and_english(given, welsh, english):
    assert describe(given, CY) == welsh
    assert describe(given, EN) == english


def test_every_week_of_the_month_has_its_own_phrase():
    phrases = {
        describe(session("monthly", "sunday", week=w), CY) for w in ("first", "second", "third", "fourth", "last")
    }
    assert len(phrases) == 5
    assert all(p[0].isupper() for p in phrases)


def test_dates_in_welsh_and_english():
    assert CY.date(dt.date(2026, 12, 5)) == "5 Rhagfyr 2026"
    assert EN.date(dt.date(2026, 12, 5)) == "5 December 2026"
    assert CY.date(dt.date(2027, 3, 21)) == "21 Mawrth 2027"
    assert [CY.date(dt.date(2026, m, 1)).split()[1] for m in range(1, 13)] == [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ]  # fmt: skip


def test_english_dates_match_the_old_strftime_form():
    for day in (dt.date(2026, 1, 1), dt.date(2026, 9, 30), dt.date(2027, 5, 17)):
        assert EN.date(day) == f"{day.day} {day:%B %Y}"
