"""Kinds of setting in config.yaml: what a value of each may hold, how it is read, and what it must find.

Every setting is untrusted text (it arrives in pull requests like the records do). Each kind keeps
to what its value is rendered as: TEXT is plain text on one line, escaped wherever it lands (see
site.settings for the MkDocs theme, which does not escape); ATTRIBUTION is the one kind that may hold
markup, and only text and https links survive it (sanitised with nh3, after a check that says what
was not allowed); addresses, paths, names and codes are held to their own shapes.
"""

from __future__ import annotations

import html.parser
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import nh3

from generator.data.structure import did_you_mean

# Material for MkDocs palette colours (https://squidfunk.github.io/mkdocs-material/setup/changing-the-colors/).
# "custom" keeps the colours set in site_src/stylesheets/extra.css.
ACCENT_COLOURS = (
    "red pink purple deep-purple indigo blue light-blue cyan teal green light-green lime yellow amber orange "
    "deep-orange"
).split()
PRIMARY_COLOURS = [*ACCENT_COLOURS, "brown", "grey", "blue-grey", "black", "white"]
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
_ICON = re.compile(r"^[a-z0-9-]+(/[a-z0-9-]+)+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s<>\"'`()\[\]\\]+@[^@\s<>\"'`()\[\]\\]+\.[^@\s<>\"'`()\[\]\\]+$")
_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")
_HTTPS = re.compile(r"^https://[^\s<>\"'`\\]+$")
_PATH = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # can make text read other than it is


class KindError(ValueError):
    """A value is not of its kind; the message, when given, says how (\"is not a number\")."""


class ProjectPaths(NamedTuple):
    """Where a kind looks for what its value names: interface strings, the docs folder, the theme's folders."""

    strings: list[Path]  # strings/ folders, the area's own first
    docs: Path
    theme_dirs: list[Path]


class Kind(NamedTuple):
    """A kind of setting: how a value is read (KindError when it is not one) and what it needs to exist."""

    wanted: str  # "a number": how a problem names what the value should be
    parse: Callable[[str, tuple[str, ...]], Any]  # (text, choices) -> value
    hint: Callable[[str, tuple[str, ...]], str] | None = None
    # (value, paths) -> (field suffix, code, message, hint) for each thing the project lacks
    in_project: Callable[[Any, ProjectPaths], Iterator[tuple[str, str, str, str]]] | None = None


def shown(text: str) -> str:
    """Text for a one-line message: control and separator characters written as escapes, at most 80 characters."""
    out = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else repr(c)[1:-1] for c in text)
    return out if len(out) <= 80 else out[:79] + "…"


def is_url(text: str) -> bool:
    """True for a web address starting with http:// or https:// and holding no space, quote or angle bracket."""
    return bool(_URL.match(text))


def is_image(text: str) -> bool:
    """True when a logo names an image file rather than an icon."""
    return text.lower().endswith(IMAGE_SUFFIXES)


def _one_line(text: str) -> str:
    """Text with something in it and no control, line or paragraph separator characters."""
    if not text.strip():
        raise KindError("is empty")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") or c in _BIDI for c in text):
        raise KindError("holds a line break or another control character")
    return text


def _text(text: str, choices: tuple[str, ...]) -> str:
    return _one_line(text)


def _number(text: str, choices: tuple[str, ...]) -> float:
    if not _NUMBER.match(text.strip()):
        raise KindError
    value = float(text)
    if not math.isfinite(value):
        raise KindError
    return value


def _integer(text: str, choices: tuple[str, ...]) -> int:
    if not _INTEGER.match(text.strip()):
        raise KindError
    return int(text)


def _url(text: str, choices: tuple[str, ...]) -> str:
    if not is_url(text):
        raise KindError
    return text


def _tiles(text: str, choices: tuple[str, ...]) -> str:
    _url(text, choices)
    if not all(marker in text for marker in ("{z}", "{x}", "{y}")):
        raise KindError("does not hold {z}, {x} and {y}")
    return text


def _path(text: str, choices: tuple[str, ...]) -> str:
    path = text.strip("/")
    if text.startswith("/") or not _PATH.match(path) or ".." in path.split("/"):
        raise KindError
    return path


def _choice(text: str, choices: tuple[str, ...]) -> str:
    name = text.strip().lower().replace(" ", "-")
    if name not in choices:
        raise KindError
    return name


