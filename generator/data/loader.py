"""Load stage: read untrusted YAML into plain mappings, lists and strings that remember their lines.

Nothing is constructed by YAML's own rules: every scalar is kept as the text written, so `NO`,
`on`, `12:30`, `0123` and `2024-01-05` stay strings for the schema to type. Anchors and aliases,
duplicate keys, explicit tags, non-UTF-8 bytes, empty files, oversized files and characters no value
may hold (characters.py) are reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.data import characters
from generator.files import LinkRefused, entries, kind, read_bytes
from generator.problems import Problem
from generator.speed.buildstate import digest

MAX_BYTES = 256 * 1024
NULLS = {"", "~", "null", "Null", "NULL"}
PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SCALAR = yaml.ScalarNode


class _Loader(_BaseLoader):
    """Compose-only loader that never guesses types: every untagged scalar is a string."""

    def resolve(self, kind, value, implicit):  # noqa: D102 - replaces YAML 1.1 type guessing
        if kind is yaml.ScalarNode:
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class Mapping(dict):
    """A YAML mapping whose keys are strings, remembering the line of itself and of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class Sequence(list):
    """A YAML list remembering the line of itself and of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass
class Document:
    """One YAML file as loaded: its path for messages, its content (or None) and its problems."""

    path: Path
    display: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""  # of the bytes read (empty when the file could not be read)


class _Refused(Exception):
    bad = ""  # for a character no value may hold: which (see _bad_characters)

    def __init__(self, line: int, field: str, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.args5 = (line, field, code, message, hint)


def _convert(node: yaml.Node, seen: set[int] | None, path: str, written_at: int = 0) -> Any:
    """Turn a composed node into Mapping / Sequence / str / None, refusing aliases and tags."""
    try:
        return _converted(node, seen, written_at)
    except _Refused as refused:
        if path:
            _refused_at(refused, path)
        line, sub, code, message, hint = refused.args5
        if refused.bad:  # a character no value may hold: said of the field, or of the file at the top
            message = f"{'holds' if sub else 'the file holds'} {characters.describe(refused.bad)}."
            refused.args5 = (line, sub, code, message, hint)
        raise


def _bad_characters(value: str, line: int) -> None:
    """Refuse a value or key holding a character no value may hold (its message is made once its path is known)."""
    bad = characters.in_value(value)
    if bad:
        refused = _Refused(line, "", "bad-character", "", characters.hint(bad, in_file=False))
        refused.bad = bad
        raise refused


def _refused_at(refused: _Refused, step: str) -> _Refused:
    """The refusal with one more step (a key or [index]) in front of its record path, on its way up."""
    line, sub, *rest = refused.args5
    joined = f"{step}{'' if not sub or sub.startswith('[') else '.'}{sub}" if sub else step
    refused.args5 = (line, joined, *rest)
    return refused


def _converted(node: yaml.Node, seen: set[int] | None, written_at: int) -> Any:
    """_convert's work; record paths in refusals are relative to node (built on the way up, only then).

    seen is None when the file holds no '*', so no alias (see parse_yaml). Then an item or value that
    is a plain, untagged scalar, as most are, is taken in its list or mapping's loop without a call.
    """
    line = node.start_mark.line + 1
    if seen is not None:
        ident = id(node)
        if ident in seen:
            raise _Refused(
                written_at or line,
                "",
                "yaml-alias",
                "YAML anchors and aliases (& and *) are not allowed.",
                "Write the value out in full where it is needed.",
            )
        seen.add(ident)
    tag = node.tag
    if tag not in PLAIN_TAGS:
        raise _Refused(line, "", "yaml-tag", f"the YAML tag '{tag or ''}' is not allowed.", "Remove the tag.")
    kind = type(node)
    if kind is _SCALAR:
        style = node.style
        if style == '"':  # only double quotes have escapes; other text was in the file, checked whole
            _bad_characters(node.value, line)
        if not style and node.value in NULLS:
            return None
        return node.value
    if kind is yaml.SequenceNode:
        seq = Sequence(line)
        lines = seq.item_lines
        for i, item in enumerate(node.value):
            if seen is None and type(item) is _SCALAR and not item.style and item.tag == _STR:
                seq.append(None if item.value in NULLS else item.value)
            else:
                try:
                    seq.append(_converted(item, seen, line))
                except _Refused as refused:
                    raise _refused_at(refused, f"[{i}]") from None
            lines.append(item.start_mark.line + 1)
        return seq
    mapping = Mapping(line)
    key_lines = mapping.key_lines
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if type(key_node) is not yaml.ScalarNode:
            raise _Refused(key_line, "", "yaml-key", "a key must be a plain word.", "Check the indentation.")
        key = key_node.value
        if key == "<<" and not key_node.style:
            raise _Refused(
                key_line, "", "yaml-alias", "YAML merge keys (<<) are not allowed.", "Write the keys out in full."
            )
        if key_node.style == '"':
            try:
                _bad_characters(key, key_line)
            except _Refused as refused:
                raise _refused_at(refused, characters.IN_VALUE.sub("?", key)) from None
        if key in mapping:
            first = key_lines[key]
            raise _refused_at(
                _Refused(
                    key_line,
                    "",
                    "duplicate-key",
                    f"'{key}' appears twice in the same block (lines {first} and {key_line}).",
                    "Keep one of them and delete the other.",
                ),
                key,
            )
        key_lines[key] = key_line
        if seen is None and type(value_node) is _SCALAR and not value_node.style and value_node.tag == _STR:
            mapping[key] = None if value_node.value in NULLS else value_node.value
            continue
        try:
            mapping[key] = _converted(value_node, seen, key_line)
        except _Refused as refused:
            raise _refused_at(refused, key) from None
    return mapping


def _path_at(node: yaml.Node, offset: int, path: str = "") -> str | None:
    """The record path of the key or value written at a character offset, or None when none is there."""
    if isinstance(node, yaml.ScalarNode):
        return path if node.start_mark.index <= offset < max(node.end_mark.index, node.start_mark.index + 1) else None
    if not node.start_mark.index <= offset <= node.end_mark.index:
        return None
    if isinstance(node, yaml.SequenceNode):
        items = [(f"{path}[{i}]", item) for i, item in enumerate(node.value)]
    else:
        items = []
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            items += [(sub, key), (sub, value)]
    for sub, child in items:
        found = _path_at(child, offset, sub)
        if found is not None:
            return found
    return None


def _character_problems(text: str, found: list[tuple[int, str]], display: str) -> list[Problem]:
    """A problem at the line and field of each character in the file that no value may hold."""
    paths: list[str | None] = [None] * len(found)
    for stand_in in " x":  # a space keeps 'name:\x01text' a key; a letter keeps ' \x1b[2J' from opening a list
        try:
            node = yaml.compose(characters.blanked(text, stand_in), Loader=_Loader)
        except (yaml.YAMLError, RecursionError):
            continue
        if node is not None:
            paths = [known or _path_at(node, offset) for known, (offset, _) in zip(paths, found, strict=True)]
        if None not in paths:
            break
    return [
        Problem(
            display,
            text.count("\n", 0, offset) + 1,
            path or "",
            "bad-character",
            f"{'holds' if path else 'the file holds'} {characters.describe(char, in_file=True)}.",
            characters.hint(char, in_file=True),
        )
        for (offset, char), path in zip(found, paths, strict=True)
    ]


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def parse_yaml(raw: bytes, display: str, max_bytes: int = MAX_BYTES) -> tuple[Any, list[Problem]]:
    """Parse bytes of YAML into line-aware data, or return problems saying why not."""

    def refuse(line: int, code: str, message: str, hint: str = "", fld: str = "") -> tuple[Any, list[Problem]]:
        return None, [Problem(display, line, fld, code, message, hint)]

    if len(raw) > max_bytes:
        return refuse(
            0,
            "file-too-large",
            f"the file is {len(raw):,} bytes; the limit is {max_bytes:,}.",
            "A record should be a few kilobytes; check nothing was pasted in by mistake.",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return refuse(
            _line_of_offset(raw, exc.start),
            "not-utf8",
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at this line).",
            "Save the file as UTF-8 (most editors offer this under 'Save as' or 'Encoding').",
        )
    if "\x00" in text:
        return refuse(_line_of_offset(raw, raw.find(b"\x00")), "not-utf8", "the file contains a NUL byte.", "")
    found = list(characters.in_file(text))
    if found:
        return None, _character_problems(text, found, display)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return refuse(1, "empty-file", "the file is empty.", "Start from an existing record or run `assetmap new`.")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "the YAML cannot be read"
        hint = "Check the indentation and that text containing ': ' or '#' is in quotes."
        bad_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "\t" in bad_line or "tab" in problem:
            hint = "Use spaces, not tabs, to indent."
        if "expected a single document" in str(exc):
            problem, hint = "the file holds more than one YAML document.", "Keep one record per file; remove '---'."
        return refuse(line, "yaml-syntax", f"this is not valid YAML: {problem}.", hint)
    except yaml.YAMLError as exc:
        return refuse(0, "yaml-syntax", f"this is not valid YAML: {exc}.", "")
    if node is None:
        return refuse(1, "empty-file", "the file is empty.", "Start from an existing record or run `assetmap new`.")
    try:
        return _convert(node, set() if "*" in text else None, ""), []  # (an alias is written with '*')
    except _Refused as refused:
        line, fld, code, message, hint = refused.args5
        return None, [Problem(display, line, fld, code, message, hint)]
    except RecursionError:
        return refuse(1, "yaml-too-deep", "the YAML is nested too deeply.", "Records are at most four levels deep.")


def display_path(path: Path) -> str:
    """The path as a volunteer would type it: relative to the current folder when possible."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        return os.path.normpath(text)  # what relpath gives for a relative path, without two calls to the system
    here = os.getcwd()
    if text.startswith(here + os.sep):
        return os.path.normpath(text[len(here) + 1 :])
    try:
        return os.path.relpath(text)
    except ValueError:
        return text


