"""The catalogue of interface strings, so a second language means translating one file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import yaml

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


class Catalogue:
    """Interface strings looked up by dotted key, with {placeholders} filled in."""

    def __init__(self, strings: dict) -> None:
        self.strings = strings
        self.language = strings.get("language", "en")
        self._flat = dict(_flatten(strings))  # 'asset.when' -> its string: a page asks for dozens

    def __call__(self, key: str, **values: object) -> str:
        """The string at key (such as 'asset.when'), formatted with values."""
        try:
            text = self._flat[key]
        except KeyError:
            if any(k.startswith(key + ".") for k in self._flat):
                raise KeyError(f"'{key}' is a group of strings, not a string") from None
            raise KeyError(f"no interface string '{key}' in the catalogue") from None
        return text.format(**values) if values else text

    def section(self, key: str) -> dict[str, str]:
        """A whole group of strings (such as 'days'), for lists and for the browser."""
        node = self.strings
        for step in key.split("."):
            node = node[step]
        return dict(node)

    def has(self, key: str) -> bool:
        """True when the catalogue has a string or a group of strings at key."""
        return key in self._flat or any(k.startswith(key + ".") for k in self._flat)

    def date(self, day: dt.date) -> str:
        """A date written out in the catalogue's language: '5 December 2026', '5 Rhagfyr 2026'."""
        month = self(f"months.{MONTHS[day.month - 1]}")
        return self("dates.long", day=day.day, month=month, year=day.year)

    def label(self, group: str, value: str) -> str:
        """The label for a vocabulary value, falling back to the value itself."""
        return self.strings.get(group, {}).get(value, value)


def _flatten(node: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield f"{prefix}{key}", value


def catalogue_languages(templates: Path | list[Path]) -> tuple[str, ...]:
    """The language of every catalogue in the templates folders (strings/<code>.yaml), sorted."""
    folders = templates if isinstance(templates, list) else [templates]
    return tuple(sorted({p.stem for f in folders if (f / "strings").is_dir() for p in (f / "strings").glob("*.yaml")}))


def load_catalogue(templates: Path | list[Path], language: str = "en") -> Catalogue:
    """Read strings/<language>.yaml from the first templates folder that has it (an area's own, then the default)."""
    folders = templates if isinstance(templates, list) else [templates]
    path = next(
        (f / "strings" / f"{language}.yaml" for f in folders if (f / "strings" / f"{language}.yaml").is_file()), None
    )
    if path is None:
        raise FileNotFoundError(f"no interface strings for '{language}' in {', '.join(map(str, folders))}")
    with open(path, encoding="utf-8") as fh:
        return Catalogue(yaml.safe_load(fh))
