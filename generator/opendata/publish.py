"""Open data exports: the data package (CSV + datapackage.json), GeoJSON, and the Open data page with every file."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from generator.authoring.fieldref import field_reference
from generator.data.check import Checked
from generator.data.model import Area, Asset, Category
from generator.data.schema import FieldSpec, Schema, TableSpec, frictionless_descriptor
from generator.opendata.calendars import asset_calendar
from generator.opendata.oruk_export import DISCOVERY, PAGE_SIZE, oruk_id, to_service, web_url
from generator.opendata.spreadsheet import csv_columns
from generator.render.contract import Assembled, Output, PerSubject, SiteWide, every_file
from generator.render.pages import Site
from generator.render.schedule import describe
from generator.render.strings import Catalogue

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


def _columns(table: TableSpec) -> list[tuple[str, str, bool, bool]]:
    """The table's columns as _row takes them."""
    return [(fld.key, fld.name, fld.key in SPECIAL_KEYS, _free_text(fld)) for fld in table.fields]


def _id_column(table: TableSpec) -> int:
    """The column holding the asset id in a table drawn from the records."""
    return next(i for i, f in enumerate(table.fields) if f.key == "@asset" or (not table.path and f.name == "id"))


class DataPackage:
    """datapackage.json and one CSV per table, assembled from each asset's rows (its part), rows in a stable order."""

    def __init__(self, schema: Schema, categories: list[Category], areas: list[Area]) -> None:
        self.schema = schema
        self.vocabularies = {"categories": categories, "areas": areas}
        self._by_source = {schema.table(name).source: items for name, items in self.vocabularies.items()}
        self.tables = [(table, _columns(table)) for table in schema.tables]
        self.from_assets = [table for table in schema.tables if table.source == "assets"]
        self._paths = {
            table.name: [s.rstrip("[]{}") for s in table.segments if s.endswith(("[]", "{}"))]
            for table in self.from_assets
        }

    def part(self, asset: Asset) -> list[list[list[str]]]:
        """One asset's rows: a list for each table drawn from the records, made by following its record path."""
        return [self._rows(table, columns, asset) for table, columns in self.tables if table.source == "assets"]

    def _rows(self, table: TableSpec, columns: list, asset: Asset) -> list[list[str]]:
        parts = self._paths[table.name]
        if not parts:
            return [_row(columns, asset, asset)]
        if table.segments[-1].endswith("{}"):
            return [_row(columns, asset, values, key=key) for key, values in sorted(getattr(asset, parts[0]).items())]
        if len(parts) == 1:
            return [_row(columns, asset, item) for item in getattr(asset, parts[0])]
        return [
            _row(columns, asset, item, parent)
            for parent in getattr(asset, parts[0])
            for item in getattr(parent, parts[1])
        ]

    def assemble(self, parts: dict[str, list]) -> dict[str, str]:
        """The package's files, as {file name: text}: each table's rows by asset id (each asset's in its order)."""
        order = sorted(parts)
        descriptor = frictionless_descriptor(self.schema.descriptor)
        files = {}
        n = 0
        for resource, (table, columns) in zip(descriptor["resources"], self.tables, strict=True):
            name = f"{table.name}.csv"
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([f.name for f in table.fields])
            if table.source == "assets":
                writer.writerows(chain.from_iterable(parts[asset_id][n] for asset_id in order))
                n += 1
            elif table.segments[-1].endswith("{}"):  # a vocabulary's translations: one row per entry and language
                items = self._by_source.get(table.source, [])
                writer.writerows(
                    _row(columns, None, values, item, language)
                    for item in items
                    for language, values in sorted(getattr(item, "translations", {}).items())
                )
            else:
                writer.writerows(_row(columns, None, item) for item in self.vocabularies[table.name])
            files[name] = buffer.getvalue()
            resource.update(path=name, format="csv", mediatype="text/csv", encoding="utf-8")
        return {"datapackage.json": _json(descriptor), **files}

    def recover(self, read: Callable[[str], str | None]) -> dict[str, list]:
        """The parts held by tables that assemble wrote (read(file name): its text, or None), by asset id.

        {} when a table cannot be read back as such.
        """
        tables: list[dict[str, list]] = []
        for table in self.from_assets:
            text = read(f"{table.name}.csv")
            if text is None:
                return {}
            rows: dict[str, list] = defaultdict(list)
            try:
                reader = csv.reader(io.StringIO(text, newline=""))
                if next(reader, None) != [f.name for f in table.fields]:
                    return {}
                column = _id_column(table)
                for row in reader:
                    rows[row[column]].append(row)
            except (csv.Error, IndexError):
                return {}
            tables.append(rows)
        return {asset_id: [rows.get(asset_id, []) for rows in tables] for asset_id in set().union(*tables)}


