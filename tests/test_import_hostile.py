"""`assetmap import` against hostile files: all or nothing, text only through the YAML emitter, limits, no traceback."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.authoring import importsafe
from generator.cli.opendata import import_group
from generator.data.check import check
from generator.opendata.publish import catalogue_site, write_export
from generator.render.strings import load_catalogue

from .conftest import CASES, ROOT, SAMPLE, make_data_dir

TODAY = dt.date.today()
PAYLOAD = "\nkey: value\r\n# CHECK: x\u2028k2: v\x85k3: v\rk4: v\x1b[31m"
STRUCTURED = {  # values with a fixed form (codes, numbers, links): the payload there is rejected, not written
    "id", "code", "email", "url", "website", "latitude", "longitude", "opens_at", "closes_at", "freq", "byday",
    "dtstart", "postal_code", "country", "taxonomy", "term", "external_identifier", "external_identifier_type",
    "assured_date", "address_type", "location_type", "link_type", "number", "interval", "amount",
}  # fmt: skip
RECORD_KEYS = {
    "id", "name", "summary", "description", "status", "status_notes", "organisation", "categories", "areas",
    "who_for", "access", "cost", "attending", "languages", "locations", "sessions", "contact", "last_checked",
    "checked_by", "to_confirm",  # to_confirm: a draft's points for a person, written by the import itself
}  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """The sample exported by this tool as ORUK (services.json and services/*.json)."""
    sample = check(SAMPLE, today=TODAY)
    site = catalogue_site(sample, load_catalogue(ROOT / "templates"), TODAY)
    out = tmp_path_factory.mktemp("export") / "oruk"
    write_export(site, sample.schema, "oruk", out)
    return out


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A data folder holding two sample records, with the current folder at the project root."""
    monkeypatch.chdir(ROOT)
    folder = make_data_dir(tmp_path, {})
    for name in ("stroud-valleys-walkers.yaml", "barton-womens-wellbeing-circle.yaml"):
        (folder / "assets" / name).write_bytes((SAMPLE / "assets" / name).read_bytes())
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(kind: str, source: Path, data: Path, *extra: str) -> tuple[int, str]:
    """Run `assetmap import KIND SOURCE`; assert it ended by its own exit, never by an exception."""
    result = CliRunner().invoke(import_group, [kind, str(source), "--data", str(data), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _refused(kind: str, source: Path, data: Path, *words: str) -> str:
    """Import source, expecting exit 1, the data folder unchanged, and each word in the report."""
    before = _snapshot(data)
    status, output = _run(kind, source, data)
    assert status == 1, output
    assert _snapshot(data) == before, "a failed import must change nothing in the data folder"
    assert "Nothing was imported" in output
    for word in words:
        assert word in output, output
    return output


def _service(export: Path, record_id: str = "barton-womens-wellbeing-circle") -> dict:
    for file in (export / "services").glob("*.json"):
        service = json.loads(file.read_text(encoding="utf-8"))
        if any(
            a["taxonomy_term"].get("term") == record_id
            for a in service.get("attributes", [])
            if a["taxonomy_term"]["taxonomy"].endswith("/record-id")
        ):
            return service
    raise AssertionError(record_id)


def _inject(value: object, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _inject(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_inject(v, key) for v in value]
    if isinstance(value, str) and key not in STRUCTURED:
        return value + PAYLOAD
    return value


def _strings(value: object, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) else []


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _assert_clean_record(path: Path) -> dict:
    """The record file loads with only record keys, one-line values, and comments that are single lines."""
    text = path.read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    assert set(record) <= RECORD_KEYS, set(record) - RECORD_KEYS
    assert not {"key", "k2", "k3", "k4"} & _keys(record)
    for where, value in _strings(record):
        assert not set(value) & set("\r\x85\u2028\u2029\x1b"), where
        assert "\n" not in value or where == ".description", where
    for line in text.splitlines():
        assert not line.startswith(("key:", "k2:", "k3:", "k4:"))
    return record


# --- all or nothing ---------------------------------------------------------------------------------


def test_two_rows_with_the_same_id_write_nothing(data, tmp_path):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "twice.csv"
    source.write_text(rows[0] + rows[2] + rows[2].replace("Evening Listening Line", "Another Line"), encoding="utf-8")
    _refused("csv", source, data, "twice.csv:3: id:", "the id 'listening-line'", "line 2")


def test_duplicate_ids_in_oruk_services_write_nothing(data, export, tmp_path):
    one = _service(export)
    other = {**one, "name": "Another circle", "id": "another"}
    source = tmp_path / "twice.json"
    source.write_text(json.dumps([one, other]), encoding="utf-8")
    _refused("oruk", source, data, "twice.json", "id:", "barton-womens-wellbeing-circle")


def test_an_id_that_is_a_path_writes_nothing_anywhere(data, tmp_path):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "path.csv"
    source.write_text(rows[0] + rows[2].replace("listening-line,", "../../escaped,", 1), encoding="utf-8")
    _refused("csv", source, data, "path.csv:2: id:", "is not an id")
    assert not list(tmp_path.rglob("escaped*"))


def test_one_bad_record_in_a_batch_writes_none_of_it(data, export, tmp_path):
    good = _service(export)
    bad = {**_service(export, "stroud-valleys-walkers"), "description": "x" * 5000}
    source = tmp_path / "batch.json"
    source.write_text(json.dumps([good, bad]), encoding="utf-8")
    (data / "assets" / "barton-womens-wellbeing-circle.yaml").unlink()
    (data / "assets" / "stroud-valleys-walkers.yaml").unlink()
    _refused("oruk", source, data, "batch.json #2: description: record stroud-valleys-walkers (", "4000")


def test_the_tools_own_export_folder_imports_and_reimports(export, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    empty = make_data_dir(tmp_path, {})
    status, output = _run("oruk", export, empty)
    assert status == 0, output
    assert len(list((empty / "assets").glob("*.yaml"))) == 70
    assert "Written: 70 new records; updated: 0; unchanged: 0" in output and "Skipped: 0 ()" in output
    assert "Nothing was imported" not in output
    assert len(list((empty / ".imported").glob("*.json"))) == 70  # where each came from, for a re-import
    assert check(empty, today=TODAY).ok
    before = _snapshot(empty)
    status, output = _run("oruk", export, empty)
    assert status == 0, output
    assert "Written: 0 new records; updated: 0" in output and "Skipped: 70 (already here (no --update): 70)" in output
    assert _snapshot(empty) == before


# --- imported text reaches YAML only through the emitter ------------------------------------------------


def test_new_lines_in_every_oruk_field_add_no_keys(data, export, tmp_path):
    service = _inject(_service(export))
    service["status"] = "active" + PAYLOAD  # reaches a comment (# CHECK:), not a value
    (data / "assets" / "barton-womens-wellbeing-circle.yaml").unlink()
    source = tmp_path / "svc\nkey: value\u2028k2: v.json"  # the file name reaches '# Imported from'
    source.write_text(json.dumps(service), encoding="utf-8")
    status, output = _run("oruk", source, data)
    assert status == 0, output
    assert "\x1b" not in output
    record = _assert_clean_record(data / "assets" / "barton-womens-wellbeing-circle.yaml")
    assert record["name"].startswith("Barton Women's Wellbeing Circle key: value")
    assert "key: value" in record["locations"][0]["address"] and "key: value" in record["sessions"][0]["notes"]
    assert "key: value" in record["who_for"]["notes"] and "key: value" in record["checked_by"]
    assert "k2: v.json: name: the text held line breaks" in output  # the report names the file on one line
    assert not [line for line in output.splitlines() if line.lstrip().startswith(("key:", "k2:", "# check"))]
    assert check(data, today=TODAY).ok


def test_new_lines_in_every_csv_cell_add_no_keys(data, tmp_path):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, row = rows[0], rows[1]
    cells, names = next(csv.reader([row])), next(csv.reader([header]))
    text_cells = {"Name", "summary", "description", "organisation", "location_name", "address", "town", "checked_by"}
    values = [c + PAYLOAD if n in text_cells else c for n, c in zip(names, cells, strict=True)]
    hostile = ['"' + v.replace('"', '""') + '"' for v in values]
    source = tmp_path / "rows.csv"
    source.write_bytes((header + ",".join(hostile) + "\r\n").encode("utf-8"))
    status, output = _run("csv", source, data)
    assert status == 0, output
    (written,) = [p for p in (data / "assets").glob("kingsholm-knitters*.yaml")]
    record = _assert_clean_record(written)
    assert record["organisation"]["name"].startswith("Kingsholm Community Trust key: value")
    assert check(data, today=TODAY).ok


def test_line_separators_inside_csv_cells_do_not_split_rows(data, tmp_path):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = rows[2].replace("Evening Listening Line", "Evening\u2028Listening\x85Line")
    row = row.replace('"Trained volunteers', '"Trained\rvolunteers\u2029listen.')
    source = tmp_path / "separators.csv"
    source.write_bytes((rows[0] + row).encode("utf-8"))
    status, output = _run("csv", source, data)
    assert status == 0, output
    assert "Imported 1 record" in output
    record = _assert_clean_record(data / "assets" / "listening-line.yaml")
    assert record["name"] == "Evening Listening Line"
    assert record["description"].startswith("Trained\nvolunteers\nlisten.")
    assert "separators.csv:2: warning: name:" in output, output


# --- limits and input that is not what it claims ----------------------------------------------------------


def test_deeply_nested_json_is_a_problem(data, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _refused("oruk", deep, data, "deep.json", "nested more than 64 levels")
    shallow_but_too_deep = tmp_path / "deeper.json"
    shallow_but_too_deep.write_text('{"name": "x", "a": ' + "[" * 80 + "]" * 80 + "}", encoding="utf-8")
    _refused("oruk", shallow_but_too_deep, data, "deeper.json", "nested more than 64 levels")


def test_a_huge_csv_cell_is_a_problem_naming_line_and_column(data, tmp_path):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "huge.csv"
    source.write_text(rows[0] + rows[2].replace("Trained volunteers", "x" * 200_000), encoding="utf-8")
    _refused("csv", source, data, "huge.csv:2: description:", "over 32 KB")


@pytest.mark.parametrize("kind", ["oruk", "csv"])
def test_an_oversize_file_is_refused_before_it_is_read(data, tmp_path, kind):
    source = tmp_path / f"big.{'json' if kind == 'oruk' else 'csv'}"
    with source.open("wb") as handle:
        handle.truncate(importsafe.MAX_FILE_BYTES + 1)  # sparse: no 50 MB written to disk
    _refused(kind, source, data, source.name, "larger than 50 MB")


def test_json_with_too_many_objects_is_refused_before_it_is_parsed(data, tmp_path):
    many = tmp_path / "many.json"
    many.write_text("[" + ",".join(["{}"] * (importsafe.MAX_OBJECTS + 1)) + "]", encoding="utf-8")
    _refused("oruk", many, data, "many.json", "over 500,000 objects")


def test_a_csv_with_too_many_columns_is_a_problem(data, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("name," + ",".join(f"c{i}" for i in range(100_000)) + "\nx\n", encoding="utf-8")
    _refused("csv", wide, data, "wide.csv:1:", "100001 columns")


def test_more_rows_than_the_limit_is_a_problem(data, tmp_path, monkeypatch):
    monkeypatch.setattr("generator.authoring.importer.MAX_SERVICES", 2)
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "many.csv"
    source.write_text(rows[0] + "".join(rows[2].replace("listening-line", f"line-{i}") for i in range(3)))
    _refused("csv", source, data, "many.csv", "more than 2 rows")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("binary.json", bytes(range(256)) * 4, ["binary.json", "not UTF-8"]),
        ("empty.json", b"", ["empty.json", "empty"]),
        ("spaces.json", b"  \n ", ["spaces.json", "empty"]),
        ("bad.json", b'{"name": "x",', ["bad.json:1", "not valid JSON"]),
        ("long.json", b'{"name": "x", "minimum_age": 1' + b"0" * 5000 + b"}", ["long.json", "cannot be read"]),
        (
            "shapes.json",
            b'{"name": "Odd shapes", "schedules": 5, "cost_options": "a", "attributes": {}, "service_areas": [1]}',
            ["shapes.json: description: record odd-shapes", "schedules: not a value of the shape ORUK gives it"],
        ),
    ],
)
def test_files_that_are_not_oruk_are_problems(data, tmp_path, name, content, words):
    source = tmp_path / name
    source.write_bytes(content)
    _refused("oruk", source, data, *words)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("binary.csv", bytes(range(256)) * 4, ["binary.csv", "not UTF-8"]),
        ("empty.csv", b"", ["empty.csv", "empty"]),
        ("nul.csv", b"name,summary\nA\x00B,text\n", ["nul.csv:2: warning: name:", "nul.csv:2: status: record a-b:"]),
    ],
)
def test_files_that_are_not_csv_are_problems(data, tmp_path, name, content, words):
    source = tmp_path / name
    source.write_bytes(content)
    _refused("csv", source, data, *words)


def test_a_stray_file_in_assets_stops_the_import_as_it_fails_validate(data, export, tmp_path):
    os.mkfifo(data / "assets" / "pipe.yaml")  # reading it would wait forever
    (data / "assets" / "barton-womens-wellbeing-circle.yaml").unlink()
    source = tmp_path / "one.json"
    source.write_text(json.dumps(_service(export)), encoding="utf-8")
    _refused("oruk", source, data, "pipe.yaml")


def test_a_named_pipe_is_refused_without_waiting(data, tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    _refused("oruk", pipe, data, "pipe.json", "not a regular file")


def test_a_write_that_fails_undoes_the_records_already_written(data, export, tmp_path):
    walkers = data / "assets" / "stroud-valleys-walkers.yaml"
    before = walkers.read_bytes()
    (data / "assets" / "barton-womens-wellbeing-circle.yaml").unlink()
    # A folder left where the import writes its temporary file (validate ignores dotfiles): the second write fails.
    (data / "assets" / ".barton-womens-wellbeing-circle.yaml.tmp").mkdir()
    changed = {**_service(export, "stroud-valleys-walkers"), "name": "Stroud Valleys Walkers (renamed)"}
    source = tmp_path / "two.json"
    source.write_text(json.dumps([changed, _service(export)]), encoding="utf-8")
    status, output = _run("oruk", source, data, "--update")
    assert status == 1, output
    assert "barton-womens-wellbeing-circle.yaml: cannot write it" in output and "Nothing was imported" in output
    assert walkers.read_bytes() == before
    assert sorted(p.name for p in (data / "assets").iterdir()) == [
        ".barton-womens-wellbeing-circle.yaml.tmp",
        "stroud-valleys-walkers.yaml",
    ]


def test_a_provenance_note_that_cannot_be_written_undoes_the_whole_import(data, export, tmp_path, monkeypatch):
    from generator.authoring import importer

    real, notes = importer.write_atomic, []

    def fail_second_note(path: Path, content: bytes, root: Path | None = None) -> None:
        if path.parent.name == ".imported":
            notes.append(path.name)
            if len(notes) == 2:
                raise OSError(28, "No space left on device", str(path))
        real(path, content, root)

    monkeypatch.setattr(importer, "write_atomic", fail_second_note)
    for name in ("barton-womens-wellbeing-circle", "stroud-valleys-walkers"):
        (data / "assets" / f"{name}.yaml").unlink()
    source = tmp_path / "two.json"
    source.write_text(json.dumps([_service(export), _service(export, "stroud-valleys-walkers")]), encoding="utf-8")
    output = _refused("oruk", source, data, ".json: cannot write it: No space left on device")
    assert len(notes) == 2, output  # the first note and both records were written, then undone
    assert not (data / ".imported").exists() and not list((data / "assets").glob("*.yaml"))


def test_a_folder_of_mixed_files_reports_each(data, export, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(_service(export, "stroud-valleys-walkers")), encoding="utf-8")
    (folder / "broken.json").write_bytes(b"\xff\xfe not json")
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    (folder / "image.png").write_bytes(bytes(range(256)))
    os.symlink(SAMPLE / "config.yaml", folder / "link.json")
    (data / "assets" / "stroud-valleys-walkers.yaml").unlink()
    _refused("oruk", folder, data, "broken.json", "not UTF-8", "2 files here do not end in .json", "1 links here")


# --- costs that are not numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cost", "said"),
    [
        ("£35", {"type": "fee", "amount": "35.00"}, "'£35' read as 35"),  # a safe repair, reported as one
        ("Free", {"type": "free"}, "'Free' read as no charge"),
        ("NaN", {"type": "unknown"}, "'NaN' is not an amount; left out"),  # unknown: 'Ask about cost'
        ("-5", {"type": "unknown", "notes": "-5"}, "'-5' is not an amount; left out"),
        ("1e999", {"type": "unknown", "notes": "1e999"}, "'1e999' is not an amount; left out"),
    ],
)
def test_an_amount_that_is_not_a_number_is_repaired_or_shown_as_unknown(data, export, tmp_path, amount, cost, said):
    service = _service(export)
    service["attributes"] = [a for a in service["attributes"] if not a["taxonomy_term"]["taxonomy"].endswith("/cost")]
    service["cost_options"] = [{"id": "c1", "amount": amount}]
    service.pop("fees", None)
    (data / "assets" / "barton-womens-wellbeing-circle.yaml").unlink()
    source = tmp_path / "cost.json"
    source.write_text(json.dumps(service), encoding="utf-8")
    status, output = _run("oruk", source, data)
    assert status == 0, output
    record = _assert_clean_record(data / "assets" / "barton-womens-wellbeing-circle.yaml")
    assert record["cost"] == cost
    repaired = "Repaired: 1. Safe repairs, made for you; nothing to do.\n  barton-womens-wellbeing-circle: "
    assert f"{repaired}cost_options[0].amount: {said}" in output
    unknown = cost["type"] == "unknown"
    assert (f"Shown as unknown: cost {int(unknown)}," in output) and (("Ask about cost" in output) == unknown)
    assert check(data, today=TODAY).ok


@pytest.mark.parametrize("amount", ["£35", "Free", "NaN"])
def test_a_csv_amount_that_is_not_a_number_names_row_and_column(data, tmp_path, amount):
    rows = (CASES / "import" / "assets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "cost.csv"
    source.write_text(rows[0] + rows[1].replace(",1.50,", f",{amount},"), encoding="utf-8")
    _refused("csv", source, data, "cost.csv:2: cost.amount: record kingsholm-knitters:")