def _link_problem(display: str) -> Problem:
    return Problem(
        display,
        0,
        "",
        "symlink",
        "this is a symbolic link (or inside one); links are never read, wherever they point.",
        "Replace the link with the file itself: `git rm` the link, then copy the file in and add it.",
    )


def load_document(path: Path, max_bytes: int = MAX_BYTES, root: Path | None = None) -> Document:
    """Read one YAML file from disk into a Document; a link on the way from root (default: its folder) is refused."""
    display = display_path(path)
    try:
        raw = read_bytes(path, root)
    except LinkRefused as exc:
        problem = _link_problem(display)
        if "link" not in exc.strerror:
            problem = Problem(display, 0, "", "unreadable", "this is not a regular file.", "Replace it with a file.")
        return Document(path, display, None, [problem])
    except OSError as exc:
        return Document(
            path, display, None, [Problem(display, 0, "", "unreadable", f"cannot read the file: {exc.strerror}.")]
        )
    data, problems = parse_yaml(raw, display, max_bytes)
    return Document(path, display, data, problems, digest(raw))


@dataclass
class RawDataset:
    """Everything read from a data folder, before validation."""

    root: Path
    records: list[Document]
    vocabularies: dict[str, Document]
    config: Document
    schema: dict
    problems: list[Problem]


