"""Readable schedules ("Every Tuesday, 10:00 to 12:00") and compact schedules for the browser."""

from __future__ import annotations

from generator.data.model import Session
from generator.render.strings import Catalogue

DAY_ORDER = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEK_NUMBER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}


def _join(words: list[str], t: Catalogue) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {t('schedule.and')} " + words[-1]


def _day_span(days: list[str], t: Catalogue) -> str:
    """Consecutive weekdays as a range ('Monday to Friday'), otherwise a list."""
    positions = [DAY_ORDER.index(d) for d in days]
    if len(days) >= 3 and positions == list(range(positions[0], positions[0] + len(days))):
        return f"{t('days.' + days[0])} to {t('days.' + days[-1])}"
    return _join([t("days." + d) for d in days], t)


def describe(session: Session, t: Catalogue) -> str:
    """One session in words, such as 'First Monday of the month, 10:00 to 12:00'."""
    days = sorted(session.days, key=DAY_ORDER.index)
    times = {"start": session.start, "end": session.end}
    if session.is_opening_hours:
        return t("schedule.opening_hours", days=_day_span(days, t), **times)
    if session.frequency == "monthly":
        week = t("schedule.week." + session.week_of_month)
        return t("schedule.monthly", week=week, days=_join([t("days." + d) for d in days], t), **times)
    names = _join([t("days." + d) for d in days], t)
    return t("schedule." + session.frequency, days=names, **times)


def compact(session: Session) -> dict:
    """The session as the browser needs it to compute the next date: short keys, numbers for days."""
    data: dict = {
        "f": session.frequency[0],  # w, f, m
        "d": [DAY_ORDER.index(d) + 1 for d in session.days],  # ISO weekday numbers, Monday = 1
        "s": session.start,
        "e": session.end,
    }
    if session.week_of_month:
        data["w"] = WEEK_NUMBER[session.week_of_month]
    if session.starts_on:
        data["a"] = session.starts_on.isoformat()
    if session.closed:  # inclusive ranges of closed days: closures, cancellations, bank holidays
        data["x"] = [[first.isoformat(), last.isoformat()] for first, last in session.closed]
    if session.moves:  # held at another of the record's locations (its id) from one day to another
        data["p"] = [[first.isoformat(), last.isoformat(), place] for first, last, place in session.moves]
    if session.retimes:  # other start and end times from one day to another
        data["t"] = [[first.isoformat(), last.isoformat(), start, end] for first, last, start, end in session.retimes]
    return data
