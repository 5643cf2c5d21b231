"""The UK bank holidays of the area's nation, from the `holidays` package, around the build date."""

from __future__ import annotations

import datetime as dt
import functools

NATIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern-ireland": "NIR"}
BEFORE_DAYS = 366  # bank holidays known this far back from the build date (a year, for the open data)
AHEAD_DAYS = 400  # and this far ahead: as far as "Next:" looks (calendars.next_date, schedule.js)


@functools.lru_cache(maxsize=8)
def bank_holidays(nation: str, today: dt.date) -> tuple[dt.date, ...]:
    """The bank holidays of nation (a NATIONS key) from BEFORE_DAYS before today to AHEAD_DAYS after it."""
    import holidays  # imported here: only a build needs it

    first, last = today - dt.timedelta(BEFORE_DAYS), today + dt.timedelta(AHEAD_DAYS)
    table = holidays.country_holidays("GB", subdiv=NATIONS[nation], years=range(first.year, last.year + 1))
    return tuple(sorted(day for day in table if first <= day <= last))
