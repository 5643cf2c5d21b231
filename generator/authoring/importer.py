"""Import records from a spreadsheet (CSV), and write imported records of any source: map, validate, then write YAML."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.authoring.editorschema import HEADER
from generator.authoring.importsafe import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_SERVICES,
    clean_record,
    one_line,
    read_limited,
)
from generator.authoring.oruk_import import Mapped, Vocabulary, slug, unique
from generator.data.check import check
from generator.data.config import load_config
from generator.data.loader import display_path, list_records, load_document
from generator.data.schema import SCHEMA_FILE, Schema, Shape, load_schema, schema_file
from generator.files import read_bytes, write_atomic, write_new
from generator.opendata.spreadsheet import SESSION_HINT, csv_columns
from generator.problems import WARNING, Problem, problem_lines
from generator.render.schedule import DAY_ORDER
from generator.render.strings import load_catalogue

LIST_SEPARATOR = re.compile(r"\s*[;,]\s*")
SESSION = re.compile(
    r"^(?:(?P<type>opening-hours)\s+)?(?P<frequency>weekly|fortnightly|monthly)\s+"
    r"(?:(?P<week>first|second|third|fourth|last)\s+)?(?P<days>[a-z][a-z ,-]*?)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*(?:-|to)\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+from\s+(?P<starts_on>\d{4}-\d{2}-\d{2}))?(?:\s+at\s+(?P<location>[a-z0-9-]+))?$"
)


@dataclass
class ImportReport:
    """What an import did: records written, records left alone, problems, and what needs a person's attention."""

    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed (records left alone because they exist do not count as failures)."""
        return not any(p.is_error for p in self.problems)

    def text(self) -> str:
        """The report in plain words: written, skipped, not mapped, needs attention, problems."""
        out = []
        for label, items in (("Wrote", self.written), ("Updated", self.updated)):
            out += [f"{label} {path}" for path in items]
        out += [f"Skipped {path}: it already exists (use --update to replace it)" for path in self.skipped]
        for mapped in self.mapped:
            if mapped.unused:
                out.append(f"Not mapped from {mapped.source} ({mapped.id}):")
                out += [f"  - {line}" for line in mapped.unused]
        for mapped in self.mapped:
            if mapped.attention:
                out.append(f"Needs attention: {mapped.id}")
                out += [f"  - {line}" for line in mapped.attention]
        out += problem_lines(self.problems)  # as `assetmap validate` prints them
        total = len(self.written) + len(self.updated)
        if self.ok:
            out.append(f"Imported {total} record{'s' if total != 1 else ''}; {len(self.skipped)} skipped.")
        else:
            out.append("Nothing was imported: the data folder is unchanged. Fix the problems above and import again.")
        return "\n".join(_safe_line(line) for line in out)


def _safe_line(line: str) -> str:
    """A report line with imported text made harmless for a terminal: one line, no control characters."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    return indent + one_line(line)


def vocabulary(data_dir: Path, templates: Path, today: dt.date) -> Vocabulary:
    """What imported data is mapped onto, read from a data folder without validating its records.

    DataError when config.yaml has problems (the bounding box is a setting).
    """
    schema = load_schema(data_dir)
    config = load_config(data_dir)
    schema = schema.with_bounding_box(config.south, config.west, config.north, config.east)
    vocab = {}
    for name in ("categories", "areas"):
        doc = load_document(data_dir / schema.table(name).source, root=data_dir)
        vocab[name] = [item for item in doc.data or [] if isinstance(item, dict) and item.get("id")]
    paths, _ = list_records(data_dir)
    return Vocabulary(
        schema=schema,
        categories={c["id"]: c.get("name") or c["id"] for c in vocab["categories"]},
        areas={a["id"]: a.get("name") or a["id"] for a in vocab["areas"]},
        area_descriptions={a["id"]: a.get("description") or "" for a in vocab["areas"]},
        t=load_catalogue(templates),
        today=today.isoformat(),
        existing={p.stem for p in paths},
    )


# --- writing --------------------------------------------------------------------------------------


# Keys in the order the hand-written records use; others follow in the schema's order.
KEY_ORDER = ["id", "name", "summary", "description", "status", "status_notes", "organisation", "categories", "areas"]
KEY_ORDER += ["who_for", "access", "cost", "attending", "languages", "locations", "sessions", "contact"]
KEY_ORDER += [
    "type",
    "amount",
    "per",
    "frequency",
    "week_of_month",
    "days",
    "start",
    "end",
    "starts_on",
    "location",
    "notes",
]


