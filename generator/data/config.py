"""The directory's settings (config.yaml in the data folder), checked like the records are.

CONFIG_FIELDS is the one list of settings: validation, defaults and the configuration reference in
docs/configuration.md are all derived from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from generator.data.loader import Document, Mapping, Sequence
from generator.data.structure import did_you_mean
from generator.problems import Problem


class Setting(NamedTuple):
    """One setting: its kind, whether it is required, what it means, an example and its default."""

    kind: str
    required: bool
    description: str
    example: str
    default: object = None


# Material for MkDocs palette colours (https://squidfunk.github.io/mkdocs-material/setup/changing-the-colors/).
# "custom" keeps the colours set in site_src/stylesheets/extra.css.
ACCENT_COLOURS = (
    "red pink purple deep-purple indigo blue light-blue cyan teal green light-green lime yellow amber orange "
    "deep-orange"
).split()
PRIMARY_COLOURS = [*ACCENT_COLOURS, "brown", "grey", "blue-grey", "black", "white"]
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
ICON = re.compile(r"^[a-z0-9-]+(/[a-z0-9-]+)+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
URL = re.compile(r"^https?://[^\s<>\"']+$")

# Kinds: text, plain (text without < or >: MkDocs puts it into pages unescaped), url, number, integer,
# section, colour, accent, logo, contact, languages, path.
CONFIG_FIELDS: dict[str, Setting] = {
    "site": Setting("section", True, "The website: its name, description, address and repository.", ""),
    "site.name": Setting(
        "plain", True, "The site's name, shown in every page's header and title.", "Gloucestershire Community Asset Map"
    ),
    "site.description": Setting(
        "plain",
        True,
        "One sentence saying what the site is, for search engines and link previews.",
        "Local groups, activities and services that support health and wellbeing.",
    ),
    "site.url": Setting(
        "url",
        True,
        "The public address the site is published at; QR codes on printed sheets lead back to it.",
        "https://community-asset-map.example.org/",
    ),
    "site.repository": Setting(
        "url",
        False,
        'The GitHub repository holding the records, for the "Edit this entry" and "Suggest a change" links '
        "and the issue forms. Leave it out to show no such links.",
        "https://github.com/example/community-asset-map",
        "",
    ),
    "site.records_path": Setting(
        "path",
        False,
        'Where the record files are inside that repository (for "Edit this entry").',
        "assets_data/assets",
        "assets_data/assets",
    ),
    "area_name": Setting("text", True, "The area the directory covers, as people name it.", "Gloucestershire"),
    "bounding_box": Setting("section", True, "Every location must lie inside this box (decimal degrees).", ""),
    "bounding_box.south": Setting("number", True, "Southern edge (latitude).", "51.57"),
    "bounding_box.west": Setting("number", True, "Western edge (longitude; negative west of Greenwich).", "-2.69"),
    "bounding_box.north": Setting("number", True, "Northern edge (latitude).", "52.12"),
    "bounding_box.east": Setting("number", True, "Eastern edge (longitude).", "-1.61"),
    "map": Setting("section", True, "The map's starting view and tile server.", ""),
    "map.centre_latitude": Setting("number", True, "Latitude the map opens on.", "51.86"),
    "map.centre_longitude": Setting("number", True, "Longitude the map opens on.", "-2.2"),
    "map.zoom": Setting("integer", True, "Zoom level the map opens at (1 to 18).", "10"),
    "map.tiles": Setting(
        "url",
        True,
        "Tile URL template with {z}, {x} and {y}. Read the provider's usage policy first (see docs/deploy.md).",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    ),
    "map.attribution": Setting(
        "text",
        True,
        "Attribution the tile provider requires (may hold a link).",
        "&copy; OpenStreetMap contributors",
    ),
    "map.tile_provider": Setting(
        "text", True, "The tile provider's name, for the privacy notice and the map's layer name.", "OpenStreetMap"
    ),
    "theme": Setting("section", False, "How the site looks: colours and logo.", ""),
    "theme.primary": Setting(
        "colour",
        False,
        "Colour of the header and buttons: a Material for MkDocs colour name ("
        + ", ".join(PRIMARY_COLOURS)
        + "), or custom for the colours in site_src/stylesheets/extra.css.",
        "teal",
        "custom",
    ),
    "theme.accent": Setting(
        "accent",
        False,
        "Colour of links on hover and other highlights: one of "
        + ", ".join(ACCENT_COLOURS)
        + ", or custom for the colours in site_src/stylesheets/extra.css.",
        "deep-orange",
        "custom",
    ),
    "theme.logo": Setting(
        "logo",
        False,
        "The logo in the header: a Material icon name (see the Material for MkDocs icon search), or the path of "
        "an image inside site_src/ (.svg, .png, .jpg, .webp or .gif).",
        "material/map-marker-radius",
        "material/map-marker-radius",
    ),
    "corrections_contact": Setting(
        "contact",
        False,
        "An email address or web page for corrections, shown at the foot of every page (the about page included).",
        "directory@example.org",
        "",
    ),
    "languages": Setting(
        "languages",
        False,
        "Language codes the site is offered in; the first is the language of its pages and needs "
        "templates/strings/LANG.yaml, where LANG is the code.",
        "[en]",
        ("en",),
    ),
    "review_after_months": Setting(
        "integer", True, "Months after which a record counts as not recently checked.", "12"
    ),
    "data_licence": Setting("text", True, "The licence the data is published under.", "CC BY 4.0"),
    "data_licence_url": Setting(
        "url", True, "Where the licence text is.", "https://creativecommons.org/licenses/by/4.0/"
    ),
}

WANTED = {
    "number": "a number",
    "integer": "a whole number",
    "url": "a web address starting with https://",
    "path": "a folder path inside the repository, such as assets_data/assets",
    "colour": "a Material for MkDocs colour name",
    "accent": "a Material for MkDocs accent colour name",
    "logo": "a Material icon name such as material/map-marker-radius, or an image path such as images/logo.svg",
    "contact": "an email address or a web address starting with https://",
    "text": "a piece of text",
    "plain": "plain text (without < or >)",
}


@dataclass
class Config:
    """Typed settings for one directory."""

    area_name: str = ""
    south: float = 49.8
    west: float = -8.7
    north: float = 60.9
    east: float = 1.8
    centre: tuple[float, float] = (54.0, -2.5)
    zoom: int = 6
    tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = "&copy; OpenStreetMap contributors"
    tile_provider: str = "OpenStreetMap"
    review_after_months: int = 12
    data_licence: str = ""
    data_licence_url: str = ""
    site_name: str = "Community Asset Map"
    site_description: str = ""
    site_url: str = ""
    repository: str = ""
    records_path: str = "assets_data/assets"
    primary: str = "custom"
    accent: str = "custom"
    logo: str = "material/map-marker-radius"
    corrections_contact: str = ""
    languages: tuple[str, ...] = ("en",)
    source: str = "config.yaml"
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    @property
    def logo_is_image(self) -> bool:
        """True when the logo is an image file in the docs folder rather than an icon name."""
        return self.logo.lower().endswith(IMAGE_SUFFIXES)

    @property
    def corrections_href(self) -> str:
        """The corrections contact as a link target (mailto: for an email address)."""
        contact = self.corrections_contact
        return contact if not contact or URL.match(contact) else f"mailto:{contact}"


def _value(data: Mapping, dotted: str) -> tuple[object, int]:
    node: object = data
    line = data.line
    for step in dotted.split("."):
        if not isinstance(node, Mapping) or step not in node:
            return None, line
        line = node.key_lines[step]
        node = node[step]
    return node, line


def _typed(kind: str, text: str) -> object:
    """The value of one setting, normalised; ValueError when it is not of its kind."""
    if kind == "number":
        return float(text)
    if kind == "integer":
        return int(text)
    if kind == "url":
        if not URL.match(text):
            raise ValueError
        return text
    if kind == "path":
        path = text.strip("/")
        if not path or text.startswith("/") or ".." in path.split("/") or " " in path:
            raise ValueError
        return path
    if kind in ("colour", "accent"):
        name = text.strip().lower().replace(" ", "-")
        if name != "custom" and name not in (PRIMARY_COLOURS if kind == "colour" else ACCENT_COLOURS):
            raise ValueError
        return name
    if kind == "logo":
        if text.lower().endswith(IMAGE_SUFFIXES):
            if text.startswith("/") or "://" in text or ".." in text.split("/"):
                raise ValueError
        elif not ICON.match(text):
            raise ValueError
        return text
    if kind == "contact":
        if not (EMAIL.match(text) or URL.match(text)):
            raise ValueError
        return text
    if not text.strip() or (kind == "plain" and ("<" in text or ">" in text)):
        raise ValueError
    return text


def _hint(kind: str, text: str, example: str) -> str:
    if kind in ("colour", "accent"):
        choices = PRIMARY_COLOURS if kind == "colour" else ACCENT_COLOURS
        close = did_you_mean(text.strip().lower().replace(" ", "-"), [*choices, "custom"])
        return close or "Use one of: " + ", ".join(choices) + ", or custom."
    return f"For example: {example}"


class _Reader:
    """Checks one config.yaml against CONFIG_FIELDS, collecting every problem."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.values: dict[str, object] = {}
        self.lines: dict[str, int] = {}

    def problem(self, line: int, dotted: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.doc.display, line, dotted, code, message, hint))

    def unknown(self, node: Mapping, prefix: str) -> None:
        sections = {k for k, v in CONFIG_FIELDS.items() if v.kind == "section"}
        for key, sub in node.items():
            dotted = f"{prefix}{key}"
            if dotted not in CONFIG_FIELDS:
                siblings = [
                    k.removeprefix(prefix)
                    for k in CONFIG_FIELDS
                    if k.startswith(prefix) and "." not in k.removeprefix(prefix)
                ]
                self.problem(
                    node.key_lines[key],
                    dotted,
                    "unknown-key",
                    f"'{key}' is not a known setting.",
                    did_you_mean(key, siblings) or "See docs/configuration.md for every setting.",
                )
            elif dotted in sections and isinstance(sub, Mapping):
                self.unknown(sub, dotted + ".")

    def languages(self, dotted: str, value: object, line: int) -> None:
        if not isinstance(value, Sequence) or not value:
            self.problem(line, dotted, "type-error", "should be a list of language codes.", "For example: [en]")
            return
        codes = []
        for i, (code, item_line) in enumerate(zip(value, value.item_lines, strict=True)):
            if not isinstance(code, str) or not LANGUAGE.match(code):
                self.problem(
                    item_line,
                    f"{dotted}[{i}]",
                    "type-error",
                    f"'{code}' is not a language code.",
                    "Use a code such as en, cy or pl.",
                )
            elif code in codes:
                self.problem(item_line, f"{dotted}[{i}]", "duplicate", f"'{code}' is listed twice.", "Keep one.")
            else:
                codes.append(code)
                self.lines[f"{dotted}[{i}]"] = item_line
        self.values[dotted] = tuple(codes)

    def setting(self, dotted: str, spec: Setting) -> None:
        value, line = _value(self.doc.data, dotted)
        self.lines[dotted] = line
        if spec.kind == "section":
            if value is not None and not isinstance(value, Mapping):
                self.problem(line, dotted, "wrong-shape", "should be a block of settings.")
            return
        if value is None:
            if spec.required:
                key = dotted.split(".")[-1]
                hint = f"Add it, for example: {key}: {spec.example}"
                self.problem(line, dotted, "required", "is missing; it is required.", hint)
            else:
                self.values[dotted] = spec.default
            return
        if spec.kind == "languages":
            self.languages(dotted, value, line)
            return
        if not isinstance(value, str):
            self.problem(line, dotted, "type-error", f"should be {WANTED[spec.kind]}, not a block or a list.")
            return
        try:
            self.values[dotted] = _typed(spec.kind, value)
        except ValueError:
            hint = _hint(spec.kind, value, spec.example)
            self.problem(line, dotted, "type-error", f"'{value}' is not {WANTED[spec.kind]}.", hint)


