"""A hostile checkout: links committed in a pull request, planted or damaged build state, a record that is a link.

Real builds, imports and validation runs; each test shows nothing outside the project was read,
written or deleted, no planted code ran, and the error names the path.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from generator.authoring.importer import import_csv
from generator.cli.main import main
from generator.data.check import check
from generator.site.build import BuildError, build_site
from generator.site.write import WriteError, remove_generated
from generator.speed.buildstate import cache_root, state_dir

from .conftest import CASES, ROOT, make_data_dir

CSV_CASE = CASES / "import" / "assets.csv"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _outside(base: Path) -> Path:
    """A folder outside the project, holding files a link may point at."""
    outside = base / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "precious.txt").write_text("do not delete\n")
    (outside / "keep" / "notes.md").write_text("# Mine\n")
    return outside


@pytest.fixture
def built(tmp_path, monkeypatch):
    """The sample data built once into tmp_path/site (docs folder tmp_path/docs)."""
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "project", {}, with_sample=True, english_only=True)
    build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs")
    return data, tmp_path


def _build(data: Path, tmp_path: Path, **options):
    return build_site(data, tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs", **options)


@pytest.mark.parametrize("folder", ["support", "data", "assets/data"])
def test_a_link_under_a_folder_the_build_clears_stops_the_build_and_deletes_nothing(built, folder):
    data, tmp_path = built
    outside = _outside(tmp_path)
    before_outside, before_site = _files(outside), _files(tmp_path / "site")
    link = tmp_path / "docs" / folder
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(outside, link.parent), target_is_directory=True)
    with pytest.raises(BuildError) as failure:
        _build(data, tmp_path)
    assert str(link) in str(failure.value) and "symbolic link" in str(failure.value)
    assert _files(outside) == before_outside, "nothing the link points at was touched"
    assert link.is_symlink()
    assert _files(tmp_path / "site") == before_site, "the previous site is intact"


def test_clearing_the_generated_part_refuses_a_link_before_removing_anything(tmp_path):
    docs = tmp_path / "project" / "site_src"
    (docs / "need").mkdir(parents=True)
    (docs / "need" / "old.md").write_text("left by an older build\n")
    (docs / "support").symlink_to("..", target_is_directory=True)  # the whole project
    (tmp_path / "project" / "run.sh").write_text("#!/bin/sh\n")
    with pytest.raises(WriteError) as failure:
        remove_generated(docs)
    assert str(docs / "support") in str(failure.value)
    assert (docs / "need" / "old.md").is_file(), "nothing removed, not even what could have been"
    assert (tmp_path / "project" / "run.sh").is_file()
    (docs / "support").unlink()
    assert remove_generated(docs) == 1 and not (docs / "need").exists()


def test_a_site_folder_that_is_a_link_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    data = make_data_dir(tmp_path / "project", {}, with_sample=True, english_only=True)
    outside = _outside(tmp_path)
    before = _files(outside)
    (tmp_path / "site").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="site: it is a symbolic link"):
        _build(data, tmp_path)
    assert _files(outside) == before


def test_a_link_at_an_imports_temporary_path_is_refused_and_what_it_points_at_untouched(tmp_path):
    data = make_data_dir(tmp_path, {})
    run_sh = tmp_path / "run.sh"
    run_sh.write_text("#!/bin/sh\necho hello\n")
    trap = data / "assets" / ".kingsholm-knitters.yaml.tmp"
    trap.symlink_to("../../run.sh")
    clean = tmp_path / "clean.csv"  # the two rows of the case that import cleanly
    clean.write_text("".join(CSV_CASE.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    report = import_csv(data, clean, False, dt.date.today())
    assert run_sh.read_text() == "#!/bin/sh\necho hello\n"
    # the link is found when the batch is validated with the records there, before anything is written
    refused = [p for p in report.problems if p.code == "symlink"]
    assert refused and refused[0].file.endswith(".kingsholm-knitters.yaml.tmp") and "link" in refused[0].message
    assert not report.ok and "Nothing was imported" in report.text()
    assert not (data / "assets" / "kingsholm-knitters.yaml").exists()
    assert not (data / "assets" / "listening-line.yaml").exists(), "all or nothing"
    assert "Traceback" not in report.text()
    links = [p for p in check(data).problems if p.code == "symlink"]
    assert [Path(p.file).name for p in links] == [trap.name], "validation reports even a hidden link"


class _Planted:
    """A pickle that creates a marker file when it is unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_planted_state_runs_nothing_and_the_build_still_succeeds(built):
    data, tmp_path = built
    site = tmp_path / "site"
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Planted(probe)))
    assert probe.exists(), "the payload is live: unpickling it runs code"
    marker = tmp_path / "marker"
    payload = pickle.dumps(("any key", _Planted(marker)))
    beside = tmp_path / ".site-state"  # where the state used to be kept, in the checkout
    for folder in (beside, beside / "compiled" / "templates", state_dir(site)):
        folder.mkdir(parents=True, exist_ok=True)
        for shard in range(8):
            (folder / f"records-{shard}.pickle").write_bytes(payload)
    for cache in (state_dir(site) / "compiled").rglob("*.cache"):
        cache.write_bytes(payload)  # compiled templates are marshalled code: replaced by a payload
    (state_dir(site) / "build.json").write_text('{"version": 1, "key": "forged"}')
    first_record = sorted((data / "assets").glob("*.yaml"))[0]
    first_record.write_text(first_record.read_text() + "\n")  # a change, so records are read back from the cache
    result = _build(data, tmp_path)
    assert not marker.exists(), "a planted state file ran"
    assert not result.incremental, "a forged state means a full build"
    assert (site / "index.html").is_file()
    assert not marker.exists()


