"""One meaning for a schedule: the browser (schedule.js) and Python (calendars.occurs, next_date) give the same
"on today" and "Next:" for every day of a year, and the calendar files' RRULE expands to the same dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from generator.data.check import check
from generator.data.model import OPEN_ENDED, Session
from generator.opendata.calendars import asset_calendar, first_date, next_date, occurs, times_on
from generator.render.schedule import compact
from generator.render.strings import load_catalogue

from .conftest import ROOT, SAMPLE

SCHEDULE_JS = ROOT / "site_src" / "javascripts" / "schedule.js"
YEAR = [dt.date(2026, 1, 1) + dt.timedelta(n) for n in range(365)]  # BST from 29 March to 25 October
TIMES = ("00:00", "12:00", "23:59")  # "Next:" at midnight, at noon (during or after some sessions) and at the day's end


def session(frequency: str, days: tuple[str, ...], start="10:00", end="12:00", **extra) -> Session:
    return Session(index=0, frequency=frequency, start=start, end=end, days=days, **extra)


EDGE_CASES = {
    # Fortnightly on two days, from a Tuesday: the Thursdays of the same weeks happen too (issue 15).
    "fortnightly-tue-thu-from-tuesday": session("fortnightly", ("tuesday", "thursday"), starts_on=dt.date(2026, 1, 6)),
    # starts_on mid-week: the Tuesday before it, in the same Monday-to-Sunday week, is one of its weeks.
    "fortnightly-tue-thu-from-thursday": session("fortnightly", ("tuesday", "thursday"), starts_on=dt.date(2026, 1, 8)),
    # Sunday ends a week and Monday starts the next: from a Sunday, the Monday after is in the other week.
    "fortnightly-sun-mon-from-sunday": session("fortnightly", ("sunday", "monday"), starts_on=dt.date(2026, 3, 29)),
    "fortnightly-from-last-year": session("fortnightly", ("wednesday",), starts_on=dt.date(2025, 12, 31)),
    "fortnightly-from-autumn": session("fortnightly", ("saturday",), "09:00", "10:00", starts_on=dt.date(2026, 10, 24)),
    "fortnightly-from-next-year": session("fortnightly", ("friday",), starts_on=dt.date(2027, 1, 8)),
    # The clocks change on the last Sunday of March and of October, at 01:00.
    "last-sunday-at-the-clock-change": session("monthly", ("sunday",), "01:00", "02:00", week_of_month="last"),
    "first-sunday": session("monthly", ("sunday",), "00:00", "23:59", week_of_month="first"),
    "second-monday-and-friday": session("monthly", ("monday", "friday"), week_of_month="second"),
    "third-wednesday": session("monthly", ("wednesday",), week_of_month="third"),
    "fourth-thursday": session("monthly", ("thursday",), week_of_month="fourth"),
    "last-friday-and-saturday": session("monthly", ("friday", "saturday"), week_of_month="last"),
    "every-day-all-day": session(
        "weekly", tuple(dt.date(2026, 1, 5 + n).strftime("%A").lower() for n in range(7)), "00:00", "23:59"
    ),
    "sunday-night-at-the-clock-change": session("weekly", ("sunday",), "01:00", "01:30"),
    # Dated changes (issue 19): closures across both clock changes, a cancelled day, other times (ending later
    # or earlier, so "Next:" at noon differs), a move, and a closure with no end date.
    "closed-across-the-clock-changes": session(
        "weekly",
        ("tuesday", "sunday"),
        closed=((dt.date(2026, 3, 24), dt.date(2026, 4, 2)), (dt.date(2026, 10, 25), dt.date(2026, 10, 25))),
    ),
    "cancelled-and-other-times": session(
        "fortnightly",
        ("thursday",),
        "11:00",
        "11:30",
        starts_on=dt.date(2026, 1, 8),
        closed=((dt.date(2026, 2, 19), dt.date(2026, 2, 19)),),
        retimes=((dt.date(2026, 6, 1), dt.date(2026, 7, 31), "11:00", "14:00"),),
    ),
    "moved-and-earlier": session(
        "monthly",
        ("monday",),
        "13:00",
        "15:00",
        week_of_month="first",
        moves=((dt.date(2026, 5, 1), dt.date(2026, 8, 31), "hall"),),
        retimes=((dt.date(2026, 9, 1), dt.date(2026, 12, 31), "09:00", "11:00"),),
    ),
    "closed-until-further-notice": session("weekly", ("wednesday",), closed=((dt.date(2026, 9, 2), OPEN_ENDED),)),
}
# The schema has no end date for a session (only starts_on), so there is no end-date case to compare.


@pytest.fixture(scope="module")
def sample_assets():
    result = check(SAMPLE, today=dt.date(2026, 12, 1))
    assert result.ok, [p.message for p in result.problems if p.is_error]
    return result.assets


@pytest.fixture(scope="module")
def sessions(sample_assets) -> dict[str, Session]:
    """Every session of the sample, then the edge cases."""
    found = {f"{a.id}/{s.index}": s for a in sample_assets for s in a.sessions}
    assert len(found) >= 80
    assert any(s.frequency == "fortnightly" for s in found.values())
    return found | EDGE_CASES


def python_answers(s: Session) -> dict:
    return {
        "on": [occurs(s, day) for day in YEAR],
        **{time: [_iso(next_date(s, day, time)) for day in YEAR] for time in TIMES},
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


BROWSER_ANSWERS = """([sessions, days, times]) => sessions.map((s) => {
  const at = (iso, hhmm) => { const [y, m, d] = iso.split("-").map(Number); const [h, n] = hhmm.split(":").map(Number);
    return new Date(y, m - 1, d, h, n); };
  const iso = (date) => date ? CAM.schedule.isoDate(date) : null;
  const answers = { on: days.map((day) => CAM.schedule.occursOn(s, at(day, "12:00"))) };
  times.forEach((time) => { answers[time] = days.map((day) => iso(CAM.schedule.next(s, at(day, time)))); });
  return answers;
})"""


@pytest.mark.browser
@pytest.mark.parametrize("zone", ["Europe/London", "America/Santiago"])  # Santiago's clocks change at midnight
def test_browser_and_python_agree_on_every_day_of_a_year(browser, sessions, zone):
    context = browser.new_context(locale="en-GB", timezone_id=zone)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.clock.set_fixed_time(dt.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo(zone)))
        page.set_content("<!doctype html><html lang='en-GB'><head><title>t</title></head><body></body></html>")
        page.add_script_tag(path=str(SCHEDULE_JS))
        names = list(sessions)
        compacts = [compact(sessions[n]) for n in names]
        days = [d.isoformat() for d in YEAR]
        answers = page.evaluate(BROWSER_ANSWERS, [compacts, days, list(TIMES)])
        # With no time given, "Next:" is from the page's own clock (fixed above: Monday 15 June, noon there).
        clock = page.evaluate("ss => ss.map(s => CAM.schedule.isoDate(CAM.schedule.next(s)))", compacts)
        globals_ = page.evaluate("() => Object.keys(window).filter(k => k.startsWith('CAM'))")
    finally:
        context.close()
    assert errors == [] and globals_ == ["CAM"]
    for name, browser_says in zip(names, answers, strict=True):
        python_says = python_answers(sessions[name])
        for key, values in python_says.items():
            wrong = [(day, b, p) for day, b, p in zip(days, browser_says[key], values, strict=True) if b != p]
            assert not wrong, f"{name} ({key}): browser, Python differ on {wrong[:5]} ({len(wrong)} days)"
    for name, shown in zip(names, clock, strict=True):
        assert shown == _iso(next_date(sessions[name], dt.date(2026, 6, 15), "12:00")), name


def test_fortnightly_on_two_days_includes_both_days_of_its_weeks():
    s = EDGE_CASES["fortnightly-tue-thu-from-tuesday"]
    on = [d for d in YEAR[:31] if occurs(s, d)]
    assert on == [dt.date(2026, 1, d) for d in (6, 8, 20, 22)]
    assert next_date(s, dt.date(2026, 1, 7)) == dt.date(2026, 1, 8)
    assert next_date(s, dt.date(2026, 1, 8), "12:00") == dt.date(
        2026, 1, 20
    )  # ended at noon: the next is a fortnight on


def test_calendar_expands_to_the_same_dates(sample_assets):
    """An independent expansion (recurring-ical-events: RRULE, EXDATE, RECURRENCE-ID) of each calendar gives
    exactly the days occurs() says, at the times times_on() says, in local time across BST."""
    t = load_catalogue(ROOT / "templates")
    base = dataclasses.replace(sample_assets[0], last_checked=dt.date(2025, 12, 1))
    cases = [(a.id, dataclasses.replace(a, last_checked=base.last_checked)) for a in sample_assets if a.sessions]
    cases.append(
        (
            "edge cases",
            dataclasses.replace(
                base, sessions=tuple(dataclasses.replace(s, index=i) for i, s in enumerate(EDGE_CASES.values()))
            ),
        )
    )
    compared = 0
    for name, asset in cases:
        parsed = icalendar.Calendar.from_ical(asset_calendar(asset, t))
        assert len({str(e["UID"]) for e in parsed.walk("VEVENT")}) == len(asset.sessions), name
        uids = [str(e["UID"]) for e in parsed.walk("VEVENT") if "RECURRENCE-ID" not in e]
        events = recurring_ical_events.of(parsed).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
        for s, uid in zip(asset.sessions, uids, strict=True):
            starts = sorted(e.decoded("DTSTART") for e in events if str(e["UID"]) == uid)
            first = first_date(s, asset.last_checked)
            expected = [d for d in YEAR if d >= first and occurs(s, d)]
            assert [d.date() for d in starts] == expected, f"{name} session {s.index}"
            assert all(d.strftime("%H:%M") == times_on(s, d.date())[0] for d in starts), f"{name}: local start kept"
            compared += len(expected)
    assert compared > 4000
