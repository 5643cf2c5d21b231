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
    """True when the session happens on day: on its regular pattern (see regular) and not closed or cancelled then.

    The one place, with schedule.js's occursOn, that knows a session's dated exceptions (the record's
    changes and, for bank_holidays: closed, the area's bank holidays): Session.closed holds them.
    """
    return regular(session, day) and not closed_on(session, day)


def closed_on(session: Session, day: dt.date) -> bool:
    """True when a closure, cancellation or bank holiday of the session falls on day."""
    return any(first <= day <= last for first, last in session.closed)


def times_on(session: Session, day: dt.date) -> tuple[str, str]:
    """The session's start and end on day: its usual times, or those of a changed-time change then."""
    for first, last, start, end in session.retimes:
        if first <= day <= last:
            return start, end
    return session.start, session.end


def location_on(session: Session, day: dt.date) -> str | None:
    """The id of the location the session is held at on day: a moved change's, or its usual one."""
    for first, last, location in session.moves:
        if first <= day <= last:
            return location
    return session.location


def regular(session: Session, day: dt.date) -> bool:
    """True when day is on the session's regular pattern, whatever its dated changes.

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
    for n in range(400):
        date = day + dt.timedelta(n)
        if occurs(session, date) and not (n == 0 and _minutes(time) >= _minutes(times_on(session, date)[1])):
            return date
    return None


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def first_date(session: Session, anchor: dt.date) -> dt.date:
    """The first day on or after anchor (a fortnightly session's starts_on) when the session happens."""
    start = session.starts_on if session.frequency == "fortnightly" and session.starts_on else anchor
    return next(start + dt.timedelta(n) for n in range(400) if regular(session, start + dt.timedelta(n)))


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


def _title(asset: Asset, session: Session, t: Catalogue) -> str:
    if session.is_opening_hours:
        return t("calendar.opening_hours", name=asset.name)
    if session.name:
        return t("calendar.session", name=asset.name, session=session.name)
    return asset.name


def _changed_days(session: Session, since: dt.date, ranges: list[tuple[dt.date, dt.date]]) -> list[dt.date]:
    """The days from since on, within ranges, on the session's regular pattern (an open-ended range: 400 days)."""
    days: set[dt.date] = set()
    for first, last in ranges:
        day = max(first, since)
        last = min(last, day + dt.timedelta(400))
        while day <= last:
            if regular(session, day):
                days.add(day)
            day += dt.timedelta(1)
    return sorted(days)


def _place(asset: Asset, location: str | None, t: Catalogue) -> tuple[str, Location | None]:
    by_id = {loc.id: loc for loc in asset.locations}
    loc = by_id.get(location or "") or (asset.locations[0] if len(asset.locations) == 1 else None)
    if loc:
        return ", ".join([loc.name, loc.address, loc.town, loc.postcode]), loc
    return ", ".join(t.label("attending", m) for m in asset.attending), None


def _where(asset: Asset, session: Session, t: Catalogue) -> tuple[str, Location | None]:
    return _place(asset, session.location, t)


def session_event(asset: Asset, session: Session, t: Catalogue) -> list[str]:
    """One session as a recurring event in local (Europe/London) time, as content lines.

    Its dated changes: closed and cancelled days (and bank holidays) as EXDATE; a day moved or at other
    times as an instance of its own (RECURRENCE-ID), at the new place and times.
    """
    day = first_date(session, asset.last_checked)
    uid = f"UID:{oruk_id(asset.id, 'schedule', str(session.index))}@community-asset-map"
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(_title(asset, session, t))}",
        f"DTSTART;TZID={ZONE}:{_local(day, session.start)}",
        f"DTEND;TZID={ZONE}:{_local(day, session.end)}",
        f"DTSTAMP:{asset.last_checked:%Y%m%d}T000000Z",
        uid,
        f"RRULE:{rrule(session)}",
    ]
    closed = _changed_days(session, day, list(session.closed))
    if closed:
        lines.append(f"EXDATE;TZID={ZONE}:" + ",".join(_local(d, session.start) for d in closed))
    # An event has one SUMMARY (RFC 5545 3.6.1), in the calendar's language: other languages' name and summary
    # follow the summary in the DESCRIPTION.
    other = [texts.get(key) for _lang, texts in sorted(asset.translations.items()) for key in ("name", "summary")]
    notes = [asset.summary, *other, session.notes, asset.access_notes]
    if asset.phone:
        notes.append(f"{t('asset.phone')}: {asset.phone}")
    description = f"DESCRIPTION:{text(chr(10) * 2).join(text(n) for n in notes if n)}"
    lines.append(description)
    where, loc = _where(asset, session, t)
    lines += _where_lines(where, loc)
    status = f"STATUS:{EVENT_STATUS[asset.status]}"
    lines.append(status)
    url = web_url(asset.website)
    url_line = f"URL:{_CONTROL.sub('', url).replace(chr(10), '')}" if url else ""
    if url_line:
        lines.append(url_line)
    lines.append("END:VEVENT")
    changed = [(m[0], m[1]) for m in session.moves] + [(r[0], r[1]) for r in session.retimes]
    for moved in _changed_days(session, day, changed):
        if moved in closed:
            continue
        start, end = times_on(session, moved)
        where, loc = _place(asset, location_on(session, moved), t)
        lines += [
            "BEGIN:VEVENT",
            f"SUMMARY:{text(_title(asset, session, t))}",
            f"DTSTART;TZID={ZONE}:{_local(moved, start)}",
            f"DTEND;TZID={ZONE}:{_local(moved, end)}",
            f"DTSTAMP:{asset.last_checked:%Y%m%d}T000000Z",
            uid,
            f"RECURRENCE-ID;TZID={ZONE}:{_local(moved, session.start)}",
            description,
            *_where_lines(where, loc),
            status,
            *([url_line] if url_line else []),
            "END:VEVENT",
        ]
    return lines


def _where_lines(where: str, loc: Location | None) -> list[str]:
    lines = [f"GEO:{loc.latitude!r};{loc.longitude!r}"] if loc else []
    return lines + ([f"LOCATION:{text(where)}"] if where else [])


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
    names = [(lang, texts["name"]) for lang, texts in sorted(asset.translations.items()) if texts.get("name")]
    if names:  # the calendar's name in each language (RFC 7986 NAME, one per LANGUAGE)
        lines.append(f"NAME;LANGUAGE=en:{text(t('calendar.name', name=asset.name))}")
        lines += [f"NAME;LANGUAGE={lang}:{text(name)}" for lang, name in names]
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
