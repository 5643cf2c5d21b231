"""Write stage: generated pages into the docs folder, then the finished site swapped in atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Paths inside the docs folder that the build owns; everything else there is hand-written.
GENERATED = (
    "index.md",
    "map.md",
    "find.md",
    "sheet.md",
    "list.md",
    "open-data.md",
    "data",
    "support",
    "need",
    "area",
    "sheets",
    "assets/data",
    "assets/vendor",
)


# Generated paths whose files go to MkDocs in memory (see mkdocs_plugin.py), not into the docs folder.
DATA = ("data/", "assets/data/")


def split_data(files: dict[str, str | bytes]) -> tuple[dict[str, str | bytes], dict[str, str | bytes]]:
    """Split generated files into (pages and other docs-folder files, data files for MkDocs in memory)."""
    pages, data = {}, {}
    for rel, content in files.items():
        (data if rel.startswith(DATA) else pages)[rel] = content
    return pages, data


class WriteError(Exception):
    """Raised when a file cannot be written; the message says which and why."""


def _owned(rel: str) -> bool:
    return any(rel == g or rel.startswith(g + "/") for g in GENERATED)


def sync_generated(docs_dir: Path, files: dict[str, str | bytes]) -> tuple[int, int]:
    """Make the generated part of docs_dir hold exactly files; only changed files are rewritten.

    Returns (written, removed). Unchanged files keep their modification times, so a rebuild after
    one record changes touches one page.
    """
    written = removed = 0
    for rel, content in files.items():
        if not _owned(rel):
            raise WriteError(f"refusing to write {rel}: it is not in a generated part of {docs_dir}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = docs_dir / rel
        try:
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, data)
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {exc.strerror}") from exc
        written += 1
    for generated in GENERATED:
        root = docs_dir / generated
        candidates = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in candidates:
            rel = path.relative_to(docs_dir).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
                removed += 1
    return written, removed


def copy_hand_written(source: Path, target: Path) -> None:
    """Copy the hand-written part of a docs folder (everything not generated) into another folder."""
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if path.is_file() and not _owned(rel):
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def write_bytes(target: Path, data: bytes) -> None:
    """Write a file through a temporary name, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def staging_dir(out: Path) -> Path:
    """A new empty folder beside out, on the same disk, for the build to write into."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-build-"))


def swap_in(staged: Path, out: Path) -> None:
    """Replace out with staged in two renames; the old site is removed only after the new one is in place."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-old-"))
        old.rmdir()
        os.replace(out, old)
    try:
        os.replace(staged, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staged, ignore_errors=True)
