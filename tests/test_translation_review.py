"""assetmap review --translations: what is missing in another language, per record and field, with counts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from generator.cli.main import main

WELSH = """translations:
  cy:
    summary: Grŵp gwau a chrosio hamddenol gyda the, bisgedi a chwmni da.
    description: Dewch â beth bynnag rydych chi'n gweithio arno.
"""


def run(*args: str):
    return CliRunner().invoke(main, ["review", *args], catch_exceptions=False)


def test_the_sample_lists_records_without_welsh_and_exits_3():
    result = run("--translations", "--language", "cy")
    assert result.exit_code == 3
    lines = result.output.splitlines()
    assert lines[0] == "Missing Welsh (cy):"
    assert "  assets_data/assets/barton-womens-wellbeing-circle.yaml  (Barton Women's Wellbeing Circle)" in lines
    assert "coleford-welsh-chat-cafe" not in result.output  # every English text of it has its Welsh
    assert "vocabularies/" not in result.output  # every category and area has its Welsh
    assert lines[-1].endswith("names are not translated (optional: a name may stay as it is).")


def test_json_counts_match_the_listing():
    result = run("--translations", "--language", "cy", "--format", "json")
    assert result.exit_code == 3
    document = json.loads(result.output)["cy"]
    assert document["fields"] == sum(len(m["fields"]) for m in document["missing"])
    assert document["entries"] == len([m for m in document["missing"] if m["fields"]])
    ids = {m["id"] for m in document["missing"]}
    assert "lydney-health-walks" not in ids and "tewkesbury-memory-cafe" not in ids
    pain = next(m for m in document["missing"] if m["id"] == "living-well-with-pain-online")
    assert pain["fields"] == [] and pain["optional"] == ["name"]  # a name may stay in English


def test_a_record_with_some_welsh_lists_only_what_is_missing(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record + WELSH})
    result = run("--data", str(data), "--translations", "--language", "cy")
    assert result.exit_code == 0, result.output  # only the name is left, and a name is optional
    assert "optional: name" in result.output


def test_a_record_without_welsh_is_a_markdown_checklist_item(data_factory, base_record):
    data = data_factory({"other-case.yaml": base_record.replace("valid-case", "other-case")})
    result = run("--data", str(data), "--translations", "--language", "cy", "--format", "markdown")
    assert result.exit_code == 3
    assert "- [ ] `assets_data/assets/other-case.yaml` `other-case`: summary, description, name (optional)" in (
        result.output
    )


def test_the_languages_of_the_config_are_checked_by_default(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    config = data / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nlanguages: [en, cy]\n" in text
    config.write_text(text.replace("\nlanguages: [en, cy]\n", "\nlanguages: [en]\n"), encoding="utf-8")
    result = run("--data", str(data), "--translations")
    assert result.exit_code == 2
    assert "--language cy" in result.output
    config.write_text(text, encoding="utf-8")
    result = run("--data", str(data), "--translations")
    assert result.exit_code == 3, result.output
    assert result.output.startswith("Missing Welsh (cy):")


def test_language_needs_translations_and_a_code():
    assert run("--language", "cy").exit_code == 2
    result = run("--translations", "--language", "Welsh")
    assert result.exit_code == 2
    assert "not a language code" in result.output
