"""The catalogue of interface strings, so a second language means translating one file."""

from __future__ import annotations

from pathlib import Path

import yaml


class Catalogue:
    """Interface strings looked up by dotted key, with {placeholders} filled in."""

    def __init__(self, strings: dict) -> None:
        self.strings = strings
        self.language = strings.get("language", "en")

    def __call__(self, key: str, **values: object) -> str:
        """The string at key (such as 'asset.when'), formatted with values."""
        node: object = self.strings
        for step in key.split("."):
            if not isinstance(node, dict) or step not in node:
                raise KeyError(f"no interface string '{key}' in the catalogue")
            node = node[step]
        if not isinstance(node, str):
            raise KeyError(f"'{key}' is a group of strings, not a string")
        return node.format(**values) if values else node

    def section(self, key: str) -> dict[str, str]:
        """A whole group of strings (such as 'days'), for lists and for the browser."""
        node = self.strings
        for step in key.split("."):
            node = node[step]
        return dict(node)

    def label(self, group: str, value: str) -> str:
        """The label for a vocabulary value, falling back to the value itself."""
        return self.strings.get(group, {}).get(value, value)


def load_catalogue(templates_dir: Path, language: str = "en") -> Catalogue:
    """Read templates/strings/<language>.yaml."""
    with open(Path(templates_dir) / "strings" / f"{language}.yaml", encoding="utf-8") as fh:
        return Catalogue(yaml.safe_load(fh))
