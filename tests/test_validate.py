"""Validate stage: the sample passes, and every invalid case gives its exact message."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest

from generator.data.check import cycle_collection_paused
from generator.data.loader import load_dataset
from generator.data.schema import load_schema
from generator.data.validate import validate
from generator.problems import report

from .conftest import CASES, SAMPLE

INVALID = sorted((CASES / "invalid").glob("*.yaml"))


def run(data_dir: Path, today: dt.date | None = None):
    schema = load_schema(data_dir)
    return validate(load_dataset(data_dir, schema.descriptor), today=today)


def expectations(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [line.removeprefix("# expect: ") for line in text.splitlines() if line.startswith("# expect: ")]


def test_sample_is_valid():
    result = run(SAMPLE)
    assert [p for p in result.problems if p.is_error] == []
    assert result.checked >= 60


def test_there_are_enough_invalid_cases():
    assert len(INVALID) >= 25
    assert all(expectations(path) for path in INVALID)


@pytest.mark.parametrize("case", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_gives_its_message(case, data_factory):
    data = data_factory({case.name: case.read_bytes()})
    result = run(data)
    lines = [line for line in report(result.problems, result.checked).splitlines() if line.startswith("assets_data")]
    assert lines == expectations(case)
    assert not result.ok


def test_valid_yaml_traps_pass(data_factory):
    case = CASES / "valid" / "yaml-traps.yaml"
    result = run(data_factory({case.name: case.read_bytes()}), today=dt.date(2026, 11, 30))  # a fixed clock
    assert result.problems == []


def test_duplicate_ids_name_the_other_file(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record, "copy.yaml": base_record})
    text = report(run(data).problems, 2)
    assert (
        "assets_data/assets/valid-case.yaml:1: id: the id 'valid-case' is already used by assets_data/assets/copy.yaml."
        in text
    )


def test_a_value_repeated_across_records_is_reported_in_each(data_factory, base_record):
    """Frictionless checks each column's distinct values once: every record holding a bad value still gets
    its own problem, at its own line, and a value repeated within one record is still found."""
    unknown = base_record.replace("  - social-groups", "  - social-grups")
    repeated = base_record.replace("  - social-groups", "  - arts-and-crafts").replace("valid-case", "repeated")
    day = base_record.replace("valid-case", "third").replace("  - gloucester", "  - glocester")
    data = data_factory(
        {"valid-case.yaml": unknown, "other.yaml": unknown.replace("valid-case", "other"), "repeated.yaml": repeated}
        | {"third.yaml": day, "fourth.yaml": day.replace("third", "fourth")}
    )
    found = sorted((Path(p.file).name, p.line, p.field, p.code) for p in run(data).problems if p.is_error)
    line = base_record.splitlines().index("  - social-groups") + 1
    area = base_record.splitlines().index("  - gloucester") + 1
    assert found == [
        ("fourth.yaml", area, "areas[0]", "unknown-area"),
        ("other.yaml", line, "categories[1]", "unknown-category"),
        ("repeated.yaml", line, "categories[1]", "duplicate"),
        ("third.yaml", area, "areas[0]", "unknown-area"),
        ("valid-case.yaml", line, "categories[1]", "unknown-category"),
    ]


def test_a_bad_value_that_a_part_repeats_is_reported_once_per_record(data_factory, base_record):
    """A column with fewer distinct values than the others in its part repeats its first filled-in value
    (see validate._Parts): a bad one is reported once, for the record that holds it, and no other."""
    records = {"valid-case.yaml": base_record.replace("last_checked: 2026-10-01", "last_checked: 2026-13-40")}
    for name in ("second", "third", "fourth"):
        records[f"{name}.yaml"] = base_record.replace("valid-case", name)
    found = [(Path(p.file).name, p.field, p.code) for p in run(data_factory(records)).problems if p.is_error]
    assert found == [("valid-case.yaml", "last_checked", "type-error")]


def test_a_session_at_a_place_without_an_id_is_reported_not_a_crash(data_factory, base_record):
    """A place with no id (null) beside one with an id, and a session naming a place neither has: the
    missing id and the unknown place are reported (the list of known places once raised a TypeError), and
    not the missing id again for each of the place's accessibility features, which carry it."""
    annexe = (
        "  - id: annexe\n    name: Tuffley Annexe\n    address: Windsor Drive\n    town: Gloucester\n"
        '    postcode: GL4 0QT\n    latitude: "51.8395"\n    longitude: "-2.2404"\n'
    )
    record = base_record.replace("  - id: community-centre", "  - id: null")
    record = record.replace(
        "sessions:\n  - frequency: weekly", annexe + "sessions:\n  - frequency: weekly\n    location: hall"
    )
    problems = [p for p in run(data_factory({"valid-case.yaml": record})).problems if p.is_error]
    assert sorted((p.field, p.code) for p in problems) == [
        ("locations[0].id", "required"),
        ("sessions[0].location", "unknown-location"),
    ]
    assert problems[-1].message == "'hall' is not one of this record's locations (annexe)."


