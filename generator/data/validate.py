"""Validate stage: shape, Frictionless table validation and Python rules, every problem at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from operator import itemgetter

from frictionless import Package, Resource, system
from frictionless import Schema as FrictionlessSchema

from generator.data.config import Config, read_config
from generator.data.flatten import Table, flatten, locate
from generator.data.loader import Document, RawDataset
from generator.data.rules import (
    check_assets,
    check_capacity,
    check_changes,
    check_id_matches_file,
    check_reserved_ids,
    check_sessions,
    check_unique_ids,
    record_ids,
)
from generator.data.schema import FieldSpec, Schema, build_schema, frictionless_descriptor
from generator.data.structure import check_structure, did_you_mean
from generator.problems import Problem, sort_problems

TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number (digits, with a decimal point if needed)",
    "date": "a date (YYYY-MM-DD)",
    "time": "a time of day (HH:MM, 24-hour)",
    "boolean": "true or false",
}


@dataclass
class Validated:
    """The outcome of validation: problems, the config, and the documents that passed."""

    problems: list[Problem]
    config: Config | None  # None when config.yaml has problems
    schema: Schema
    records: list[Document]
    vocabularies: dict[str, Document]
    tables: dict[str, Table]
    checked: int

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.is_error for p in self.problems)


def _short(value: str, limit: int = 60) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _constraint_message(fld: FieldSpec, constraint: str, cell: str, key_name: str) -> tuple[str, str, str]:
    """Code, message and hint for a broken constraint on one cell."""
    c = fld.constraints
    example = f"For example: {key_name}: {fld.example}" if fld.example else ""
    if fld.key == "@value" and fld.example:
        example = f"For example: - {fld.example}"
    if constraint == "required":
        return "required", "is missing; it is required.", f"{fld.description} {example}".strip()
    if constraint == "enum":
        choices = c["enum"]
        hint = did_you_mean(cell, choices) or "Use one of the values listed."
        return "not-allowed", f"'{cell}' is not one of: {', '.join(choices)}.", hint
    if constraint == "pattern":
        return "bad-format", f"'{_short(cell)}' is not {fld.format_hint or 'in the expected format'}.", example
    if constraint in ("minimum", "maximum"):
        if fld.type == "date":
            return (
                "out-of-range",
                f"the date {cell} is not between {c.get('minimum')} and {c.get('maximum')}.",
                f"Check the year; dates run from {c.get('minimum')} to {c.get('maximum')}, "
                "the range calendars can carry.",
            )
        if fld.name in ("latitude", "longitude"):
            return (
                "outside-area",
                f"{cell} is outside the area this directory covers ({c['minimum']} to {c['maximum']}).",
                "Check latitude and longitude are not swapped and the minus sign is there for west.",
            )
        return "out-of-range", f"{cell} is not between {c.get('minimum')} and {c.get('maximum')}.", example
    if constraint == "minLength":
        return "too-short", f"is too short ({len(cell)} characters; at least {c['minLength']}).", fld.description
    if constraint == "maxLength":
        return "too-long", f"is too long ({len(cell)} characters; at most {c['maxLength']}).", "Shorten it."
    return "constraint", f"'{_short(cell)}' breaks the rule {constraint}.", example


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _vocab_name(schema: Schema, resource: str) -> str:
    return schema.table(resource).source


def _map_error(error, tables: dict[str, Table], table: Table, schema: Schema, row: int) -> Problem | None:
    """Turn one Frictionless error, about the table's row at index row, into a Problem at the record's file,
    line and field."""
    kind = error.type
    if kind in ("missing-cell", "extra-cell", "blank-row") or table.spec.name == "assets" and kind == "primary-key":
        return None  # reported better elsewhere (required constraint, shape, duplicate-id rule)
    ctx = table.origins[row]
    spec = table.spec
    if kind in ("type-error", "constraint-error"):
        fld = spec.field(error.field_name)
        line, path = locate(fld, ctx)
        key_name = path.split(".")[-1].split("[")[0] or fld.name
        cell = error.cell if isinstance(error.cell, str) else ""
        if kind == "type-error":
            return Problem(
                ctx.doc.display,
                line,
                path,
                "type-error",
                f"'{_short(cell)}' is not {TYPE_WORDS.get(fld.type, fld.type)}.",
                f'For example: {key_name}: "{fld.example}"'
                if fld.type == "time"
                else f"For example: {key_name}: {fld.example}",
            )
        match = re.search(r'constraint "(\w+)"', error.note or "")
        code, message, hint = _constraint_message(fld, match.group(1) if match else "", cell, key_name)
        return Problem(ctx.doc.display, line, path, code, message, hint)
    if kind == "primary-key":
        return _duplicate(table, row)
    if kind == "foreign-key":
        names = list(error.field_names)
        fld = spec.field(names[-1])
        line, path = locate(fld, ctx)
        value = error.field_cells[-1] if error.field_cells else ""
        target = schema.table(error.reference_name)
        if target.source == "assets":
            return Problem(
                ctx.doc.display,
                line,
                path,
                "broken-reference",
                f"'{value}' does not refer to anything in this record.",
                "",
            )
        known = [r[0] for r in tables[target.name].rows]
        hint = did_you_mean(value or "", known) or f"Use one of: {', '.join(known)}."
        return Problem(
            ctx.doc.display,
            line,
            path,
            "unknown-" + fld.name,
            f"'{value}' is not {_article(fld.name)} listed in {_vocab_name(schema, target.name)}.",
            hint,
        )
    return Problem(ctx.doc.display, ctx.line, ctx.path, kind, error.message, "")


def _duplicate(table: Table, row: int) -> Problem:
    """The problem of a row whose primary key an earlier row of its table has already."""
    spec, ctx = table.spec, table.origins[row]
    value_fields = [f for f in spec.fields if not f.generated]
    fld = value_fields[-1] if value_fields else spec.fields[-1]
    line, path = locate(fld, ctx)
    value = table.rows[row][spec.fields.index(fld)]
    return Problem(
        ctx.doc.display, line, path, "duplicate", f"'{value}' is listed more than once.", "Remove the repeated entry."
    )


def _structural(schema: Schema, name: str, foreign_key: dict) -> bool:
    """True when a foreign key points to an enclosing part of the same record (true by construction)."""
    own, target = schema.table(name), schema.table(foreign_key["reference"]["resource"])
    if own.source != target.source:
        return False
    enclosing = target.path.removesuffix("[]").removesuffix("{}")
    return target.path == "" or own.path.startswith(enclosing + "[]") or own.path.startswith(enclosing + "{}")


def _unique_by_construction(schema: Schema, name: str, primary_key: list[str]) -> bool:
    """True when a primary key holds by construction: the record, and a position in its list or a key of its mapping.

    Only for a table drawn from one list or mapping of a record (sessions[], translations{}). The
    same record id twice is reported by the duplicate-id rule, across every chunk.
    """
    table = schema.table(name)
    keys = {table.field(column).key for column in primary_key}
    levels = sum(1 for segment in table.segments if segment.endswith(("[]", "{}")))
    return levels == 1 and "@asset" in keys and bool(keys & {"@index", "@key"})


def _csv_bytes(table: Table, rows: list[list[str | None]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in table.spec.fields])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@dataclass
class _Distinct:
    """A table's distinct rows, as Frictionless sees them, and which of the table's rows each one stands for.

    A column the flattener fills in (the record's id, a position, the enclosing item's id) whose only
    constraint is that it is there passes or fails on that alone, and the same value in every row
    would do: with those columns reduced to present or absent, the rows of a list of vocabulary
    terms (a record's needs, a place's accessibility, a session's days) are the same few over and
    over. Frictionless checks each distinct row once. Repeated values within a record (the table's
    primary key) are found on the whole rows instead (duplicates).
    """

    rows: list[list[str | None]]
    stands_for: list[list[int]]  # per distinct row: the indexes of the table's rows
    primary_key: list[int]  # the columns of the table's primary key, when it is checked here (otherwise none)

    def duplicates(self, table: Table) -> list[Problem]:
        """A problem for each row whose primary key an earlier row has (an absent value read as Frictionless does)."""
        if not self.primary_key:
            return []
        keys = list(map(itemgetter(*self.primary_key), table.rows))  # (a value, not a tuple, for one column)
        distinct = set(keys)
        if len(distinct) == len(keys):  # nearly always: every key differs, so only absent values could be wrong
            if len(self.primary_key) == 1:
                absent = None in distinct or "" in distinct
            else:
                absent = any(None in key or "" in key for key in distinct)
            if not absent:
                return []
        seen: set[tuple] = set()
        problems = []
        for row, values in enumerate(table.rows):
            key = tuple(values[i] or None for i in self.primary_key)
            if key in seen or set(key) == {None}:
                problems.append(_duplicate(table, row))
            seen.add(key)
        return problems


PRESENT = "0"  # stands for a filled-in value that is there (valid as text and as a whole number)


def _distinct(table: Table, primary_key: list[str]) -> _Distinct | None:
    """The table's distinct rows, or None when no column of it can be reduced (see _Distinct)."""
    fields = table.spec.fields
    reducible = [
        i
        for i, f in enumerate(fields)
        if f.generated and set(f.constraints) <= {"required"} and f.type in ("string", "integer")
    ]
    if not reducible:
        return None
    first: dict[tuple, int] = {}
    rows: list[list[str | None]] = []
    stands_for: list[list[int]] = []
    for index, values in enumerate(table.rows):
        reduced = list(values)
        for i in reducible:
            if reduced[i]:
                reduced[i] = PRESENT
        key = tuple(reduced)
        at = first.get(key)
        if at is None:
            first[key] = at = len(rows)
            rows.append(reduced)
            stands_for.append([])
        stands_for[at].append(index)
    columns = [f.name for f in fields]
    return _Distinct(rows, stands_for, [columns.index(name) for name in primary_key])


def frictionless_package(schema: Schema, tables: dict[str, Table]) -> tuple[Package, dict[str, _Distinct]]:
    """A Frictionless package over the flattened tables, each handed over as an in-memory CSV, and the
    tables handed over as their distinct rows (see _Distinct).

    Foreign keys from a part of a record to the record itself (a location's accessibility to that
    location, say) hold by construction and are left out here, as are primary keys made of positions
    (a session's index); references to the vocabularies and repeated values are checked by Frictionless,
    or, in a table handed over as its distinct rows, repeated values by _Distinct.
    """
    resources = []
    distinct: dict[str, _Distinct] = {}
    for res in frictionless_descriptor(schema.descriptor)["resources"]:
        name, table_schema = res["name"], res["schema"]
        keys = [fk for fk in table_schema.get("foreignKeys", []) if not _structural(schema, name, fk)]
        table_schema["foreignKeys"] = keys
        primary_key = table_schema.get("primaryKey", [])
        if _unique_by_construction(schema, name, primary_key):
            del table_schema["primaryKey"]
            primary_key = []
        reduced = _distinct(tables[name], primary_key)
        if reduced:
            distinct[name] = reduced
            table_schema.pop("primaryKey", None)
        resources.append(
            Resource(
                _csv_bytes(tables[name], reduced.rows if reduced else tables[name].rows),
                format="csv",
                name=name,
                schema=FrictionlessSchema.from_descriptor(table_schema),
            )
        )
    return Package(resources=resources), distinct


def run_frictionless(schema: Schema, tables: dict[str, Table]) -> list[Problem]:
    """Validate every table with Frictionless and map its errors back to the records."""
    problems = []
    package, distinct = frictionless_package(schema, tables)
    with system.use_context(trusted=False):
        report = package.validate(limit_errors=100_000)
    for task in report.tasks:
        table, reduced = tables[task.name], distinct.get(task.name)
        for error in task.errors:
            if getattr(error, "row_number", None) is None:
                problems.append(Problem(task.name, 0, "", error.type, error.message, "Check datapackage.json."))
                continue
            at = error.row_number - 2
            for row in reduced.stands_for[at] if reduced else [at]:
                mapped = _map_error(error, tables, table, schema, row)
                if mapped:
                    problems.append(mapped)
    for name, reduced in distinct.items():
        problems += reduced.duplicates(tables[name])
    return problems


def validate(raw: RawDataset, today: dt.date | None = None, check_all_ids: bool = True) -> Validated:
    """Run every check on a loaded data folder and collect all problems, sorted.

    With check_all_ids False, ids are not compared across records: the caller validates a chunk of
    a larger folder and compares ids across all chunks itself.
    """
    today = today or dt.date.today()
    problems = list(raw.problems)
    config, config_problems = read_config(raw.config)
    problems += config_problems
    schema = build_schema(raw.schema)
    if config:
        schema = schema.with_bounding_box(config.south, config.west, config.north, config.east)
    sources: dict[str, list[Document]] = {"assets": [], **{k: [] for k in raw.vocabularies}}
    for source, docs in [("assets", raw.records)] + [(k, [v]) for k, v in raw.vocabularies.items()]:
        for doc in docs:
            problems += doc.problems
            if doc.data is None:
                continue
            shape_problems = check_structure(doc, schema.shapes[source])
            problems += shape_problems
            if not any(p.code == "wrong-shape" and not p.field for p in shape_problems):
                sources[source].append(doc)
    problems += check_id_matches_file(sources["assets"])
    if check_all_ids:
        problems += check_unique_ids(record_ids(sources["assets"]))
    tables = flatten(schema, sources)
    problems += run_frictionless(schema, tables)
    problems += check_reserved_ids(tables)
    problems += check_sessions(tables["sessions"], tables["locations"], tables["session_days"])
    months = config.review_after_months if config else None  # (None: no stale warnings until it is valid)
    problems += check_assets(tables["assets"], tables["locations"], tables["asset_attending"], today, months)
    if "changes" in tables:  # a data package from before dated changes has no such table
        problems += check_changes(tables["changes"], tables["locations"], today)
    if "capacity" in {f.name for f in schema.table("assets").fields}:
        problems += check_capacity(tables["assets"], today)
    return Validated(
        sort_problems(problems),
        config,
        schema,
        sources["assets"],
        {k: v[0] for k, v in sources.items() if k != "assets" and v},
        tables,
        len(raw.records),
    )
