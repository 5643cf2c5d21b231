"""Categories and areas carry their Welsh names in the vocabulary files, through the data package to the model."""

from __future__ import annotations

import datetime as dt

from generator.data.check import check
from generator.data.schema import load_schema

from .conftest import SAMPLE

TODAY = dt.date(2026, 12, 1)


def test_every_sample_category_and_area_has_welsh():
    checked = check(SAMPLE, today=TODAY)
    assert checked.categories and checked.areas
    for entry in [*checked.categories, *checked.areas]:
        welsh = entry.translations.get("cy", {})
        assert welsh.get("name") and welsh.get("description"), entry.id
    forest = next(a for a in checked.areas if a.id == "forest-of-dean")
    assert forest.translations == {
        "cy": {"name": "Fforest y Ddena", "description": "Cinderford, Coleford, Lydney, Newent a phentrefi'r Fforest."}
    }


def test_translation_tables_are_declared_in_the_data_package():
    schema = load_schema(SAMPLE)
    for name, vocabulary, column in (
        ("category_translations", "categories", "category"),
        ("area_translations", "areas", "area"),
    ):
        table = schema.table(name)
        assert table.source == schema.table(vocabulary).source
        assert table.path == "[].translations{}"
        assert [f.name for f in table.fields] == [column, "language", "name", "description"]


def test_a_wrong_translation_in_a_vocabulary_is_reported_with_file_and_line(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    path = data / "vocabularies" / "areas.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      name: Fforest y Ddena", "      name: Fforest y Ddena\n      nmae: x", 1))
    problems = [p for p in check(data, today=TODAY).problems if p.is_error]
    assert problems, "an unknown key in a translation should be an error"
    assert all("areas.yaml" in p.file for p in problems)
    assert any("nmae" in p.field for p in problems)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(lines[p.line - 1].strip().startswith("nmae") for p in problems)


def test_a_translation_in_a_language_code_that_is_not_one_is_refused(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    path = data / "vocabularies" / "categories.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    cy:\n", "    Welsh:\n", 1))
    problems = [p for p in check(data, today=TODAY).problems if p.is_error]
    assert [p.file.endswith("categories.yaml") for p in problems] == [True]