def read_config(doc: Document) -> tuple[Config, list[Problem]]:
    """Check config.yaml and turn it into a Config, reporting every problem at once."""
    if doc.data is None:
        return Config(source=doc.display), doc.problems
    if not isinstance(doc.data, Mapping):
        return Config(source=doc.display), [
            Problem(doc.display, 1, "", "wrong-shape", "config.yaml should hold a block of settings.", "")
        ]
    reader = _Reader(doc)
    reader.unknown(doc.data, "")
    for dotted, spec in CONFIG_FIELDS.items():
        reader.setting(dotted, spec)
    problems, values = reader.problems, reader.values
    if problems:
        return Config(source=doc.display, lines=reader.lines), problems
    config = Config(
        area_name=values["area_name"],
        south=values["bounding_box.south"],
        west=values["bounding_box.west"],
        north=values["bounding_box.north"],
        east=values["bounding_box.east"],
        centre=(values["map.centre_latitude"], values["map.centre_longitude"]),
        zoom=values["map.zoom"],
        tiles=values["map.tiles"],
        attribution=values["map.attribution"],
        tile_provider=values["map.tile_provider"],
        review_after_months=values["review_after_months"],
        data_licence=values["data_licence"],
        data_licence_url=values["data_licence_url"],
        site_name=values["site.name"],
        site_description=values["site.description"],
        site_url=values["site.url"].rstrip("/") + "/",
        repository=values["site.repository"].rstrip("/").removesuffix(".git"),
        records_path=values["site.records_path"],
        primary=values["theme.primary"],
        accent=values["theme.accent"],
        logo=values["theme.logo"],
        corrections_contact=values["corrections_contact"],
        languages=tuple(values["languages"]),
        source=doc.display,
        lines=reader.lines,
        raw=values,
    )
    if not (config.south < config.north and config.west < config.east):
        problems.append(
            Problem(
                doc.display,
                reader.lines["bounding_box"],
                "bounding_box",
                "bad-box",
                "south must be less than north and west less than east.",
                "Check the four numbers were not swapped.",
            )
        )
    if not 1 <= config.zoom <= 18:
        line = reader.lines["map.zoom"]
        problems.append(Problem(doc.display, line, "map.zoom", "out-of-range", f"{config.zoom} is not 1 to 18.", ""))
    if not all(marker in config.tiles for marker in ("{z}", "{x}", "{y}")):
        problems.append(
            Problem(
                doc.display,
                reader.lines["map.tiles"],
                "map.tiles",
                "bad-tiles",
                "the tile address must hold {z}, {x} and {y}.",
                "For example: https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            )
        )
    return config, problems


# --- the configuration reference (docs/configuration.md) ----------------------------------------

BEGIN = "<!-- config-reference:begin (generated by `assetmap config-reference`; do not edit by hand) -->"
END = "<!-- config-reference:end -->"


def _default_text(default: object) -> str:
    if isinstance(default, tuple):
        return "[" + ", ".join(default) + "]"
    return str(default)


def config_reference() -> str:
    """The markdown table of every setting in config.yaml, with meaning, whether required, and an example."""
    lines = [BEGIN, "", "| setting | needed | what it means | example |", "|---|---|---|---|"]
    for dotted, spec in CONFIG_FIELDS.items():
        if spec.kind == "section":
            need = "block" if spec.required else "optional block"
        elif spec.required:
            need = "required"
        elif spec.default in ("", None):
            need = "optional"
        else:
            need = f"optional (default `{_default_text(spec.default)}`)"
        example = f"`{spec.example}`".replace("|", "\\|") if spec.example else ""
        text = spec.description.replace("|", "/")
        lines.append(f"| `{dotted}` | {need} | {text} | {example} |")
    lines += ["", END]
    return "\n".join(lines)


def replace_config_reference(document: str) -> str:
    """The document with the text between the config-reference markers regenerated."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + config_reference() + document[end:]