def test_state_is_kept_outside_the_checkout_private_and_sealed(built):
    _data, tmp_path = built
    folder = state_dir(tmp_path / "site")
    assert folder.is_relative_to(cache_root()) and not (tmp_path / ".site-state").exists()
    assert stat.S_IMODE(cache_root().stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_root() / "secret").stat().st_mode) == 0o600
    shards = list(folder.glob("records-*.pickle"))
    assert shards and all(not p.read_bytes().startswith(b"\x80") for p in shards), "sealed, not bare pickles"


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign key"])
def test_damaged_or_foreign_state_means_a_full_build(built, damage, monkeypatch, tmp_path_factory):
    data, tmp_path = built
    folder = state_dir(tmp_path / "site")
    if damage == "foreign key":  # state written with another user's (or machine's) secret
        other = tmp_path_factory.mktemp("other-cache")
        monkeypatch.setenv("ASSETMAP_CACHE_DIR", str(other))
        assert state_dir(tmp_path / "site") != folder  # another user's cache
        _build(data, tmp_path / "elsewhere")
        theirs = state_dir(tmp_path / "elsewhere" / "site")
        for path in theirs.rglob("*"):
            if path.is_file():
                target = folder / path.relative_to(theirs)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
        monkeypatch.undo()
        monkeypatch.chdir(ROOT)
    else:
        for path in folder.rglob("*"):
            if path.is_file():
                raw = path.read_bytes()
                path.write_bytes(raw[: len(raw) // 2] if damage == "truncated" else raw[:-1] + bytes([raw[-1] ^ 1]))
    result = _build(data, tmp_path)
    assert not result.incremental
    assert _files(tmp_path / "site") == _files(_full(data, tmp_path / "full"))


def _full(data: Path, where: Path) -> Path:
    build_site(data, where / "site", ROOT / "mkdocs.yml", docs_dir=where / "docs", incremental=False)
    return where / "site"


def test_a_record_that_is_a_link_is_a_problem_and_is_never_read(data_factory, base_record, tmp_path):
    from click.testing import CliRunner

    data = data_factory({"valid-case.yaml": base_record})
    secret = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    secret.write_text("api_token: s3cr3t-value\nid: outside\n")
    link = data / "assets" / "borrowed.yaml"
    link.symlink_to(secret)
    for fmt in ("text", "github", "json"):
        result = CliRunner().invoke(main, ["validate", "--data", str(data), "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 1
        assert "borrowed.yaml" in result.output and "symbolic link" in result.output
        assert "api_token" not in result.output and "s3cr3t" not in result.output and "outside" not in result.output
        assert "Traceback" not in result.output
    secret.unlink()


def test_a_vocabulary_or_settings_file_that_is_a_link_is_a_problem(data_factory, base_record, tmp_path):
    data = data_factory({"valid-case.yaml": base_record})
    secret = tmp_path.parent / f"{tmp_path.name}-settings.yaml"
    secret.write_text((data / "config.yaml").read_text())
    (data / "config.yaml").unlink()
    (data / "config.yaml").symlink_to(secret)
    checked = check(data)
    assert not checked.ok
    assert any(p.code == "symlink" and p.file.endswith("config.yaml") for p in checked.problems)
    secret.unlink()


def test_a_data_folder_or_docs_folder_that_is_a_link_is_refused(data_factory, base_record, tmp_path, monkeypatch):
    data = data_factory({"valid-case.yaml": base_record})
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    data.rename(elsewhere)
    data.symlink_to(elsewhere, target_is_directory=True)  # assets_data -> a folder outside the checkout
    checked = check(data)
    assert [(p.file, p.code) for p in checked.problems] == [("assets_data", "symlink")]
    (tmp_path / data).unlink()
    shutil.rmtree(elsewhere)
    docs = tmp_path / "docs"
    docs.symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.chdir(ROOT)
    with pytest.raises(BuildError, match="docs: it is a symbolic link"):
        build_site(ROOT / "assets_data", tmp_path / "site", ROOT / "mkdocs.yml", docs_dir=docs)
    assert not (tmp_path / "site").exists()
