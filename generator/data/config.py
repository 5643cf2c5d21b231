"""The directory's settings (config.yaml in the data folder), checked like the records are.

Each setting is declared once, as a field of Config made by setting(): its key in config.yaml, its
kind, whether it is required (it has no default) or its default, its range or choices, its help
text and an example. Reading and checking config.yaml, the Config values, the checks against the
project (settingkinds.Kind.in_project) and the reference in docs/configuration.md all come from
those declarations.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from generator.data.loader import Document, Mapping, Sequence, load_document
from generator.data.settingkinds import (
    ACCENT_COLOURS,
    ATTRIBUTION,
    CHOICE,
    CONTACT,
    INTEGER,
    LANGUAGES,
    LOGO,
    NUMBER,
    PATH,
    PRIMARY_COLOURS,
    TEXT,
    TILES,
    URL,
    YES_NO,
    Kind,
    KindError,
    ProjectPaths,
    is_image,
    is_url,
    shown,
)
from generator.data.structure import did_you_mean
from generator.problems import DataError, Problem

CONFIG_NAME = "config.yaml"
_REQUIRED = object()


@dataclass(frozen=True)
class Setting:
    """One setting of config.yaml: where it is, what it may be, and what it means."""

    key: str  # dotted: bounding_box.south
    kind: Kind
    help: str
    example: str
    default: Any = _REQUIRED
    range: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    tidy: Any = None  # a function normalising the checked value, if any

    @property
    def required(self) -> bool:
        """True when config.yaml must give it (it has no default)."""
        return self.default is _REQUIRED


def setting(key: str, kind: Kind, help: str, example: str, default: Any = _REQUIRED, **more: Any) -> Any:
    """Declare a Config field as the setting key of config.yaml (required when it has no default)."""
    spec = Setting(key, kind, help, example, default, **more)
    if spec.required:
        return field(metadata={"setting": spec})
    if isinstance(default, (list, dict, set)):
        raise TypeError(f"{key}: give a mutable default as a tuple")
    return field(default=default, metadata={"setting": spec})


class Section(NamedTuple):
    """A block of settings (site:, map:, ...)."""

    help: str


SECTIONS = {
    "site": Section("The website: its name, description, address and repository."),
    "bounding_box": Section("Every location must lie inside this box (decimal degrees)."),
    "map": Section("The map's starting view and tile server."),
    "theme": Section("How the site looks: colours and logo."),
}


def _site_url(url: str) -> str:
    return url.rstrip("/") + "/"


def _repository(url: str) -> str:
    return url.rstrip("/").removesuffix(".git")


@dataclass(frozen=True, kw_only=True)
class Config:
    """Typed settings for one directory: one field per setting of config.yaml, declared by setting()."""

    site_name: str = setting(
        "site.name",
        TEXT,
        "The site's name, shown in every page's header and title.",
        "Gloucestershire Community Asset Map",
    )
    site_description: str = setting(
        "site.description",
        TEXT,
        "One sentence saying what the site is, for search engines and link previews.",
        "Local groups, activities and services that support health and wellbeing.",
    )
    site_url: str = setting(
        "site.url",
        URL,
        "The public address the site is published at; QR codes on printed sheets lead back to it.",
        "https://community-asset-map.example.org/",
        tidy=_site_url,
    )
    repository: str = setting(
        "site.repository",
        URL,
        'The GitHub repository holding the records, for the "Edit this entry" and "Suggest a change" links '
        "and the issue forms. Leave it out to show no such links.",
        "https://github.com/example/community-asset-map",
        "",
        tidy=_repository,
    )
    records_path: str = setting(
        "site.records_path",
        PATH,
        'Where the record files are inside that repository (for "Edit this entry").',
        "assets_data/assets",
        "assets_data/assets",
    )
    area_name: str = setting("area_name", TEXT, "The area the directory covers, as people name it.", "Gloucestershire")
    site_name_cy: str = setting(
        "site.name_cy",
        TEXT,
        "The site's name in Welsh, for a site built in cy too (else its name is used).",
        "Map Asedau Cymunedol Swydd Gaerloyw",
        "",
    )
    site_description_cy: str = setting(
        "site.description_cy",
        TEXT,
        "The site's one-sentence description in Welsh, for a site built in cy too.",
        "Grwpiau, gweithgareddau a gwasanaethau lleol.",
        "",
    )
    area_name_cy: str = setting(
        "area_name_cy",
        TEXT,
        "The area's name in Welsh, for a site built in cy too (else area_name).",
        "Swydd Gaerloyw",
        "",
    )
    south: float = setting("bounding_box.south", NUMBER, "Southern edge (latitude).", "51.57", range=(-90, 90))
    west: float = setting(
        "bounding_box.west", NUMBER, "Western edge (longitude; negative west of Greenwich).", "-2.69", range=(-180, 180)
    )
    north: float = setting("bounding_box.north", NUMBER, "Northern edge (latitude).", "52.12", range=(-90, 90))
    east: float = setting("bounding_box.east", NUMBER, "Eastern edge (longitude).", "-1.61", range=(-180, 180))
    centre_latitude: float = setting(
        "map.centre_latitude", NUMBER, "Latitude the map opens on.", "51.86", range=(-90, 90)
    )
    centre_longitude: float = setting(
        "map.centre_longitude", NUMBER, "Longitude the map opens on.", "-2.2", range=(-180, 180)
    )
    zoom: int = setting("map.zoom", INTEGER, "Zoom level the map opens at.", "10", range=(1, 18))
    tiles: str = setting(
        "map.tiles",
        TILES,
        "Tile URL template with {z}, {x} and {y}. Read the provider's usage policy first (see docs/deploy.md).",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    )
    attribution: str = setting(
        "map.attribution",
        ATTRIBUTION,
        'Attribution the tile provider requires: text, which may hold links written `<a href="https://...">`.',
        "&copy; OpenStreetMap contributors",
    )
    tile_provider: str = setting(
        "map.tile_provider",
        TEXT,
        "The tile provider's name, for the privacy notice and the map's layer name.",
        "OpenStreetMap",
    )
    primary: str = setting(
        "theme.primary",
        CHOICE,
        "Colour of the header and buttons: a Material for MkDocs colour name ("
        + ", ".join(PRIMARY_COLOURS)
        + "), or custom for the colours in site_src/stylesheets/extra.css.",
        "teal",
        "custom",
        choices=(*PRIMARY_COLOURS, "custom"),
    )
    accent: str = setting(
        "theme.accent",
        CHOICE,
        "Colour of links on hover and other highlights: one of "
        + ", ".join(ACCENT_COLOURS)
        + ", or custom for the colours in site_src/stylesheets/extra.css.",
        "deep-orange",
        "custom",
        choices=(*ACCENT_COLOURS, "custom"),
    )
    logo: str = setting(
        "theme.logo",
        LOGO,
        "The logo in the header: a Material icon name (see the Material for MkDocs icon search), or the path of "
        "an image inside site_src/ (.svg, .png, .jpg, .webp or .gif).",
        "material/map-marker-radius",
        "material/map-marker-radius",
    )
    corrections_contact: str = setting(
        "corrections_contact",
        CONTACT,
        "An email address or web page for corrections, shown at the foot of every page (the about page included).",
        "directory@example.org",
        "",
    )
    languages: tuple[str, ...] = setting(
        "languages",
        LANGUAGES,
        "Language codes the site is published in, each needing templates/strings/LANG.yaml (LANG the code); the "
        "first is the default, at the site's root, and each other is built in full under /LANG/ (see 'A site in "
        "two languages' below).",
        "[en]",
        ("en",),
    )
    review_after_months: int = setting(
        "review_after_months",
        INTEGER,
        "Months after which a record counts as not recently checked.",
        "12",
        range=(1, 120),
    )
    data_licence: str = setting("data_licence", TEXT, "The licence the data is published under.", "CC BY 4.0")
    data_licence_url: str = setting(
        "data_licence_url", URL, "Where the licence text is.", "https://creativecommons.org/licenses/by/4.0/"
    )
    nation: str = setting(
        "nation",
        CHOICE,
        "The UK nation whose bank holidays apply (sessions marked bank_holidays: closed skip them): "
        "england, wales, scotland or northern-ireland.",
        "england",
        "england",
        choices=("england", "wales", "scotland", "northern-ireland"),
    )
    capacity_valid_days: int = setting(
        "capacity_valid_days",
        INTEGER,
        "Days a record's capacity (taking new people, waiting list, full) is shown after its as_of date; "
        'after that the site says "Ask first".',
        "60",
        60,
        range=(1, 730),
    )
    quick_exit: bool = setting(
        "quick_exit",
        YES_NO,
        'A "Leave this site" button on every page (and pressing Shift three times) that blanks the page, clears '
        "what the site keeps in the browser (My list included) and goes to a neutral page. Set false to leave it out.",
        "true",
        True,
    )
    quick_exit_url: str = setting(
        "quick_exit_url",
        URL,
        "The neutral page quick exit goes to: somewhere unremarkable, such as a weather or search page.",
        "https://www.bbc.co.uk/weather",
        "https://www.bbc.co.uk/weather",
    )
    # Not settings: where they were read, for problems found later (see check_in_project).
    source: str = CONFIG_NAME
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def centre(self) -> tuple[float, float]:
        """Where the map opens: (latitude, longitude)."""
        return (self.centre_latitude, self.centre_longitude)

    def in_language(self, language: str) -> Config:
        """The settings as a site in language shows them: its name, description and area in that language."""
        if language != "cy":
            return self
        return replace(
            self,
            site_name=self.site_name_cy or self.site_name,
            site_description=self.site_description_cy or self.site_description,
            area_name=self.area_name_cy or self.area_name,
        )

    @property
    def logo_is_image(self) -> bool:
        """True when the logo is an image file in the docs folder rather than an icon name."""
        return is_image(self.logo)

    @property
    def corrections_href(self) -> str:
        """The corrections contact as a link target (mailto: for an email address)."""
        contact = self.corrections_contact
        return contact if not contact or is_url(contact) else f"mailto:{contact}"

    def check_in_project(self, paths: ProjectPaths) -> list[Problem]:
        """Problems with settings that can only be checked against the project (language strings, the logo)."""
        problems = []
        for name, spec in SETTINGS.items():
            if spec.kind.in_project is None:
                continue
            for suffix, code, message, hint in spec.kind.in_project(getattr(self, name), paths):
                where = spec.key + suffix
                line = self.lines.get(where, self.lines.get(spec.key, 1))
                problems.append(Problem(self.source, line, where, code, message, hint))
        return problems


# Every setting, by Config attribute, in the order of the reference.
SETTINGS: dict[str, Setting] = {f.name: f.metadata["setting"] for f in dataclasses.fields(Config) if f.metadata}
BY_KEY: dict[str, Setting] = {spec.key: spec for spec in SETTINGS.values()}
_undeclared = {key.partition(".")[0] for key in BY_KEY if "." in key} - set(SECTIONS)
if _undeclared:
    raise RuntimeError(f"settings in undeclared sections: {sorted(_undeclared)}")


# --- checks across settings --------------------------------------------------------------------


def _box_order(config: Config) -> Problem | None:
    if config.south < config.north and config.west < config.east:
        return None
    line = config.lines.get("bounding_box", 1)
    return Problem(
        config.source,
        line,
        "bounding_box",
        "bad-box",
        "south must be less than north and west less than east.",
        "Check the four numbers were not swapped.",
    )


RULES = (_box_order,)


# --- reading config.yaml -----------------------------------------------------------------------


def _value(data: Mapping, dotted: str) -> tuple[object, int]:
    node: object = data
    line = data.line
    for step in dotted.split("."):
        if not isinstance(node, Mapping) or step not in node:
            return None, line
        line = node.key_lines[step]
        node = node[step]
    return node, line


class _Reader:
    """Checks one config.yaml against the declared settings, collecting every problem."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.values: dict[str, object] = {}
        self.lines: dict[str, int] = {}

    def problem(self, line: int, dotted: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.doc.display, line, dotted, code, message, hint))

    def unknown(self, node: Mapping, prefix: str) -> None:
        known = set(BY_KEY) | set(SECTIONS)
        for key, sub in node.items():
            dotted = f"{prefix}{key}"
            if dotted not in known:
                siblings = [k.removeprefix(prefix) for k in known if k.startswith(prefix)]
                siblings = [k for k in siblings if "." not in k]
                self.problem(
                    node.key_lines[key],
                    dotted,
                    "unknown-key",
                    f"'{key}' is not a known setting.",
                    did_you_mean(key, siblings) or "See docs/configuration.md for every setting.",
                )
            elif dotted in SECTIONS and isinstance(sub, Mapping):
                self.unknown(sub, dotted + ".")

    def section(self, name: str) -> None:
        value, line = _value(self.doc.data, name)
        self.lines[name] = line
        if value is not None and not isinstance(value, Mapping):
            self.problem(line, name, "wrong-shape", "should be a block of settings.")

    def languages(self, dotted: str, value: object, line: int) -> object:
        if not isinstance(value, Sequence) or not value:
            self.problem(line, dotted, "type-error", "should be a list of language codes.", "For example: [en]")
            return None
        codes: list[str] = []
        for i, (code, item_line) in enumerate(zip(value, value.item_lines, strict=True)):
            try:
                if not isinstance(code, str):
                    raise KindError("is not a language code")
                LANGUAGES.parse(code, ())
            except KindError:
                hint = "Use a code such as en, cy or pl."
                self.problem(item_line, f"{dotted}[{i}]", "type-error", f"'{code}' is not a language code.", hint)
                continue
            if code in codes:
                self.problem(item_line, f"{dotted}[{i}]", "duplicate", f"'{code}' is listed twice.", "Keep one.")
            else:
                codes.append(code)
                self.lines[f"{dotted}[{i}]"] = item_line
        return tuple(codes)

    def setting(self, name: str, spec: Setting) -> None:
        value, line = _value(self.doc.data, spec.key)
        self.lines[spec.key] = line
        if value is None:
            if spec.required:
                hint = f"Add it, for example: {spec.key.split('.')[-1]}: {spec.example}"
                self.problem(line, spec.key, "required", "is missing; it is required.", hint)
            else:
                self.values[name] = spec.default
            return
        if spec.kind is LANGUAGES:
            self.values[name] = self.languages(spec.key, value, line)
            return
        if not isinstance(value, str):
            self.problem(line, spec.key, "type-error", f"should be {spec.kind.wanted}, not a block or a list.")
            return
        try:
            typed = spec.kind.parse(value, spec.choices)
        except KindError as exc:
            hint = spec.kind.hint(value, spec.choices) if spec.kind.hint else ""
            message = f"'{shown(value)}' {str(exc) or 'is not ' + spec.kind.wanted}."
            self.problem(line, spec.key, "type-error", message, hint or f"For example: {spec.example}")
            return
        if spec.range and not spec.range[0] <= typed <= spec.range[1]:
            low, high = (_number(n) for n in spec.range)
            self.problem(line, spec.key, "out-of-range", f"{value} is not between {low} and {high}.")
            return
        self.values[name] = spec.tidy(typed) if spec.tidy else typed


