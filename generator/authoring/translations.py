"""Translation review: which records, categories and areas have English text with no version in another language."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from generator.authoring.review import md_code
from generator.data.model import Area, Asset, Category
from generator.data.schema import Schema

OPTIONAL = frozenset({"name"})  # a record's name may stay as it is (most names are names, not descriptions)
VOCABULARY_FIELDS = ("name", "description")


@dataclass
class Missing:
    """One record or vocabulary entry and the fields it has in English but not in the language."""

    source: str  # the file, relative to the data folder
    id: str
    name: str
    fields: list[str] = field(default_factory=list)  # as written under translations.LANG (access.notes)
    optional: list[str] = field(default_factory=list)


def translatable_fields(schema: Schema) -> list[tuple[str, str]]:
    """(column, record key) of every text a record may carry in another language, from the translations table."""
    table = schema.table("translations")
    return [(f.name, f.key) for f in table.fields if not f.key.startswith("@")]


def missing_translations(
    schema: Schema, assets: list[Asset], categories: list[Category], areas: list[Area], language: str
) -> list[Missing]:
    """Every record, then every category and area, with English text that has no version in language."""
    out = []
    for asset in sorted(assets, key=lambda a: a.source):
        have = asset.translations.get(language, {})
        entry = Missing(f"assets/{asset.source}", asset.id, asset.name)
        for column, key in translatable_fields(schema):
            if getattr(asset, column, None) and not have.get(column):
                (entry.optional if column in OPTIONAL else entry.fields).append(key)
        if entry.fields or entry.optional:
            out.append(entry)
    for source, entries in (("vocabularies/categories.yaml", categories), ("vocabularies/areas.yaml", areas)):
        for item in entries:
            have = item.translations.get(language, {})
            wanted = [f for f in VOCABULARY_FIELDS if getattr(item, f, None) and not have.get(f)]
            if wanted:
                out.append(Missing(source, item.id, item.name, wanted))
    return out


def counts(missing: list[Missing]) -> dict[str, int]:
    """How many fields are missing, in how many records or entries, and how many optional names."""
    return {
        "fields": sum(len(m.fields) for m in missing),
        "entries": sum(1 for m in missing if m.fields),
        "optional": sum(len(m.optional) for m in missing),
    }


def format_translations(
    missing: dict[str, list[Missing]], fmt: str, names: dict[str, str], data_dir: str = "assets_data"
) -> str:
    """The review of each language (code -> what is missing) as text, markdown (record text in code spans) or json."""
    if fmt == "json":
        document = {
            language: counts(entries) | {"missing": [m.__dict__ for m in entries]}
            for language, entries in missing.items()
        }
        return json.dumps(document, indent=2, ensure_ascii=False)
    lines: list[str] = []
    for language, entries in missing.items():
        n = counts(entries)
        label = f"{names.get(language, language)} ({language})"
        summary = (
            f"{n['fields']} fields in {n['entries']} records or entries have no {label} version"
            f"; {n['optional']} names are not translated (optional: a name may stay as it is)."
        )
        if fmt == "markdown":
            lines += [f"### {label}", "", summary, ""]
            for m in entries:
                wanted = ", ".join(m.fields + [f"{f} (optional)" for f in m.optional])
                lines.append(f"- [ ] {md_code(f'{data_dir}/{m.source}')} {md_code(m.id)}: {wanted}")
            lines.append("")
            continue
        lines.append(f"Missing {label}:")
        for m in entries:
            where = f"{data_dir}/{m.source}" + (f"  {m.id}" if m.source.startswith("vocabularies/") else "")
            lines.append(f"  {where}  ({m.name})")
            if m.fields:
                lines.append(f"      {', '.join(m.fields)}")
            if m.optional:
                lines.append(f"      optional: {', '.join(m.optional)}")
        lines += [summary, ""]
    return "\n".join(lines).rstrip() + "\n"
