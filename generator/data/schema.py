"""The data package as the single source of truth: tables, fields and the record shape derived from them."""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.defaults import DEFAULT_DATA
from generator.files import read_bytes

SCHEMA_FILE = "datapackage.json"


@dataclass
class FieldSpec:
    """One column of a table and the record key it comes from."""

    table: str
    name: str
    type: str
    key: str
    constraints: dict
    description: str = ""
    example: str = ""
    format_hint: str = ""
    format: str = "default"
    reference: str = ""
    oruk: str = ""
    multiline: bool = False  # may hold new lines (descriptions); every other text is one line

    @property
    def generated(self) -> bool:
        """True for columns the flattener fills in (ids, positions), not written in a record."""
        return self.key.startswith("@") and self.key != "@value" and self.key != "@key"

    @property
    def required(self) -> bool:
        """True when the column must have a value."""
        return bool(self.constraints.get("required"))


@dataclass
class TableSpec:
    """One resource of the data package and where its rows come from in a record."""

    name: str
    title: str
    source: str
    path: str
    fields: list[FieldSpec]
    min_items: int = 0
    description: str = ""
    example: object = None

    @property
    def segments(self) -> list[str]:
        """The path split into steps such as 'locations[]', 'accessibility[]' or 'translations{}'."""
        return [s for s in self.path.split(".") if s] if self.path != "[]" else ["[]"]

    def field(self, name: str) -> FieldSpec:
        """The column called name."""
        return next(f for f in self.fields if f.name == name)


@dataclass
class Shape:
    """What a part of a record must look like: a mapping, a list, a keyed mapping or a single value."""

    kind: str  # "mapping" | "list" | "dict" | "scalar"
    children: dict[str, Shape] = field(default_factory=dict)
    item: Shape | None = None
    field: FieldSpec | None = None
    table: TableSpec | None = None


@dataclass
class Schema:
    """The data package descriptor with its tables and the shape of each source."""

    descriptor: dict
    tables: list[TableSpec]
    shapes: dict[str, Shape]

    def table(self, name: str) -> TableSpec:
        """The table called name."""
        return next(t for t in self.tables if t.name == name)

    def with_bounding_box(self, south: float, west: float, north: float, east: float) -> Schema:
        """A copy whose coordinate ranges are narrowed to the configured bounding box."""
        descriptor = copy.deepcopy(self.descriptor)
        for resource in descriptor["resources"]:
            for fld in resource["schema"]["fields"]:
                if fld["name"] == "latitude":
                    fld["constraints"].update(minimum=south, maximum=north)
                elif fld["name"] == "longitude":
                    fld["constraints"].update(minimum=west, maximum=east)
        return build_schema(descriptor)


def _field_spec(table: str, raw: dict) -> FieldSpec:
    return FieldSpec(
        table=table,
        name=raw["name"],
        type=raw.get("type", "string"),
        key=raw["recordKey"],
        constraints=raw.get("constraints", {}),
        description=raw.get("description", ""),
        example=raw.get("example", ""),
        format_hint=raw.get("formatHint", ""),
        format=raw.get("format", "default"),
        reference=raw.get("recordReference", ""),
        oruk=raw.get("oruk", ""),
        multiline=bool(raw.get("multiline", False)),
    )


def _child(parent: Shape, key: str, kind: str) -> Shape:
    node = parent.children.get(key)
    if node is None:
        node = parent.children[key] = Shape(kind)
    return node


def _place(root: Shape, table: TableSpec) -> None:
    """Add the part of the record that table's rows come from to the shape tree."""
    node = root
    segments = table.segments
    for position, seg in enumerate(segments):
        if seg == "[]":
            node.kind, node.item = "list", node.item or Shape("mapping")
            node = node.item
            continue
        steps = seg.split(".")
        for step in steps[:-1]:
            node = _child(node, step, "mapping")
        last = steps[-1]
        if last.endswith("[]"):
            container = _child(node, last[:-2], "list")
        elif last.endswith("{}"):
            container = _child(node, last[:-2], "dict")
        else:
            node = _child(node, last, "mapping")
            continue
        if position == len(segments) - 1:
            container.table = table
        last_step = position == len(segments) - 1
        scalar_items = last_step and all(f.key.startswith("@") for f in table.fields)
        if container.item is None:
            container.item = Shape("scalar" if scalar_items else "mapping")
        node = container.item
    if node.kind == "mapping" and not node.table:
        node.table = table
    for fld in table.fields:
        if fld.key == "@value":
            node.field = fld
        if fld.key.startswith("@"):
            continue
        target = node
        steps = fld.key.split(".")
        for step in steps[:-1]:
            target = _child(target, step, "mapping")
        target.children[steps[-1]] = Shape("scalar", field=fld)


def build_schema(descriptor: dict) -> Schema:
    """Read tables and record shapes out of a data package descriptor."""
    tables = []
    for res in descriptor["resources"]:
        rec = res["record"]
        fields = [_field_spec(res["name"], f) for f in res["schema"]["fields"]]
        tables.append(
            TableSpec(
                name=res["name"],
                title=res.get("title", res["name"]),
                source=rec["source"],
                path=rec["path"],
                fields=fields,
                min_items=rec.get("minItems", 0),
                description=rec.get("description", ""),
                example=rec.get("example"),
            )
        )
    shapes: dict[str, Shape] = {}
    for table in tables:
        root = shapes.setdefault(table.source, Shape("mapping"))
        _place(root, table)
    return Schema(descriptor, tables, shapes)


def schema_file(data_dir: Path) -> Path:
    """The data folder's own datapackage.json, or the package's when it has none (as an area made by init)."""
    own = Path(data_dir) / SCHEMA_FILE
    return own if os.path.lexists(own) else DEFAULT_DATA / SCHEMA_FILE  # (a link is refused when read)


def load_schema(data_dir: Path) -> Schema:
    """Read the data package (see schema_file) of a data folder; a link in the data folder is refused."""
    path = schema_file(data_dir)
    raw = read_bytes(path, Path(data_dir)) if path.parent == Path(data_dir) else path.read_bytes()
    return build_schema(json.loads(raw.decode("utf-8")))


def frictionless_descriptor(descriptor: dict) -> dict:
    """The descriptor without this project's custom properties, for Frictionless."""
    clean = copy.deepcopy(descriptor)
    for res in clean["resources"]:
        res.pop("record", None)
        for fld in res["schema"]["fields"]:
            for key in ("recordKey", "formatHint", "oruk", "recordReference", "multiline"):
                fld.pop(key, None)
    return clean
