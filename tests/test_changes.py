"""Issue 19: dated changes (closed, cancelled, moved, changed-time, note), bank holidays and capacity, checked
when a record is validated and applied to the page, "Next:", the calendar file, the sheets and the open data.
Every build here has a fixed date (TODAY), and every browser a fixed clock, so nothing expires with the calendar."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from generator.authoring.review import format_changes
from generator.data.check import check
from generator.opendata.calendars import location_on, next_date, occurs, times_on
from generator.site.build import build_site

from .conftest import ROOT, make_data_dir, serve_folder

TODAY = dt.date(2026, 12, 14)  # a Monday
LONDON = ZoneInfo("Europe/London")


def record(asset_id: str, name: str, sessions: str, extra: str = "", locations: str = "") -> str:
    """A valid record meeting at a community centre (and any further locations), with extra keys at the end."""
    return f"""id: {asset_id}
name: {name}
summary: A friendly group that meets every week for tea and a chat.
description: Come along and meet people; there is always someone to welcome you.
status: active
organisation:
  name: Example Community Trust
categories: [social-groups]
areas: [cheltenham]
access:
  type: drop-in
cost:
  type: free
attending: [in-person]
languages: [en]
locations:
  - id: centre
    name: Hesters Way Community Centre
    address: Cassin Drive
    town: Cheltenham
    postcode: GL51 7SU
    latitude: "51.9010"
    longitude: "-2.1140"
{locations}sessions:
{sessions}contact:
  phone: 01632 960700
last_checked: 2026-12-01
checked_by: Example Community Connectors
{extra}"""


LIBRARY = """  - id: library
    name: Up Hatherley Library
    address: Caernarvon Road
    town: Cheltenham
    postcode: GL51 3PA
    latitude: "51.8850"
    longitude: "-2.1250"
