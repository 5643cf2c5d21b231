"""Model stage: typed, read-only objects built from validated tables, for rendering and export."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.data.flatten import Table


@dataclass(frozen=True)
class Category:
    """A need people browse by."""

    id: str
    name: str
    description: str
    icon: str | None = None
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)  # language -> field -> text


@dataclass(frozen=True)
class Area:
    """A place people browse by."""

    id: str
    name: str
    description: str | None = None
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)  # language -> field -> text


@dataclass(frozen=True)
class Location:
    """Where an asset happens."""

    id: str
    name: str
    address: str
    town: str
    postcode: str
    latitude: float
    longitude: float
    accessibility: tuple[str, ...] = ()
    accessibility_notes: str | None = None

    @property
    def district(self) -> str:
        """The postcode's outward code (district), such as GL5."""
        return self.postcode.split()[0]


@dataclass(frozen=True)
class Session:
    """A regular session or opening hours."""

    index: int
    frequency: str
    start: str
    end: str
    days: tuple[str, ...] = ()
    type: str | None = None
    name: str | None = None
    week_of_month: str | None = None
    starts_on: dt.date | None = None
    location: str | None = None
    notes: str | None = None
    bank_holidays: str | None = None  # "closed": not on the area's bank holidays
    # Dated exceptions, from the record's changes (and bank holidays): see calendars.occurs.
    closed: tuple[tuple[dt.date, dt.date], ...] = ()  # inclusive ranges on which it does not happen
    moves: tuple[tuple[dt.date, dt.date, str], ...] = ()  # (first, last, location id): held elsewhere
    retimes: tuple[tuple[dt.date, dt.date, str, str], ...] = ()  # (first, last, start, end): other times

    @property
    def is_opening_hours(self) -> bool:
        """True for opening hours of a drop-in or phone line, rather than a session."""
        return self.type == "opening-hours"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OPEN_ENDED = dt.date(9999, 12, 31)  # the last day of a change with no end date (it has review_by instead)


@dataclass(frozen=True)
class Change:
    """A dated change to the usual times or place: closed, cancelled, moved, changed-time or note."""

    index: int
    kind: str
    first: dt.date | None = None  # written from:
    last: dt.date | None = None  # written to: (included)
    on: dt.date | None = None  # for cancelled
    review_by: dt.date | None = None
    location: str | None = None
    start: str | None = None
    end: str | None = None
    note: str | None = None

    @property
    def begins(self) -> dt.date:
        """The first day it applies (a cancellation's day; a note without from: always)."""
        return self.on or self.first or dt.date.min

    @property
    def ends(self) -> dt.date:
        """The last day it applies (OPEN_ENDED when it has no end date)."""
        return self.on or self.last or OPEN_ENDED

    @property
    def open_ended(self) -> bool:
        """True when it has no end date."""
        return self.ends == OPEN_ENDED

    def current(self, today: dt.date, ahead_days: int = 0) -> bool:
        """True while it applies on today, or begins within ahead_days after it."""
        return self.begins <= today + dt.timedelta(ahead_days) and self.ends >= today


