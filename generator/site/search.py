"""Search that loads only when a person searches: a Pagefind index, split into small chunks, per language.

The entries are the theme's search index (search/search_index.json, made by MkDocs' search plugin
and, for generated pages, from their `cam_search` text: only the text a page offers to search, not
its menus, key facts or buttons). Each entry becomes one Pagefind record in the language of its
index (config.lang), so a Welsh build's index under cy/ gives Welsh records, searched from pages
whose <html lang> is cy. Pagefind (the pinned PyPI package `pagefind[extended]`, which carries its
binary) writes the index and its browser script into pagefind/ of the staged site, before the site
is swapped in: a failure leaves the published site as it was. No Node, no third-party requests.
"""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import threading
from pathlib import Path

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


def search_records(site_dir: Path) -> list[dict]:
    """Every entry of every theme search index in the site, as a Pagefind record (url, content, language, meta)."""
    records = []
    indexes = [site_dir / "search" / "search_index.json", *sorted(site_dir.glob("*/search/search_index.json"))]
    for index in (i for i in indexes if i.is_file()):
        prefix = index.parent.parent.relative_to(site_dir).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        data = json.loads(index.read_bytes())
        language = (data.get("config", {}).get("lang") or ["en"])[0]
        for doc in data.get("docs", []):
            title = _text(doc.get("title", ""))
            content = _text(doc.get("text", ""))
            if not (title or content):
                continue
            records.append(
                {
                    "url": "/" + prefix + doc["location"],
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
        while not raw.endswith(b","):
            chunk = self.process.stdout.read1(65536) if not self._pending else self._pending
            self._pending = b""
            if not chunk:
                raise SearchIndexError("the Pagefind service stopped")
            raw += chunk
            if b"," in raw:
                cut = raw.index(b",") + 1
                self._pending, raw = bytes(raw[cut:]), raw[:cut]
        payload = json.loads(base64.b64decode(bytes(raw[:-1])))["payload"]
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


def _write(site_dir: Path, records: list[dict]) -> None:
    service = _Service()
    try:
        index = service.ask({"type": "NewIndex", "config": None})["index_id"]
        service.stream([{"type": "AddRecord", "index_id": index, **r} for r in records])
        service.ask({"type": "WriteFiles", "index_id": index, "output_path": str(site_dir / FOLDER)})
    finally:
        service.close()
    for name in UNUSED:  # Pagefind's own interfaces: the site draws results in the theme's style instead
        (site_dir / FOLDER / name).unlink(missing_ok=True)


def write_search_index(site_dir: Path) -> int:
    """Write the Pagefind index of the site's search entries into site_dir/pagefind/; return the record count."""
    try:
        records = search_records(site_dir)
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise SearchIndexError(f"cannot read the theme's search index (search/search_index.json): {exc}") from exc
    try:
        _write(site_dir, records)
    except SearchIndexError:
        raise
    except Exception as exc:  # the service reports failures as assorted exceptions
        raise SearchIndexError(f"Pagefind could not write the search index: {type(exc).__name__}: {exc}") from exc
    try:
        languages = json.loads((site_dir / FOLDER / "pagefind-entry.json").read_bytes())["languages"]
    except (OSError, ValueError, KeyError) as exc:
        raise SearchIndexError(f"Pagefind wrote no complete index (pagefind/pagefind-entry.json: {exc})") from exc
    if not (site_dir / FOLDER / "pagefind.js").is_file() or (records and not languages):
        raise SearchIndexError("Pagefind wrote no pagefind.js or an empty index")
    return len(records)


HASHED = ("fragment", "index")  # Pagefind's folders whose file names are hashes of their content


def settle_search_files(staged: Path, out: Path) -> list[str]:
    """For a rebuild merged into out: drop staged index files out already holds; list out's stale ones.

    Returns the paths (in the site) of the previous index's files that the new index does not have,
    for the merge to remove.
    """
    new, old = staged / FOLDER, out / FOLDER
    stale = []
    if not old.is_dir():
        return stale
    for path in sorted(old.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(old)
        twin = new / rel
        if not twin.exists():
            stale.append(f"{FOLDER}/{rel.as_posix()}")
        elif rel.parts[0] in HASHED:
            twin.unlink()  # the same name is the same content: keep the published file
    return stale
