"""The directory's settings (config.yaml in the data folder), checked like the records are."""

from __future__ import annotations

from dataclasses import dataclass, field

from .loader import Document, Mapping
from .problems import Problem
from .structure import did_you_mean

# key: (kind, required, description, example). Kinds: text, url, number, integer, section.
CONFIG_FIELDS: dict[str, tuple[str, bool, str, str]] = {
    "area_name": ("text", True, "The area the directory covers, as people name it.", "Gloucestershire"),
    "bounding_box": ("section", True, "Every location must lie inside this box (decimal degrees).", ""),
    "bounding_box.south": ("number", True, "Southern edge (latitude).", "51.57"),
    "bounding_box.west": ("number", True, "Western edge (longitude; negative west of Greenwich).", "-2.69"),
    "bounding_box.north": ("number", True, "Northern edge (latitude).", "52.12"),
    "bounding_box.east": ("number", True, "Eastern edge (longitude).", "-1.61"),
    "map": ("section", True, "The map's starting view and tile server.", ""),
    "map.centre_latitude": ("number", True, "Latitude the map opens on.", "51.86"),
    "map.centre_longitude": ("number", True, "Longitude the map opens on.", "-2.2"),
    "map.zoom": ("integer", True, "Zoom level the map opens at (1 to 18).", "10"),
    "map.tiles": (
        "url",
        True,
        "Tile URL template with {z}, {x} and {y}.",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    ),
    "map.attribution": (
        "text",
        True,
        "Attribution the tile provider requires (may hold a link).",
        "&copy; OpenStreetMap contributors",
    ),
    "map.tile_provider": ("text", True, "The tile provider's name, for the privacy notice.", "OpenStreetMap"),
    "review_after_months": ("integer", True, "Months after which a record counts as not recently checked.", "12"),
    "data_licence": ("text", True, "The licence the data is published under.", "CC BY 4.0"),
    "data_licence_url": ("url", True, "Where the licence text is.", "https://creativecommons.org/licenses/by/4.0/"),
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
    raw: dict = field(default_factory=dict)


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
    if kind == "number":
        return float(text)
    if kind == "integer":
        return int(text)
    if kind == "url" and not text.startswith(("https://", "http://")):
        raise ValueError
    return text


def read_config(doc: Document) -> tuple[Config, list[Problem]]:
    """Check config.yaml and turn it into a Config, reporting every problem at once."""
    if doc.data is None:
        return Config(), doc.problems
    if not isinstance(doc.data, Mapping):
        return Config(), [
            Problem(doc.display, 1, "", "wrong-shape", "config.yaml should hold a block of settings.", "")
        ]
    problems: list[Problem] = []
    values: dict[str, object] = {}
    sections = {k for k, v in CONFIG_FIELDS.items() if v[0] == "section"}

    def unknown(node: Mapping, prefix: str) -> None:
        for key, sub in node.items():
            dotted = f"{prefix}{key}"
            if dotted not in CONFIG_FIELDS:
                siblings = [
                    k.removeprefix(prefix)
                    for k in CONFIG_FIELDS
                    if k.startswith(prefix) and "." not in k.removeprefix(prefix)
                ]
                problems.append(
                    Problem(
                        doc.display,
                        node.key_lines[key],
                        dotted,
                        "unknown-key",
                        f"'{key}' is not a known setting.",
                        did_you_mean(key, siblings),
                    )
                )
            elif dotted in sections and isinstance(sub, Mapping):
                unknown(sub, dotted + ".")

    unknown(doc.data, "")
    for dotted, (kind, required, _desc, example) in CONFIG_FIELDS.items():
        value, line = _value(doc.data, dotted)
        if kind == "section":
            if value is not None and not isinstance(value, Mapping):
                problems.append(Problem(doc.display, line, dotted, "wrong-shape", "should be a block of settings.", ""))
            continue
        if value is None:
            if required:
                problems.append(
                    Problem(
                        doc.display,
                        line,
                        dotted,
                        "required",
                        "is missing; it is required.",
                        f"Add it, for example: {dotted.split('.')[-1]}: {example}",
                    )
                )
            continue
        try:
            values[dotted] = _typed(kind, value if isinstance(value, str) else "")
        except ValueError:
            words = {"number": "a number", "integer": "a whole number", "url": "a web address starting with https://"}
            problems.append(
                Problem(
                    doc.display,
                    line,
                    dotted,
                    "type-error",
                    f"'{value}' is not {words[kind]}.",
                    f"For example: {example}",
                )
            )
    if problems:
        return Config(), problems
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
        raw=values,
    )
    if not (config.south < config.north and config.west < config.east):
        _, line = _value(doc.data, "bounding_box")
        problems.append(
            Problem(
                doc.display,
                line,
                "bounding_box",
                "bad-box",
                "south must be less than north and west less than east.",
                "Check the four numbers were not swapped.",
            )
        )
    return config, problems
