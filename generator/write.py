"""Write stage: generated pages into the docs folder, then the finished site swapped in atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .buildstate import KEEP, Content, digest

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


def split_data(files: dict[str, Content]) -> tuple[dict[str, Content], dict[str, Content]]:
    """Split generated files into (pages and other docs-folder files, data files for MkDocs in memory)."""
    pages, data = {}, {}
    for rel, content in files.items():
        (data if rel.startswith(DATA) else pages)[rel] = content
    return pages, data


class WriteError(Exception):
    """Raised when a file cannot be written; the message says which and why."""


def _owned(rel: str) -> bool:
    return any(rel == g or rel.startswith(g + "/") for g in GENERATED)


def as_bytes(content: str | bytes) -> bytes:
    """File content as bytes (text as UTF-8)."""
    return content.encode("utf-8") if isinstance(content, str) else content


def sync_generated(
    docs_dir: Path, files: dict[str, Content], known: dict[str, list] | None = None
) -> tuple[int, int, dict[str, list]]:
    """Make the generated part of docs_dir hold exactly files; only changed files are rewritten.

    KEEP leaves a file as the previous build wrote it. known is what the previous build wrote
    ({path: [hash, size, mtime_ns]}): a file whose size and time still match is trusted to hold that
    hash, so it is neither read nor rewritten. Unchanged files keep their modification times.
    Returns (written, removed, what the generated part holds now in the same form as known).
    """
    known = known or {}
    record: dict[str, list] = {}
    written = removed = 0
    for rel, content in files.items():
        if not _owned(rel):
            raise WriteError(f"refusing to write {rel}: it is not in a generated part of {docs_dir}")
        if content is KEEP:
            record[rel] = known[rel]
            continue
        data = as_bytes(content)
        sha = digest(data)
        target = docs_dir / rel
        try:
            stat = target.stat() if target.is_file() else None
            if stat and known.get(rel) == [sha, stat.st_size, stat.st_mtime_ns]:
                record[rel] = known[rel]
                continue
            if stat is None or stat.st_size != len(data) or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_bytes(target, data)
                written += 1
                stat = target.stat()
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {exc.strerror}") from exc
        record[rel] = [sha, stat.st_size, stat.st_mtime_ns]
    for generated in GENERATED:
        root = docs_dir / generated
        candidates = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in candidates:
            rel = path.relative_to(docs_dir).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
                removed += 1
    return written, removed, record


def unchanged_on_disk(docs_dir: Path, known: dict[str, list]) -> bool:
    """True when every file the previous build wrote into docs_dir still has the size and time it recorded."""
    for rel, (_sha, size, mtime_ns) in known.items():
        try:
            stat = (docs_dir / rel).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
            return False
    return True


def hand_written_pages(docs_dir: Path) -> dict[str, str]:
    """The hand-written pages of docs_dir (Markdown outside the generated part), with the hash of each."""
    pages = {}
    for top in sorted(docs_dir.iterdir()):
        if _owned(top.name) and top.is_file():
            continue
        paths = [top] if top.is_file() else sorted(top.rglob("*.md")) if not _owned(top.name) else []
        for path in paths:
            rel = path.relative_to(docs_dir).as_posix()
            if path.suffix == ".md" and path.is_file() and not _owned(rel):
                pages[rel] = digest(path.read_bytes())
    return pages


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
    staged = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-build-"))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staged, 0o777 & ~mask)  # mkdtemp's folder is private; a site is for a web server to read
    return staged


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


def merge_in(staged: Path, out: Path, removed: list[str]) -> int:
    """Move a partial build into the site at out: new and changed files replace theirs, removed ones go.

    Every file replaced or removed is first moved aside; if anything fails, all of them are put back
    and the site is as it was. Returns how many files changed.
    """
    aside_dir = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-old-"))
    done: list[tuple[Path, Path | None]] = []  # (file in the site, its previous version moved aside or None)

    def move_aside(target: Path, rel: Path) -> None:
        aside = aside_dir / rel
        aside.parent.mkdir(parents=True, exist_ok=True)
        done.append((target, aside))
        os.replace(target, aside)

    try:
        for path in sorted(p for p in staged.rglob("*") if p.is_file()):
            rel = path.relative_to(staged)
            target = out / rel
            if target.is_file():
                if target.stat().st_size == path.stat().st_size and target.read_bytes() == path.read_bytes():
                    continue
                move_aside(target, rel)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                done.append((target, None))
            os.replace(path, target)
        for rel in removed:
            target = out / rel
            if target.is_file():
                move_aside(target, Path(rel))
                with contextlib.suppress(OSError):
                    target.parent.rmdir()  # a page's own folder, when nothing else is in it
    except BaseException:
        for target, aside in reversed(done):
            if aside is None:
                target.unlink(missing_ok=True)
            elif aside.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(aside, target)
        raise
    finally:
        shutil.rmtree(aside_dir, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
    return len(done)


def discard(staged: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staged, ignore_errors=True)
