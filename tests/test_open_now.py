"""Open now and on this week: the browser (schedule.js, find.js) and Python (calendars.open_at, on_in_week)
agree for every sample session at many moments of every day of a year, both clock changes included,
by the clock in Europe/London whatever the device's time zone; the find page filters by them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.opendata.calendars import LONDON, on_in_week, open_at
from generator.render.schedule import compact

from .test_schedule import EDGE_CASES, SCHEDULE_JS, YEAR, sample_assets, sessions  # noqa: F401 (fixtures)

UTC = dt.UTC
# London wall-clock times each day (before, at and after common starts and ends, and either side of midnight)
LOCAL_TIMES = ("00:00", "00:30", "01:30", "09:59", "10:00", "11:59", "12:00", "13:30", "18:59", "19:00", "23:59")


def moments() -> list[dt.datetime]:
    """Instants (UTC) over 2026: the London times above each day, and 00:30 UTC (01:30 in summer)."""
    found = []
    for day in YEAR:
        for hhmm in LOCAL_TIMES:
            hour, minute = map(int, hhmm.split(":"))
            found.append(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC))
        found.append(dt.datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC))
    return found


BROWSER = """([sessions, instants]) => sessions.map((s) => [
  instants.map((t) => CAM.schedule.openAt(s, t) ? 1 : 0).join(""),
  instants.map((t) => CAM.schedule.onInWeek(s, t) ? 1 : 0).join(""),
])"""


@pytest.mark.browser
@pytest.mark.parametrize("zone", ["Europe/London", "America/Santiago"])
def test_browser_and_python_agree_over_a_year(browser, sessions, zone):  # noqa: F811
    instants = moments()
    assert any(m.astimezone(LONDON).utcoffset() for m in instants) and any(
        not m.astimezone(LONDON).utcoffset() for m in instants
    )
    context = browser.new_context(locale="en-GB", timezone_id=zone)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.clock.set_fixed_time(dt.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo(zone)))
        page.set_content("<!doctype html><html lang='en-GB'><head><title>t</title></head><body></body></html>")
        page.add_script_tag(path=str(SCHEDULE_JS))
        names = list(sessions)
        answers = page.evaluate(
            BROWSER, [[compact(sessions[n]) for n in names], [int(m.timestamp() * 1000) for m in instants]]
        )
    finally:
        context.close()
    assert errors == []
    opened = 0
    for name, (now_says, week_says) in zip(names, answers, strict=True):
        session = sessions[name]
        python_now = "".join("1" if open_at(session, m) else "0" for m in instants)
        python_week = "".join("1" if on_in_week(session, m) else "0" for m in instants)
        wrong = [instants[i].isoformat() for i, (b, p) in enumerate(zip(now_says, python_now, strict=True)) if b != p]
        assert not wrong, f"{name} open now: browser and Python differ at {wrong[:5]} ({len(wrong)} moments)"
        wrong = [instants[i].isoformat() for i, (b, p) in enumerate(zip(week_says, python_week, strict=True)) if b != p]
        assert not wrong, f"{name} this week: browser and Python differ at {wrong[:5]} ({len(wrong)} moments)"
        opened += python_now.count("1")
    assert opened > 1000  # the samples are open at many of the moments, not at none


def test_open_now_by_the_london_clock():
    walk = EDGE_CASES["sunday-night-at-the-clock-change"]  # weekly, Sundays 01:00-01:30
    # 25 October 2026: 01:15 happens twice (BST, then GMT); both are open
    assert open_at(walk, dt.datetime(2026, 10, 25, 0, 15, tzinfo=UTC))
    assert open_at(walk, dt.datetime(2026, 10, 25, 1, 15, tzinfo=UTC))
    # 29 March 2026: the clocks go from 01:00 to 02:00, so 01:15 never happens there
    assert not open_at(walk, dt.datetime(2026, 3, 29, 1, 15, tzinfo=UTC))  # 02:15 BST
    assert open_at(walk, dt.datetime(2026, 4, 5, 0, 15, tzinfo=UTC))  # 01:15 BST a week later
    assert not open_at(walk, dt.datetime(2026, 4, 5, 0, 30, tzinfo=UTC))  # 01:30: ended
    # across midnight: 23:59 on Saturday is on this week (tomorrow); 00:00 on Sunday too; Sunday 01:30 not until next
    assert on_in_week(walk, dt.datetime(2026, 1, 3, 23, 59))
    assert on_in_week(walk, dt.datetime(2026, 1, 11, 1, 29))
    assert not on_in_week(walk, dt.datetime(2026, 1, 11, 1, 30))  # ended today; the next is seven days on
    assert on_in_week(walk, dt.datetime(2026, 1, 5, 0, 0))  # Monday: the next Sunday is six days on


# Moments for the find page: a Tuesday morning in summer time, a Sunday just after midnight as the
# clocks go back, and New Year's Eve a minute before midnight.
PAGE_MOMENTS = [
    dt.datetime(2026, 3, 31, 10, 30, tzinfo=LONDON),
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=LONDON),
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=LONDON),
]


@pytest.mark.browser
@pytest.mark.parametrize("when", ["now", "week"])
def test_the_find_page_filters_by_the_clock(browser, site_url, sample_assets, when):  # noqa: F811
    check = open_at if when == "now" else on_in_week
    seen = 0
    for moment in PAGE_MOMENTS:
        expected = sorted(
            a.id for a in sample_assets if a.status == "active" and any(check(s, moment) for s in a.sessions)
        )
        context = browser.new_context(locale="en-GB", timezone_id="Asia/Tokyo")
        try:
            page = context.new_page()
            page.clock.set_fixed_time(moment)
            page.goto(f"{site_url}find/?when={when}")
            page.wait_for_selector("#cam-find-form[data-cam-results]", state="attached", timeout=20000)
            assert page.input_value("#f-when") == when
            hrefs = page.eval_on_selector_all("#cam-results li a[href]", "els => els.map(e => e.getAttribute('href'))")
        finally:
            context.close()
        shown = sorted(
            {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "/support/" in h or h.startswith("../support")}
        )
        assert shown == expected, moment
        seen += len(expected)
    assert seen > 0
