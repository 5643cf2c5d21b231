"""Check that each record has the shape the schema describes: known keys, lists where lists belong."""

from __future__ import annotations

import difflib
from typing import Any

from generator.data.loader import Document, Mapping, Sequence
from generator.data.schema import Shape
from generator.problems import Problem

KIND_WORDS = {
    "mapping": "a block of keys (key: value on separate, indented lines)",
    "list": "a list (one '- item' per line, or [a, b])",
    "dict": "a block keyed by language code (for example cy:)",
    "scalar": "a single value",
}


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """A 'did you mean' hint naming the closest choice, or empty when none is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else ""


def _inline(example: Any) -> str:
    if isinstance(example, list) and all(isinstance(e, str) for e in example):
        return "[" + ", ".join(example) + "]"
    return str(example)


def _kind_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, Sequence):
        return "list"
    return "scalar"


def _wrong_kind(doc: Document, line: int, path: str, shape: Shape, value: Any) -> Problem:
    expected = "dict" if shape.kind == "dict" else shape.kind
    found = _kind_of(value)
    if shape.kind == "list" and found == "scalar":
        hint = f"Write it as a list, for example: {path.split('.')[-1]}: [{value}]"
    elif shape.kind == "scalar":
        hint = "Put the whole value on one line after the colon, or use '|' for several lines of text."
    else:
        hint = "Check the indentation: the keys inside belong two spaces further in."
    return Problem(
        doc.display,
        line,
        path,
        "wrong-shape",
        f"should be {KIND_WORDS[expected]}, not {KIND_WORDS[found]}.",
        hint,
    )


def _plain(value: Any, shape: Shape) -> bool:
    """True for a value that is certainly right where a single value belongs (most of a record): one line of text.

    (Checked in the loops below before a value's record path is made: only a problem needs it.)
    """
    return shape.kind == "scalar" and type(value) is str and "\n" not in value


def _check(doc: Document, value: Any, shape: Shape, path: str, line: int, out: list[Problem]) -> None:
    if value is None:
        return
    if shape.kind == "scalar":
        if not isinstance(value, str):
            out.append(_wrong_kind(doc, line, path, shape, value))
        elif "\n" in value.rstrip() and shape.field and not shape.field.multiline:
            out.append(
                Problem(
                    doc.display,
                    line,
                    path,
                    "line-break",
                    "holds a line break; it is one line of text.",
                    "Write it on one line (only a description may run over several lines).",
                )
            )
        return
    if shape.kind == "list":
        if not isinstance(value, Sequence):
            out.append(_wrong_kind(doc, line, path, shape, value))
            return
        item_shape = shape.item
        for i, item in enumerate(value):
            if item is not None and not _plain(item, item_shape):
                _check(doc, item, item_shape, f"{path}[{i}]", value.item_lines[i], out)
        return
    if not isinstance(value, Mapping):
        out.append(_wrong_kind(doc, line, path, shape, value))
        return
    if shape.kind == "dict":
        item_shape = shape.item
        for key, item in value.items():
            if item is not None and not _plain(item, item_shape):
                _check(doc, item, item_shape, f"{path}.{key}", value.key_lines[key], out)
        return
    children = shape.children
    for key, item in value.items():
        child = children.get(key)
        if child is None:
            sub = f"{path}.{key}" if path else key
            hint = did_you_mean(key, children) or "Allowed here: " + ", ".join(children) + "."
            out.append(
                Problem(doc.display, value.key_lines[key], sub, "unknown-key", f"'{key}' is not a known field.", hint)
            )
        elif item is not None and not _plain(item, child):
            _check(doc, item, child, f"{path}.{key}" if path else key, value.key_lines[key], out)


def _has_min_items(shape: Shape | None) -> bool:
    """True when this part of the schema, or a part inside it, needs a least number of list items."""
    if shape is None:
        return False
    known = _WITH_MIN_ITEMS.get(id(shape))
    if known is None:
        known = bool(shape.kind == "list" and shape.table and shape.table.min_items)
        known = known or _has_min_items(shape.item) or any(_has_min_items(c) for c in shape.children.values())
        _WITH_MIN_ITEMS[id(shape)] = known
        _KEPT.append(shape)  # (kept alive, so that its id is never another shape's)
    return known


_WITH_MIN_ITEMS: dict[int, bool] = {}
_KEPT: list[Shape] = []


def _min_items(doc: Document, shape: Shape, value: Any, path: str, line: int, out: list[Problem]) -> None:
    """Report lists that the schema says need at least minItems entries."""
    if not _has_min_items(shape):  # most of a record: nothing below needs a count
        return
    if shape.kind == "list" and shape.table and shape.table.min_items:
        count = len(value) if isinstance(value, Sequence) else 0 if value is None else 1
        if count < shape.table.min_items:
            out.append(
                Problem(
                    doc.display,
                    line,
                    path,
                    "too-few-items",
                    f"needs at least {shape.table.min_items} item, and has none.",
                    f"{shape.table.description} For example: {path.split('.')[-1]}: {_inline(shape.table.example)}",
                )
            )
    if shape.kind == "list" and isinstance(value, Sequence):
        if shape.item.kind == "mapping" and _has_min_items(shape.item):
            for i, item in enumerate(value):
                _min_items(doc, shape.item, item, f"{path}[{i}]", value.item_lines[i], out)
    elif shape.kind == "mapping" and isinstance(value, Mapping):
        for key, child in shape.children.items():
            if _has_min_items(child):  # (most parts of a record: nothing inside needs a count)
                sub = f"{path}.{key}" if path else key
                _min_items(doc, child, value.get(key), sub, value.key_lines.get(key, value.line), out)


def check_structure(doc: Document, shape: Shape) -> list[Problem]:
    """Every problem with the shape of one loaded document: wrong kinds, unknown keys, empty lists."""
    out: list[Problem] = []
    data = doc.data
    if shape.kind == "mapping" and not isinstance(data, Mapping):
        return [
            Problem(
                doc.display,
                getattr(data, "line", 1),
                "",
                "wrong-shape",
                f"the file should hold {KIND_WORDS['mapping']}, not {KIND_WORDS[_kind_of(data)]}.",
                "Start from an existing record or run `assetmap new`.",
            )
        ]
    if shape.kind == "list" and not isinstance(data, Sequence):
        return [
            Problem(
                doc.display,
                getattr(data, "line", 1),
                "",
                "wrong-shape",
                f"the file should hold {KIND_WORDS['list']}, not {KIND_WORDS[_kind_of(data)]}.",
                "",
            )
        ]
    _check(doc, data, shape, "", getattr(data, "line", 1), out)
    if not out:
        _min_items(doc, shape, data, "", data.line, out)
    return out