def test_all_problems_are_reported_at_once_and_sorted(data_factory, base_record):
    broken = base_record.replace("start: 14:00", 'start: "25:00"').replace("status: active", "status: maybe")
    broken = broken.replace("GL4 0QT", "nowhere")
    data = data_factory({"valid-case.yaml": broken, "b.yaml": "- a list\n"})
    problems = [p for p in run(data).problems if p.is_error]
    assert [(Path(p.file).name, p.field) for p in problems] == [
        ("b.yaml", ""),
        ("valid-case.yaml", "status"),
        ("valid-case.yaml", "locations[0].postcode"),
        ("valid-case.yaml", "sessions[0].start"),
    ]
    assert report(problems, 2).splitlines()[-2:] == ["4 problems in 2 files.", "Checked 2 assets: with problems."]


def test_stale_record_is_a_warning(data_factory, base_record):
    data = data_factory(
        {"valid-case.yaml": base_record.replace("last_checked: 2026-10-01", "last_checked: 2024-01-31")}
    )
    result = run(data, today=dt.date(2026, 11, 22))
    assert result.ok
    assert [(p.code, p.severity, p.line) for p in result.problems] == [("stale", "warning", 47)]


def test_bounding_box_comes_from_config(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    config = (data / "config.yaml").read_text().replace('north: "52.12"', 'north: "51.80"')
    (data / "config.yaml").write_text(config)
    problems = run(data).problems
    assert [p.message for p in problems] == ["51.8395 is outside the area this directory covers (51.57 to 51.8)."]


def test_config_problems_name_file_line_and_field(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    config = (data / "config.yaml").read_text().replace('zoom: "10"', 'zoom: "ten"').replace("area_name", "area_nme")
    (data / "config.yaml").write_text(config)
    text = report(run(data).problems, 1)
    assert "assets_data/config.yaml:15: area_nme: 'area_nme' is not a known setting." in text
    assert "    hint: Did you mean 'area_name'?" in text
    assert "assets_data/config.yaml:26: map.zoom: 'ten' is not a whole number." in text


def test_vocabulary_problems_are_reported(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record})
    vocab = data / "vocabularies" / "areas.yaml"
    vocab.write_text(vocab.read_text().replace("- id: cheltenham", "- id: Cheltenham Town"))
    text = report(run(data).problems, 1)
    assert "assets_data/vocabularies/areas.yaml:9: [1].id: 'Cheltenham Town' is not lowercase letters" in text


def test_wrong_extension_and_stray_files(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record, "other.yml": "id: other\n", "notes.txt": "hello"})
    codes = sorted(p.code for p in run(data).problems)
    assert codes == ["not-a-record", "wrong-extension"]


def test_huge_record_file_is_refused(data_factory, base_record):
    data = data_factory({"valid-case.yaml": base_record + "#" + "x" * 300_000 + "\n"})
    assert [p.code for p in run(data).problems] == ["file-too-large"]


def test_chunked_run_reports_the_same_as_one_process(data_factory, base_record, monkeypatch):
    from generator.data import check as pipeline

    records = {f"{c.stem}.yaml": c.read_bytes() for c in INVALID[:8]}
    records |= {"valid-case.yaml": base_record, "zz-copy.yaml": base_record}
    data = data_factory(records)
    single = pipeline.check(data, workers=1)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    chunked = pipeline.check(data, workers=2)
    assert chunked.problems == single.problems
    assert any(p.code == "duplicate-id" for p in chunked.problems)


