"""Open data exports: the data package (CSV + datapackage.json), GeoJSON, and the Open data page with every file."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from generator.authoring.fieldref import field_reference
from generator.data.check import Checked
from generator.data.model import Area, Asset, Category
from generator.data.schema import FieldSpec, Schema, TableSpec, frictionless_descriptor
from generator.opendata.calendars import calendars
from generator.opendata.oruk_export import PAGE_SIZE, oruk_id, to_service, web_url
from generator.opendata.spreadsheet import csv_columns
from generator.render.pages import Site
from generator.render.schedule import describe
from generator.render.strings import Catalogue
from generator.speed.buildstate import KEEP, Keep

FORMATS = ("datapackage", "oruk", "geojson", "ics")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula character at the start of a line inside a cell: a reader that splits rows at line breaks
# (every break str.splitlines knows, not only the LF a description may hold) would start a cell there.
FORMULA_AFTER_BREAK = re.compile("(?<=[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])(?=[=+\\-@\t\r])")


def _json(value: object) -> str:
    """Indented JSON, for small descriptors people read."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _compact(value: object) -> str:
    """Compact JSON, for data files that grow with the number of assets."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- data package ---------------------------------------------------------------------------------


def _value(obj: object, name: str) -> object:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _free_text(fld: FieldSpec) -> bool:
    """True for text a contributor writes freely (no pattern, no list of values): a spreadsheet might run it."""
    return fld.type == "string" and not {"pattern", "enum"} & set(fld.constraints)


def _text(value: object) -> str:
    """A value other than text or None (a date, a number) as CSV text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _special(name: str, asset: Asset | None, obj: object, parent: object, key: str) -> object:
    """The value of a column the schema derives from a record's structure (its asset, index, key or parent)."""
    if name == "@asset":
        return asset.id if asset else None
    if name == "@value":
        return obj
    if name == "@key":
        return key
    if name == "@index":
        return _value(obj, "index")
    if name == "@parent.id":
        return _value(parent, "id")
    return _value(parent, "index")  # @parent.@index


SPECIAL_KEYS = frozenset({"@asset", "@value", "@key", "@index", "@parent.id", "@parent.@index"})


def _row(
    columns: list[tuple[str, str, bool, bool]], asset: Asset | None, obj: object, parent: object = None, key: str = ""
) -> list[str]:
    """One row's cells; columns are (record key, name, derived from the record's structure, free text).

    Free text that a spreadsheet would run as a formula is prefixed with ', at its start and at the
    start of every line inside it. One loop rather than calls per cell: the data package has over half
    a million cells at 10,000 assets (only text with a line break or other unprintable character is searched).
    """
    row = []
    from_dict = isinstance(obj, dict)
    for record_key, name, special, free in columns:
        if special:
            value = _special(record_key, asset, obj, parent, key)
        else:
            value = obj.get(name) if from_dict else getattr(obj, name, None)
        text = "" if value is None else value if value.__class__ is str else _text(value)
        if free:
            if text.startswith(FORMULA_START):
                text = "'" + text
            if not text.isprintable():
                text = FORMULA_AFTER_BREAK.sub("'", text)
        row.append(text)
    return row


def table_rows(table: TableSpec, assets: list[Asset], vocabularies: dict[str, list]) -> Iterator[list[str]]:
    """The rows of one data package table, made from the typed model by following the table's record path."""
    columns = [(fld.key, fld.name, fld.key in SPECIAL_KEYS, _free_text(fld)) for fld in table.fields]
    if table.source != "assets":
        for item in vocabularies[table.name]:
            yield _row(columns, None, item)
        return
    segments = table.segments
    parts = [s.rstrip("[]{}") for s in segments if s.endswith(("[]", "{}"))]
    for asset in assets:
        if not parts:
            yield _row(columns, asset, asset)
        elif segments[-1].endswith("{}"):
            for key, values in sorted(getattr(asset, parts[0]).items()):
                yield _row(columns, asset, values, key=key)
        elif len(parts) == 1:
            for item in getattr(asset, parts[0]):
                yield _row(columns, asset, item)
        else:
            for parent in getattr(asset, parts[0]):
                for item in getattr(parent, parts[1]):
                    yield _row(columns, asset, item, parent)


def _id_column(table: TableSpec) -> int:
    """The column holding the asset id in a table drawn from the records."""
    return next(i for i, f in enumerate(table.fields) if f.key == "@asset" or (not table.path and f.name == "id"))


