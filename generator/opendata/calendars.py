"""Calendar feeds: one iCalendar file per asset, its regular sessions as recurring events (RRULE)."""

from __future__ import annotations

import calendar as monthcal
import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from icalendar import Timezone

from generator.data.model import Asset, Location, Session
from generator.opendata.oruk_export import byday, oruk_id, web_url
from generator.render.schedule import DAY_ORDER, WEEK_NUMBER
from generator.render.strings import Catalogue

ZONE = "Europe/London"
PRODID = "-//Community Asset Map//assetmap//EN"
EVENT_STATUS = {"active": "CONFIRMED", "paused": "TENTATIVE", "closed": "CANCELLED"}


def occurs(session: Session, day: dt.date) -> bool:
    """True when the session happens on day.

    Fortnightly: every other week, weeks running Monday to Sunday, counted from the week of starts_on (as
    the calendar's RRULE INTERVAL=2;WKST=MO); monthly: the nth (or last) of that weekday in the month.
    """
    if DAY_ORDER[day.weekday()] not in session.days:
        return False
    if session.frequency == "fortnightly" and session.starts_on:
        weeks = (
            day - dt.timedelta(day.weekday()) - (session.starts_on - dt.timedelta(session.starts_on.weekday()))
        ).days
        return weeks // 7 % 2 == 0
    if session.frequency == "monthly":
        number = WEEK_NUMBER[session.week_of_month]
        if number == -1:
            return day.day + 7 > monthcal.monthrange(day.year, day.month)[1]
        return (day.day - 1) // 7 + 1 == number
    return True


def next_date(session: Session, day: dt.date, time: str = "00:00") -> dt.date | None:
    """The first date from day on when the session happens (day itself only before its end at time HH:MM).

    What the site shows as "Next:" (schedule.js computes the same; tests/test_schedule.py holds them equal).
    None when it does not happen within 400 days.
    """
    ended = _minutes(time) >= _minutes(session.end)
    for n in range(400):
        date = day + dt.timedelta(n)
        if occurs(session, date) and not (n == 0 and ended):
            return date
    return None


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def first_date(session: Session, anchor: dt.date) -> dt.date:
    """The first day on or after anchor (a fortnightly session's starts_on) when the session happens."""
    start = session.starts_on if session.frequency == "fortnightly" and session.starts_on else anchor
    return next(start + dt.timedelta(n) for n in range(400) if occurs(session, start + dt.timedelta(n)))


def rrule(session: Session) -> str:
    """The RRULE: FREQ=WEEKLY (INTERVAL=2 for fortnightly) or FREQ=MONTHLY with BYDAY such as 1TU or -1FR."""
    if session.frequency == "monthly":
        return f"FREQ=MONTHLY;BYDAY={byday(session)}"
    if session.frequency == "fortnightly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={byday(session)};WKST=MO"
    return f"FREQ=WEEKLY;BYDAY={byday(session)}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 asks: backslash, semicolon, comma and line breaks; other controls dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), ending in CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte: step back
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"


def _local(day: dt.date, time: str) -> str:
    return f"{day:%Y%m%d}T{time.replace(':', '')}00"


def _where(asset: Asset, session: Session, t: Catalogue) -> tuple[str, Location | None]:
    by_id = {loc.id: loc for loc in asset.locations}
    loc = by_id.get(session.location or "") or (asset.locations[0] if len(asset.locations) == 1 else None)
    if loc:
        return ", ".join([loc.name, loc.address, loc.town, loc.postcode]), loc
    return ", ".join(t.label("attending", m) for m in asset.attending), None


def _title(asset: Asset, session: Session, t: Catalogue) -> str:
    if session.is_opening_hours:
        return t("calendar.opening_hours", name=asset.name)
    if session.name:
        return t("calendar.session", name=asset.name, session=session.name)
    return asset.name


