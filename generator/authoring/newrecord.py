"""`assetmap new`: a commented record with every field, derived from the schema."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import yaml

from generator.authoring.editorschema import HEADER
from generator.data.schema import Schema, Shape

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 96 - len(indent))]


def _example_list(example: object) -> str:
    if isinstance(example, list) and all(isinstance(e, str) for e in example):
        return "[" + ", ".join(example) + "]"
    return ""


def _item_example(shape: Shape) -> dict:
    """An example item with every key of a list of blocks (such as one location), from the schema's examples."""
    item: dict = {}
    for key, child in shape.children.items():
        if child.kind == "scalar":
            item[key] = child.field.example
        elif child.kind == "list" and child.table and isinstance(child.table.example, list):
            item[key] = child.table.example
    return item


def _lines(shape: Shape, indent: str, asset_id: str, today: dt.date, in_list: bool = False) -> list[str]:
    out: list[str] = []
    first = True
    for key, child in shape.children.items():
        lead = indent
        if in_list:
            lead = indent[:-2] + "- " if first else indent
        first = False
        if child.kind == "scalar":
            fld = child.field
            out += _comment(f"Required. {fld.description}" if fld.required else fld.description, indent)
            if key == "id":
                out.append(f"{lead}{key}: {asset_id}")
            elif key == "last_checked":
                out.append(f"{lead}{key}: {today.isoformat()}")
            elif fld.required:
                out.append(f'{lead}{key}: ""  # for example: {fld.example}')
            else:
                out.append(f"{lead.replace('- ', '  ')}# {key}: {fld.example}")
        elif child.kind == "mapping":
            out += _comment(f"{key}: a block of the keys below.", indent)
            out.append(f"{lead}{key}:")
            out += _lines(child, indent + "  ", asset_id, today)
        elif child.kind == "list" and child.item.kind == "scalar":
            table = child.table
            out += _comment(table.description, indent)
            example = _example_list(table.example)
            if table.min_items:
                out.append(f"{lead}{key}: []  # for example: {example}")
            else:
                out.append(f"{lead.replace('- ', '  ')}# {key}: {example}")
        elif child.kind == "list":
            out += _comment(child.table.description, indent)
            out.append(f"{lead}{key}: []")
            example = yaml.safe_dump({key: [_item_example(child.item)]}, sort_keys=False, allow_unicode=True, width=90)
            out += [f"{indent}# {line}" for line in ["For example:", *example.splitlines()]]
        else:
            out += _comment(child.table.description, indent)
            example = yaml.safe_dump({key: child.table.example}, sort_keys=False, allow_unicode=True, width=90)
            out += [f"{indent}# {line}" for line in example.splitlines()]
    return out


def new_record(schema: Schema, asset_id: str, today: dt.date) -> str:
    """The text of a new record: required fields to fill in, optional ones commented out with examples."""
    lines = [HEADER, "# A new community asset. Fill in every value marked Required; see CONTRIBUTING.md."]
    lines += _lines(schema.shapes["assets"], "", asset_id, today)
    return "\n".join(lines) + "\n"


def is_slug(text: str) -> bool:
    """True for a valid asset id."""
    return bool(SLUG.match(text))
