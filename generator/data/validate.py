"""Validate stage: shape, Frictionless table validation and Python rules, every problem at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
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
        if fld.generated and match and match.group(1) == "required":
            return None  # copied from the enclosing item (a place's id, say): reported where it is missing
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


PRESENT = "0"  # stands for a filled-in value that is there (valid as text and as a whole number)
BAND = 8  # a column joins a part when it has at least 1/BAND as many distinct values as the part's first
SMALL = 64  # columns with at most this many distinct values all go in one part
ROW = "_row"  # each part's first column: its row's number (so that no row of a part is blank)


def _reducible(fld: FieldSpec) -> bool:
    """A column the flattener fills in (the record's id, a position, the enclosing item's id) whose only
    constraint is that it is there: it passes or fails on that alone, so any value there stands for all."""
    return fld.generated and set(fld.constraints) <= {"required"} and fld.type in ("string", "integer")


@dataclass
class _Parts:
    """A table handed to Frictionless as parts, each a resource of some of its columns holding their
    distinct values once.

    Checking a cell depends on its value and its field alone, so each column's distinct values are
    checked once: a part lists them side by side, row after row, a column with fewer values than the
    others repeating its first filled-in one. A part keeps columns with similar numbers of distinct
    values, so that little is repeated: the free text of 5,000 records in one, the few statuses and
    costs in another. A foreign key's columns make a part of their own, of the distinct combinations
    of their values. A column the flattener fills in counts as one value while it is there (see
    _reducible), so the rows of a list of vocabulary terms (a record's needs, a place's accessibility)
    come down to a few. An error found in a part is the error of every row of the table holding the
    same values in the columns it is about (rows_for). Repeated values within a record (the table's
    primary key) are found on the whole rows instead (duplicates).
    """

    table: Table
    reducible: frozenset[int]
    primary_key: list[int]  # the columns of the table's primary key, when it is checked here (otherwise none)
    # resource name -> the table's columns in it (after its first, ROW), and its rows
    parts: dict[str, tuple[list[int], list[list[str | None]]]] = field(default_factory=dict)
    # per set of columns an error was about: the table's rows by their values there (made on the first error)
    _rows_by: dict[tuple[int, ...], dict[tuple, list[int]]] = field(default_factory=dict)

    def add(self, columns: list[int], rows: list[list[str | None]]) -> None:
        """A part of these columns: the first is named as the table, the others <table>.2 and so on."""
        name = self.table.spec.name if not self.parts else f"{self.table.spec.name}.{len(self.parts) + 1}"
        self.parts[name] = (columns, rows)

    def value(self, values: list[str | None], column: int) -> str | None:
        """A table row's value in column as the parts hold it (see _held)."""
        return _held(values[column], column in self.reducible)

    def rows_for(self, part: str, at: int, field_names: list[str]) -> list[int]:
        """The table's rows standing for row at of part, in the columns named (those an error is about); none
        when no column of the table is named."""
        names = [f.name for f in self.table.spec.fields]
        columns = [names.index(name) for name in field_names if name in names]
        if not columns:
            return []
        in_part, rows = self.parts[part]
        wanted = tuple(rows[at][1 + in_part.index(c)] for c in columns)
        key = tuple(columns)
        if key not in self._rows_by:  # (once per set of columns: a bad feed can have an error in every row)
            index: dict[tuple, list[int]] = {}
            for row, values in enumerate(self.table.rows):
                index.setdefault(tuple(self.value(values, c) for c in columns), []).append(row)
            self._rows_by[key] = index
        return self._rows_by[key].get(wanted, [])

    def duplicates(self) -> list[Problem]:
        """A problem for each row whose primary key an earlier row has (an absent value read as Frictionless does)."""
        table = self.table
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


def _held(value: str | None, reducible: bool) -> str | None:
    """A value as a part holds it: empty as None, a filled-in value of a reducible column as PRESENT."""
    if value == "" or value is None:
        return None
    return PRESENT if reducible else value


def _bands(counts: list[int], columns: list[int]) -> list[list[int]]:
    """The columns grouped into parts by how many distinct values each has (most first; see BAND, SMALL)."""
    bands: list[list[int]] = []
    for column in sorted(columns, key=lambda c: -counts[c]):
        if bands and (counts[column] * BAND >= counts[bands[-1][0]] or counts[bands[-1][0]] <= SMALL):
            bands[-1].append(column)
        else:
            bands.append([column])
    return bands


