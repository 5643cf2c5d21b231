"""The import's guard against hostile files: size, depth, count and cell limits, and text cleaned before YAML."""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from pathlib import Path

from generator.data.loader import display_path
from generator.problems import WARNING, Problem

MAX_FILE_BYTES = 50 * 1024 * 1024  # one file read for an import
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all the .json files of a folder together
MAX_DEPTH = 64  # nesting of a JSON document; an ORUK service_full is about 8 deep
MAX_SERVICES = 10_000  # services or rows in one import: 10,000 rows took 26 s and 470 MB
MAX_OBJECTS = 500_000  # objects ({...}) in one JSON file: a service from this tool's export holds about 40
MAX_VALUES = 3_000_000  # commas in one JSON file (about the number of values): about 190 a service
MAX_COLUMNS = 200  # columns of a CSV file; the import knows about 40
MAX_CELL = 32 * 1024  # characters in one CSV cell; the longest field a record holds is 4,000
MULTI_LINE = {"description"}  # record keys whose text may keep its new lines
LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ONE_LINE_BAD = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")  # all but tab
MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # all but tab and new line


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most limit bytes, or a problem naming the file."""
    shown = display_path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: opening a named pipe would wait forever
            return None, Problem(shown, 0, "", "not-a-file", "this is not a regular file.", "Import a file.")
        with path.open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, Problem(shown, 0, "", "not-a-file", "this is not a regular file.", "Import a file.")
            raw = handle.read(limit + 1)
    except OSError as exc:
        return None, Problem(shown, 0, "", "unreadable", f"cannot read the file: {exc.strerror or exc}.")
    if len(raw) > limit:
        return None, Problem(
            shown,
            0,
            "",
            "file-too-large",
            f"the file is larger than {limit // 1_048_576} MB, the most an import reads.",
            "Split it into smaller files (a folder of them can be imported at once).",
        )
    return raw, None


def json_depth(document: object) -> int:
    """How deeply lists and objects nest in a parsed JSON document, found without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def parse_json(raw: bytes, shown: str) -> tuple[object, Problem | None]:
    """The JSON document in raw bytes, or a problem naming the file (and line) when it cannot be used."""
    hint = "Export services from the directory as ORUK JSON (UTF-8)."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(shown, 0, "", "not-utf8", f"the file is not UTF-8 text (byte {exc.start + 1}).", hint)
    if not text.strip():
        return None, Problem(shown, 0, "", "empty-file", "the file is empty.", hint)
    if raw.count(b"{") > MAX_OBJECTS or raw.count(b",") > MAX_VALUES:  # parsed, they would fill the memory
        message = f"the JSON holds over {MAX_OBJECTS:,} objects or {MAX_VALUES:,} values, more than an import reads."
        return None, Problem(shown, 0, "", "too-many", message, "Split it into smaller files.")
    try:
        document, deep = json.loads(text), False
    except json.JSONDecodeError as exc:
        message = f"this is not valid JSON: {exc.msg}."
        return None, Problem(shown, exc.lineno, "", "bad-json", message, "Check the brackets.")
    except RecursionError:
        document, deep = None, True
    except ValueError as exc:  # a number too long to convert, for one
        return None, Problem(shown, 0, "", "bad-json", f"this JSON cannot be read: {exc}.", "Check the numbers.")
    if deep or json_depth(document) > MAX_DEPTH:
        return None, Problem(
            shown,
            0,
            "",
            "json-too-deep",
            f"the JSON is nested more than {MAX_DEPTH} levels deep; an ORUK service is far shallower.",
            hint,
        )
    return document, None


def one_line(text: str, limit: int = 0) -> str:
    """text for a comment or a report line: one line, no control or format characters, spaces collapsed."""
    text = LINE_BREAKS.sub(" ", str(text))
    text = " ".join("".join(c for c in text if unicodedata.category(c)[0] != "C" or c == "\t").split())
    return text if not limit or len(text) <= limit else text[: limit - 1] + "…"


def _no_controls(line: str) -> str:
    return "".join(" " if c == "\t" else c for c in line if c == "\t" or unicodedata.category(c) != "Cc")


def clean_value(text: str, multi_line: bool) -> str:
    """A value as a record may hold it: no control characters; new lines only in multi-line fields, as LF."""
    lines = [_no_controls(line).rstrip() for line in LINE_BREAKS.split(text)]
    if not multi_line:
        return " ".join(line.strip() for line in lines if line.strip())
    return "\n".join(lines).strip()


def clean_record(record: object, shown: str, path: str = "") -> tuple[object, list[Problem]]:
    """The record with every string cleaned (see clean_value), and a warning for each value changed."""
    if isinstance(record, dict):
        out, problems = {}, []
        for key, value in record.items():
            out[key], found = clean_record(value, shown, f"{path}.{key}" if path else str(key))
            problems += found
        return out, problems
    if isinstance(record, list):
        out_list, problems = [], []
        for i, value in enumerate(record):
            item, found = clean_record(value, shown, f"{path}[{i}]")
            out_list.append(item)
            problems += found
        return out_list, problems
    if not isinstance(record, str):
        return record, []
    key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
    if not (MULTI_LINE_BAD if key in MULTI_LINE else ONE_LINE_BAD).search(record):
        return record, []
    cleaned = clean_value(record, key in MULTI_LINE)
    what = "line breaks or control characters"
    what = f"{what} other than a new line" if key in MULTI_LINE else what
    message = f"the text held {what}; they were replaced by spaces or removed."
    return cleaned, [Problem(shown, 0, path, "text-cleaned", message, "", WARNING)]
