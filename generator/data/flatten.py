"""Flatten records into the data package's tables, remembering where each row came from."""

from __future__ import annotations

from collections.abc import Iterator
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


def _expand(ctx: Context, segment: str) -> Iterator[Context]:
    """All contexts one path segment ('a.b[]', 'x{}', '[]') leads to from ctx."""
    if segment == "[]":
        target: Context | None = ctx
        kind = "list"
    else:
        kind = "list" if segment.endswith("[]") else "dict" if segment.endswith("{}") else "mapping"
        keys = segment.rstrip("[]{}").split(".")
        target = ctx
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


def contexts(table: TableSpec, doc: Document) -> Iterator[Context]:
    """Every part of doc that gives table a row."""
    current = [Context(doc, doc.data, "", getattr(doc.data, "line", 1))]
    for segment in table.segments:
        current = [nxt for ctx in current for nxt in _expand(ctx, segment)]
    yield from current


def _scalar(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _lookup(ctx: Context, key: str) -> Any:
    item = ctx.item
    for step in key.split("."):
        if not isinstance(item, Mapping):
            return None
        item = item.get(step)
    return item


def cell(fld: FieldSpec, ctx: Context, asset_id: str | None) -> str | None:
    """The value of one column for the row ctx gives, as the text written (or None)."""
    key = fld.key
    if key == "@asset":
        return asset_id
    if key == "@value":
        return _scalar(ctx.item)
    if key == "@key":
        return ctx.key
    if key == "@index":
        return str(ctx.index)
    if key.startswith("@parent."):
        parent = ctx.parent
        rest = key[len("@parent.") :]
        return str(parent.index) if rest == "@index" else _scalar(_lookup(parent, rest)) if parent else None
    return _scalar(_lookup(ctx, key))


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
    """Flatten the documents of each source into the tables that draw on it."""
    tables = {}
    for spec in schema.tables:
        table = Table(spec)
        for doc in documents.get(spec.source, []):
            if doc.data is None:
                continue
            asset_id = record_id(doc) if spec.source == "assets" else None
            for ctx in contexts(spec, doc):
                table.rows.append([cell(f, ctx, asset_id) for f in spec.fields])
                table.origins.append(ctx)
        tables[spec.name] = table
    return tables
