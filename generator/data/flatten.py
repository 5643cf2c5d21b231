"""Flatten records into the data package's tables, remembering where each row came from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.data.loader import Document, Mapping, Sequence
from generator.data.schema import FieldSpec, Schema, TableSpec


@dataclass
class Context:
    """One part of a record that a row comes from: the item, its path, line and position."""

    doc: Document
    item: Any
    path: str
    line: int
    index: int | None = None
    key: str | None = None
    parent: Context | None = None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _step(ctx: Context, key: str) -> Context | None:
    """Move into ctx.item[key] when the item is a mapping holding that key."""
    item = ctx.item
    if not isinstance(item, Mapping) or key not in item:
        return None
    return Context(ctx.doc, item[key], _join(ctx.path, key), item.key_lines[key], parent=ctx.parent)


def _parse(segment: str) -> tuple[str, list[str]]:
    """A path segment ('a.b[]', 'x{}', '[]', 'a.b') as its kind (list, dict or mapping) and the keys to it."""
    if segment == "[]":
        return "list", []
    kind = "list" if segment.endswith("[]") else "dict" if segment.endswith("{}") else "mapping"
    return kind, segment.rstrip("[]{}").split(".")


def _expand(ctx: Context, kind: str, keys: list[str]) -> Iterator[Context]:
    """All contexts one path segment (parsed) leads to from ctx."""
    target: Context | None = ctx
    for key in keys:
        target = _step(target, key) if target else None
    if target is None:
        return
    if kind == "mapping":
        yield target
    elif kind == "list" and isinstance(target.item, Sequence):
        for i, item in enumerate(target.item):
            yield Context(ctx.doc, item, f"{target.path}[{i}]", target.item.item_lines[i], index=i, parent=ctx)
    elif kind == "dict" and isinstance(target.item, Mapping):
        for key, item in target.item.items():
            yield Context(ctx.doc, item, _join(target.path, key), target.item.key_lines[key], key=key, parent=ctx)


def contexts(doc: Document, steps: list[tuple[str, list[str]]], walked: dict) -> list[Context]:
    """Every part of doc that gives a table a row (steps: the table's path segments, parsed).

    walked keeps the contexts each leading run of steps led to in doc (keyed by that run), for the doc's
    other tables: several are drawn from the same parts (sessions and their days, places and their
    accessibility), and every one from the record itself.
    """
    key: tuple = ()
    if key not in walked:
        walked[key] = [Context(doc, doc.data, "", getattr(doc.data, "line", 1))]
    current = walked[key]
    for kind, keys in steps:
        key += ((kind, *keys),)
        if key not in walked:
            walked[key] = [nxt for ctx in current for nxt in _expand(ctx, kind, keys)]
        current = walked[key]
    return current


def _scalar(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _walk(item: Any, steps: list[str]) -> Any:
    """item[steps[0]][steps[1]]..., or None where a step is not into a mapping."""
    for step in steps:
        if not isinstance(item, Mapping):
            return None
        item = item.get(step)
    return item


Reader = Callable[[Context, str | None], str | None]


def reader(fld: FieldSpec) -> Reader:
    """The function giving one column's value, as the text written (or None), for the row a context gives
    (and the record's id): worked out once per column, used for every row."""
    key = fld.key
    if key == "@asset":
        return lambda ctx, asset_id: asset_id
    if key == "@value":
        return lambda ctx, asset_id: _scalar(ctx.item)
    if key == "@key":
        return lambda ctx, asset_id: ctx.key
    if key == "@index":
        return lambda ctx, asset_id: str(ctx.index)
    if key.startswith("@parent."):
        rest = key[len("@parent.") :]
        if rest == "@index":
            return lambda ctx, asset_id: str(ctx.parent.index)
        steps = rest.split(".")
        return lambda ctx, asset_id: _scalar(_walk(ctx.parent.item, steps)) if ctx.parent else None
    steps = key.split(".")
    if len(steps) > 1:
        return lambda ctx, asset_id: _scalar(_walk(ctx.item, steps))

    def direct(ctx: Context, asset_id: str | None) -> str | None:  # most columns: a key of the item itself
        item = ctx.item
        value = item.get(key) if isinstance(item, Mapping) else None
        return value if isinstance(value, str) else None

    return direct


def locate(fld: FieldSpec, ctx: Context) -> tuple[int, str]:
    """The line and record path of one column's value in the row ctx gives."""
    if fld.key.startswith("@"):
        return ctx.line, ctx.path
    item, line, path = ctx.item, ctx.line, ctx.path
    for step in fld.key.split("."):
        path = _join(path, step)
        if not isinstance(item, Mapping):
            break
        line = item.key_lines.get(step, item.line)
        item = item.get(step)
    return line, path


@dataclass
class Table:
    """Rows of one table, each with the context it came from."""

    spec: TableSpec
    rows: list[list[str | None]] = field(default_factory=list)
    origins: list[Context] = field(default_factory=list)


def record_id(doc: Document) -> str | None:
    """The id written in a record, when it is a plain value."""
    return _scalar(doc.data.get("id")) if isinstance(doc.data, Mapping) else None


def flatten(schema: Schema, documents: dict[str, list[Document]]) -> dict[str, Table]:
    """Flatten the documents of each source into the tables that draw on it (each document's tables in
    turn, so that they share the parts of it they are drawn from: see contexts)."""
    tables = {spec.name: Table(spec) for spec in schema.tables}
    plans: dict[str, list] = {}  # source -> (table, its column readers, its path segments parsed)
    for spec in schema.tables:
        steps = [_parse(segment) for segment in spec.segments]
        plans.setdefault(spec.source, []).append((tables[spec.name], [reader(f) for f in spec.fields], steps))
    for source, plan in plans.items():
        for doc in documents.get(source, []):
            if doc.data is None:
                continue
            asset_id = record_id(doc) if source == "assets" else None
            walked: dict = {}
            for table, readers, steps in plan:
                rows, origins = table.rows, table.origins
                for ctx in contexts(doc, steps, walked):
                    rows.append([read(ctx, asset_id) for read in readers])
                    origins.append(ctx)
    return tables
