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


def _days(days: list[str], t: Catalogue, soft: bool = False) -> str:
    """Days in a phrase ('Tuesday and Thursday'); soft gives the first its softened form (Welsh 'ddydd Mawrth')."""
    words = [t(("schedule.day_soft." if soft and i == 0 else "schedule.day.") + d) for i, d in enumerate(days)]
    return _join(words, t)


def _day_span(days: list[str], t: Catalogue, soft: bool = False) -> str:
    """Consecutive weekdays as a range ('Monday to Friday'), otherwise a list."""
    positions = [DAY_ORDER.index(d) for d in days]
    if len(days) >= 3 and positions == list(range(positions[0], positions[0] + len(days))):
        first = t(("schedule.day_soft." if soft else "schedule.day.") + days[0])
        return t(
            "schedule.day_range",
            first=first,
            last=t("schedule.day." + days[-1]),
            last_soft=t("schedule.day_soft." + days[-1]),
        )
    return _days(days, t, soft)


def _sentence(text: str) -> str:
    """The phrase with a capital first letter (Welsh day names start lower case inside a phrase)."""
    return text[:1].upper() + text[1:]


def describe(session: Session, t: Catalogue) -> str:
    """One session in words, such as 'First Monday of the month, 10:00 to 12:00'."""
    days = sorted(session.days, key=DAY_ORDER.index)
    times = {"start": session.start, "end": session.end}
    if session.is_opening_hours:
        span = {"days": _day_span(days, t), "days_soft": _day_span(days, t, soft=True)}
        return _sentence(t("schedule.opening_hours", **span, **times))
    names = {"days": _days(days, t), "days_soft": _days(days, t, soft=True)}
    if session.frequency == "monthly":
        return _sentence(t("schedule.monthly." + session.week_of_month, **names, **times))
    return _sentence(t("schedule." + session.frequency, **names, **times))


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