def _choice_hint(text: str, choices: tuple[str, ...]) -> str:
    close = did_you_mean(text.strip().lower().replace(" ", "-"), list(choices))
    return close or "Use one of: " + ", ".join(choices) + "."


def _logo(text: str, choices: tuple[str, ...]) -> str:
    if is_image(text):
        _path(text, choices)
    elif not _ICON.match(text):
        raise KindError
    return text


def _logo_found(logo: str, paths: ProjectPaths) -> Iterator[tuple[str, str, str, str]]:
    if is_image(logo):
        found, where = (paths.docs / logo).is_file(), f"{paths.docs.name}/"
    else:
        found = any((d / ".icons" / f"{logo}.svg").is_file() for d in paths.theme_dirs)
        where = "the theme's icons"
    if not found:
        hint = f"Use an icon name such as material/map-marker-radius, or put the image in {paths.docs.name}/."
        yield "", "not-found", f"'{logo}' is not in {where}.", hint


def _contact(text: str, choices: tuple[str, ...]) -> str:
    if not (_EMAIL.match(text) or is_url(text)):
        raise KindError
    return text


def _language(text: str, choices: tuple[str, ...]) -> str:
    if not _LANGUAGE.match(text):
        raise KindError
    return text


def _catalogues(codes: tuple[str, ...], paths: ProjectPaths) -> Iterator[tuple[str, str, str, str]]:
    for i, code in enumerate(codes):
        if not any((folder / f"{code}.yaml").is_file() for folder in paths.strings):
            message = f"there are no interface strings for '{code}' (templates/strings/{code}.yaml)."
            hint = "Translate templates/strings/en.yaml into that file, or remove the language."
            yield f"[{i}]", "no-catalogue", message, hint
        taken = paths.docs / code
        if i and (taken.exists() or taken.is_symlink()):
            message = f"the pages in '{code}' are built into /{code}/, and the docs folder has a {code}/ of its own."
            hint = f"Rename {taken.as_posix()}: a page in that language is written page.{code}.md beside its page."
            yield f"[{i}]", "language-folder-taken", message, hint


class _Markup(html.parser.HTMLParser):
    """Collects what an attribution holds beyond text and <a href="https://..."> links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            self.refused.append(f"<{tag}>")
            return
        for name, value in attrs:
            if name != "href":
                self.refused.append(f"the attribute {name}")
            elif not _HTTPS.match(value or ""):
                self.refused.append(f"the link '{value}' (links must start with https://)")

    def handle_endtag(self, tag: str) -> None:
        if tag != "a":
            self.refused.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.refused.append("a comment")

    def handle_decl(self, decl: str) -> None:
        self.refused.append("a declaration")

    def handle_pi(self, data: str) -> None:
        self.refused.append("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.refused.append("a declaration")


_YES, _NO = ("true", "yes", "on"), ("false", "no", "off")


def _yes_no(text: str, choices: tuple[str, ...]) -> bool:
    word = text.strip().lower()
    if word not in _YES + _NO:
        raise KindError
    return word in _YES


def _attribution(text: str, choices: tuple[str, ...]) -> str:
    """Text and https links only: checked (to say what is refused), and sanitised with nh3 all the same."""
    _one_line(text)
    parser = _Markup()
    parser.feed(text)
    parser.close()
    if parser.rawdata:
        parser.refused.append(f"the unfinished '{shown(parser.rawdata)}'")
    if parser.refused:
        raise KindError("holds " + ", ".join(dict.fromkeys(parser.refused)) + "; only text and <a href> links may")
    return nh3.clean(text, tags={"a"}, attributes={"a": {"href"}}, url_schemes={"https"}, link_rel=None)


TEXT = Kind("plain text on one line", _text)
NUMBER = Kind("a number", _number)
INTEGER = Kind("a whole number", _integer)
URL = Kind("a web address starting with https://", _url)
TILES = Kind("a tile address starting with https:// and holding {z}, {x} and {y}", _tiles)
ATTRIBUTION = Kind('text with links written <a href="https://...">', _attribution)
PATH = Kind("a folder path inside the repository, such as assets_data/assets", _path)
CHOICE = Kind("a Material for MkDocs colour name", _choice, _choice_hint)
LOGO = Kind(
    "a Material icon name such as material/map-marker-radius, or an image path such as images/logo.svg",
    _logo,
    in_project=_logo_found,
)
CONTACT = Kind("an email address or a web address starting with https://", _contact)
LANGUAGES = Kind("a list of language codes", _language, in_project=_catalogues)
YES_NO = Kind("true or false", _yes_no)