"""

RECORDS = {
    # Closed from tomorrow for a week.
    "closed-group.yaml": record(
        "closed-group",
        "Closed Week Coffee Club",
        '  - frequency: weekly\n    days: [monday, tuesday]\n    start: "10:00"\n    end: "12:00"\n',
        "changes:\n  - kind: closed\n    from: 2026-12-15\n    to: 2026-12-21\n    note: The hall is being painted.\n",
    ),
    # Moved to the library for two months.
    "moved-group.yaml": record(
        "moved-group",
        "Moving Memory Café",
        '  - frequency: weekly\n    days: [wednesday]\n    start: "14:00"\n    end: "16:00"\n    location: centre\n',
        "changes:\n  - kind: moved\n    from: 2026-12-01\n    to: 2027-01-31\n    location: library\n",
        LIBRARY,
    ),
    # Not on bank holidays, on Mondays and Fridays.
    "bank-holiday-group.yaml": record(
        "bank-holiday-group",
        "Bank Holiday Walkers",
        '  - frequency: weekly\n    days: [monday, friday]\n    start: "10:00"\n    end: "11:00"\n'
        "    bank_holidays: closed\n",
    ),
    # A waiting list confirmed lately, and one confirmed too long ago to trust.
    "waiting-group.yaml": record(
        "waiting-group",
        "Waiting List Choir",
        '  - frequency: weekly\n    days: [thursday]\n    start: "18:00"\n    end: "19:30"\n',
        "capacity:\n  status: waiting-list\n  wait_weeks: 6\n  as_of: 2026-12-01\n"
        "first_visit: Ring first and we will put your name down.\n",
    ),
    "old-capacity-group.yaml": record(
        "old-capacity-group",
        "Old News Book Club",
        '  - frequency: weekly\n    days: [thursday]\n    start: "10:00"\n    end: "11:00"\n',
        "capacity:\n  status: waiting-list\n  wait_weeks: 3\n  as_of: 2026-09-01\n",
    ),
}


@pytest.fixture(scope="module")
def changes_data(tmp_path_factory):
    return make_data_dir(tmp_path_factory.mktemp("changes"), RECORDS, english_only=True)


@pytest.fixture(scope="module")
def changes_assets(changes_data):
    result = check(changes_data, today=TODAY)
    assert result.ok, [p for p in result.problems if p.is_error]
    return {a.id: a for a in result.assets}


@pytest.fixture(scope="module")
def changes_site(changes_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("changes-site")
    out = tmp / "site"
    build_site(changes_data, out, ROOT / "mkdocs.yml", today=TODAY, docs_dir=tmp / "docs")
    url, server = serve_folder(out)
    yield out, url
    server.shutdown()


def _page(visit, url: str, at: dt.datetime):
    visit.page.clock.set_fixed_time(at)
    visit.page.goto(url)
    return visit.page


def _next_dates(page) -> list[str]:
    page.wait_for_selector(".cam-next:not([hidden]) time")
    return page.eval_on_selector_all(".cam-next time", "ts => ts.map(t => t.getAttribute('datetime'))")


# --- in Python ----------------------------------------------------------------------------------------


def test_closed_week_is_skipped_in_python(changes_assets):
    session = changes_assets["closed-group"].sessions[0]
    week = [TODAY + dt.timedelta(n) for n in range(1, 8)]
    assert not any(occurs(session, day) for day in week)
    assert occurs(session, TODAY) and occurs(session, dt.date(2026, 12, 22))
    assert next_date(session, TODAY, "13:00") == dt.date(2026, 12, 22)


def test_bank_holidays_are_skipped_for_the_areas_nation(changes_assets):
    session = changes_assets["bank-holiday-group"].sessions[0]
    for holiday in (dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1), dt.date(2027, 5, 31)):
        assert not occurs(session, holiday), holiday
    assert occurs(session, dt.date(2026, 12, 21)) and occurs(session, dt.date(2027, 6, 4))
    assert next_date(session, dt.date(2026, 12, 24)) == dt.date(2027, 1, 4)
    other = changes_assets["closed-group"].sessions[0]  # not marked: runs on bank holidays
    assert occurs(other, dt.date(2026, 12, 28))


def test_moved_session_is_at_its_new_place_meanwhile(changes_assets):
    session = changes_assets["moved-group"].sessions[0]
    assert location_on(session, dt.date(2026, 12, 16)) == "library"
    assert location_on(session, dt.date(2027, 2, 3)) == "centre"
    assert times_on(session, dt.date(2026, 12, 16)) == ("14:00", "16:00")


# --- validation -----------------------------------------------------------------------------------------


BAD_CHANGES = """changes:
  - kind: closed
    from: 2026-12-20
  - kind: closed
    from: 2026-12-20
    to: 2026-12-10
  - kind: moved
    from: 2026-12-20
    to: 2026-12-24
  - kind: cancelled
    from: 2026-12-20
    on: 2026-12-22
  - kind: moved
    from: 2026-12-20
    to: 2026-12-24
    location: town-hall
  - kind: closed
    from: 2026-10-01
    to: 2026-10-31
  - kind: note
    note: Parking is closed.
    review_by: 2026-12-01
  - kind: changed-time
    from: 2026-12-20
    to: 2026-12-24
    start: "15:00"
    end: "13:00"
capacity:
  status: full
  wait_weeks: 4