def _parts(table: Table, foreign_keys: list[dict], primary_key: list[str]) -> _Parts:
    """The table as parts (see _Parts)."""
    fields = table.spec.fields
    names = [f.name for f in fields]
    reducible = frozenset(i for i, f in enumerate(fields) if _reducible(f))
    columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in fields]
    # each column's distinct values, as the parts hold them (the raw ones first: far fewer to convert)
    distinct = [list(dict.fromkeys(_held(v, i in reducible) for v in dict.fromkeys(c))) for i, c in enumerate(columns)]
    keyed: list[set[int]] = []  # the columns of each foreign key, those sharing one merged
    for fk in foreign_keys:
        cols = {names.index(name) for name in _names(fk)}
        for other in [k for k in keyed if k & cols]:
            keyed.remove(other)
            cols |= other
        keyed.append(cols)
    in_keys = set().union(*keyed)
    reduced = _Parts(table, reducible, [names.index(n) for n in primary_key])
    for band in _bands([len(d) for d in distinct], [i for i in range(len(fields)) if i not in in_keys]):
        pads = [next((v for v in distinct[c] if v is not None), None) for c in band]
        height = max(len(distinct[c]) for c in band)
        lists = [distinct[c] for c in band]
        part = [
            [str(k)] + [d[k] if k < len(d) else pad for d, pad in zip(lists, pads, strict=True)] for k in range(height)
        ]
        reduced.add(band, part)
    for cols in keyed:
        ordered = sorted(cols)
        combinations = dict.fromkeys(tuple(reduced.value(values, c) for c in ordered) for values in table.rows)
        reduced.add(ordered, [[str(k), *c] for k, c in enumerate(combinations)])
    return reduced


def _csv_bytes(header: list[str], rows: list[list[str | None]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def frictionless_package(schema: Schema, tables: dict[str, Table]) -> tuple[Package, dict[str, _Parts]]:
    """A Frictionless package over the flattened tables, each handed over as in-memory CSV: whole when
    another table refers to it or a column of it must be unique, otherwise as parts (see _Parts).

    Foreign keys from a part of a record to the record itself (a location's accessibility to that
    location, say) hold by construction and are left out here, as are primary keys made of positions
    (a session's index); references to the vocabularies are checked by Frictionless, and repeated
    values by Frictionless in a whole table, by _Parts in one handed over as parts.
    """
    described = frictionless_descriptor(schema.descriptor)["resources"]
    kept: dict[str, list[dict]] = {}
    for res in described:
        name = res["name"]
        kept[name] = [fk for fk in res["schema"].get("foreignKeys", []) if not _structural(schema, name, fk)]
    referred = {fk["reference"]["resource"] for keys in kept.values() for fk in keys}
    resources = []
    in_parts: dict[str, _Parts] = {}
    for res in described:
        name, table_schema = res["name"], res["schema"]
        table_schema["foreignKeys"] = kept[name]
        primary_key = table_schema.get("primaryKey", [])
        if _unique_by_construction(schema, name, primary_key):
            del table_schema["primaryKey"]
            primary_key = []
        unique = any(f.get("constraints", {}).get("unique") for f in table_schema["fields"])
        if name in referred or unique:
            header = [f.name for f in tables[name].spec.fields]
            resources.append(_resource(name, header, tables[name].rows, table_schema))
            continue
        if name == "assets":  # (repeated ids are reported by the duplicate-id rule, across every chunk)
            primary_key = []
        reduced = in_parts[name] = _parts(tables[name], kept[name], primary_key)
        table_schema.pop("primaryKey", None)
        for part, (columns, rows) in reduced.parts.items():
            fields = [{"name": ROW, "type": "string"}] + [table_schema["fields"][c] for c in columns]
            header = [f["name"] for f in fields]
            keys = [fk for fk in kept[name] if set(_names(fk)) <= set(header)]
            part_schema = table_schema | {"fields": fields, "foreignKeys": keys}
            resources.append(_resource(part, header, rows, part_schema))
    return Package(resources=resources), in_parts


def _names(fk: dict) -> list[str]:
    return fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]


def _resource(name: str, header: list[str], rows: list[list[str | None]], table_schema: dict) -> Resource:
    return Resource(
        _csv_bytes(header, rows), format="csv", name=name, schema=FrictionlessSchema.from_descriptor(table_schema)
    )


def run_frictionless(schema: Schema, tables: dict[str, Table]) -> list[Problem]:
    """Validate every table with Frictionless and map its errors back to the records."""
    problems = []
    package, in_parts = frictionless_package(schema, tables)
    owner = {part: reduced for reduced in in_parts.values() for part in reduced.parts}
    with system.use_context(trusted=False):
        report = package.validate(limit_errors=100_000)
    for task in report.tasks:
        reduced = owner.get(task.name)
        table = reduced.table if reduced else tables[task.name]
        for error in task.errors:
            if getattr(error, "row_number", None) is None:
                problems.append(Problem(table.spec.name, 0, "", error.type, error.message, "Check datapackage.json."))
                continue
            at = error.row_number - 2
            rows = [at]
            if reduced:
                about = list(getattr(error, "field_names", None) or [getattr(error, "field_name", "")])
                rows = reduced.rows_for(task.name, at, about)
                if not rows:  # (about no column of the table: nothing here makes such an error)
                    problems.append(Problem(table.spec.name, 0, "", error.type, error.message, ""))
            for row in rows:
                mapped = _map_error(error, tables, table, schema, row)
                if mapped:
                    problems.append(mapped)
    for reduced in in_parts.values():
        problems += reduced.duplicates()
    return problems  # (a value a part repeats gives the same problem again: sort_problems keeps one)


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
