"""Search that loads only when a person searches: a Pagefind index, split into small chunks, per language.

The entries are the theme's search index (search/search_index.json, made by MkDocs' search plugin
and, for generated pages, from their `cam_search` text: only the text a page offers to search, not
its menus, key facts or buttons). Each build in the site (the root, and a language's build in its
own folder such as cy/) gets its own Pagefind index in its own pagefind/, in the language of its
pages' <html lang>, beside the javascripts/search.js its pages load. Pagefind (the pinned PyPI
package `pagefind[extended]`, which carries its binary) writes the index and its browser script
into the staged site, before the site is swapped in: a failure leaves the published site as it
was. No Node, no third-party requests.
"""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import threading
from functools import partial
from pathlib import Path

from generator.speed import forked

FOLDER = "pagefind"  # in the site: pagefind.js, its WebAssembly and the index chunks
UNUSED = [f"pagefind-{ui}.{ext}" for ui in ("ui", "modular-ui", "component-ui") for ext in ("js", "css")] + [
    "pagefind-highlight.js"
]
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


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


def search_records(site_dir: Path, rel: str = "", previous: Path | None = None) -> list[dict]:
    """The entries of one build's theme search index (in folder rel) as Pagefind records (url, content, language, meta).

    Addresses are relative to that build's folder, where its own pagefind/ goes.
    """
    data = json.loads((site_dir / rel / "search" / "search_index.json").read_bytes())
    language = _language(rel, [site_dir] + ([previous] if previous else []), data)
    records = []
    for doc in data.get("docs", []):
        title = _text(doc.get("title", ""))
        content = _text(doc.get("text", ""))
        if title or content:
            records.append(
                {
                    "url": "/" + doc["location"],
                    "content": f"{title}. {content}" if content else title,
                    "language": language,
                    "meta": {"title": title or doc["location"]},
                }
            )
    return records


class _Service:
    """Pagefind's binary in service mode: base64 JSON messages, each ended by a comma, on stdin and stdout.

    (The package's own asyncio client waits a tenth of a second before reading each answer, which
    would be hours at 100,000 records; this one writes every request from a thread while it reads.)
    """

    def __init__(self) -> None:
        from pagefind_bin_extended import get_executable

        command = [str(get_executable()), "--service"]
        pipe = subprocess.PIPE
        self.process = subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL)
        self.sent = 0

    def _message(self, payload: dict) -> bytes:
        self.sent += 1
        return base64.b64encode(json.dumps({"message_id": self.sent, "payload": payload}).encode()) + b","

    def _answer(self) -> dict:
        raw = bytearray()
        while True:  # base64 has no comma: the first one ends the message (only each new chunk is looked through)
            chunk = self.process.stdout.read1(1 << 20) if not self._pending else self._pending
            self._pending = b""
            if not chunk:
                raise SearchIndexError("the Pagefind service stopped")
            end = chunk.find(b",")
            if end < 0:
                raw += chunk
                continue
            raw += chunk[:end]
            self._pending = chunk[end + 1 :]
            break
        payload = json.loads(base64.b64decode(raw))["payload"]
        if payload.get("type") == "Error":
            raise SearchIndexError(f"Pagefind: {payload.get('message')}")
        return payload

    _pending = b""

    def ask(self, payload: dict) -> dict:
        """Send one request and wait for its answer."""
        self.process.stdin.write(self._message(payload))
        self.process.stdin.flush()
        return self._answer()

    def stream(self, payloads: list[dict]) -> None:
        """Send many requests from a thread while reading their answers (so neither pipe fills)."""
        messages = [self._message(p) for p in payloads]

        def feed() -> None:
            for start in range(0, len(messages), 1000):
                self.process.stdin.write(b"".join(messages[start : start + 1000]))
            self.process.stdin.flush()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for _ in messages:
                self._answer()
        finally:
            writer.join()

    def close(self) -> None:
        """Let the service finish writing and stop (it stops at the end of its input)."""
        self.process.stdin.close()
        try:
            self.process.wait(timeout=600)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _write(folder: Path, records: list[dict]) -> None:
    """Index the records and write Pagefind's files into folder/pagefind/.

    The files are asked for (GetFiles) and written here, not left to Pagefind's WriteFiles: that
    answers before its writes reach the disk, and the service exits at the end of its input without
    waiting for them, so a file could be left empty (seen in CI as an empty pagefind-entry.json).
    """
    service = _Service()
    try:
        index = service.ask({"type": "NewIndex", "config": None})["index_id"]
        service.stream([{"type": "AddRecord", "index_id": index, **r} for r in records])
        files = service.ask({"type": "GetFiles", "index_id": index})["files"]
    finally:
        service.close()
    target = (folder / FOLDER).resolve()
    for file in files:
        path = (target / file["path"]).resolve()
        if not path.is_relative_to(target):
            raise SearchIndexError(f"Pagefind named a file outside its folder: {file['path']}")
        if path.name in UNUSED:  # Pagefind's own interfaces: the site draws results in the theme's style instead
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(file["content"]))


def _records(site_dir: Path, rel: str, previous: Path | None) -> list[dict]:
    try:
        return search_records(site_dir, rel, previous)
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise SearchIndexError(f"cannot read the theme's search index ({rel}/search/search_index.json): {exc}") from exc


def _index_folder(folder: Path, rel: str, records: list[dict]) -> int:
    """Write the Pagefind index of one build's records into folder/pagefind/; the number of records."""
    try:
        _write(folder, records)
    except SearchIndexError:
        raise
    except Exception as exc:  # the service reports failures as assorted exceptions
        raise SearchIndexError(f"Pagefind could not write the search index: {type(exc).__name__}: {exc}") from exc
    try:
        languages = json.loads((folder / FOLDER / "pagefind-entry.json").read_bytes())["languages"]
    except (OSError, ValueError, KeyError) as exc:
        raise SearchIndexError(f"Pagefind wrote no complete index ({rel}/pagefind/pagefind-entry.json: {exc})") from exc
    if not (folder / FOLDER / "pagefind.js").is_file() or (records and not languages):
        raise SearchIndexError(f"Pagefind wrote no pagefind.js or an empty index in {rel}/pagefind/")
    return len(records)


class Indexes:
    """Each build's Pagefind index, written in the background while the next build's pages are made.

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
        return _index_folder(self.site_dir / rel, rel, _records(self.site_dir, rel, self.previous))

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
    """Write a Pagefind index of each build's search entries into its pagefind/ (the root's, cy/'s...).

    The number of records.
    """
    return Indexes(site_dir, previous, background=False).finish()


HASHED = ("fragment", "index")  # Pagefind's folders whose file names are hashes of their content


def settle_search_files(staged: Path, out: Path) -> list[str]:
    """For a rebuild merged into out: drop staged index files out already holds; list out's stale ones.

    Returns the paths (in the site) of the previous indexes' files that the new ones do not have,
    for the merge to remove.
    """
    stale = []
    languages = {p.parent.name for root in (staged, out) for p in root.glob(f"*/{FOLDER}")}
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
