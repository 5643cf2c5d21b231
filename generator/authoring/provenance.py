"""Where each imported record came from and what was last imported, so a re-import keeps the area's own edits.

One JSON file per record in assets_data/.imported/<id>.json: the feed, the service's id there, and the record
as that import made it. A re-import matches services by that id (never by name) and changes only the fields
that changed at the source since; a field changed both here and there is a conflict, left as the area has it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FOLDER = ".imported"


@dataclass(frozen=True)
class Imported:
    """One record's provenance: feed, source id, and the values the last import wrote."""

    record_id: str
    feed: str
    source_id: str
    values: dict


@dataclass(frozen=True)
class Conflict:
    """A field changed both by hand and at the source; the hand-made value was kept."""

    record_id: str
    field: str
    local: object
    source: object


def load(data_dir: Path) -> dict[str, Imported]:
    """Every record's provenance, by source id (records from a feed with no ids are not matched again)."""
    found: dict[str, Imported] = {}
    folder = data_dir / FOLDER
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged note only means that record is matched afresh
        if isinstance(data, dict) and data.get("source_id") and isinstance(data.get("values"), dict):
            found[str(data["source_id"])] = Imported(
                path.stem, str(data.get("feed") or ""), data["source_id"], data["values"]
            )
    return found


def note_path(data_dir: Path, record_id: str) -> Path:
    """Where record_id's provenance is kept."""
    return data_dir / FOLDER / f"{record_id}.json"


def note(feed: str, source_id: str, values: dict, where: str) -> bytes:
    """The provenance file's content: what was imported, from which feed and service."""
    data = {"feed": feed, "source_id": source_id, "source": where, "values": values}
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode("utf-8")


def save(data_dir: Path, record_id: str, feed: str, source_id: str, values: dict, where: str) -> None:
    """Remember what was imported into record_id, written in one step (an import writes it with its batch)."""
    path = note_path(data_dir, record_id)
    path.parent.mkdir(exist_ok=True)
    tmp = path.parent / f".{record_id}.json.tmp"
    tmp.write_bytes(note(feed, source_id, values, where))
    os.replace(tmp, path)


def _flat(record: dict) -> dict[str, object]:
    """Fields as compared on re-import: top-level values, and the parts of blocks such as cost: and contact:."""
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out |= {f"{key}.{sub}": v for sub, v in value.items()}
        else:
            out[key] = value
    return out


def _empty(value: object) -> bool:
    return value in (None, "", [], {})


def _same(a: object, b: object) -> bool:
    return (_empty(a) and _empty(b)) or json.dumps(a, sort_keys=True, default=str) == json.dumps(
        b, sort_keys=True, default=str
    )


def same_record(a: dict, b: dict) -> bool:
    """True when two records have the same fields and values (empty ones aside)."""
    fa, fb = _flat(a), _flat(b)
    return all(_same(fa.get(k), fb.get(k)) for k in {*fa, *fb})


def merge(record_id: str, base: dict, local: dict, new: dict) -> tuple[dict, list[Conflict]]:
    """The record after a re-import: the source's changes where only the source changed, the area's elsewhere."""
    b, l_, n = _flat(base), _flat(local), _flat(new)
    result: dict[str, object] = {}
    conflicts: list[Conflict] = []
    for key in list(dict.fromkeys([*l_, *n])):
        mine, theirs, was = l_.get(key), n.get(key), b.get(key)
        if _same(theirs, was) or _same(mine, theirs):
            value = mine
        elif _same(mine, was):
            value = theirs
        else:
            value = mine
            conflicts.append(Conflict(record_id, key, mine, theirs))
        if not _empty(value):
            result[key] = value
    merged: dict = {}
    for key, value in result.items():
        top, _, sub = key.partition(".")
        if sub:
            merged.setdefault(top, {})[sub] = value
        else:
            merged[key] = value
    return merged, conflicts