@dataclass(frozen=True)
class Asset:
    """One community asset with everything a person needs to go."""

    id: str
    name: str
    summary: str
    description: str
    status: str
    organisation: str
    access: str
    cost: str
    last_checked: dt.date
    checked_by: str
    source: str
    status_notes: str | None = None
    organisation_website: str | None = None
    access_notes: str | None = None
    cost_amount: float | None = None
    cost_per: str | None = None
    cost_notes: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    who_for_notes: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    contact_notes: str | None = None
    categories: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    attending: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    sessions: tuple[Session, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    to_confirm: tuple[str, ...] = ()  # a draft: what a person must confirm before it is published
    changes: tuple[Change, ...] = ()
    capacity: str | None = None  # open | waiting-list | full
    wait_weeks: int | None = None
    capacity_as_of: dt.date | None = None
    first_visit: str | None = None
    # in a page of another language: the fields shown in the default language, having no translation
    untranslated: frozenset[str] = frozenset()

    @property
    def draft(self) -> bool:
        """True for a record kept off the site until a person confirms what to_confirm lists."""
        return bool(self.to_confirm)

    @property
    def located(self) -> bool:
        """True when the asset has at least one location on the map."""
        return bool(self.locations)


def _time(text: str) -> str:
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{int(minutes):02d}"


def _text(text: str) -> str:
    return text.strip() if "\n" not in text else text.rstrip()


# each column's cast from its written, validated text to the schema's type (an empty cell is None)
_CASTS = {"integer": int, "number": float, "date": dt.date.fromisoformat, "time": _time}


def _casts(table: Table) -> list[tuple[int, str, Callable[[str], object]]]:
    """Each column's position, name and cast."""
    return [(i, f.name, _CASTS.get(f.type, _text)) for i, f in enumerate(table.spec.fields)]


def rows(table: Table) -> list[dict[str, object]]:
    """The table's rows as dicts of the typed values they hold (an empty cell is left out)."""
    casts = _casts(table)
    return [{name: cast(row[i]) for i, name, cast in casts if row[i]} for row in table.rows]


def _grouped(table: Table, value: str, *keys: str) -> dict[tuple, tuple]:
    """The typed values of one column, grouped by the typed values of others (read from those columns alone)."""
    columns = {name: (i, cast) for i, name, cast in _casts(table)}
    (at, cast), by = columns[value], [columns[k] for k in keys]
    out: dict[tuple, list] = defaultdict(list)
    for row in table.rows:
        key = tuple(c(row[i]) if row[i] else None for i, c in by)
        out[key].append(cast(row[at]) if row[at] else None)
    return {k: tuple(v) for k, v in out.items()}


def _vocabulary_translations(table: Table | None, key: str) -> dict[str, dict[str, dict[str, str]]]:
    """Vocabulary id -> language -> field -> text (empty for a data package from before translated vocabularies)."""
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows(table) if table is not None else []:
        entry, language = row.pop(key), row.pop("language")
        out[entry][language] = row
    return out


def build_vocabulary(tables: dict[str, Table]) -> tuple[list[Category], list[Area]]:
    """Typed categories and areas with their translations, in the order the vocabulary files give them."""
    category_text = _vocabulary_translations(tables.get("category_translations"), "category")
    area_text = _vocabulary_translations(tables.get("area_translations"), "area")
    categories = [Category(**r, translations=category_text.get(r["id"], {})) for r in rows(tables["categories"])]
    areas = [Area(**r, translations=area_text.get(r["id"], {})) for r in rows(tables["areas"])]
    return categories, areas


def _changes(tables: dict[str, Table]) -> dict[str, tuple[Change, ...]]:
    out: dict[str, list[Change]] = defaultdict(list)
    if "changes" not in tables:  # a data package from before dated changes has no such table
        return {}
    for row in rows(tables["changes"]):
        asset_id = row.pop("asset_id")
        for written, name in (("from", "first"), ("to", "last")):
            if written in row:
                row[name] = row.pop(written)
        out[asset_id].append(Change(**row))
    return {k: tuple(v) for k, v in out.items()}


def _with_exceptions(session: Session, changes: tuple[Change, ...], holidays: tuple[dt.date, ...]) -> Session:
    """The session with the closures, cancellations, moves and new times of the record's changes (and bank holidays)."""
    closed = [(c.begins, c.ends) for c in changes if c.kind in ("closed", "cancelled")]
    if session.bank_holidays == "closed":
        weekdays = {_WEEKDAYS.index(d) for d in session.days}
        closed += [(day, day) for day in holidays if day.weekday() in weekdays]
    moves = tuple((c.begins, c.ends, c.location) for c in changes if c.kind == "moved" and c.location)
    retimes = tuple((c.begins, c.ends, c.start, c.end) for c in changes if c.kind == "changed-time" and c.start)
    if not (closed or moves or retimes):
        return session
    return dataclasses.replace(session, closed=tuple(sorted(set(closed))), moves=moves, retimes=retimes)


def build_assets(tables: dict[str, Table], holidays: tuple[dt.date, ...] = ()) -> list[Asset]:
    """Typed assets, sorted by name, assembled from the validated tables.

    holidays: the area's bank holidays, which sessions marked bank_holidays: closed do not run on.
    """
    changes = _changes(tables)
    singles = {
        "categories": _grouped(tables["asset_categories"], "category", "asset_id"),
        "areas": _grouped(tables["asset_areas"], "area", "asset_id"),
        "groups": _grouped(tables["asset_groups"], "group", "asset_id"),
        "attending": _grouped(tables["asset_attending"], "mode", "asset_id"),
        "languages": _grouped(tables["asset_languages"], "language", "asset_id"),
    }
    if "asset_to_confirm" in tables:  # a data package from before drafts has no such table
        singles["to_confirm"] = _grouped(tables["asset_to_confirm"], "item", "asset_id")
    features = _grouped(tables["location_accessibility"], "feature", "asset_id", "location_id")
    days = _grouped(tables["session_days"], "day", "asset_id", "session")
    locations: dict[str, list[Location]] = defaultdict(list)
    for row in rows(tables["locations"]):
        asset_id = row.pop("asset_id")
        row["accessibility"] = features.get((asset_id, row["id"]), ())
        locations[asset_id].append(Location(**row))
    sessions: dict[str, list[Session]] = defaultdict(list)
    for row in rows(tables["sessions"]):
        asset_id = row.pop("asset_id")
        row["days"] = days.get((asset_id, row["index"]), ())
        session = Session(**row)
        sessions[asset_id].append(_with_exceptions(session, changes.get(asset_id, ()), holidays))
    translations: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows(tables["translations"]):
        asset_id, language = row.pop("asset_id"), row.pop("language")
        translations[asset_id][language] = row
    assets = []
    assets_table = tables["assets"]
    for ctx, row in zip(assets_table.origins, rows(assets_table), strict=True):
        asset_id = row["id"]
        extra = {name: values.get((asset_id,), ()) for name, values in singles.items()}
        assets.append(
            Asset(
                **row,
                **extra,
                source=ctx.doc.path.name,
                locations=tuple(locations.get(asset_id, ())),
                sessions=tuple(sessions.get(asset_id, ())),
                translations=translations.get(asset_id, {}),
                changes=changes.get(asset_id, ()),
            )
        )
    return sorted(assets, key=lambda a: (a.name.casefold(), a.id))