def read_config(doc: Document) -> tuple[Config | None, list[Problem]]:
    """Check config.yaml and turn it into a Config, reporting every problem at once (no Config when any)."""
    if doc.data is None:
        return None, doc.problems
    if not isinstance(doc.data, Mapping):
        return None, [Problem(doc.display, 1, "", "wrong-shape", "config.yaml should hold a block of settings.", "")]
    reader = _Reader(doc)
    reader.unknown(doc.data, "")
    for name in SECTIONS:
        reader.section(name)
    for name, spec in SETTINGS.items():
        reader.setting(name, spec)
    if reader.problems:
        return None, reader.problems
    config = Config(**reader.values, source=doc.display, lines=reader.lines)
    problems = [p for rule in RULES if (p := rule(config)) is not None]
    return (None if problems else config), problems


def load_config(data_dir: Path) -> Config:
    """The settings of a data folder; DataError with every problem when config.yaml has any."""
    config, problems = read_config(load_document(Path(data_dir) / CONFIG_NAME))
    if config is None:
        raise DataError(problems)
    return config


# --- the configuration reference (docs/configuration.md) ----------------------------------------

BEGIN = "<!-- config-reference:begin (generated by `assetmap config-reference`; do not edit by hand) -->"
END = "<!-- config-reference:end -->"


