"""Write stage: per-asset data files written into the new site, a full build's site swapped in, or a
rebuild's changed files moved in, so that a failure leaves the previous site as it was; and the docs
folder kept free of generated files. Every file is reached through generator.files: a link in the docs
folder or the site stops the build (nothing is deleted or written through it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from generator.files import LinkRefused, Writer, copy_tree, folder, kind, links_in, read_bytes, remove_tree, walk
from generator.speed.buildstate import KEEP, WRITTEN, Content, digest, pack

# Paths inside the docs folder that the build generates (never written there: see mkdocs_plugin.py); everything
# else there is hand-written. Older builds wrote generated files here; remove_generated clears them.
GENERATED = (
    "index.md",
    "map.md",
    "find.md",
    "sheet.md",
    "list.md",
    "open-data.md",
    "changed.md",
    "changed.xml",
    "data",
    "support",
    "need",
    "area",
    "sheets",
    "assets/data",
    "assets/vendor",
)


# Generated files other than pages (data files) are written straight into the new site by the process that
# rendered them, so that they are neither sent between processes nor held until MkDocs writes them (the open
# data downloads alone were 133 MB at 10,000 assets). MkDocs is told of the site-wide ones (pages link to
# them), not of the per-asset ones (three per asset: map card, calendar, ORUK service).
PER_ASSET = ("assets/data/asset/", "data/calendar/", "data/oruk/services/")


class WriteError(Exception):
    """Raised when a file cannot be written; the message says which and why."""


def is_generated(rel: str) -> bool:
    """True for a path (relative to the docs folder) in its generated part."""
    return any(rel == g or rel.startswith(g + "/") for g in GENERATED)


def as_bytes(content: str | bytes) -> bytes:
    """File content as bytes (text as UTF-8)."""
    return content.encode("utf-8") if isinstance(content, str) else content


def remove_generated(docs_dir: Path) -> int:
    """Remove files that older builds wrote into the generated part of docs_dir; return how many.

    Generated pages and data now go to MkDocs in memory, so that part of the docs folder stays empty.
    A link there (committed, say, as site_src/data -> ../..) is refused before anything is removed.
    """
    docs_dir = Path(docs_dir)
    if not docs_dir.is_dir():
        return 0
    links = [link for generated in GENERATED for link in links_in(docs_dir, generated)]
    if links:
        raise WriteError(f"{LinkRefused(docs_dir / links[0])}; nothing was removed: delete the link")
    try:
        return sum(remove_tree(docs_dir, generated) for generated in GENERATED)
    except (OSError, ValueError) as exc:
        raise WriteError(f"cannot remove a generated file in {docs_dir}: {exc}") from exc


def settle(
    files: dict[str, Content], previous: dict[str, str], staged: Path
) -> tuple[dict[str, Content], dict[str, str | None]]:
    """Hash rendered files and write the data files among them that changed into staged.

    previous holds the hashes of the data files of the previous build (empty for a full build).
    Returns the files left for MkDocs (pages, packed: see buildstate.Packed; site-wide data files as
    WRITTEN, or KEEP) and the hash of every file (None for a file left KEEP).
    """
    hashes: dict[str, str | None] = {}
    rest: dict[str, Content] = {}
    with Writer(staged) as writer:
        for path, content in files.items():
            if content is KEEP:
                hashes[path] = None
                if not path.startswith(PER_ASSET):  # (a page, or a site-wide data file)
                    rest[path] = KEEP
                continue
            raw = as_bytes(content)
            hashes[path] = digest(raw)
            if path.endswith(".md"):
                rest[path] = pack(raw)
                continue
            if previous.get(path) != hashes[path]:
                try:
                    writer.write(path, raw)
                except (OSError, ValueError) as exc:
                    raise WriteError(f"cannot write {staged / path}: {exc.strerror or exc}") from exc
            if not path.startswith(PER_ASSET):
                rest[path] = WRITTEN
    return rest, hashes


def hand_written_pages(docs_dir: Path, defaults: Path | None = None) -> dict[str, str]:
    """The hand-written pages (Markdown outside the generated part) of docs_dir, and of defaults where
    docs_dir has no page of the same name, with the hash of each."""
    pages = {}
    for folder in (defaults, docs_dir) if defaults else (docs_dir,):
        for rel, what in walk(folder):
            if what == "file" and rel.endswith(".md") and not is_generated(rel):
                pages[rel] = digest(read_bytes(Path(folder, rel), folder))
    return pages


def drop_unchanged(staged: Path, out: Path, rel: str) -> None:
    """For a folder of the site built in full into staged (another language's): remove each staged file
    whose published twin in out has the same bytes, so that the merge leaves the published one alone and
    a rebuild with nothing changed changes nothing. A link in out is never read through."""
    if not (out / rel).is_dir() or os.path.islink(out / rel):
        return
    for name, what in list(walk(staged / rel)):
        new = staged / rel / name
        if what != "file":
            continue
        try:
            if (out / rel / name).stat().st_size != new.stat().st_size:
                continue
            same = read_bytes(out / rel / name, out / rel) == new.read_bytes()
        except (OSError, LinkRefused):
            continue  # absent, a link or unreadable: the new file goes in
        if same:
            new.unlink()


def copy_hand_written(source: Path, target: Path) -> None:
    """Copy the hand-written part of a docs folder (everything not generated) into another folder.

    A link in either folder is refused (LinkRefused) rather than followed.
    """
    copy_tree(source, target, lambda rel: not is_generated(rel))


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
    if os.path.islink(out):
        raise LinkRefused(out)
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
    and the site is as it was. A link in the site on the way to a file is refused (LinkRefused).
    Returns how many files changed.
    """
    aside_dir = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-old-"))
    done: list[tuple[Path, Path | None]] = []  # (file in the site, its previous version moved aside or None)

    def move_aside(target: Path, rel: Path) -> None:
        aside = aside_dir / rel
        aside.parent.mkdir(parents=True, exist_ok=True)
        done.append((target, aside))
        os.replace(target, aside)

    def in_site(target: Path) -> str:
        """What target is in the site (a link on the way to it is refused; a missing folder is made)."""
        try:
            what = kind(target, out)
        except FileNotFoundError:
            with folder(out, target.parent.relative_to(out), create=True):
                what = "missing"
        if what not in ("file", "missing"):
            raise LinkRefused(target, f"it is a {what} where the build puts a file")
        return what

    if os.path.islink(out):
        raise LinkRefused(out)
    try:
        for rel_name, what in list(walk(staged)):
            if what != "file":
                continue
            path, rel = staged / rel_name, Path(rel_name)
            target = out / rel
            if in_site(target) == "file":
                if target.stat().st_size == path.stat().st_size and read_bytes(target, out) == path.read_bytes():
                    continue
                move_aside(target, rel)
            else:
                done.append((target, None))
            os.replace(path, target)
        for rel in removed:
            target = out / rel
            if target.parent.is_dir() and kind(target, out) == "file":
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