def test_cache_shards_give_unchanged_records_back_and_only_changed_ones_are_validated(
    data_factory, base_record, monkeypatch, tmp_path
):
    from generator.data import check as pipeline

    records = {f"r{i}.yaml": base_record.replace("valid-case", f"r{i}") for i in range(6)}
    records["zz-bad.yaml"] = INVALID[0].read_bytes()  # last: alone in the third chunk
    data = data_factory(records)
    cache = tmp_path / "state"
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    first = pipeline.check(data, cache=cache, workers=3)  # this process and two forked children
    assert sorted(p.name for p in cache.iterdir()) == ["records-0.pickle", "records-1.pickle", "records-2.pickle"]

    (data / "assets" / "r4.yaml").write_text(base_record.replace("valid-case", "r4") + "# changed\n")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 3)  # what is left is validated here, where it can be seen
    seen = []
    real_validate = pipeline.validate
    monkeypatch.setattr(pipeline, "validate", lambda raw, **kw: seen.append(raw.records) or real_validate(raw, **kw))
    again = pipeline.check(data, cache=cache, workers=2)
    assert [[doc.path.name for doc in docs] for docs in seen] == [["r4.yaml", "zz-bad.yaml"]]
    assert sorted(p.name for p in cache.iterdir()) == ["records-0.pickle"], "shards of more processes are removed"
    fresh = pipeline.check(data, workers=1)
    assert (again.problems, again.record_hashes) == (fresh.problems, fresh.record_hashes)
    assert first.problems == fresh.problems

    (data / "assets" / "zz-bad.yaml").unlink()
    seen.clear()
    valid = pipeline.check(data, cache=cache)
    assert [[doc.path.name for doc in docs] for docs in seen] == [["r4.yaml"]], "it shared a chunk with an error"
    assert valid.ok
    fresh = pipeline.check(data, workers=1)
    assert len(valid.record_hashes) == 6 and valid.record_hashes == fresh.record_hashes
    assert [a.id for a in valid.assets] == [a.id for a in fresh.assets]


def test_a_very_large_folder_is_validated_in_children_only_with_the_same_outcome(
    data_factory, base_record, monkeypatch, tmp_path
):
    from generator.data import check as pipeline
    from generator.speed import forked

    records = {f"r{i}.yaml": base_record.replace("valid-case", f"r{i}") for i in range(6)}
    invalid = {f"{c.stem}.yaml": c.read_bytes() for c in INVALID[:3]}
    data = data_factory(records | invalid)
    single = pipeline.check(data, workers=1)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pipeline, "ISOLATED_FROM", 2)
    children = []

    class Child(forked.Child):  # (a test process with threads runs each child's work itself, when asked for it)
        def __init__(self, fn):
            children.append(fn)
            super().__init__(fn)

    monkeypatch.setattr(pipeline.forked, "Child", Child)
    assert pipeline.check(data, workers=2).problems == single.problems
    assert len(children) == 2, "both chunks went to children"
    for name in invalid:
        (data / "assets" / name).unlink()
    fresh = pipeline.check(data, workers=1)
    children.clear()
    cache = tmp_path / "state"
    isolated = pipeline.check(data, cache=cache, workers=2)
    assert len(children) == 2
    assert sorted(p.name for p in cache.iterdir()) == ["records-0.pickle", "records-1.pickle", "records-2.pickle"]
    seen = []
    real_validate = pipeline.validate
    monkeypatch.setattr(pipeline, "validate", lambda raw, **kw: seen.append(raw.records) or real_validate(raw, **kw))
    again = pipeline.check(data, cache=cache, workers=2)  # every record from the cache
    assert not any(seen) and again.ok, "no record validated again"
    for checked in (isolated, again):
        assert [a.id for a in checked.assets] == [a.id for a in fresh.assets] == [f"r{i}" for i in range(6)]
        assert checked.assets == fresh.assets  # (whole: a child's came back inside its pickled cache entries)
        assert checked.record_hashes == fresh.record_hashes


def test_model_is_typed_from_the_schema():
    from generator.data.check import check

    result = check(SAMPLE)
    walkers = next(a for a in result.assets if a.id == "stroud-valleys-walkers")
    assert walkers.last_checked == dt.date(2026, 10, 14)
    assert walkers.min_age == 18 and walkers.locations[0].latitude == 51.7466
    assert [(s.frequency, s.days, s.start, s.week_of_month) for s in walkers.sessions] == [
        ("weekly", ("tuesday",), "10:00", None),
        ("monthly", ("saturday",), "10:00", "first"),
    ]
    assert len(result.categories) >= 12 and result.areas[0].id == "gloucester"


def test_what_a_paused_collector_leaves_goes_to_its_oldest_generation():
    """Else the next collection walks everything a build made and kept (see cycle_collection_paused)."""
    assert gc.isenabled()
    with cycle_collection_paused():
        assert not gc.isenabled()
        kept = [[n] for n in range(5000)]  # (lists: the collector tracks every one)
    assert gc.isenabled()
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in kept)
