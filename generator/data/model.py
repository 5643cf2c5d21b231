"""Model stage: typed, read-only objects built from validated tables, for rendering and export."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from generator.data.flatten import Table
from generator.data.schema import FieldSpec


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

    @property
    def is_opening_hours(self) -> bool:
        """True for opening hours of a drop-in or phone line, rather than a session."""
        return self.type == "opening-hours"


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


def typed(fld: FieldSpec, text: str | None) -> object:
    """Cast one validated cell from its written text to the schema's type (None stays None)."""
    if text is None or text == "":
        return None
    if fld.type == "integer":
        return int(text)
    if fld.type == "number":
        return float(text)
    if fld.type == "date":
        return dt.date.fromisoformat(text)
    if fld.type == "time":
        hours, minutes = text.split(":")
        return f"{int(hours):02d}:{int(minutes):02d}"
    return text.strip() if "\n" not in text else text.rstrip()


def rows(table: Table, skip: set[str] = frozenset()) -> list[dict[str, object]]:
    """The table's rows as dicts of typed values, without the named columns."""
    specs = [(i, f) for i, f in enumerate(table.spec.fields) if f.name not in skip]
    return [{f.name: typed(f, row[i]) for i, f in specs} for row in table.rows]


def _grouped(table: Table, value: str, *keys: str) -> dict[tuple, tuple]:
    out: dict[tuple, list] = defaultdict(list)
    for row in rows(table):
        out[tuple(row[k] for k in keys)].append(row[value])
    return {k: tuple(v) for k, v in out.items()}


def _without_none(row: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if v is not None}


def _vocabulary_translations(table: Table | None, key: str) -> dict[str, dict[str, dict[str, str]]]:
    """Vocabulary id -> language -> field -> text (empty for a data package from before translated vocabularies)."""
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows(table) if table is not None else []:
        entry, language = row.pop(key), row.pop("language")
        out[entry][language] = _without_none(row)
    return out


def build_vocabulary(tables: dict[str, Table]) -> tuple[list[Category], list[Area]]:
    """Typed categories and areas with their translations, in the order the vocabulary files give them."""
    category_text = _vocabulary_translations(tables.get("category_translations"), "category")
    area_text = _vocabulary_translations(tables.get("area_translations"), "area")
    categories = [
        Category(**_without_none(r), translations=category_text.get(r["id"], {})) for r in rows(tables["categories"])
    ]
    areas = [Area(**_without_none(r), translations=area_text.get(r["id"], {})) for r in rows(tables["areas"])]
    return categories, areas


def build_assets(tables: dict[str, Table]) -> list[Asset]:
    """Typed assets, sorted by name, assembled from the validated tables."""
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
        locations[asset_id].append(Location(**_without_none(row)))
    sessions: dict[str, list[Session]] = defaultdict(list)
    for row in rows(tables["sessions"]):
        asset_id = row.pop("asset_id")
        row["days"] = days.get((asset_id, row["index"]), ())
        sessions[asset_id].append(Session(**_without_none(row)))
    translations: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows(tables["translations"]):
        asset_id, language = row.pop("asset_id"), row.pop("language")
        translations[asset_id][language] = _without_none(row)
    assets = []
    assets_table = tables["assets"]
    for ctx, row in zip(assets_table.origins, rows(assets_table), strict=True):
        asset_id = row["id"]
        extra = {name: values.get((asset_id,), ()) for name, values in singles.items()}
        assets.append(
            Asset(
                **_without_none(row),
                **extra,
                source=ctx.doc.path.name,
                locations=tuple(locations.get(asset_id, ())),
                sessions=tuple(sessions.get(asset_id, ())),
                translations=translations.get(asset_id, {}),
            )
        )
    return sorted(assets, key=lambda a: (a.name.casefold(), a.id))
