"""Import records from Open Referral UK JSON or a spreadsheet (CSV): map, validate, then write new YAML records."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.authoring.editorschema import HEADER
from generator.authoring.oruk_import import Mapped, Vocabulary, from_service, slug, unique
from generator.data.check import check
from generator.data.config import load_config
from generator.data.loader import display_path, list_records, load_document
from generator.data.schema import SCHEMA_FILE, Schema, Shape, load_schema, schema_file
from generator.files import read_bytes, write_atomic, write_new
from generator.opendata.spreadsheet import SESSION_HINT, csv_columns
from generator.problems import WARNING, Problem
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
        for p in self.problems:
            where = f"{p.file}:{p.line}" if p.line else p.file
            label = "" if p.is_error else " warning:"
            out.append(f"{where}:{label}{' ' + p.field + ':' if p.field else ''} {p.message}")
            if p.hint:
                out.append(f"    hint: {p.hint}")
        total = len(self.written) + len(self.updated)
        out.append(f"Imported {total} record{'s' if total != 1 else ''}; {len(self.skipped)} skipped.")
        return "\n".join(out)


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


class _Dumper(yaml.SafeDumper):
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
    lines = [HEADER, f"# Imported from {mapped.source}."]
    lines += [f"# CHECK: {item}" for item in mapped.attention]
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


def write_records(data_dir: Path, mapped: list[Mapped], update: bool, today: dt.date) -> ImportReport:
    """Validate the mapped records together, then write those that pass; existing files only with update."""
    report = ImportReport(mapped=mapped)
    schema = load_schema(data_dir)
    chosen: list[tuple[Mapped, Path, str]] = []
    for item in mapped:
        target = data_dir / "assets" / f"{item.id}.yaml"
        if target.exists() and not update:
            report.skipped.append(display_path(target))
            continue
        chosen.append((item, target, record_text(item, schema)))
    if not chosen:
        return report
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        try:
            _stage(data_dir, schema, stage)
        except OSError as exc:
            shown = display_path(data_dir)
            report.problems.append(
                Problem(shown, 0, "", "unreadable", f"cannot read the data folder: {exc.strerror or exc}.", "")
            )
            return report
        for _item, target, text in chosen:
            (stage / "assets" / target.name).write_text(text, encoding="utf-8")
        checked = check(stage, today=today, workers=1)
    failed: set[str] = set()
    targets = {target.name: target for _i, target, _t in chosen}
    for p in checked.problems:
        name = Path(p.file).name
        target = targets.get(name)
        shown = display_path(target) if target else p.file
        report.problems.append(Problem(shown, p.line, p.field, p.code, p.message, p.hint, p.severity))
        if p.is_error:
            failed.add(name)
    if any(p.is_error and Path(p.file).name not in targets for p in checked.problems):
        failed |= set(targets)  # a problem with the data folder itself: write nothing
    for _item, target, text in chosen:
        if target.name in failed:
            continue
        existed = target.exists()
        try:
            _write(target, text, replace=update)
        except OSError as exc:
            report.problems.append(
                Problem(
                    display_path(target),
                    0,
                    "",
                    "not-written",
                    f"this record was not written: {exc.strerror or exc}.",
                    "Remove what is in the way (a link or a file left there) and import again.",
                )
            )
            continue
        (report.updated if existed else report.written).append(display_path(target))
    for name in sorted(failed):
        report.problems.append(
            Problem(display_path(targets[name]), 0, "", "not-written", "this record was not written.", "", WARNING)
        )
    return report


# --- Open Referral UK -----------------------------------------------------------------------------


def _services(document: object) -> list[dict] | None:
    """The services in one ORUK document: a service, a list of services, or a paginated /services response."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    if isinstance(document, dict) and ("name" in document or "id" in document):
        return [document]
    if isinstance(document, list) and all(isinstance(s, dict) for s in document):
        return document
    return None


def read_oruk(path: Path) -> tuple[list[tuple[dict, str]], list[Problem]]:
    """Every service in a JSON file, or in the .json files of a folder, with where each came from."""
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    found: list[tuple[dict, str]] = []
    problems: list[Problem] = []
    for file in files:
        shown = display_path(file)
        try:
            document = json.loads(file.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            problems.append(Problem(shown, 0, "", "unreadable", f"cannot read the file: {exc.strerror}."))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(shown, 0, "", "not-utf8", "the file is not UTF-8 text.", "Save it as UTF-8."))
            continue
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(shown, exc.lineno, "", "bad-json", f"this is not valid JSON: {exc.msg}.", "Check the brackets.")
            )
            continue
        services = _services(document)
        if services is None:
            problems.append(
                Problem(
                    shown,
                    1,
                    "",
                    "not-a-service",
                    "this is not an Open Referral UK service, list of services or /services response.",
                    "Export services from the directory as ORUK JSON.",
                )
            )
            continue
        for i, service in enumerate(services):
            where = shown if len(services) == 1 else f"{shown} #{i + 1}"
            if not isinstance(service.get("name"), str) or not service["name"].strip():
                problems.append(Problem(where, 0, "name", "required", "the service has no name.", "Give it a name."))
                continue
            found.append((service, where))
    return found, problems


def import_oruk(data_dir: Path, path: Path, update: bool, templates: Path, today: dt.date) -> ImportReport:
    """Import ORUK services from a file or folder into data_dir/assets."""
    vocab = vocabulary(data_dir, templates, today)
    services, problems = read_oruk(path)
    taken: set[str] = set()
    mapped = [from_service(service, vocab, source, taken) for service, source in services]
    report = write_records(data_dir, mapped, update, today)
    report.problems = problems + report.problems
    return report


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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return [], [Problem(shown, 0, "", "unreadable", f"cannot read the file: {exc.strerror}.")]
    except UnicodeDecodeError:
        return [], [Problem(shown, 0, "", "not-utf8", "the file is not UTF-8 text.", "Save it as 'CSV UTF-8'.")]
    reader = csv.DictReader(text.splitlines(keepends=True))
    known = {column: key for column, key, _ in csv_columns(schema)}
    headers = {h: _header(h) for h in reader.fieldnames or []}
    columns = {h: known[name] for h, name in headers.items() if name in known}
    problems = [
        Problem(
            shown,
            1,
            h,
            "unknown-column",
            f"the column '{h}' is not one this import understands; it was ignored.",
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
    for row in _rows(reader):
        line, values = row
        record, row_problems = _row_record({h: v or "" for h, v in values.items() if h}, columns, line, shown)
        problems += row_problems
        if row_problems and any(p.is_error for p in row_problems):
            continue
        name = record.get("name", "")
        record["id"] = record.get("id") or unique(slug(name, 80), taken)
        taken.add(record["id"])
        mapped.append(Mapped(_front(record), f"{shown} line {line}"))
    return mapped, problems


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    for values in reader:
        if any((v or "").strip() for v in values.values() if isinstance(v, str)):
            yield reader.line_num, values


def _front(record: dict) -> dict:
    return {"id": record.pop("id"), **record}


def import_csv(data_dir: Path, path: Path, update: bool, today: dt.date) -> ImportReport:
    """Import the rows of a CSV spreadsheet into data_dir/assets."""
    mapped, problems = read_csv(path, load_schema(data_dir))
    report = write_records(data_dir, mapped, update, today)
    report.problems = problems + report.problems
    return report
