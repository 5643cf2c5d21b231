"""A JSON Schema of the record YAML for editors and check-jsonschema, derived from the data package."""

from __future__ import annotations

import json

from generator.data.schema import FieldSpec, Schema, Shape

SCHEMA_NAME = "record.schema.json"
HEADER = f"# yaml-language-server: $schema=../{SCHEMA_NAME}"
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _scalar(fld: FieldSpec) -> dict:
    """One field's JSON Schema; numbers may be written quoted or not, so both forms are allowed."""
    c = fld.constraints
    out: dict = {"description": fld.description} if fld.description else {}
    if fld.example:
        out["examples"] = [fld.example]
    if fld.type in ("integer", "number"):
        pattern = "^[0-9]+$" if fld.type == "integer" else "^-?[0-9]+(\\.[0-9]+)?$"
        out |= {"type": [fld.type, "string"], "pattern": pattern}
        for key in ("minimum", "maximum"):
            if key in c:
                out[key] = c[key]
        return out
    out["type"] = "string"
    if fld.type == "date":
        out["format"] = "date"
    elif fld.type == "time":
        out["pattern"] = TIME_PATTERN
    for key in ("enum", "pattern", "minLength", "maxLength"):
        if key in c:
            out[key] = c[key]
    return out


def _node(shape: Shape) -> dict:
    if shape.kind == "scalar":
        return _scalar(shape.field)
    if shape.kind == "list":
        out = {"type": "array", "items": _node(shape.item)}
        if shape.table and shape.table.min_items:
            out["minItems"] = shape.table.min_items
        if shape.table and shape.table.description:
            out["description"] = shape.table.description
        if shape.item.kind == "scalar":
            out["uniqueItems"] = True
        return out
    if shape.kind == "dict":
        return {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z]{2,3}$"},
            "additionalProperties": _node(shape.item),
            "description": shape.table.description if shape.table else "",
        }
    properties = {key: _node(child) for key, child in shape.children.items()}
    required = [k for k, child in shape.children.items() if _required(child)]
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _required(shape: Shape) -> bool:
    if shape.kind == "scalar":
        return shape.field.required
    if shape.kind == "list":
        return bool(shape.table and shape.table.min_items)
    if shape.kind == "mapping":
        return any(_required(child) for child in shape.children.values())
    return False


def record_json_schema(schema: Schema) -> dict:
    """The JSON Schema (draft 2020-12) of one asset record."""
    root = _node(schema.shapes["assets"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_NAME,
        "title": "Community asset record",
        "description": "Generated from datapackage.json by `assetmap schema --write`; do not edit by hand.",
        **root,
    }


def schema_text(schema: Schema) -> str:
    """The JSON Schema as the text written to assets_data/record.schema.json."""
    return json.dumps(record_json_schema(schema), indent=2, ensure_ascii=False) + "\n"
