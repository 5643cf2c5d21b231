"""What the previous build made, so that a rebuild can skip the work whose inputs did not change.

The state lives beside the site (`.site-state/` for `site/`), never inside it, and is only trusted
when it describes the site next to it: it is removed before the site changes and written after.
It holds JSON (what was built from what) and a cache of validated records (a pickle the build itself
wrote; it is never published, committed or read from anywhere else).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path

STATE_VERSION = 1


class Keep:
    """The value of a generated file that the previous build wrote and this one leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"

    def __reduce__(self) -> str:
        return "KEEP"  # unpickled as this module's KEEP, so `is KEEP` holds across processes


KEEP = Keep()
Content = str | bytes | Keep  # a generated file: its text, its bytes, or KEEP
CODE_DIR = Path(__file__).resolve().parent.parent  # the generator package


def digest(*parts: bytes | str) -> str:
    """A short content hash of the parts, in order."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(*roots: Path) -> str:
    """A hash of every file under the given folders (or of the given files): names and contents."""
    parts: list[bytes | str] = []
    for root in roots:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for path in files:
            if "__pycache__" not in path.parts:
                parts += [path.relative_to(root).as_posix() if path != root else path.name, path.read_bytes()]
    return digest(*parts)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of this package's own code and data files: a new version means a full build.

    Taken once per process, when first asked for (soon after the code was loaded): a long-running
    `assetmap serve` keeps running the code it loaded, whatever is edited on disk meanwhile.
    """
    return tree_digest(CODE_DIR)


@dataclass
class BuildState:
    """One build's inputs and outputs, by hash.

    key: everything a page depends on besides its own record (code, templates, settings,
    vocabularies, schema, MkDocs configuration and the date); a different key means a full build.
    """

    key: str
    records: dict[str, list] = field(default_factory=dict)  # asset id -> [record hash, [need and area ids]]
    pages: dict[str, list] = field(default_factory=dict)  # page source path -> [hash of its source, output path]
    data: dict[str, str] = field(default_factory=dict)  # data file path in the site -> hash of its content


def state_dir(out: Path) -> Path:
    """Where the state of the site at out is kept: a hidden folder beside it."""
    out = Path(out).resolve()
    return out.parent / f".{out.name}-state"


def load_state(out: Path) -> BuildState | None:
    """The state of the site at out, or None when there is no site or no state that can be trusted."""
    path = state_dir(out) / "build.json"
    if not Path(out).is_dir() or not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.pop("version", None) != STATE_VERSION:
            return None
        return BuildState(**raw)
    except (OSError, ValueError, TypeError):
        return None


def forget_state(out: Path) -> None:
    """Remove the state before the site changes, so a build cut short leaves no state to trust."""
    (state_dir(out) / "build.json").unlink(missing_ok=True)


def save_state(out: Path, state: BuildState) -> None:
    """Write the state of the site just built."""
    folder = state_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    parts = {f.name: getattr(state, f.name) for f in fields(state)}  # asdict would deep-copy them first
    text = json.dumps({"version": STATE_VERSION, **parts}, separators=(",", ":"))
    write_atomically(folder / "build.json", text.encode("utf-8"))


def load_cache(folder: Path, key: str) -> dict:
    """The validated records that save_cache kept under the same key (from every shard), or none."""
    entries: dict = {}
    for path in sorted(Path(folder).glob("records-*.pickle")):
        try:
            with open(path, "rb") as fh:
                stored_key, part = pickle.load(fh)  # written by this build (see the module docstring)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            continue
        if stored_key == key:
            entries |= part
    return entries


def save_cache(folder: Path, key: str, entries: dict, shard: int = 0) -> None:
    """Keep validated records for the next build: one shard per process that validated them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps((key, entries), protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(folder / f"records-{shard}.pickle", data)


def prune_cache(folder: Path, shards: int) -> None:
    """Remove the cache's shards from the number shards up (left by a build that had more processes)."""
    wanted = {f"records-{i}.pickle" for i in range(shards)}
    for path in Path(folder).glob("records*.pickle"):
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def clear_state(out: Path) -> None:
    """Remove all state kept for the site at out."""
    shutil.rmtree(state_dir(out), ignore_errors=True)


def write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class Plan:
    """What this build can take from the previous one: nothing (a full build) or the unchanged parts."""

    previous: BuildState | None = None  # None: a full build
    skip: frozenset[str] = frozenset()  # assets whose own files (page, card, calendar, ORUK service) are kept
    groups: set[str] | None = None  # need and area pages and sheets to render again ("need/walking"); None: all
    reason: str = "first build"  # why the build is a full one


def asset_groups(categories: list[str], areas: list[str]) -> list[str]:
    """The need and area pages (and sheets) an asset appears on."""
    return sorted([f"need/{c}" for c in categories] + [f"area/{a}" for a in areas])


def plan_build(
    state: BuildState | None,
    key: str,
    record_hashes: dict[str, str],
    groups_of: dict[str, list[str]],
) -> Plan:
    """Decide what can be kept from the previous build: the outputs of records that did not change."""
    if state is None:
        return Plan(reason="no previous build to start from")
    if state.key != key:
        return Plan(reason="code, templates, settings, vocabularies, MkDocs configuration or date changed")
    same = {i for i, h in record_hashes.items() if i in state.records and state.records[i][0] == h}
    changed = (record_hashes.keys() - same) | (state.records.keys() - record_hashes.keys())
    groups: set[str] = set()
    for asset_id in changed:
        groups.update(state.records.get(asset_id, [None, []])[1])
        groups.update(groups_of.get(asset_id, []))
    return Plan(previous=state, skip=frozenset(same), groups=groups, reason="")