def data_package(schema: Schema, assets: list[Asset], categories: list[Category], areas: list[Area]) -> dict[str, str]:
    """datapackage.json and one CSV per table, as {file name: text} (see DataPackage)."""
    package = DataPackage(schema, categories, areas)
    return package.assemble({asset.id: package.part(asset) for asset in assets})


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
            for language, texts in sorted(asset.translations.items()):  # name_cy, summary_cy: where a record has them
                for key in ("name", "summary"):
                    properties[f"{key}_{language}"] = texts.get(key)
            properties |= _geojson_changes(site, asset, loc.id)
            features.append(
                {
                    "type": "Feature",
                    "id": f"{asset.id}/{loc.id}",
                    "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
                    "properties": {k: v for k, v in properties.items() if v not in (None, "", [])},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _geojson_changes(site: Site, asset: Asset, location: str) -> dict:
    """A venue's capacity and the asset's current and coming changes (moves say where), when it has any."""
    extra: dict = {}
    if asset.capacity:
        extra["capacity"] = asset.capacity if site.capacity_fresh(asset) else "ask-first"
        extra["capacity_text"] = site.capacity_text(asset)
        extra["capacity_as_of"] = asset.capacity_as_of.isoformat() if asset.capacity_as_of else None
    changes = [
        {
            "kind": c.kind,
            "from": c.begins.isoformat() if c.begins != dt.date.min else None,
            "to": None if c.open_ended else c.ends.isoformat(),
            "location_id": c.location,
            "text": site.change_text(asset, c),
        }
        for c in site.current_changes(asset)
    ]
    if changes:
        extra["changes"] = [{k: v for k, v in c.items() if v is not None} for c in changes]
    return extra


# --- Open Referral UK -----------------------------------------------------------------------------


def format_outputs(site: Site, schema: Schema, fmt: str, folder: str = "") -> list[Output]:
    """The outputs of one format, with paths inside folder (its folder in the site, or "" for an export)."""
    if fmt == "datapackage":
        package = DataPackage(schema, site.categories, site.areas)
        files = package.assemble
        return [
            Assembled(
                "data package",
                package.part,
                lambda parts: {folder + name: text for name, text in files(parts).items()},
                lambda read: package.recover(lambda name: read(folder + name)),
                cost=3,
            )
        ]
    if fmt == "oruk":
        return oruk_outputs(site, folder)
    if fmt == "geojson":
        return [SiteWide("GeoJSON", lambda: {folder + "assets.geojson": _compact(geojson(site))}, cost=1.6)]
    if fmt == "ics":
        return [
            PerSubject(
                "calendars",
                "asset",
                lambda asset: f"{folder}{asset.id}.ics" if asset.sessions else None,
                lambda asset: asset_calendar(asset, site.t),
                cost=5,
            )
        ]
    raise ValueError(f"unknown format {fmt}")


def discovery_document() -> str:
    """The document ORUK tools read at the root of a feed (index.json): the version and profile it follows."""
    return _json(DISCOVERY)


def oruk_outputs(site: Site, folder: str = "") -> list[Output]:
    """The ORUK feed: the discovery document, services.json shaped like the paginated /services response (its
    first page; later pages as services-page-N.json), and one file per service (services/<uuid>.json).

    Each service is made once, as compact JSON ended by a newline: that is its own file, and goes without
    the newline into its page of the listing. The files are made a page of the listing at a time (the
    whole feed is about 20 kB per asset, too much to hold at once in a national directory).
    """
    categories = {c.id: (c.name, c.description) for c in site.categories}
    areas = {a.id: a.name for a in site.areas}
    region = site.config.area_name

    def service(asset: Asset) -> str:
        return _compact(to_service(asset, site.t, categories, areas, region, site.today))

    def feed() -> Iterator[tuple[str, str]]:
        ordered = sorted(site.assets, key=lambda asset: asset.id)
        pages = max(1, -(-len(ordered) // PAGE_SIZE))
        for number in range(1, pages + 1):
            contents = []
            for asset in ordered[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]:
                made = service(asset)
                yield f"{folder}services/{oruk_id(asset.id)}.json", made
                contents.append(made[:-1])
            name = "services.json" if number == 1 else f"services-page-{number}.json"
            head = {
                "total_items": len(ordered),
                "total_pages": pages,
                "page_number": number,
                "size": len(contents),
                "first_page": number == 1,
                "last_page": number == pages,
                "empty": not contents,
            }  # then "contents": the services' JSON as made, spliced in (as _compact would write it)
            yield folder + name, _compact(head).removesuffix("}\n") + ',"contents":[' + ",".join(contents) + "]}\n"
        yield folder + "index.json", discovery_document()

    return [SiteWide("ORUK services", feed, cost=20)]


def oruk_files(site: Site) -> dict[str, str]:
    """services.json and one file per service, keyed by their path inside the ORUK folder."""
    return every_file(oruk_outputs(site), site.assets, {})


def export_files(site: Site, schema: Schema, fmt: str) -> dict[str, str | bytes]:
    """The files of one format, keyed by their path inside its folder."""
    return every_file(format_outputs(site, schema, fmt), site.assets, {})


PUBLISHED = {"datapackage": "data/datapackage/", "oruk": "data/oruk/", "geojson": "data/", "ics": "data/calendar/"}


def _markdown_text(text: str) -> Markup:
    """Schema-derived markdown without its marker comments, <, > and & escaped (quotes kept for code spans)."""
    lines = [line for line in text.splitlines() if not line.startswith("<!--")]
    return Markup(html.escape("\n".join(lines).strip(), quote=False))


def render_open_data_page(site: Site, checked: Checked, env: Environment) -> str:
    """The Open data page: licence, every file, the tables and fields, and the ORUK mapping."""
    mapping = [(f.table, f.name, f.oruk) for t in checked.schema.tables for f in t.fields if f.oruk]
    # MkDocs makes links to the files it builds relative to the page; the files of another language's
    # build are not among them, so its page gets links it leaves as they are (from open-data/ up to the root).
    up = f"../{site.shared_root}" if site.shared_root else ""
    published = {fmt: up + folder for fmt, folder in PUBLISHED.items()}
    return env.get_template("opendata.md.j2").render(
        site=site,
        t=site.t,
        calendars=sum(1 for a in site.assets if a.sessions),
        links={
            "datapackage": published["datapackage"] + "datapackage.json",
            "oruk": published["oruk"] + "services.json",
            "geojson": published["geojson"] + "assets.geojson",
        },
        tables=[(f"{t.name}.csv", f"{published['datapackage']}{t.name}.csv") for t in checked.schema.tables],
        fields=_markdown_text(field_reference(checked.schema)),
        mapping=mapping,
        columns=csv_columns(checked.schema),
        root="../",
    )


def render_open_data(site: Site, checked: Checked, env: Environment) -> list[Output]:
    """The Open data page and every published data file (FORMATS, each in its folder of PUBLISHED).

    The files are published once, with the default language's pages; another language's build has
    only its own Open data page, whose links lead to them (site.shared_root).
    """
    outputs = []
    if not site.shared_root:
        outputs = [out for fmt in FORMATS for out in format_outputs(site, checked.schema, fmt, PUBLISHED[fmt])]
    page = SiteWide("open data page", lambda: {"open-data.md": render_open_data_page(site, checked, env)}, cost=0.2)
    return [*outputs, page]


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
