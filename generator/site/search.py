"""Search that loads only when a person searches: the site's own search index, per language.

The entries are the theme's search index (search/search_index.json, made by MkDocs' search plugin
and, for generated pages, from their `cam_search` text: only the text a page offers to search, not
its menus, key facts or buttons). Each build in the site (the root, and a language's build in its
own folder such as cy/) gets its own index in its own search/index/, in the language of its pages'
<html lang>, beside the javascripts/search.js its pages load. `searchindex.py` makes the index
(words split into small files, fetched per query); it is written into the staged site before the
site is swapped in, so a failure leaves the published site as it was.
"""

from __future__ import annotations

import html
import json
import re
from functools import partial
from pathlib import Path

from generator.site import searchindex
from generator.speed import forked

FOLDER = "search/index"  # in each build's folder: the manifest, w/ (words) and p/ (pages)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class SearchIndexError(Exception):
    """The search index could not be written; the message says why."""


def _text(value: str) -> str:
    """Plain text from an entry's HTML (escaped by the templates or the theme)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


_LANG = re.compile(rb"<html[^>]*?\slang=\"([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\"")


def index_folders(site_dir: Path) -> list[str]:
    """The folders of the site (relative; "" for the root) that hold a theme search index: one per build."""
    found = [""] if (site_dir / "search" / "search_index.json").is_file() else []
    return found + sorted(p.parent.parent.name for p in site_dir.glob("*/search/search_index.json"))


def _language(rel: str, roots: list[Path], data: dict) -> str:
    """The language of a build's pages: their <html lang> (the theme's index says "en" for languages it lacks)."""
    for root in roots:
        page = root / rel / "index.html"
        if page.is_file():
            found = _LANG.search(page.read_bytes()[:4096])
            if found:
                return found.group(1).decode().lower()
    return (data.get("config", {}).get("lang") or ["en"])[0]


def search_records(site_dir: Path, rel: str = "", previous: Path | None = None) -> tuple[str, list[dict]]:
    """The language of one build (in folder rel) and its theme search index's entries (url, title, text).

    Addresses are relative to that build's folder.
    """
    data = json.loads((site_dir / rel / "search" / "search_index.json").read_bytes())
    language = _language(rel, [site_dir] + ([previous] if previous else []), data)
    records = []
    for doc in data.get("docs", []):
        title = _text(doc.get("title", ""))
        content = _text(doc.get("text", ""))
        if title or content:
            records.append({"url": doc["location"], "title": title or doc["location"], "text": content})
    return language, records


def _write(folder: Path, language: str, records: list[dict]) -> None:
    """Write the search index of one build's records into folder/FOLDER/ (its files, then its manifest)."""
    target = folder / FOLDER
    files = searchindex.build(records, language)
    manifest = files.pop(searchindex.MANIFEST)
    for rel, content in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (target / searchindex.MANIFEST).write_bytes(manifest)


def _records(site_dir: Path, rel: str, previous: Path | None) -> tuple[str, list[dict]]:
    try:
        return search_records(site_dir, rel, previous)
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise SearchIndexError(f"cannot read the theme's search index ({rel}/search/search_index.json): {exc}") from exc


def _index_folder(folder: Path, rel: str, language: str, records: list[dict]) -> int:
    """Write the search index of one build's records into folder/FOLDER/; the number of records."""
    try:
        _write(folder, language, records)
    except Exception as exc:  # a full disk, a folder that cannot be made...
        raise SearchIndexError(f"could not write the search index in {rel or '.'}/{FOLDER}/: {type(exc).__name__}: {exc}") from exc
    return len(records)


class Indexes:
    """Each build's search index, written in the background while the next build's pages are made.

    add(rel) starts the index of the build in folder rel (its theme search index must be written)
    in a forked child process (a thread would stop the next build from forking its own workers), if
    no other index is being written: memory holds one at a time. Where no child can be forked, an
    index is written when its result is asked for; with background False, none is started.
    finish() waits for it, then writes the indexes not written yet, one after the other. close()
    ends the one still running, so that a failed build removes its staged site only once nothing
    writes into it. previous is the site being replaced, whose pages give a build's language when
    this one (a rebuild) did not write them again.
    """

    def __init__(self, site_dir: Path, previous: Path | None = None, background: bool = True) -> None:
        self.site_dir, self.previous, self.background = site_dir, previous, background
        self._done: dict[str, int] = {}
        self._running: tuple[str, forked.Child] | None = None

    def add(self, rel: str) -> None:
        """Start rel's index now if none is being written (else finish() writes it)."""
        if not self.background or self._running or rel in self._done:
            return
        if (self.site_dir / rel / "search" / "search_index.json").is_file():
            self._running = (rel, forked.Child(partial(self._one, rel)))

    def _one(self, rel: str) -> int:
        return _index_folder(self.site_dir / rel, rel, *_records(self.site_dir, rel, self.previous))

    def _wait(self) -> None:
        if self._running:
            (rel, child), self._running = self._running, None
            try:
                self._done[rel] = child.result()
            except forked.ChildError as exc:
                raise SearchIndexError(str(exc).removeprefix(f"{SearchIndexError.__name__}: ")) from exc

    def finish(self) -> int:
        """Wait for every build's index; the number of records (the first failure is raised)."""
        self._wait()
        for rel in index_folders(self.site_dir):
            if rel not in self._done:
                self._done[rel] = self._one(rel)
        return sum(self._done.values())

    def close(self) -> None:
        if self._running:
            self._running[1].stop()
            self._running = None


def write_search_index(site_dir: Path, previous: Path | None = None) -> int:
    """Write the search index of each build's search entries into its search/index/ (the root's, cy/'s...).

    The number of records.
    """
    return Indexes(site_dir, previous, background=False).finish()


HASHED = ("w", "p")  # the index's folders whose file names are hashes of their content


def settle_search_files(staged: Path, out: Path) -> list[str]:
    """For a rebuild merged into out: drop staged index files out already holds; list out's stale ones.

    Returns the paths (in the site) of the previous indexes' files that the new ones do not have,
    for the merge to remove.
    """
    stale = []
    languages = {p.relative_to(root).parts[0] for root in (staged, out) for p in root.glob(f"*/{FOLDER}")}
    for rel in ["", *sorted(languages)]:
        new, old = staged / rel / FOLDER, out / rel / FOLDER
        if not old.is_dir():
            continue
        for path in sorted(old.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            inside = path.relative_to(old)
            twin = new / inside
            if not twin.exists():
                stale.append((Path(rel) / FOLDER / inside).as_posix())
            elif inside.parts[0] in HASHED:
                twin.unlink()  # the same name is the same content: keep the published file
    return stale
