"""What the previous build made, so that a rebuild can skip the work whose inputs did not change.

The state is kept outside the checkout, which a pull request can write to: in a private per-user
cache folder (ASSETMAP_CACHE_DIR, else $XDG_CACHE_HOME/community-asset-map, else
~/.cache/community-asset-map; mode 0700), one folder per site, named by the site's resolved path.
Every state file is sealed with an HMAC keyed by a per-user secret kept there (mode 0600) and is
checked before it is parsed, unpickled or unmarshalled: a missing, damaged, foreign or mismatched
state file is ignored, which means a full build. The state holds JSON (what was built from what),
a cache of validated records (pickles), the compiled templates and the map folium drew.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import pickle
import secrets
import shutil
import stat
import zlib
from dataclasses import dataclass, field, fields
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from generator.files import kind, read_bytes, walk, write_atomic, write_new

STATE_VERSION = 1


class Keep:
    """The value of a generated file that the previous build wrote and this one leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"

    def __reduce__(self) -> str:
        return "KEEP"  # unpickled as this module's KEEP, so `is KEEP` holds across processes


KEEP = Keep()


class Written:
    """The value of a generated file that the process which rendered it has written into the new site."""

    def __repr__(self) -> str:
        return "WRITTEN"

    def __reduce__(self) -> str:
        return "WRITTEN"  # unpickled as this module's WRITTEN


WRITTEN = Written()


class Packed(bytes):
    """A generated page's text (UTF-8), compressed while it waits for MkDocs: see pack().

    The pages of a large site wait in memory from rendering until MkDocs reads them, and every page
    worker process starts with them all: about 6 kB a page, 0.6 GB at 100,000 assets. Compressed
    (quickly, at level 1) they take about a quarter of that.
    """


def pack(text: bytes) -> Packed:
    """A page's text (UTF-8), compressed to wait for MkDocs."""
    return Packed(zlib.compress(text, 1))


def unpack(packed: Packed) -> str:
    """The text of a packed page."""
    return zlib.decompress(packed).decode("utf-8")


Content = str | bytes | Keep | Written  # a generated file: its text, its bytes (or Packed text), KEEP or WRITTEN
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
    """A hash of every file under the given folders (or of the given files): names and contents.

    Links are never followed: a link counts by its name alone (the build refuses it elsewhere).
    """
    parts: list[bytes | str] = []
    for root in roots:
        root = Path(root)
        try:
            what = kind(root) if root.name else "folder"
        except FileNotFoundError:
            continue
        if what == "file":
            parts += [root.name, read_bytes(root)]
        elif what == "link":
            parts += [root.name, "(a link)"]
        elif what == "folder":
            for rel, entry in walk(root):
                if "__pycache__" in rel.split("/"):
                    continue
                if entry == "file":
                    parts += [rel, read_bytes(root / rel, root)]
                elif entry == "link":
                    parts += [rel, "(a link)"]
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


CACHE_ENV = "ASSETMAP_CACHE_DIR"
_SEAL = b"assetmap-state-1\n"


def cache_root() -> Path:
    """The per-user folder holding the state of every site built here (see the module docstring)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "community-asset-map"


def _private(folder: Path) -> bool:
    """Make folder (mode 0700) if missing; True when it is a folder of this user's that no one else can enter."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def _read_secret(path: Path) -> bytes | None:
    """The secret at path when it is a plain file of this user's that no one else can read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        key = os.read(fd, 64)
        return key if len(key) == 32 else None
    finally:
        os.close(fd)


@functools.lru_cache(maxsize=4)
def _secret(root: str) -> bytes | None:
    """The per-user key that seals state files (made on first use); None when it cannot be trusted."""
    folder = Path(root)
    if not _private(folder):
        return None
    path = folder / "secret"
    key = _read_secret(path)
    if key is None and not os.path.lexists(path):
        with contextlib.suppress(OSError):  # made by another process meanwhile: read whatever is there
            write_new(path, secrets.token_bytes(32), folder, mode=0o600)
        key = _read_secret(path)
    return key


def secret() -> bytes | None:
    """The key of the current cache folder (see _secret)."""
    return _secret(str(cache_root()))


def _mac(key: bytes, purpose: str, data: bytes) -> bytes:
    return hmac.new(key, purpose.encode("utf-8") + b"\0" + data, hashlib.sha256).digest()


def write_sealed(path: Path, data: bytes, purpose: str) -> None:
    """Write a state file: data behind its HMAC (for purpose); nothing is written without a trusted key."""
    key = secret()
    if key is None or not _private(Path(path).parent):
        return
    write_atomic(Path(path), _SEAL + _mac(key, purpose, data) + data, mode=0o600, unique=True)


def read_sealed(path: Path, purpose: str) -> bytes | None:
    """The data of a state file that write_sealed wrote with this user's key, for purpose; else None."""
    key = secret()
    if key is None:
        return None
    try:
        raw = read_bytes(Path(path))
    except (OSError, ValueError):
        return None
    mac, data = raw[len(_SEAL) : len(_SEAL) + 32], raw[len(_SEAL) + 32 :]
    if not raw.startswith(_SEAL) or not hmac.compare_digest(mac, _mac(key, purpose, data)):
        return None
    return data


