"""Shared fixtures: the bundled sample data and small data folders built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assets_data"
CASES = Path(__file__).resolve().parent / "cases"


def make_data_dir(base: Path, records: dict[str, bytes | str], with_sample: bool = False) -> Path:
    """A data folder with the sample vocabularies, config and schema, holding the given records."""
    data = base / "assets_data"
    (data / "assets").mkdir(parents=True)
    for name in ("datapackage.json", "config.yaml"):
        shutil.copy(SAMPLE / name, data / name)
    shutil.copytree(SAMPLE / "vocabularies", data / "vocabularies")
    if with_sample:
        for path in (SAMPLE / "assets").glob("*.yaml"):
            shutil.copy(path, data / "assets" / path.name)
    for name, content in records.items():
        target = data / "assets" / name
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    return data


@pytest.fixture
def data_factory(tmp_path, monkeypatch):
    """Build a data folder in a temporary directory and make that the current folder."""
    monkeypatch.chdir(tmp_path)

    def factory(records: dict[str, bytes | str], with_sample: bool = False) -> Path:
        return make_data_dir(tmp_path, records, with_sample).relative_to(tmp_path)

    return factory


@pytest.fixture
def base_record() -> str:
    """A valid record (id valid-case) to vary in tests."""
    return (CASES / "valid" / "yaml-traps.yaml").read_text(encoding="utf-8").replace("yaml-traps", "valid-case")