"""


def test_bad_changes_name_file_line_and_field(data_factory):
    text = record(
        "bad-changes",
        "Bad Changes Club",
        '  - frequency: weekly\n    days: [monday]\n    start: "10:00"\n    end: "11:00"\n',
        BAD_CHANGES,
    )
    data = data_factory({"bad-changes.yaml": text})
    result = check(data, today=TODAY)
    lines = text.splitlines()

    def at(code: str) -> list[tuple[int, str, str]]:
        return [(p.line, p.field, p.severity) for p in result.problems if p.code == code]

    def line_of(prefix: str, nth: int = 0) -> int:
        return [i + 1 for i, line in enumerate(lines) if line.strip().startswith(prefix)][nth]

    assert not result.ok
    assert all(p.file.endswith("bad-changes.yaml") for p in result.problems)
    assert (line_of("- kind: closed"), "changes[0].to", "error") in at("open-ended")
    assert at("dates-reversed") == [(line_of("to: 2026-12-10"), "changes[1].to", "error")]
    assert (line_of("- kind: moved"), "changes[2].location", "error") in at("required")
    assert at("not-for-kind")[0] == (line_of("from: 2026-12-20", 3), "changes[3].from", "error")
    assert at("unknown-location") == [(line_of("location: town-hall"), "changes[4].location", "error")]
    assert at("change-ended") == [(line_of("to: 2026-10-31"), "changes[5].to", "warning")]
    assert at("review-due") == [(line_of("review_by: 2026-12-01"), "changes[6].review_by", "warning")]
    assert at("end-before-start") == [(line_of('end: "13:00"'), "changes[7].end", "error")]
    assert (line_of("wait_weeks: 4"), "capacity.wait_weeks", "error") in at("not-for-kind")
    assert any(field == "capacity.as_of" for _line, field, _s in at("required"))
    listed = format_changes(result.problems, "text")
    assert "REMOVE" in listed and "REVIEW" in listed and "bad-changes.yaml" in listed


def test_review_lists_changes_to_remove(data_factory):
    from click.testing import CliRunner

    from generator.cli.main import main

    old = "changes:\n  - kind: cancelled\n    on: 2020-01-06\n"  # the CLI uses today's date: any day after 2020
    data = data_factory(
        {
            "old.yaml": record(
                "old",
                "Old Change Club",
                '  - frequency: weekly\n    days: [monday]\n    start: "10:00"\n    end: "11:00"\n',
                old,
            ).replace("last_checked: 2026-12-01", "last_checked: 2026-11-01")
        }
    )
    out = CliRunner().invoke(main, ["review", "--data", str(data)])
    assert out.exit_code == 0, out.output
    assert "REMOVE" in out.output and "old.yaml" in out.output and "remove it" in out.output
    as_json = json.loads(CliRunner().invoke(main, ["review", "--data", str(data), "--format", "json"]).output)
    assert [c["action"] for c in as_json["changes"]] == ["remove"]


# --- the built site ----------------------------------------------------------------------------------------


def test_calendar_has_no_event_in_the_closed_week(changes_site):
    out, _url = changes_site
    calendar = icalendar.Calendar.from_ical((out / "data" / "calendar" / "closed-group.ics").read_bytes())
    closed = recurring_ical_events.of(calendar).between(dt.date(2026, 12, 15), dt.date(2026, 12, 22))
    assert closed == []
    around = recurring_ical_events.of(calendar).between(dt.date(2026, 12, 14), dt.date(2026, 12, 23))
    assert sorted(e.decoded("DTSTART").date() for e in around) == [dt.date(2026, 12, 14), dt.date(2026, 12, 22)]
    bank = icalendar.Calendar.from_ical((out / "data" / "calendar" / "bank-holiday-group.ics").read_bytes())
    days = {e.decoded("DTSTART").date() for e in recurring_ical_events.of(bank).between((2026, 12, 1), (2027, 6, 30))}
    assert dt.date(2026, 12, 25) not in days and dt.date(2027, 5, 31) not in days and dt.date(2027, 6, 4) in days


def test_moved_session_in_the_calendar_is_at_the_new_place(changes_site):
    out, _url = changes_site
    calendar = icalendar.Calendar.from_ical((out / "data" / "calendar" / "moved-group.ics").read_bytes())
    events = recurring_ical_events.of(calendar).between(dt.date(2026, 12, 14), dt.date(2027, 2, 14))
    where = {e.decoded("DTSTART").date(): str(e["LOCATION"]) for e in events}
    assert where[dt.date(2026, 12, 16)].startswith("Up Hatherley Library")
    assert where[dt.date(2027, 2, 3)].startswith("Hesters Way Community Centre")


def test_open_data_carries_the_changes(changes_site):
    out, _url = changes_site
    features = json.loads((out / "data" / "assets.geojson").read_text(encoding="utf-8"))["features"]
    closed = next(f for f in features if f["properties"]["asset_id"] == "closed-group")["properties"]
    assert closed["changes"][0]["kind"] == "closed" and closed["changes"][0]["to"] == "2026-12-21"
    services = json.loads((out / "data" / "oruk" / "services.json").read_text(encoding="utf-8"))["contents"]
    by_name = {s["name"]: s for s in services}
    assert by_name["Closed Week Coffee Club"]["status"] == "active"  # the closure begins tomorrow
    moved = by_name["Moving Memory Café"]
    assert moved["schedules"][0]["valid_from"] == "2027-02-01"


@pytest.mark.browser
def test_closed_record_shows_the_banner_and_skips_the_week(visit, changes_site):
    _out, url = changes_site
    page = _page(visit, url + "support/closed-group/", dt.datetime(2026, 12, 14, 13, 0, tzinfo=LONDON))
    banner = page.locator(".cam-changes")
    assert banner.is_visible()
    assert "Closed from 15 December 2026 to 21 December 2026" in banner.inner_text()
    assert _next_dates(page) == ["2026-12-22"]
    page.goto(url + "changed/")  # What's changed lists it among the changes of the next four weeks
    coming = page.locator("li", has=page.locator("a[href$='support/closed-group/']"))
    assert "15 December 2026" in coming.first.inner_text()
    assert visit.errors == []


@pytest.mark.browser
def test_moved_session_shows_the_new_place(visit, changes_site):
    _out, url = changes_site
    page = _page(visit, url + "support/moved-group/", dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON))
    assert "Up Hatherley Library" in page.locator(".cam-changes").inner_text()
    assert _next_dates(page) == ["2026-12-16"]
    assert "Up Hatherley Library" in page.locator(".cam-next").inner_text()
    assert visit.errors == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 12, 24, 13, 0), "2027-01-04"),  # not Fri 25 Dec, Mon 28 Dec, Fri 1 Jan
        (dt.datetime(2027, 5, 29, 9, 0), "2027-06-04"),  # not the spring bank holiday, Mon 31 May
    ],
)
def test_bank_holiday_session_skips_bank_holidays_in_the_browser(visit, changes_site, now, expected):
    _out, url = changes_site
    page = _page(visit, url + "support/bank-holiday-group/", now.replace(tzinfo=LONDON))
    assert _next_dates(page) == [expected]
    assert "Not on bank holidays." in page.locator(".cam-sessions").inner_text()


@pytest.mark.browser
def test_waiting_list_on_page_and_sheets_and_ask_first_when_old(visit, changes_site):
    out, url = changes_site
    page = _page(visit, url + "support/waiting-group/", dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON))
    facts = page.locator(".cam-keyfacts").inner_text()
    assert "Waiting list, about 6 weeks (as of 1 December 2026)" in facts
    assert "Ring first and we will put your name down." in page.locator("#access").locator("..").inner_text()
    prebuilt = (out / "sheets" / "need" / "social-groups" / "index.html").read_text(encoding="utf-8")
    assert "Waiting list, about 6 weeks (as of 1 December 2026)" in prebuilt
    page.goto(url + "sheet/?ids=waiting-group,old-capacity-group")
    page.wait_for_selector(".cam-sheet-entry")
    entries = page.locator(".cam-sheet-entry")
    assert "Waiting list, about 6 weeks" in entries.nth(0).inner_text()
    old = entries.nth(1).inner_text()
    assert "Ask first" in old and "about 3 weeks" not in old
    old_page = _page(visit, url + "support/old-capacity-group/", dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON))
    assert "Ask first" in old_page.locator(".cam-keyfacts").inner_text()
    assert visit.errors == []


@pytest.mark.browser
def test_find_support_filters_taking_new_people_and_turn_up(visit, changes_site):
    _out, url = changes_site
    page = _page(visit, url + "find/?getin=turn-up", dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON))
    page.wait_for_selector("#cam-find-form[data-cam-results]")
    names = page.locator("#cam-results .cam-card a").all_inner_texts()
    assert "Waiting List Choir" not in names and "Old News Book Club" in names and "Closed Week Coffee Club" in names
    page.check("input[name=getin][value=taking]")
    page.wait_for_function("document.getElementById('cam-find-form').dataset.camResults === '0'")
    page.uncheck("input[name=getin][value=taking]")
    page.uncheck("input[name=getin][value=turn-up]")
    page.wait_for_function("document.getElementById('cam-find-form').dataset.camResults === '5'")
    card = page.locator(".cam-card", has_text="Closed Week Coffee Club").inner_text()
    assert "Closed from 15 December 2026" in card
    assert visit.errors == []
