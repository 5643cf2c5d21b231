"""Rules Table Schema cannot express, checked in Python over the flattened tables."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator

from generator.data.flatten import Table, locate, record_id
from generator.data.loader import Document
from generator.problems import WARNING, Problem
from generator.site.write import GENERATED

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Ids name pages (support/<id>/, need/<id>/, sheets/area/<id>/) and files, and are keys of objects in the
# site's scripts. Reserved: `index` (need/index.md is the list of needs; support/index.md would be
# /support/ itself), every name the build writes at the top of the site (GENERATED) or that MkDocs
# does (search/, where the search index goes too; 404.html, sitemap.xml), and every property of
# JavaScript's Object.prototype, with `prototype`. Names with capitals or underscores (__proto__,
# toString, ...) already break the id pattern.
JS_OBJECT_PROPERTIES = (
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "prototype",
)
SITE_NAMES = frozenset({"index", "search", "404", "sitemap"} | {g.split("/")[0].removesuffix(".md") for g in GENERATED})
RESERVED_IDS = SITE_NAMES | frozenset(JS_OBJECT_PROPERTIES)
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _problem(
    table: Table,
    row: int,
    column: str,
    code: str,
    message: str,
    hint: str = "",
    severity: str = "error",
    path: str = "",
) -> Problem:
    ctx = table.origins[row]
    line, located_path = locate(table.spec.field(column), ctx)
    return Problem(ctx.doc.display, line, path or located_path, code, message, hint, severity)


def _values(table: Table, row: int) -> dict[str, str | None]:
    return dict(zip((f.name for f in table.spec.fields), table.rows[row], strict=True))


_TIME = re.compile(r"(2[0-3]|[01][0-9]|[0-9]):([0-5][0-9]|[0-9])")  # what strptime's %H:%M takes


def _time(text: str | None) -> dt.time | None:
    found = _TIME.fullmatch(text or "")
    return dt.time(int(found.group(1)), int(found.group(2))) if found else None


def _date(text: str | None, table: Table | None = None, column: str = "") -> dt.date | None:
    """The date written, or None when there is none or it breaks its column's range (reported by Frictionless)."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    limits = table.spec.field(column).constraints if table else {}
    if not limits.get("minimum", str(dt.date.min)) <= day.isoformat() <= limits.get("maximum", str(dt.date.max)):
        return None
    return day


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month, months earlier (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for dd in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def record_ids(docs: list[Document]) -> list[tuple[str, str, int]]:
    """(id, file, line) of every record that states an id."""
    return [(rid, doc.display, doc.data.key_lines["id"]) for doc in docs if (rid := record_id(doc)) is not None]


def check_id_matches_file(docs: list[Document]) -> Iterator[Problem]:
    """Each record's id equals its file name."""
    for doc in docs:
        rid = record_id(doc)
        if rid is not None and rid != doc.path.stem:
            rename = f" or rename the file to '{rid}.yaml'" if SLUG.match(rid) and rid not in RESERVED_IDS else ""
            yield Problem(
                doc.display,
                doc.data.key_lines["id"],
                "id",
                "id-mismatch",
                f"the id '{rid}' does not match the file name '{doc.path.name}'.",
                f"Change the id to '{doc.path.stem}'{rename}.",
            )


def check_unique_ids(ids: list[tuple[str, str, int]]) -> Iterator[Problem]:
    """No two records share an id; each repeat names the file that has it first."""
    seen: dict[str, str] = {}
    for rid, display, line in sorted(ids, key=lambda i: i[1]):
        if rid in seen:
            yield Problem(
                display,
                line,
                "id",
                "duplicate-id",
                f"the id '{rid}' is already used by {seen[rid]}.",
                "Every asset needs its own id; pick another one.",
            )
        else:
            seen[rid] = display


def _another_id(taken: str, name: str | None) -> str:
    """An id to suggest instead of a reserved one: made from the name when that gives a free one."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower())
    from_name = "-".join(words)[:60].strip("-")
    if from_name and from_name not in RESERVED_IDS and SLUG.match(from_name):
        return from_name
    return f"{taken}-{words[0]}" if words and words[0] != taken else f"{taken}-1"


def check_reserved_ids(tables: dict[str, Table]) -> Iterator[Problem]:
    """No record, location, need or area takes an id the site uses for its own pages or its scripts need."""
    for table in tables.values():
        names = [f.name for f in table.spec.fields]
        if "id" not in names or table.spec.field("id").key != "id":
            continue
        column = names.index("id")
        for row, values in enumerate(table.rows):
            value = values[column]
            if value in RESERVED_IDS and SLUG.match(value):
                name = values[names.index("name")] if "name" in names else None
                suggestion = _another_id(value, name)
                record = table.spec.source == "assets" and not table.spec.path
                rename = " and rename the file to match" if record else ""
                yield _problem(
                    table,
                    row,
                    "id",
                    "reserved-id",
                    f"the id '{value}' is a name the site keeps for its own pages or scripts.",
                    f"Use another id, such as '{suggestion}'{rename}.",
                )


def _location_ids(locations: Table) -> dict[str, set[str]]:
    """Each record's location ids (a location without one is reported by Frictionless: required)."""
    location_ids: dict[str, set[str]] = defaultdict(set)
    for values in locations.rows:
        if values[1]:
            location_ids[values[0]].add(values[1])
    return location_ids


def check_sessions(sessions: Table, locations: Table, session_days: Table) -> Iterator[Problem]:
    """Times in order, monthly and fortnightly details present, locations that exist."""
    location_ids = _location_ids(locations)
    days: dict[tuple[str, str], set[str]] = defaultdict(set)
    for asset_id, session, day in session_days.rows:
        days[(asset_id, session)].add(day)
    for row in range(len(sessions.rows)):
        v = _values(sessions, row)
        start, end = _time(v["start"]), _time(v["end"])
        if start and end and end <= start:
            yield _problem(
                sessions,
                row,
                "end",
                "end-before-start",
                f"the end time {v['end']} is not after the start time {v['start']}.",
                "Use the 24-hour clock: 2pm is 14:00. A session ending after midnight is not supported.",
            )
        freq = v["frequency"]
        if freq == "monthly" and not v["week_of_month"]:
            yield _problem(
                sessions,
                row,
                "week_of_month",
                "required",
                "a monthly session needs week_of_month.",
                "Add week_of_month: first (or second, third, fourth, last).",
            )
        if v["week_of_month"] and freq != "monthly":
            yield _problem(
                sessions,
                row,
                "week_of_month",
                "not-monthly",
                f"week_of_month only applies to monthly sessions, and this one is {freq}.",
                "Set frequency: monthly, or remove week_of_month.",
            )
        if freq == "fortnightly":
            starts = _date(v["starts_on"], sessions, "starts_on")
            if not v["starts_on"]:
                yield _problem(
                    sessions,
                    row,
                    "starts_on",
                    "required",
                    "a fortnightly session needs starts_on, a date it happens on, to know which weeks.",
                    "Add starts_on: 2026-09-01 (any date the session runs).",
                )
            elif starts and DAYS[starts.weekday()] not in days[(v["asset_id"], v["index"])]:
                yield _problem(
                    sessions,
                    row,
                    "starts_on",
                    "wrong-weekday",
                    f"starts_on {v['starts_on']} is a {DAYS[starts.weekday()].title()}, "
                    "which is not one of this session's days.",
                    "Give a date on which the session really happens.",
                )
        known = location_ids.get(v["asset_id"], set())
        if v["location"] and v["location"] not in known:
            choices = ", ".join(sorted(known)) or "none: this record has no locations"
            yield _problem(
                sessions,
                row,
                "location",
                "unknown-location",
                f"'{v['location']}' is not one of this record's locations ({choices}).",
                "Use the id of one of the record's locations.",
            )
        elif not v["location"] and len(known) > 1:
            yield _problem(
                sessions,
                row,
                "location",
                "which-location",
                "this record has more than one location, so each session must say which.",
                f"Add location: with one of {', '.join(sorted(known))}.",
            )


def check_assets(
    assets: Table, locations: Table, attending: Table, today: dt.date, review_after_months: int | None
) -> Iterator[Problem]:
    """Dates, ages, costs, and a location for everything that happens in person (no stale warnings without months)."""
    located = {row[0] for row in locations.rows}
    modes: dict[str, set[str]] = defaultdict(set)
    for asset_id, mode in attending.rows:
        modes[asset_id].add(mode)
    stale_before = months_before(today, review_after_months) if review_after_months else dt.date.min
    for row in range(len(assets.rows)):
        v = _values(assets, row)
        checked = _date(v["last_checked"], assets, "last_checked")
        if checked and checked > today:
            yield _problem(
                assets,
                row,
                "last_checked",
                "future-date",
                f"the date {v['last_checked']} is in the future.",
                "Use the date the details were actually checked (YYYY-MM-DD).",
            )
        elif checked and checked < stale_before:
            yield _problem(
                assets,
                row,
                "last_checked",
                "stale",
                f"not checked since {v['last_checked']}, over {review_after_months} months ago.",
                "Ask the organisation to confirm the details, then update last_checked.",
                WARNING,
            )
        if (
            v["min_age"]
            and v["max_age"]
            and v["min_age"].isdigit()
            and v["max_age"].isdigit()
            and int(v["min_age"]) > int(v["max_age"])
        ):
            yield _problem(
                assets,
                row,
                "max_age",
                "ages-reversed",
                f"max_age {v['max_age']} is lower than min_age {v['min_age']}.",
                "Swap the two ages.",
            )
        if v["cost"] == "fee" and not v["cost_amount"]:
            yield _problem(
                assets,
                row,
                "cost_amount",
                "required",
                "a fee needs an amount.",
                "Add amount: 3.50 (pounds, digits only) under cost:.",
            )
        if v["cost"] == "free" and v["cost_amount"]:
            yield _problem(
                assets,
                row,
                "cost_amount",
                "free-with-amount",
                "the cost is free but an amount is given.",
                "Remove the amount, or set type: fee or type: donation.",
            )
        in_person = "in-person" in modes[v["id"]]
        if v["id"] not in located and in_person:
            yield _problem(
                assets,
                row,
                "id",
                "no-location",
                "this asset takes place in person but has no locations.",
                "Add a location under locations:, or if it is online or phone only, "
                "set attending: [online] or [phone] (or both).",
                path="locations",
            )
        if v["id"] in located and modes[v["id"]] and not in_person:
            yield _problem(
                assets,
                row,
                "id",
                "location-not-in-person",
                "this asset has locations but attending does not include in-person.",
                "Add in-person to attending, or remove the locations.",
                path="attending",
            )


CHANGE_NEEDS = {  # what each kind of change needs besides kind (to or review_by: see check_changes)
    "closed": ("from",),
    "cancelled": ("on",),
    "moved": ("from", "location"),
    "changed-time": ("from", "start", "end"),
    "note": ("note",),
}
CHANGE_ONLY = {"on": "cancelled", "location": "moved", "start": "changed-time", "end": "changed-time"}
CHANGE_EXAMPLE = {
    "from": "from: 2026-12-24",
    "on": "on: 2026-12-08",
    "location": "location: church-hall (the id of one of this record's locations)",
    "start": 'start: "13:00"',
    "end": 'end: "15:00"',
    "note": "note: Closed over Christmas; the phone line stays open.",
}


def check_changes(changes: Table, locations: Table, today: dt.date) -> Iterator[Problem]:
    """Each dated change has what its kind needs, its dates in order, and is removed once it has passed."""
    location_ids = _location_ids(locations)
    month_ago = months_before(today, 1)
    for row in range(len(changes.rows)):
        v = _values(changes, row)
        kind = v["kind"]
        if kind not in CHANGE_NEEDS:
            continue  # reported by Frictionless (not one of the allowed values)
        for column in CHANGE_NEEDS[kind]:
            if not v[column]:
                yield _problem(
                    changes,
                    row,
                    "kind",
                    "required",
                    f"a change of kind {kind} needs {column}.",
                    f"Add {CHANGE_EXAMPLE[column]}.",
                    path=_sibling(changes, row, column),
                )
        for column, only in CHANGE_ONLY.items():
            if v[column] and kind != only:
                yield _problem(
                    changes,
                    row,
                    column,
                    "not-for-kind",
                    f"{column} only applies to a change of kind {only}, and this one is {kind}.",
                    f"Set kind: {only}, or remove {column}.",
                )
        if kind == "cancelled" and (v["from"] or v["to"]):
            column = "from" if v["from"] else "to"
            yield _problem(
                changes,
                row,
                column,
                "not-for-kind",
                "a cancellation is for one day, given with on:, not from and to.",
                "Write on: with the day; for several days use kind: closed with from and to.",
            )
        first, last = _date(v["from"], changes, "from"), _date(v["to"], changes, "to")
        on, review_by = _date(v["on"], changes, "on"), _date(v["review_by"], changes, "review_by")
        if first and last and last < first:
            yield _problem(
                changes,
                row,
                "to",
                "dates-reversed",
                f"to {v['to']} is before from {v['from']}.",
                "Check the dates: to is the last day of the change, included.",
            )
        if first and review_by and review_by < first:
            yield _problem(
                changes,
                row,
                "review_by",
                "dates-reversed",
                f"review_by {v['review_by']} is before from {v['from']}.",
                "Give a date after the change begins on which to check it again.",
            )
        if kind != "cancelled" and not v["to"] and not v["review_by"]:
            yield _problem(
                changes,
                row,
                "kind",
                "open-ended",
                f"this {kind} change has no end date (to) and no review_by date.",
                "Add to: with its last day, or, when nobody knows yet, review_by: with a date to check it again.",
                path=_sibling(changes, row, "to"),
            )
        start, end = _time(v["start"]), _time(v["end"])
        if start and end and end <= start:
            yield _problem(
                changes,
                row,
                "end",
                "end-before-start",
                f"the end time {v['end']} is not after the start time {v['start']}.",
                "Use the 24-hour clock: 2pm is 14:00.",
            )
        ended = on or last
        if ended and ended < month_ago:
            yield _problem(
                changes,
                row,
                "on" if on else "to",
                "change-ended",
                f"this change ended on {ended.isoformat()}, over a month ago; remove it.",
                "Delete the change from the record (its - kind: line and the lines under it).",
                WARNING,
            )
        elif review_by and not last and review_by < today:
            yield _problem(
                changes,
                row,
                "review_by",
                "review-due",
                f"this open-ended change was due for review on {v['review_by']}.",
                "Ask the organisation whether it still applies; then give it an end date (to), "
                "a later review_by, or remove it.",
                WARNING,
            )
        known = location_ids.get(v["asset_id"], set())
        if v["location"] and v["location"] not in known:
            choices = ", ".join(sorted(known)) or "none: this record has no locations"
            yield _problem(
                changes,
                row,
                "location",
                "unknown-location",
                f"'{v['location']}' is not one of this record's locations ({choices}).",
                "Add the new place under locations: with its own id, and give that id here.",
            )


def _sibling(table: Table, row: int, column: str) -> str:
    """The record path of column in the row's part of the record (where a missing value belongs)."""
    return f"{table.origins[row].path}.{column}"


def check_capacity(assets: Table, today: dt.date) -> Iterator[Problem]:
    """A capacity says which (open, waiting-list, full) and as of when; wait_weeks only with a waiting list."""
    for row in range(len(assets.rows)):
        v = _values(assets, row)
        status = v["capacity"]
        if not status and (v["wait_weeks"] or v["capacity_as_of"]):
            yield _problem(
                assets,
                row,
                "capacity",
                "required",
                "capacity needs status: open, waiting-list or full.",
                "Add status: under capacity:, for example status: waiting-list.",
                path="capacity.status",
            )
            continue
        if status and not v["capacity_as_of"]:
            yield _problem(
                assets,
                row,
                "capacity",
                "required",
                "capacity needs as_of, the date it was last confirmed.",
                f"Add as_of: {today.isoformat()} under capacity: (the day the organisation told you).",
                path="capacity.as_of",
            )
        if v["wait_weeks"] and status != "waiting-list":
            yield _problem(
                assets,
                row,
                "wait_weeks",
                "not-for-kind",
                "wait_weeks only applies to status: waiting-list.",
                "Set status: waiting-list, or remove wait_weeks.",
            )
        as_of = _date(v["capacity_as_of"], assets, "capacity_as_of")
        if as_of and as_of > today:
            yield _problem(
                assets,
                row,
                "capacity_as_of",
                "future-date",
                f"the date {v['capacity_as_of']} is in the future.",
                "Use the date the organisation confirmed it (YYYY-MM-DD).",
            )