def session_event(asset: Asset, session: Session, t: Catalogue) -> list[str]:
    """One session as a recurring event in local (Europe/London) time, as content lines."""
    day = first_date(session, asset.last_checked)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(_title(asset, session, t))}",
        f"DTSTART;TZID={ZONE}:{_local(day, session.start)}",
        f"DTEND;TZID={ZONE}:{_local(day, session.end)}",
        f"DTSTAMP:{asset.last_checked:%Y%m%d}T000000Z",
        f"UID:{oruk_id(asset.id, 'schedule', str(session.index))}@community-asset-map",
        f"RRULE:{rrule(session)}",
    ]
    notes = [asset.summary, session.notes, asset.access_notes]
    if asset.phone:
        notes.append(f"{t('asset.phone')}: {asset.phone}")
    lines.append(f"DESCRIPTION:{text(chr(10) * 2).join(text(n) for n in notes if n)}")
    where, loc = _where(asset, session, t)
    if loc:
        lines.append(f"GEO:{loc.latitude!r};{loc.longitude!r}")
    if where:
        lines.append(f"LOCATION:{text(where)}")
    lines.append(f"STATUS:{EVENT_STATUS[asset.status]}")
    if url := web_url(asset.website):
        lines.append(f"URL:{_CONTROL.sub('', url).replace(chr(10), '')}")
    lines.append("END:VEVENT")
    return lines


def asset_calendar(asset: Asset, t: Catalogue) -> bytes:
    """The .ics file of one asset: every session as a recurring event, with its time zone.

    Written directly (the icalendar library took 4 ms an asset); its parser checks the result in the tests.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(t('calendar.name', name=asset.name))}",
        f"X-WR-TIMEZONE:{ZONE}",
    ]
    for session in asset.sessions:
        lines += session_event(asset, session, t)
    body = "".join(fold(line) for line in lines)
    return (body + _zone() + "END:VCALENDAR\r\n").encode("utf-8")


@functools.lru_cache(maxsize=1)
def _zone() -> str:
    """The VTIMEZONE of Europe/London as text, computed once, covering the years a calendar is likely used."""
    zone = Timezone.from_tzid(ZONE, first_date=dt.date(2024, 1, 1), last_date=dt.date(2040, 1, 1))
    return zone.to_ical().decode("utf-8")


def calendars(assets: list[Asset], t: Catalogue) -> dict[str, bytes]:
    """One .ics per asset with regular sessions, keyed by '<asset id>.ics'."""
    ordered = sorted(assets, key=lambda a: a.id)
    return {f"{a.id}.ics": asset_calendar(a, t) for a in ordered if a.sessions}


# --- open now and on this week (find support's filters; find.js computes the same on the device) -------

LONDON = ZoneInfo(ZONE)
WEEK_DAYS = 7  # "on this week": today (while a session has not ended) and the six days after


def wall_clock(moment: dt.datetime) -> dt.datetime:
    """The moment as a clock in Europe/London shows it (a naive moment is taken as that clock already)."""
    return moment.astimezone(LONDON) if moment.tzinfo else moment


def open_at(session: Session, moment: dt.datetime) -> bool:
    """True while the session is on at moment: on the London date, from its start up to (not at) its end."""
    local = wall_clock(moment)
    minute, day = local.hour * 60 + local.minute, local.date()
    if not occurs(session, day):
        return False
    start, end = _times_of(session, day)
    return _minutes(start) <= minute < _minutes(end)


def on_in_week(session: Session, moment: dt.datetime) -> bool:
    """True when the session happens from moment on within the week: today before its end, or the next six days."""
    local = wall_clock(moment)
    day = local.date()
    ended = local.hour * 60 + local.minute >= _minutes(_times_of(session, day)[1])
    return any(occurs(session, day + dt.timedelta(n)) and not (n == 0 and ended) for n in range(WEEK_DAYS))


def _times_of(session: Session, day: dt.date) -> tuple[str, str]:
    """The session's start and end on day (other times on the days of a dated change, where times_on knows them)."""
    times_on = globals().get("times_on")
    return times_on(session, day) if times_on else (session.start, session.end)
