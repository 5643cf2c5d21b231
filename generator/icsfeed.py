"""Calendar feeds: one iCalendar file per asset, its regular sessions as recurring events (RRULE)."""

from __future__ import annotations

import calendar as monthcal
import datetime as dt
import functools
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from .catalogue import Catalogue
from .model import Asset, Location, Session
from .oruk import byday, oruk_id, web_url
from .schedule import DAY_ORDER, WEEK_NUMBER

ZONE = "Europe/London"
PRODID = "-//Community Asset Map//assetmap//EN"
EVENT_STATUS = {"active": "CONFIRMED", "paused": "TENTATIVE", "closed": "CANCELLED"}


def occurs(session: Session, day: dt.date) -> bool:
    """True when the session happens on day."""
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


def first_date(session: Session, anchor: dt.date) -> dt.date:
    """The first day on or after anchor (a fortnightly session's starts_on) when the session happens."""
    start = session.starts_on if session.frequency == "fortnightly" and session.starts_on else anchor
    return next(start + dt.timedelta(n) for n in range(400) if occurs(session, start + dt.timedelta(n)))


def rrule(session: Session) -> vRecur:
    """The RRULE: FREQ=WEEKLY (INTERVAL=2 for fortnightly) or FREQ=MONTHLY with BYDAY such as 1TU or -1FR."""
    rule = {"freq": "MONTHLY" if session.frequency == "monthly" else "WEEKLY", "byday": byday(session).split(",")}
    if session.frequency == "fortnightly":
        rule |= {"interval": 2, "wkst": "MO"}
    return vRecur(rule)


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


def session_event(asset: Asset, session: Session, t: Catalogue) -> Event:
    """One session as a recurring event in local (Europe/London) time."""
    zone = ZoneInfo(ZONE)
    day = first_date(session, asset.last_checked)
    start = dt.datetime.combine(day, dt.time.fromisoformat(session.start), zone)
    end = dt.datetime.combine(day, dt.time.fromisoformat(session.end), zone)
    event = Event()
    event.add("uid", f"{oruk_id(asset.id, 'schedule', str(session.index))}@community-asset-map")
    event.add("dtstamp", dt.datetime.combine(asset.last_checked, dt.time(), dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("rrule", rrule(session))
    event.add("summary", _title(asset, session, t))
    where, loc = _where(asset, session, t)
    if where:
        event.add("location", where)
    if loc:
        event.add("geo", (loc.latitude, loc.longitude))
    notes = [asset.summary, session.notes, asset.access_notes]
    if asset.phone:
        notes.append(f"{t('asset.phone')}: {asset.phone}")
    event.add("description", "\n\n".join(n for n in notes if n))
    if url := web_url(asset.website):
        event.add("url", url)
    event.add("status", EVENT_STATUS[asset.status])
    return event


def asset_calendar(asset: Asset, t: Catalogue) -> bytes:
    """The .ics file of one asset: every session as a recurring event, with its time zone."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", t("calendar.name", name=asset.name))
    cal.add("x-wr-timezone", ZONE)
    for session in asset.sessions:
        cal.add_component(session_event(asset, session, t))
    cal.add_component(_zone())
    return cal.to_ical()


@functools.lru_cache(maxsize=1)
def _zone() -> Timezone:
    """The VTIMEZONE of Europe/London, computed once, covering the years a calendar is likely used."""
    return Timezone.from_tzid(ZONE, first_date=dt.date(2024, 1, 1), last_date=dt.date(2040, 1, 1))


def calendars(assets: list[Asset], t: Catalogue) -> dict[str, bytes]:
    """One .ics per asset with regular sessions, keyed by '<asset id>.ics'."""
    return {f"{a.id}.ics": asset_calendar(a, t) for a in sorted(assets, key=lambda a: a.id) if a.sessions}
