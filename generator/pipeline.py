"""Run load -> validate -> model over a data folder, in chunks across all cores when it is large."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .loader import list_records, load_dataset
from .model import Area, Asset, Category, build_assets, build_vocabulary
from .problems import Problem, sort_problems
from .rules import check_unique_ids, record_ids
from .schema import Schema, load_schema
from .validate import validate

PARALLEL_FROM = 1500  # records; below this one process is quicker than starting workers


@dataclass
class Checked:
    """A validated data folder: its problems and, when valid, the typed model."""

    problems: list[Problem]
    checked: int
    config: Config
    schema: Schema
    assets: list[Asset]
    categories: list[Category]
    areas: list[Area]

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.is_error for p in self.problems)


@dataclass
class _ChunkResult:
    problems: list[Problem]
    ids: list[tuple[str, str, int]]
    assets: list[Asset]
    categories: list[Category]
    areas: list[Area]
    config: Config


def _check_chunk(data_dir: Path, descriptor: dict, paths: list[Path], today: dt.date) -> _ChunkResult:
    """Load, validate and model one chunk of records (ids are compared across chunks by the caller)."""
    raw = load_dataset(data_dir, descriptor, paths)
    result = validate(raw, today=today, check_all_ids=False)
    ids = record_ids(result.records)
    if not result.ok:
        return _ChunkResult(result.problems, ids, [], [], [], result.config)
    categories, areas = build_vocabulary(result.tables["categories"], result.tables["areas"])
    return _ChunkResult(result.problems, ids, build_assets(result.tables), categories, areas, result.config)


def check(data_dir: Path, today: dt.date | None = None, workers: int | None = None) -> Checked:
    """Validate a data folder and build its model, reporting every problem at once."""
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    schema = load_schema(data_dir)
    paths, problems = list_records(data_dir)
    workers = workers or min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        results = [_check_chunk(data_dir, schema.descriptor, paths, today)]
    else:
        size = -(-len(paths) // workers)
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(len(chunks)) as pool:
            futures = [pool.submit(_check_chunk, data_dir, schema.descriptor, chunk, today) for chunk in chunks]
            results = [f.result() for f in futures]
    for result in results:
        problems += result.problems
    problems += check_unique_ids([i for r in results for i in r.ids])
    problems = sort_problems(problems)
    first = results[0]
    config = first.config
    if any(p.is_error for p in problems):
        return Checked(problems, len(paths), config, schema, [], [], [])
    assets = sorted((a for r in results for a in r.assets), key=lambda a: (a.name.casefold(), a.id))
    schema = schema.with_bounding_box(config.south, config.west, config.north, config.east)
    return Checked(problems, len(paths), config, schema, assets, first.categories, first.areas)