def _number(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _default_text(default: object) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, tuple):
        return "[" + ", ".join(default) + "]"
    return str(default)


def _row(key: str, need: str, text: str, example: str) -> str:
    example = f"`{example}`".replace("|", "\\|") if example else ""
    return f"| `{key}` | {need} | {text.replace('|', '/')} | {example} |"


def config_reference() -> str:
    """The markdown table of every setting in config.yaml, with meaning, whether required, and an example."""
    lines = [BEGIN, "", "| setting | needed | what it means | example |", "|---|---|---|---|"]
    sections_done = set()
    for spec in SETTINGS.values():
        section = spec.key.partition(".")[0] if "." in spec.key else ""
        if section and section not in sections_done:
            sections_done.add(section)
            members = [s for s in SETTINGS.values() if s.key.startswith(section + ".")]
            need = "block" if any(s.required for s in members) else "optional block"
            lines.append(_row(section, need, SECTIONS[section].help, ""))
        if spec.required:
            need = "required"
        elif spec.default in ("", None):
            need = "optional"
        else:
            need = f"optional (default `{_default_text(spec.default)}`)"
        text = spec.help
        if spec.range:
            text += f" From {_number(spec.range[0])} to {_number(spec.range[1])}."
        lines.append(_row(spec.key, need, text, spec.example))
    lines += ["", END]
    return "\n".join(lines)


def replace_config_reference(document: str) -> str:
    """The document with the text between the config-reference markers regenerated."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + config_reference() + document[end:]