def _ordered(value: object, shape: Shape | None) -> object:
    """The record with keys in the usual order (unknown keys last), for a file that reads like the others."""
    if isinstance(value, dict):
        order = list(shape.children) if shape and shape.kind == "mapping" else []
        order = sorted(order, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER))
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        return {k: _ordered(value[k], shape.children.get(k) if shape else None) for k in keys}
    if isinstance(value, list):
        item = shape.item if shape and shape.kind == "list" else None
        return [_ordered(v, item) for v in value]
    return value


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter when present: 5 times faster
    """Writes multi-line text as a literal block, like the hand-written records."""


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def record_text(mapped: Mapped, schema: Schema) -> str:
    """The YAML file of an imported record, headed by where it came from and what to check."""
    record = {k: v for k, v in mapped.record.items() if v not in ([], {}, None, "")}
    body = yaml.dump(
        _ordered(record, schema.shapes["assets"]),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    # Comments carry imported text only as one sanitised line each: no line break can end a comment early.
    lines = [HEADER, f"# Imported from {one_line(mapped.source, 300)}."]
    lines += [f"# CHECK: {one_line(item, 300)}" for item in mapped.attention]
    return "\n".join(lines) + "\n" + body


def _stage(data_dir: Path, schema: Schema, stage: Path) -> None:
    """A copy of the data folder's schema, config and vocabularies, with an empty assets/ folder."""
    (stage / "assets").mkdir(parents=True)
    own = schema_file(data_dir) == data_dir / SCHEMA_FILE
    schema_bytes = read_bytes(data_dir / SCHEMA_FILE, data_dir) if own else schema_file(data_dir).read_bytes()
    write_atomic(stage / SCHEMA_FILE, schema_bytes, stage)
    for name in ["config.yaml", *sorted({t.source for t in schema.tables if t.source != "assets"})]:
        write_atomic(stage / name, read_bytes(data_dir / name, data_dir), stage)  # a link is refused


def _write(target: Path, text: str, replace: bool) -> None:
    """Write text to target in one step; a new record never replaces a file that appeared meanwhile.

    Through generator.files: no link in the data folder is followed (a link at the temporary file's
    place is refused), and a link at target is replaced, never written through.
    """
    data_dir = target.parent.parent  # target is data_dir/assets/<id>.yaml
    if replace:
        write_atomic(target, text.encode("utf-8"), data_dir)
    else:
        write_new(target, text.encode("utf-8"), data_dir)


def _where(item: Mapped) -> tuple[str, int]:
    return (item.file or item.source), item.line


def _check_ids(mapped: list[Mapped], schema: Schema) -> list[Problem]:
    """Ids that cannot name a file (checked before any path is made from them) and ids given twice."""
    problems: list[Problem] = []
    first: dict[str, Mapped] = {}
    pattern = schema.table("assets").field("id").constraints.get("pattern", r"^[a-z0-9]+(-[a-z0-9]+)*$")
    for item in mapped:
        file, line = _where(item)
        item_id = item.record.get("id")
        if not isinstance(item_id, str) or not re.fullmatch(pattern, item_id) or len(item_id) > 80:
            shown = one_line(str(item_id), 60)
            message = f"'{shown}' ({item.source}) is not an id: lowercase letters, digits and single hyphens."
            problems.append(Problem(file, line, "id", "bad-id", message, "Leave the id empty to have one made."))
            continue
        if item_id in first:
            message = f"the id '{item_id}' ({item.source}) is also the id of {first[item_id].source}."
            hint = "Give each row or service its own id, or leave the id empty to have one made from the name."
            problems.append(Problem(file, line, "id", "duplicate-id", message, hint))
        first.setdefault(item_id, item)
    return problems


def not_imported(data_dir: Path, why: str) -> Problem:
    return Problem(display_path(data_dir / "assets"), 0, "", "not-imported", f"nothing was imported: {why}.", "")


def write_records(
    data_dir: Path,
    mapped: list[Mapped],
    update: bool,
    today: dt.date,
    notes: dict[str, tuple[Path, bytes]] | None = None,
    write: bool = True,
) -> ImportReport:
    """Validate the whole batch with the records already there, then write all of it, or nothing.

    notes: files that go with records (record id -> path in data_dir, bytes), such as where each came from;
    written with the batch and undone with it, except those of records left alone because they exist.
    write=False validates only (for a caller that found other problems, so that one report names them all).
    """
    report = ImportReport(mapped=mapped)
    schema = load_schema(data_dir)
    for item in mapped:
        item.record, cleaned = clean_record(item.record, item.source)
        report.problems += [Problem(*_where(item), p.field, p.code, p.message, p.hint, p.severity) for p in cleaned]
    report.problems += _check_ids(mapped, schema)
    if not report.ok:
        report.problems.append(not_imported(data_dir, "fix the ids above first"))
        return report
    chosen: list[tuple[Mapped, Path, str]] = []
    for item in mapped:
        target = data_dir / "assets" / f"{item.id}.yaml"
        if target.exists() and not update:
            report.skipped.append(display_path(target))
            continue
        chosen.append((item, target, record_text(item, schema)))
    left_alone = {Path(p).stem for p in report.skipped}
    extra = [(path, data) for record_id, (path, data) in sorted((notes or {}).items()) if record_id not in left_alone]
    if not chosen and not extra:
        return report
    if chosen:
        report.problems += _validate(data_dir, schema, chosen, today)
    if not report.ok:
        report.problems.append(not_imported(data_dir, "the batch did not pass validation with the records there"))
        return report
    if not write:
        return report
    _commit(data_dir, chosen, update, report, extra)
    return report


def _validate(data_dir: Path, schema: Schema, chosen: list[tuple[Mapped, Path, str]], today: dt.date) -> list[Problem]:
    """Problems of a staged copy of the data folder holding its records and the new batch together."""
    targets = {target.name: target for _i, target, _t in chosen}
    items = {target.name: item for item, target, _t in chosen}
    existing, problems = list_records(data_dir)  # a stray file in assets/ fails validate, so it stops the import
    problems = [p for p in problems if p.is_error]
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        try:
            _stage(data_dir, schema, stage)
            _stage_records(existing, targets, stage)
        except OSError as exc:
            shown = display_path(Path(exc.filename)) if exc.filename else display_path(data_dir)
            return [Problem(shown, 0, "", "unreadable", f"cannot read it: {exc.strerror or exc}.", "")]
        for _item, target, text in chosen:
            (stage / "assets" / target.name).write_text(text, encoding="utf-8")
        checked = check(stage, today=today, workers=1)
    for p in checked.problems:
        place = _inside(p.file, stage)
        if place and place.parts[0] == "assets" and place.name in targets:
            item = items[place.name]  # a new record: named by the row or service it came from
            origin = f" ({item.source})" if item.source != item.file and not item.line else ""
            message = f"record {item.id}{origin}: {p.message}"
            problems.append(Problem(*_where(item), p.field, p.code, message, p.hint, p.severity))
            continue
        if not p.is_error:
            continue  # warnings about records already there are validate's business, not the import's
        shown = display_path(data_dir / place) if place else p.file
        problems.append(Problem(shown, p.line, p.field, p.code, p.message, p.hint, p.severity))
    return problems


def _inside(shown: str, folder: Path) -> Path | None:
    """The path of a reported file relative to folder, or None when it is elsewhere."""
    try:
        return Path(os.path.abspath(shown)).relative_to(os.path.abspath(folder))
    except ValueError:
        return None


def _stage_records(existing: list[Path], replaced: dict[str, Path], stage: Path) -> None:
    """Copy the records already in the data folder into the stage, except those the batch replaces."""
    for path in existing:
        if path.name not in replaced:
            write_atomic(stage / "assets" / path.name, read_bytes(path, path.parent), stage)  # a link is refused


def _commit(
    data_dir: Path,
    chosen: list[tuple[Mapped, Path, str]],
    update: bool,
    report: ImportReport,
    extra: list[tuple[Path, bytes]] | None = None,
) -> None:
    """Write every chosen record, then the files that go with them; if one cannot be written, undo the rest."""
    done: list[tuple[Path, str | None]] = []
    extra = extra or []
    folders = {path.parent for path, _data in extra if not path.parent.exists()}
    target = data_dir
    try:
        for _item, target, text in chosen:
            old = read_bytes(target, data_dir).decode("utf-8") if update and target.exists() else None
            target.parent.mkdir(parents=True, exist_ok=True)
            _write(target, text, replace=update)
            done.append((target, old))
        for target, data in extra:
            old = read_bytes(target, data_dir).decode("utf-8") if target.exists() else None
            write_atomic(target, data, data_dir)
            done.append((target, old))
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        report.problems.append(Problem(display_path(target), 0, "", "not-written", f"cannot write it: {why}.", ""))
        report.problems += _undo(done)
        for folder in folders:
            with contextlib.suppress(OSError):
                folder.rmdir()  # made for this import; left if anything else is in it
        report.problems.append(not_imported(data_dir, "what was written before the failure was undone"))
        return
    for target, old in done[: len(chosen)]:
        (report.updated if old is not None else report.written).append(display_path(target))


def _undo(done: list[tuple[Path, str | None]]) -> list[Problem]:
    """Remove the records written (or put back the ones replaced); a problem for any that cannot be."""
    problems = []
    for written, old in reversed(done):
        try:
            if old is None:
                written.unlink(missing_ok=True)
            else:
                _write(written, old, replace=True)
        except OSError as exc:
            message = f"could not be put back as it was ({exc.strerror or exc}); restore it from git."
            problems.append(Problem(display_path(written), 0, "", "not-undone", message, ""))
    return problems


# --- Open Referral UK -----------------------------------------------------------------------------


def json_files(path: Path) -> tuple[list[Path], list[Problem]]:
    """The .json files to read: path itself, or those in the folder (links not followed, other files reported)."""
    if not path.is_dir():
        return [path], []
    shown = display_path(path)
    files, others, links = [], 0, 0
    for file in sorted(path.rglob("*")):
        if file.is_symlink():
            links += 1
        elif file.is_file() and file.suffix.lower() == ".json":
            files.append(file)
        elif file.is_file():
            others += 1
    problems = []
    if links:
        message = f"{links} links here were not followed; copy the files they point to instead."
        problems.append(Problem(shown, 0, "", "link-skipped", message, "", WARNING))
    if others:
        message = f"{others} files here do not end in .json and were not read."
        problems.append(Problem(shown, 0, "", "not-json-skipped", message, "", WARNING))
    if not files:
        problems.append(Problem(shown, 0, "", "no-json", "there are no .json files in this folder.", ""))
    return files, problems


def too_many(shown: str, what: str) -> Problem:
    return Problem(
        shown,
        0,
        "",
        "too-many",
        f"there are more than {MAX_SERVICES:,} {what}; an import takes at most {MAX_SERVICES:,}.",
        "Split the file and import the parts one after another.",
    )


# --- spreadsheets ---------------------------------------------------------------------------------


def _days(text: str) -> list[str] | None:
    days: list[str] = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", text.strip()):
        ends = [p.strip() for p in part.split("-")] if "-" in part else [part.strip()]
        if not all(e in DAY_ORDER for e in ends) or len(ends) > 2:
            return None
        first, last = DAY_ORDER.index(ends[0]), DAY_ORDER.index(ends[-1])
        days += DAY_ORDER[first : last + 1] if first <= last else []
    return list(dict.fromkeys(days)) or None


def parse_sessions(text: str) -> tuple[list[dict], str]:
    """Sessions from the spreadsheet form ('weekly tuesday 10:00-11:30 | monthly first saturday 10:00-12:30')."""
    sessions = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        match = SESSION.match(" ".join(part.lower().split()))
        days = _days(match.group("days")) if match else None
        if not match or not days:
            return [], f"'{part}' is not a session this import understands"
        session = {k: v for k, v in match.groupdict().items() if v and k not in ("days", "week")}
        if match.group("week"):
            session["week_of_month"] = match.group("week")
        session["days"] = days
        for key in ("start", "end"):
            hours, minutes = session[key].split(":")
            session[key] = f"{int(hours):02d}:{minutes}"
        sessions.append(session)
    return sessions, ""


def _header(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _row_record(row: dict[str, str], columns: dict[str, str], line: int, shown: str) -> tuple[dict, list[Problem]]:
    """One spreadsheet row as a record (plain strings), with problems for cells that cannot be read."""
    record: dict = {}
    location: dict = {}
    problems: list[Problem] = []
    for column, value in row.items():
        key = columns.get(column)
        if not key or not value.strip():
            continue
        value = value.strip()
        is_list = key in ("categories", "areas", "who_for.groups", "attending", "languages")
        if key.startswith("locations[]."):
            sub = key.removeprefix("locations[].")
            location[sub] = LIST_SEPARATOR.split(value) if sub == "accessibility" else value
            continue
        if key == "sessions":
            sessions, why = parse_sessions(value)
            if why:
                problems.append(Problem(shown, line, "sessions", "bad-session", why + ".", SESSION_HINT))
            record["sessions"] = sessions
            continue
        node = record
        *parents, last = key.split(".")
        for step in parents:
            node = node.setdefault(step, {})
        node[last] = [v for v in LIST_SEPARATOR.split(value) if v] if is_list else value
    if location:
        missing = [k for k in ("latitude", "longitude") if k not in location]
        if missing:
            problems.append(
                Problem(
                    shown,
                    line,
                    " and ".join(missing),
                    "no-coordinates",
                    "the location has no coordinates, so it cannot go on the map.",
                    "Add latitude and longitude (find the place on openstreetmap.org, right-click, 'Show address').",
                )
            )
        if "postcode" in location:
            location["postcode"] = " ".join(location["postcode"].upper().split())
        location.setdefault("id", slug(location.get("name") or location.get("address") or "venue"))
        record["locations"] = [location]
    return record, problems


def read_csv(path: Path, schema: Schema) -> tuple[list[Mapped], list[Problem]]:
    """Records from a spreadsheet saved as CSV with a header row of documented column names."""
    shown = display_path(path)
    raw, problem = read_limited(path)
    if problem:
        return [], [problem]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"the file is not UTF-8 text (byte {exc.start + 1})."
        return [], [Problem(shown, 0, "", "not-utf8", message, "Save it as 'CSV UTF-8'.")]
    if not text.strip():
        hint = "Save the spreadsheet with a header row."
        return [], [Problem(shown, 0, "", "empty-file", "the file is empty.", hint)]
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # cells are measured below, against MAX_CELL, with their line
    try:
        return _read_rows(csv.DictReader(io.StringIO(text, newline="")), schema, shown)
    except csv.Error as exc:
        return [], [Problem(shown, 0, "", "bad-csv", f"this is not a CSV file the import can read: {exc}.", "")]
    finally:
        csv.field_size_limit(limit)


def _read_rows(reader: csv.DictReader, schema: Schema, shown: str) -> tuple[list[Mapped], list[Problem]]:
    known = {column: key for column, key, _ in csv_columns(schema)}
    if len(reader.fieldnames or []) > MAX_COLUMNS:
        message = f"the header row has {len(reader.fieldnames or [])} columns; an import reads at most {MAX_COLUMNS}."
        return [], [Problem(shown, 1, "", "too-many-columns", message, "Keep only the documented columns.")]
    headers = {h: _header(h) for h in reader.fieldnames or []}
    columns = {h: known[name] for h, name in headers.items() if name in known}
    problems = [
        Problem(
            shown,
            1,
            one_line(h, 60),
            "unknown-column",
            f"the column '{one_line(h, 60)}' is not one this import understands; it was ignored.",
            "See the column list in the open data page or README.",
            WARNING,
        )
        for h, name in headers.items()
        if name not in known
    ]
    if "name" not in headers.values():
        return [], problems + [Problem(shown, 1, "name", "required", "there is no name column.", "Add a header row.")]
    mapped: list[Mapped] = []
    taken: set[str] = set()
    for count, (line, values) in enumerate(_rows(reader)):
        if count >= MAX_SERVICES:
            return mapped, problems + [too_many(shown, "rows")]
        big = [h for h, v in values.items() if isinstance(v, str) and len(v) > MAX_CELL]
        if big:
            message = f"the cell is over {MAX_CELL // 1024} KB; the longest text a record holds is 4,000 characters."
            problems += [Problem(shown, line, one_line(h or "", 60), "cell-too-large", message, "") for h in big]
            continue
        record, row_problems = _row_record({h: v or "" for h, v in values.items() if h}, columns, line, shown)
        problems += row_problems
        if row_problems and any(p.is_error for p in row_problems):
            continue
        name = record.get("name", "")
        record["id"] = record.get("id") or unique(slug(name, 80), taken)
        taken.add(record["id"])
        mapped.append(Mapped(_front(record), f"{shown} line {line}", file=shown, line=line))
    return mapped, problems


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    """Each row that has a value, with the line it starts on (a quoted cell may hold new lines)."""
    start = reader.line_num + 1
    for values in reader:
        if any((v or "").strip() for v in values.values() if isinstance(v, str)):
            yield start, values
        start = reader.line_num + 1


def _front(record: dict) -> dict:
    return {"id": record.pop("id"), **record}


def import_csv(data_dir: Path, path: Path, update: bool, today: dt.date) -> ImportReport:
    """Import the rows of a CSV spreadsheet into data_dir/assets: all of them, or none."""
    mapped, problems = read_csv(path, load_schema(data_dir))
    if any(p.is_error for p in problems):
        return ImportReport(mapped=mapped, problems=problems)
    report = write_records(data_dir, mapped, update, today)
    report.problems = problems + report.problems
    return report