def _spliced_rows(text: str, table: TableSpec, made_again: list[Asset], unchanged: frozenset[str]) -> list | None:
    """A table's rows: those of unchanged assets read back from the last build's CSV, the others made again.

    Rows come in the order data_package makes them (by asset id; each asset's own rows in its
    order). None when the text is not such a table.
    """
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        if next(reader, None) != [f.name for f in table.fields]:
            return None
        column = _id_column(table)
        kept = [row for row in reader if row[column] in unchanged]
    except (csv.Error, IndexError):
        return None
    return sorted(kept + list(table_rows(table, made_again, {})), key=lambda row: row[column])


def data_package(
    schema: Schema,
    assets: list[Asset],
    categories: list[Category],
    areas: list[Area],
    previous: dict[str, str] | None = None,
    unchanged: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """datapackage.json and one CSV per table, as {file name: text}, rows in a stable order.

    With previous (the last build's CSV text by file name, as this function wrote it) the rows of
    the assets in unchanged are read back from it instead of made again: a rebuild after one record
    changed makes that record's rows only.
    """
    assets = sorted(assets, key=lambda a: a.id)
    made_again = [a for a in assets if a.id not in unchanged]
    vocabularies = {"categories": categories, "areas": areas}
    descriptor = frictionless_descriptor(schema.descriptor)
    files = {}
    for resource, table in zip(descriptor["resources"], schema.tables, strict=True):
        name = f"{table.name}.csv"
        rows = None
        if previous and name in previous and table.source == "assets":
            rows = _spliced_rows(previous[name], table, made_again, unchanged)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([f.name for f in table.fields])
        writer.writerows(table_rows(table, assets, vocabularies) if rows is None else rows)
        files[name] = buffer.getvalue()
        resource.update(path=name, format="csv", mediatype="text/csv", encoding="utf-8")
    return {"datapackage.json": _json(descriptor), **files}


def published_data_package(
    site: Site, schema: Schema, unchanged: frozenset[str] = frozenset(), previous: dict[str, str] | None = None
) -> dict[str, str]:
    """The data package as the site publishes it, keyed by path inside the docs folder (see data_package)."""
    files = data_package(schema, site.assets, site.categories, site.areas, previous, unchanged)
    return {PUBLISHED["datapackage"] + name: text for name, text in files.items()}


# --- GeoJSON --------------------------------------------------------------------------------------


def geojson(site: Site) -> dict:
    """An RFC 7946 FeatureCollection: one Point per venue, [longitude, latitude], with the asset's key facts."""
    features = []
    for asset in sorted(site.assets, key=lambda a: a.id):
        for loc in asset.locations:
            properties = {
                "asset_id": asset.id,
                "name": asset.name,
                "summary": asset.summary,
                "organisation": asset.organisation,
                "status": asset.status,
                "categories": list(asset.categories),
                "areas": list(asset.areas),
                "access": asset.access,
                "cost": asset.cost,
                "cost_text": site.cost_text(asset),
                "when": [describe(s, site.t) for s in asset.sessions if s.location in (None, loc.id)],
                "location_id": loc.id,
                "location_name": loc.name,
                "address": loc.address,
                "town": loc.town,
                "postcode": loc.postcode,
                "accessibility": list(loc.accessibility),
                "phone": asset.phone,
                "email": asset.email,
                "website": web_url(asset.website),
                "page": f"support/{asset.id}/",
                "last_checked": asset.last_checked.isoformat(),
            }
            features.append(
                {
                    "type": "Feature",
                    "id": f"{asset.id}/{loc.id}",
                    "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
                    "properties": {k: v for k, v in properties.items() if v not in (None, "", [])},
                }
            )
    return {"type": "FeatureCollection", "features": features}


# --- Open Referral UK -----------------------------------------------------------------------------


def oruk_services(site: Site, wanted: Callable[[int, Asset], bool] = lambda i, a: True) -> list[dict | None]:
    """Every asset as an ORUK service, ordered by id (None for those wanted leaves out)."""
    categories = {c.id: (c.name, c.description) for c in site.categories}
    areas = {a.id: a.name for a in site.areas}
    region = site.config.area_name
    ordered = sorted(site.assets, key=lambda a: a.id)
    return [to_service(a, site.t, categories, areas, region) if wanted(i, a) else None for i, a in enumerate(ordered)]


def oruk_files(site: Site, skip: frozenset[str] = frozenset(), part: tuple[int, int] = (0, 1)) -> dict[str, str | Keep]:
    """services.json shaped like ORUK's paginated /services response, and one file per service (KEEP for skip).

    With part (k, n), only the files of the k-th of n runs of services (ordered by id) are made,
    and services.json with the first run, so that n processes can share the work.
    """
    index, parts = part
    size = -(-len(site.assets) // parts)
    mine = range(index * size, (index + 1) * size)
    listed = PAGE_SIZE if index == 0 else 0
    services = oruk_services(site, lambda i, a: i < listed or (i in mine and a.id not in skip))
    files: dict[str, str | Keep] = {}
    if index == 0:
        first = services[:PAGE_SIZE]
        pages = max(1, -(-len(services) // PAGE_SIZE))
        listing = {
            "total_items": len(services),
            "total_pages": pages,
            "page_number": 1,
            "size": len(first),
            "first_page": True,
            "last_page": pages == 1,
            "empty": not services,
            "contents": first,
        }
        files["services.json"] = _compact(listing)
    ordered = sorted(site.assets, key=lambda a: a.id)
    for i in mine[: max(0, len(ordered) - mine.start)]:
        asset_id = ordered[i].id
        files[f"services/{oruk_id(asset_id)}.json"] = KEEP if asset_id in skip else _compact(services[i])
    return files


# --- everything -----------------------------------------------------------------------------------


def export_files(
    site: Site, schema: Schema, fmt: str, skip: frozenset[str] = frozenset(), part: tuple[int, int] = (0, 1)
) -> dict[str, str | bytes | Keep]:
    """The files of one format, keyed by their path inside its folder (per-asset files of skip are KEEP).

    part (k, n) shares out the ORUK services, the largest export (see oruk_files); other formats come whole.
    """
    if fmt == "datapackage":
        return dict(data_package(schema, site.assets, site.categories, site.areas))
    if fmt == "oruk":
        return dict(oruk_files(site, skip, part))
    if fmt == "geojson":
        return {"assets.geojson": _compact(geojson(site))}
    if fmt == "ics":
        return dict(calendars(site.assets, site.t, skip))
    raise ValueError(f"unknown format {fmt}")


PUBLISHED = {"datapackage": "data/datapackage/", "oruk": "data/oruk/", "geojson": "data/", "ics": "data/calendar/"}


def _markdown_text(text: str) -> Markup:
    """Schema-derived markdown without its marker comments, <, > and & escaped (quotes kept for code spans)."""
    lines = [line for line in text.splitlines() if not line.startswith("<!--")]
    return Markup(html.escape("\n".join(lines).strip(), quote=False))


def open_data_files(
    site: Site,
    schema: Schema,
    skip: frozenset[str] = frozenset(),
    formats: tuple[str, ...] = FORMATS,
    part: tuple[int, int] = (0, 1),
) -> dict[str, str | bytes | Keep]:
    """The published files of the given formats, keyed by path inside the docs folder.

    The per-asset files (calendars, ORUK services) of assets in skip are KEEP; part as for export_files.
    """
    files: dict[str, str | bytes | Keep] = {}
    for fmt in formats:
        exported = export_files(site, schema, fmt, skip, part)
        files |= {PUBLISHED[fmt] + name: content for name, content in exported.items()}
    return files


def render_open_data_page(site: Site, checked: Checked, env: Environment) -> str:
    """The Open data page: licence, every file, the tables and fields, and the ORUK mapping."""
    mapping = [(f.table, f.name, f.oruk) for t in checked.schema.tables for f in t.fields if f.oruk]
    return env.get_template("opendata.md.j2").render(
        site=site,
        t=site.t,
        calendars=sum(1 for a in site.assets if a.sessions),
        links={
            "datapackage": PUBLISHED["datapackage"] + "datapackage.json",
            "oruk": PUBLISHED["oruk"] + "services.json",
            "geojson": PUBLISHED["geojson"] + "assets.geojson",
        },
        tables=[(f"{t.name}.csv", f"{PUBLISHED['datapackage']}{t.name}.csv") for t in checked.schema.tables],
        fields=_markdown_text(field_reference(checked.schema)),
        mapping=mapping,
        columns=csv_columns(checked.schema),
        root="../",
    )


def render_open_data(site: Site, checked: Checked, env: Environment) -> dict[str, str | bytes | Keep]:
    """The Open data page and every published data file, keyed by path inside the docs folder."""
    return {"open-data.md": render_open_data_page(site, checked, env), **open_data_files(site, checked.schema)}


def write_export(site: Site, schema: Schema, fmt: str, out: Path) -> list[Path]:
    """Write one format's files into out (the only function here that touches the disk)."""
    written = []
    for name, content in sorted(export_files(site, schema, fmt).items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
        written.append(target)
    return written


def catalogue_site(checked: Checked, t: Catalogue, today: dt.date) -> Site:
    """A Site for exports made outside a build (the CLI)."""
    return Site(checked.config, t, checked.assets, checked.categories, checked.areas, today)
