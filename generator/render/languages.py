"""One language's view of the model: record and vocabulary text in that language where a translation exists.

The site is built once per language in config.yaml's `languages`; the first is the default and
lives at the site's root, each other one in a folder named by its code (/cy/), with the same paths
below it. A field with no translation keeps the default language's text, and the asset remembers
which fields did (Asset.untranslated) so that a page can mark them with their own `lang`.
"""

from __future__ import annotations

from dataclasses import replace

from generator.data.model import Area, Asset, Category
from generator.data.schema import Schema

KEYS = ("asset_id", "language")  # the translations table's key columns; every other column is a text field


def translatable(schema: Schema) -> tuple[str, ...]:
    """The record fields a translation may give, as the data package's translations table declares them."""
    return tuple(f.name for f in schema.table("translations").fields if f.name not in KEYS)


def folder(language: str, languages: tuple[str, ...]) -> str:
    """Where a language's pages live, relative to the site's root: '' for the default, 'cy/' for Welsh."""
    return "" if language == languages[0] else f"{language}/"


def localise_asset(asset: Asset, language: str, fields: tuple[str, ...]) -> Asset:
    """The asset with its text in language where translated; fields left in the default language noted."""
    own = asset.translations.get(language, {})
    given = {name: own[name] for name in fields if own.get(name) and getattr(asset, name, None)}
    missing = frozenset(name for name in fields if getattr(asset, name, None) and name not in given)
    return replace(asset, **given, untranslated=missing)


def localise_vocabulary(entries: list, language: str) -> list:
    """Needs or areas with their name and description in language, where the vocabulary gives them."""
    out = []
    for entry in entries:
        own = (getattr(entry, "translations", None) or {}).get(language, {})
        given = {name: own[name] for name in ("name", "description") if own.get(name)}
        out.append(replace(entry, **given) if given else entry)
    return out


def localise(
    assets: list[Asset], categories: list[Category], areas: list[Area], language: str, fields: tuple[str, ...]
) -> tuple[list[Asset], list[Category], list[Area]]:
    """The model in one language (see localise_asset); the default language's model is returned as it is."""
    return (
        [localise_asset(a, language, fields) for a in assets],
        localise_vocabulary(categories, language),
        localise_vocabulary(areas, language),
    )
