"""The site's search index: words split into small files by how they begin, so a query fetches only its own.

Made in Pagefind's manner (static files, a few small ones per query) but sized for this directory:
at 100,000 pages Pagefind's list of pages alone was 650 kB, fetched before any word was looked up,
and a common word made the browser rank every page that held it. Here the browser fetches

- `manifest.json`: the language, how many pages, and the names of the other files (a few kB);
- for each word typed, the one file of words that begin the same way (`w/…`), holding, for every
  word, the pages with it in their title and the pages with it only in their text, as gaps between
  page numbers;
- for the first results only, the small files of pages they are in (`p/…`): address, title and the
  start of the text, `PAGE_GROUP` pages to a file.

Words are the text's letters and digits, lower case, without accents (so "cafe" finds "café" and
"sgwrs" finds "Sgwrs"), apostrophes dropped; in English a final plural "s" (or "ies") is dropped
too, so "walks" and "walk" are one word. `javascripts/searchengine.js` reads the words of a query
the same way; a test keeps the two in step. File names are hashes of their content (a browser
never mixes two builds' files), listed in the manifest.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections import defaultdict

MANIFEST = "manifest.json"
WORD_GROUP_BYTES = 24_000  # a file of words is split by the next letter once it holds more than this
PAGE_GROUP = 40  # pages per file of pages (a query's first results come from a few of them)
EXCERPT = 180  # characters of a page's text kept to show under its title
SHORTEST = 2  # words shorter than this are not indexed (nor looked up)
_APOSTROPHES = re.compile("['\u2018\u2019`]")
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]{%d,}" % SHORTEST)  # (a plural ending is only taken from words of four letters or more)


@functools.lru_cache(maxsize=1 << 16)  # a directory's text repeats a few thousand words a million times
def _plain(word: str) -> str:
    """An English word without its plural ending ("groups" -> "group", "activities" -> "activity")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str, language: str) -> list[str]:
    """The index's words in text, in order (repeats kept)."""
    text = _APOSTROPHES.sub("", text.lower())
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    found = _WORD.findall(text)
    if language.split("-")[0] == "en":
        return list(map(_plain, found))
    return found


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT:
        return text
    cut = text.rfind(" ", 0, EXCERPT)
    return text[: cut if cut > EXCERPT // 2 else EXCERPT].rstrip(" ,.;:") + "…"


def _gaps(numbers: list[int]) -> list[int]:
    """Page numbers (ascending) as the first and the gaps between them: short in JSON, shorter gzipped."""
    return [b - a for a, b in zip([0, *numbers], numbers)]


def _pair(in_title: list[int], in_text: list[int]) -> bytes:
    """A word's entry: its pages by title, then by text only, as JSON lists of gaps (written out directly:
    json.dumps took a tenth of the index's time at 100,000 pages)."""
    return f"[[{','.join(map(str, _gaps(in_title)))}],[{','.join(map(str, _gaps(in_text)))}]]".encode()


def _group_words(sizes: dict[str, int]) -> dict[str, list[str]]:
    """Words by the key of their file: the shortest beginning whose words fit WORD_GROUP_BYTES.

    A group too large is split by the next letter; a word that is the whole of its group's
    beginning stays in the group's own file. A word's file is then the longest key it begins with.
    """
    groups: dict[str, list[str]] = {}
    first: dict[str, list[str]] = {}
    for w in sorted(sizes):
        first.setdefault(w[0], []).append(w)
    todo = [(members, 1) for members in first.values()]  # a list, not recursion: words can be long
    while todo:
        members, depth = todo.pop()
        key = members[0][:depth]
        if len(members) == 1 or sum(sizes[w] for w in members) <= WORD_GROUP_BYTES:
            groups.setdefault(key, []).extend(members)
            continue
        below: dict[str, list[str]] = {}
        for w in members:
            if len(w) == depth:
                groups.setdefault(key, []).append(w)
            else:
                below.setdefault(w[depth], []).append(w)
        todo += [(part, depth + 1) for part in below.values()]
    return groups


def _name(content: bytes) -> str:
    """A file's name from its content (the manifest lists names; the browser adds folder and .json)."""
    return hashlib.sha256(content).hexdigest()[:10]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def build(pages: list[dict], language: str) -> dict[str, bytes]:
    """The index's files ({path in the index's folder: content}) for pages of {"url", "title", "text"}.

    Pages are numbered in order of title, so that equally good results come alphabetically.
    """
    pages = sorted(pages, key=lambda p: (p["title"].casefold(), p["url"]))
    in_title: defaultdict[str, list[int]] = defaultdict(list)  # (not setdefault: a new list for every word seen)
    in_text: defaultdict[str, list[int]] = defaultdict(list)
    for number, page in enumerate(pages):
        title = set(words(page["title"], language))
        for w in title:
            in_title[w].append(number)
        for w in set(words(page["text"], language)) - title:
            in_text[w].append(number)
    entries = {w: _pair(in_title.get(w, []), in_text.get(w, [])) for w in in_title.keys() | in_text.keys()}
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    for key, members in sorted(_group_words({w: len(e) for w, e in entries.items()}).items()):
        body = b"{" + b",".join(_json(w) + b":" + entries[w] for w in sorted(members)) + b"}"
        keys[key] = _name(body)
        files[f"w/{keys[key]}.json"] = body
    groups = []
    for start in range(0, len(pages), PAGE_GROUP):
        rows = [[p["url"], p["title"], _excerpt(p["text"])] for p in pages[start : start + PAGE_GROUP]]
        content = _json(rows)
        groups.append(_name(content))
        files[f"p/{groups[-1]}.json"] = content
    manifest = {"version": 1, "language": language, "pages": len(pages), "group": PAGE_GROUP}
    files[MANIFEST] = _json(manifest | {"words": keys, "groups": groups})
    return files
