"""Run load -> validate -> model over a data folder, in chunks across all cores when it is large."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .buildstate import code_digest, digest, load_cache, save_cache, tree_digest
from .config import Config
from .loader import display_path, list_records, load_dataset
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
    record_hashes: dict[str, str] = field(default_factory=dict)  # asset id -> hash of its record file

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


def inputs_digest(data_dir: Path, descriptor: dict, today: dt.date) -> str:
    """A hash of what validating a record depends on besides the record: code, schema, vocabularies, settings, date."""
    sources = [data_dir / r["record"]["source"] for r in descriptor["resources"] if r["record"]["source"] != "assets"]
    return digest(code_digest(), tree_digest(data_dir / "config.yaml", *sources), repr(descriptor), today.isoformat())


def _cache_entries(result: _ChunkResult, paths: list[Path], hashes: dict[Path, str]) -> dict[str, tuple]:
    """Per record of a valid chunk: (hash, its problems, its id, its asset), keyed by file name."""
    by_file: dict[str, list[Problem]] = {}
    for problem in result.problems:
        by_file.setdefault(problem.file, []).append(problem)
    ids = {file: (asset_id, file, line) for asset_id, file, line in result.ids}
    assets = {a.id: a for a in result.assets}
    entries = {}
    for path in paths:
        shown = display_path(path)
        if shown in ids and ids[shown][0] in assets:
            entries[path.name] = (hashes[path], by_file.get(shown, []), ids[shown], assets[ids[shown][0]])
    return entries


def check(
    data_dir: Path, today: dt.date | None = None, workers: int | None = None, cache: Path | None = None
) -> Checked:
    """Validate a data folder and build its model, reporting every problem at once.

    With a cache folder, records whose file is unchanged since the last check (and whose schema,
    vocabularies, settings and date are the same) are taken from the cache instead of validated again.
    """
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    schema = load_schema(data_dir)
    paths, problems = list_records(data_dir)
    hashes = {path: digest(path.read_bytes()) for path in paths} if cache else {}
    # problems name files relative to the working folder, so a cached one is only good from the same one
    key = digest(inputs_digest(data_dir, schema.descriptor, today), os.getcwd()) if cache else ""
    cached = load_cache(cache, key) if cache else {}
    hits = {p: cached[p.name] for p in paths if p.name in cached and cached[p.name][0] == hashes[p]}
    todo = [p for p in paths if p not in hits]
    workers = workers or min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_FROM or workers < 2:
        chunks = [todo]
        results = [_check_chunk(data_dir, schema.descriptor, todo, today)]
    else:
        size = -(-len(todo) // workers)
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(len(chunks)) as pool:
            futures = [pool.submit(_check_chunk, data_dir, schema.descriptor, chunk, today) for chunk in chunks]
            results = [f.result() for f in futures]
    for result in results:
        problems += result.problems
    for _hash, record_problems, _id, _asset in hits.values():
        problems += record_problems
    ids = [i for r in results for i in r.ids] + [entry[2] for entry in hits.values()]
    problems += check_unique_ids(ids)
    problems = sort_problems(problems)
    if cache:
        entries = {p.name: entry for p, entry in hits.items()}
        for result, chunk in zip(results, chunks, strict=True):
            if not any(p.is_error for p in result.problems):
                entries |= _cache_entries(result, chunk, hashes)
        save_cache(cache, key, entries)
    first = results[0]
    config = first.config
    if any(p.is_error for p in problems):
        return Checked(problems, len(paths), config, schema, [], [], [])
    found = [a for r in results for a in r.assets] + [entry[3] for entry in hits.values()]
    assets = sorted(found, key=lambda a: (a.name.casefold(), a.id))
    record_hashes = {p.stem: h for p, h in hashes.items()}  # a valid record's id is its file name
    schema = schema.with_bounding_box(config.south, config.west, config.north, config.east)
    return Checked(problems, len(paths), config, schema, assets, first.categories, first.areas, record_hashes)