def state_dir(out: Path) -> Path:
    """Where the state of the site at out is kept: a folder of the per-user cache, named by out's real path."""
    out = Path(out).resolve()
    return cache_root() / f"{out.name}-{digest(str(out))}"


def load_state(out: Path) -> BuildState | None:
    """The state of the site at out, or None when there is no site or no state that can be trusted."""
    try:
        if kind(Path(out).absolute()) != "folder":
            return None
    except (OSError, ValueError):
        return None
    raw = read_sealed(state_dir(out) / "build.json", "build")
    if raw is None:
        return None
    try:
        parsed = json.loads(raw)
        if parsed.pop("version", None) != STATE_VERSION:
            return None
        return BuildState(**parsed)
    except (ValueError, TypeError, AttributeError):
        return None


def forget_state(out: Path) -> None:
    """Remove the state before the site changes, so a build cut short leaves no state to trust."""
    (state_dir(out) / "build.json").unlink(missing_ok=True)


def save_state(out: Path, state: BuildState) -> None:
    """Write the state of the site just built."""
    parts = {f.name: getattr(state, f.name) for f in fields(state)}  # asdict would deep-copy them first
    text = json.dumps({"version": STATE_VERSION, **parts}, separators=(",", ":"))
    write_sealed(state_dir(out) / "build.json", text.encode("utf-8"), "build")


def load_cache(folder: Path, key: str) -> dict:
    """The validated records that save_cache kept under the same key (from every shard), or none.

    A shard is unpickled only when its seal shows that this user's builds wrote it.
    """
    entries: dict = {}
    for path in sorted(Path(folder).glob("records-*.pickle")):
        data = read_sealed(path, "records")
        if data is None:
            continue
        try:
            stored_key, part = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            continue
        if stored_key == key:
            entries |= part
    return entries


def save_cache(folder: Path, key: str, entries: dict, shard: int = 0) -> bytes:
    """Keep validated records for the next build: one shard per process that validated them.

    Returns the shard's pickle of (key, entries), for a child to hand its entries back in (see entries_of).
    """
    data = pickle.dumps((key, entries), protocol=pickle.HIGHEST_PROTOCOL)
    write_sealed(Path(folder) / f"records-{shard}.pickle", data, "records")
    return data


def entries_of(data: bytes) -> dict:
    """The entries in a pickle that save_cache returned (in this build, from a child forked by it)."""
    return pickle.loads(data)[1]


def prune_cache(folder: Path, shards: int) -> None:
    """Remove the cache's shards from the number shards up (left by a build that had more processes)."""
    wanted = {f"records-{i}.pickle" for i in range(shards)}
    for path in Path(folder).glob("records*.pickle"):
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def clear_state(out: Path) -> None:
    """Remove all state kept for the site at out."""
    shutil.rmtree(state_dir(out), ignore_errors=True)


class SealedBytecodeCache(BytecodeCache):
    """Jinja's compiled templates kept in a folder of the state, each file sealed (see write_sealed).

    Compiled templates are marshalled code: one is loaded only when its seal is this user's.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"__jinja2_{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Load the bucket's code when a sealed file holds it."""
        data = read_sealed(self._path(bucket), "template")
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the bucket's code, sealed; a cache that cannot be written is only slower."""
        with contextlib.suppress(OSError, ValueError):
            write_sealed(self._path(bucket), bucket.bytecode_to_string(), "template")

    def clear(self) -> None:
        """Remove every compiled template."""
        for path in self.folder.glob("__jinja2_*.cache"):
            path.unlink(missing_ok=True)


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
