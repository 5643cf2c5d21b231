"""Documentation stays true: every schema field is documented, and the README names the commands."""

from __future__ import annotations

from generator.authoring.fieldref import BEGIN, END, field_reference, walk
from generator.data.schema import load_schema

from .conftest import ROOT, SAMPLE


def test_contributing_field_reference_is_current():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    current = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert current == field_reference(load_schema(SAMPLE)), "run `assetmap fields --write` to refresh it"


def test_every_schema_field_is_documented():
    schema = load_schema(SAMPLE)
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    documented = {path for path, _ in walk(schema.shapes["assets"])}
    for table in schema.tables:
        for field in table.fields:
            if table.source == "assets" and not field.key.startswith("@"):
                assert any(p.endswith(field.key) for p in documented), field.name
    for path in documented:
        assert f"| `{path}` |" in text


def test_every_field_has_a_description_and_example():
    for table in load_schema(SAMPLE).tables:
        for field in table.fields:
            if not field.generated:
                assert field.description and field.example, f"{table.name}.{field.name}"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run.sh serve" in readme and "./run.sh test" in readme
    assert "./run.sh test" in ci
