"""The records' history in git: which records were added, removed or changed in a way a link worker cares about.

git runs as a subprocess with fixed arguments and no shell, in the repository holding the records
folder; file names from git are untrusted (read NUL-separated, used only as one argument each, and
only records directly in the folder count). Old versions are parsed by the loader's own safe YAML
parser. Without git, or outside a repository, there is no history (None) and the page says so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.data.loader import MAX_BYTES, parse_yaml

LONDON = ZoneInfo("Europe/London")
WINDOW_DAYS = 60
# What matters to a link worker, by the record fields that say it.
ASPECTS = {
    "times": ("sessions",),
    "place": ("locations",),
    "cost": ("cost",),
    "access": ("access",),
    "capacity": ("capacity",),
    "closure": ("status", "changes"),
}
_TIMEOUT = 60


@dataclass(frozen=True)
class Event:
    """One record's change on one day: added, removed or changed (with what changed)."""

    day: dt.date
    id: str
    name: str
    kind: str  # added | removed | changed
    aspects: tuple[str, ...] = ()


def _git(top: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's output for fixed arguments (and stdin), run in top; None when it fails."""
    git = shutil.which("git")
    if git is None:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    }
    try:
        done = subprocess.run(
            [git, "-C", str(top), "-c", "core.quotePath=false", *args],
            input=stdin,
            capture_output=True,
            timeout=_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def repository(records: Path) -> tuple[Path, str] | None:
    """The top of the git work tree holding the records folder, and the folder's path inside it."""
    if not records.is_dir():
        return None
    out = _git(records, "rev-parse", "--show-toplevel")
    if not out:
        return None
    top = Path(out.decode("utf-8", "replace").strip())
    try:
        inside = records.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
    return top, inside


def state(records: Path) -> list[str] | None:
    """What the history depends on: the repository, the folder in it and its HEAD commit (None outside git)."""
    found = repository(Path(records))
    head = _git(found[0], "rev-parse", "--verify", "-q", "HEAD") if found else None
    return [str(found[0]), found[1], head.decode("ascii", "replace").strip()] if found and head else None


def to_json(events: list[Event] | None) -> list | None:
    """Events as JSON values (for the build's memo)."""
    return None if events is None else [[e.day.isoformat(), e.id, e.name, e.kind, list(e.aspects)] for e in events]


def from_json(value: list | None) -> list[Event] | None:
    """Events back from to_json's values."""
    if value is None:
        return None
    return [Event(dt.date.fromisoformat(d), i, n, k, tuple(a)) for d, i, n, k, a in value]


def _blobs(top: Path, wanted: list[str]) -> dict[str, bytes]:
    """The contents of the objects named "commit:path", read by one git cat-file --batch (missing ones left out).

    A path holding a line break cannot be asked for this way; it is left out too.
    """
    asks = [w for w in dict.fromkeys(wanted) if "\n" not in w and "\r" not in w]
    out = _git(top, "cat-file", "--batch", stdin="".join(f"{a}\n" for a in asks).encode("utf-8")) if asks else None
    found: dict[str, bytes] = {}
    pos = 0
    for ask in asks if out else ():
        end = out.find(b"\n", pos)
        if end < 0:
            break
        parts = out[pos:end].split(b" ")
        pos = end + 1
        if len(parts) == 3 and len(parts[0]) == 40 and parts[1] == b"blob" and parts[2].isdigit():
            size = int(parts[2])
            found[ask] = out[pos : pos + size]
            pos += size + 1
        elif len(parts) == 3 and len(parts[0]) == 40 and parts[2].isdigit():  # another kind of object: skip it
            pos += int(parts[2]) + 1
    return found


def _record(raw: bytes | None, path: str) -> dict | None:
    """A record's text as a mapping (None when it is missing, too large or not valid YAML)."""
    if raw is None or len(raw) > MAX_BYTES:
        return None
    data, problems = parse_yaml(raw, path)
    return data if isinstance(data, dict) and not problems else None


def _aspects(old: dict | None, new: dict | None) -> tuple[str, ...]:
    if old is None or new is None:
        return ()
    return tuple(name for name, fields in ASPECTS.items() if any(old.get(f) != new.get(f) for f in fields))


def _name(*records: dict | None) -> str:
    for record in records:
        if record and isinstance(record.get("name"), str):
            return record["name"]
    return ""


def history(records: Path, today: dt.date, days: int = WINDOW_DAYS) -> list[Event] | None:
    """What happened to the records in the days up to today, newest first (None: no git history here)."""
    found = repository(Path(records))
    if found is None:
        return None
    top, inside = found
    since = today - dt.timedelta(days=days)
    # commits on the main line (a merged pull request counts on the day it was merged), oldest first
    log = _git(
        top,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%H %P%x00%ct",
        f"--since={since.isoformat()} 00:00",
        "--",
        inside or ".",
    )
    if log is None:
        return None
    prefix = f"{inside}/" if inside else ""
    touched: list[tuple[dt.date, str, str | None, str, str]] = []  # day, commit, parent, status, path
    for line in log.decode("ascii", "replace").splitlines():
        ids, _, stamp = line.partition("\x00")
        hashes = ids.split()
        if not hashes or not stamp.strip().isdigit():
            continue
        commit, parent = hashes[0], (hashes[1] if len(hashes) > 1 else None)
        day = dt.datetime.fromtimestamp(int(stamp), LONDON).date()
        if not since <= day <= today:
            continue
        spec = ["diff-tree", "-r", "-z", "--no-renames", "--no-ext-diff", "--name-status"]
        spec += [parent, commit] if parent else ["--root", commit]
        diff = _git(top, *spec, "--", inside or ".")
        if diff is None:
            continue
        fields = diff.split(b"\x00")
        for status, raw_path in zip(fields[0::2], fields[1::2], strict=False):
            path = raw_path.decode("utf-8", "replace")
            name = path.removeprefix(prefix)
            if path.startswith(prefix) and "/" not in name and name.endswith(".yaml"):
                touched.append((day, commit, parent, status[:1].decode("ascii", "replace"), path))
    wanted = [f"{parent}:{path}" for _d, _c, parent, kind, path in touched if parent and kind != "A"]
    wanted += [f"{commit}:{path}" for _d, commit, _p, kind, path in touched if kind != "D"]
    blobs = _blobs(top, wanted)
    events: dict[tuple[dt.date, str], Event] = {}
    for day, commit, parent, kind, path in touched:
        record_id = path.removeprefix(prefix).removesuffix(".yaml")
        old = _record(blobs.get(f"{parent}:{path}"), path) if parent and kind != "A" else None
        new = _record(blobs.get(f"{commit}:{path}"), path) if kind != "D" else None
        if kind == "A":
            event = Event(day, record_id, _name(new), "added")
        elif kind == "D":
            event = Event(day, record_id, _name(old), "removed")
        else:
            aspects = _aspects(old, new)
            if not aspects:
                continue
            event = Event(day, record_id, _name(new, old), "changed", aspects)
        before = events.get((day, record_id))
        if before and before.kind == "changed" and event.kind == "changed":
            merged = tuple(a for a in ASPECTS if a in before.aspects or a in event.aspects)
            event = Event(day, record_id, event.name, "changed", merged)
        elif before and before.kind == "added" and event.kind == "changed":
            event = Event(day, record_id, event.name, "added")
        events[(day, record_id)] = event
    return sorted(events.values(), key=lambda e: (-e.day.toordinal(), e.name.casefold(), e.id))