def list_records(data_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The record files in a data folder's assets/, and problems with anything else there."""
    data_dir = Path(data_dir)
    assets_dir = data_dir / "assets"
    parts = data_dir.parts
    if not data_dir.is_absolute() and ".." not in parts:  # inside the working folder: no link on the way either
        for i in range(len(parts)):
            if os.path.islink(Path(*parts[: i + 1])):
                return [], [_link_problem(display_path(Path(*parts[: i + 1])))]
    try:
        what = kind(assets_dir, data_dir)
    except OSError:
        what = "missing"
    if what == "link":
        return [], [_link_problem(display_path(assets_dir))]
    if what != "folder":
        return [], [
            Problem(
                display_path(data_dir),
                0,
                "",
                "no-assets-folder",
                "there is no assets/ folder here.",
                "Point --data at the folder that holds assets/, vocabularies/ and datapackage.json.",
            )
        ]
    paths, problems = [], []
    for name, what in entries(data_dir, "assets"):
        path = assets_dir / name
        if what == "link":  # even a hidden one: nothing should ever be written through it
            problems.append(_link_problem(display_path(path)))
        elif name.startswith("."):
            continue
        elif path.suffix == ".yml":
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    "",
                    "wrong-extension",
                    "record files must end in .yaml, not .yml.",
                    f"Rename it to {path.stem}.yaml.",
                )
            )
        elif path.suffix != ".yaml" or what != "file":
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    "",
                    "not-a-record",
                    "only .yaml record files belong in assets/.",
                    "Move or delete this file.",
                )
            )
        else:
            paths.append(path)
    return paths, problems


def load_dataset(data_dir: Path, schema: dict, paths: list[Path] | None = None) -> RawDataset:
    """Read the records (all, or the given ones), the vocabularies the schema names, and config.yaml."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if paths is None:
        paths, problems = list_records(data_dir)
    records = [load_document(path, root=data_dir) for path in paths]
    vocabularies = {}
    for resource in schema["resources"]:
        source = resource["record"]["source"]
        if source != "assets":
            vocabularies[source] = load_document(data_dir / source, root=data_dir)
    config = load_document(data_dir / "config.yaml", root=data_dir)
    return RawDataset(data_dir, records, vocabularies, config, schema, problems)
