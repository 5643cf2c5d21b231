"""The spreadsheet layout of a record (one row per asset), derived from the schema: written by the
export, read by `assetmap import csv`."""

from __future__ import annotations

from generator.data.schema import Schema

SESSION_HINT = (
    "Write each session like 'weekly tuesday 10:00-11:30', 'fortnightly wednesday 13:00-15:00 from 2026-09-02' "
    "or 'monthly first saturday 10:00-12:30'; separate sessions with '|'."
)
LOCATION_COLUMNS = {"id": "location_id", "name": "location_name"}


def csv_columns(schema: Schema) -> list[tuple[str, str, str]]:
    """The spreadsheet columns an import understands: (column, record key, meaning), from the schema."""
    out = []
    for table in schema.tables:
        if table.source != "assets":
            continue
        if table.name == "assets":
            out += [(f.name, f.key, f.description) for f in table.fields]
        elif table.name == "locations":
            fields = [f for f in table.fields if not f.generated]
            out += [(LOCATION_COLUMNS.get(f.name, f.name), f"locations[].{f.key}", f.description) for f in fields]
        elif table.path.endswith("[]") and all(f.key.startswith("@") for f in table.fields) and "[]." not in table.path:
            key = table.path[:-2]
            out.append((key.rsplit(".", 1)[-1], key, f"{table.description} Separate several with ';'."))
        elif table.name == "location_accessibility":
            out.append(("accessibility", "locations[].accessibility", f"{table.description} Separate with ';'."))
    out.append(("sessions", "sessions", f"When it happens. {SESSION_HINT}"))
    return out
