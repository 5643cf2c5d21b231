"""Run load -> validate -> model over a data folder, in chunks across all cores when it is large.

This process validates the first chunk while forked children validate the others (one process
when forking is not safe here: see forked.py); a very large folder's chunks are all validated in
children (see ISOLATED_FROM).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.data.bankholidays import bank_holidays
from generator.data.config import Config
from generator.data.loader import display_path, list_records, load_dataset
from generator.data.model import Area, Asset, Category, build_assets, build_vocabulary
from generator.data.rules import check_unique_ids, record_ids
from generator.data.schema import Schema, load_schema
from generator.data.validate import validate
from generator.files import read_bytes
from generator.problems import WARNING, Problem, sort_problems
from generator.speed import forked
from generator.speed.buildstate import (
    code_digest,
    digest,
    entries_of,
    load_cache,
    prune_cache,
    save_cache,
    tree_digest,
)

PARALLEL_FROM = 1500  # records; below this one process is quicker than starting workers
# records; from this many every chunk is validated in a child and this process only gathers the model.
# Validating leaves memory in small pieces (parsed YAML, tables) that the model's objects, made among
# them, keep from being given back: at 100,000 records this process held 1.5 GB after a check that
# validated a chunk here, 0.9 GB after one that did not, and that is carried through the whole build.
ISOLATED_FROM = 20_000


@dataclass
class Checked:
    """A validated data folder: its problems and, when valid, the typed model."""

    problems: list[Problem]
    checked: int
    config: Config | None  # None when config.yaml has problems
    schema: Schema
    assets: list[Asset]
    categories: list[Category]
    areas: list[Area]
    record_hashes: dict[str, str] = field(default_factory=dict)  # asset id -> hash of its record file
    drafts: list[Asset] = field(default_factory=list)  # valid records kept off the site (see draft_warnings)

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
    config: Config | None
    hashes: dict[Path, str]  # of each record file read
    cached: dict[str, tuple]  # what the chunk gives the cache (see _cache_entries)
    # a chunk validated in a child with a cache: its cache entries as pickled for the cache, which hold its
    # assets too; those travel back in them alone (pickling them twice took a quarter of a second at 5,000)
    packed: bytes = b""

    def unpack(self) -> None:
        """Take the assets back out of packed (in the process that gathers the chunks)."""
        if self.packed:
            self.assets = [entry[3] for entry in entries_of(self.packed).values()]
            self.packed = b""


def _check_chunk(
    data_dir: Path, descriptor: dict, paths: list[Path], today: dt.date, shard: tuple[Path, str, int] | None = None
) -> _ChunkResult:
    """Load, validate and model one chunk of records (ids are compared across chunks by the caller).

    With shard (cache folder, key, number), the chunk's valid records are saved to that shard of the cache.
    """
    raw = load_dataset(data_dir, descriptor, paths)
    hashes = {doc.path: doc.digest for doc in raw.records if doc.digest}
    result = validate(raw, today=today, check_all_ids=False)
    ids = record_ids(result.records)
    if not result.ok:
        chunk = _ChunkResult(result.problems, ids, [], [], [], result.config, hashes, {})
    else:
        categories, areas = build_vocabulary(result.tables)
        assets = build_assets(result.tables, bank_holidays(result.config.nation, today))
        chunk = _ChunkResult(result.problems, ids, assets, categories, areas, result.config, hashes, {})
        chunk.cached = _cache_entries(chunk, paths, hashes)
    if shard:
        packed = save_cache(*shard[:2], chunk.cached, shard=shard[2])
        if len(chunk.cached) == len(chunk.assets):  # (every asset is in an entry: see _cache_entries)
            chunk.packed, chunk.assets = packed, []
        chunk.cached = {}  # kept: no need to send it back
    return chunk


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


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a check or build; reference counting still frees nearly everything.

    A build makes millions of small objects (record nodes, table rows, pages) that live until it
    ends, and the collector kept walking them over and over: a quarter of validation's time and a
    sixth of the whole build at 10,000 assets. The cycles left meanwhile cost about 90 MB at the
    peak there, in the page workers (see benchmarks/RESULTS.md). Forked workers inherit the pause.
    Afterwards the collector runs as before, and collects whatever cycles the build left. (Pauses
    from two threads at once may end early; that costs speed, never correctness.)

    What the pause leaves goes to the collector's oldest generation as it ends (gc.freeze, then
    gc.unfreeze: moved, not walked). Left in the youngest, the very next collection walked every
    object the check or build had made and kept: 1.4 s after validating 100,000 records. The oldest
    generation is still collected, only less often.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():  # (none frozen by anyone else: unfreeze would let theirs go too)
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _file_digest(path: Path) -> str:
    """The hash of a file's bytes, or '' when it cannot be read (its chunk reports why)."""
    try:
        return digest(read_bytes(path))
    except OSError:
        return ""


def check(
    data_dir: Path, today: dt.date | None = None, workers: int | None = None, cache: Path | None = None
) -> Checked:
    """Validate a data folder and build its model, reporting every problem at once.

    With a cache folder, records whose file is unchanged since the last check (and whose schema,
    vocabularies, settings and date are the same) are taken from the cache instead of validated again.
    """
    with cycle_collection_paused():
        return _check(data_dir, today, workers, cache)


def _check(data_dir: Path, today: dt.date | None, workers: int | None, cache: Path | None) -> Checked:
    data_dir = Path(data_dir)
    today = today or dt.date.today()
    schema = load_schema(data_dir)
    paths, problems = list_records(data_dir)
    # problems name files relative to the working folder, so a cached one is only good from the same one
    key = digest(inputs_digest(data_dir, schema.descriptor, today), os.getcwd()) if cache else ""
    cached = load_cache(cache, key) if cache else {}
    known = {p: _file_digest(p) for p in paths if p.name in cached}  # others are hashed as validated
    hits = {p: cached[p.name] for p, h in known.items() if h and cached[p.name][0] == h}
    todo = [p for p in paths if p not in hits]
    workers = workers or min(os.cpu_count() or 1, 8)
    chunks = [c for c in forked.shares(todo, 1 if len(todo) < PARALLEL_FROM else workers) if c] or [[]]
    check_chunk = partial(_check_chunk, data_dir, schema.descriptor)
    here = len(todo) < ISOLATED_FROM  # this process validates the first chunk (see ISOLATED_FROM)
    theirs = chunks[1:] if here else chunks
    children = [
        forked.Child(partial(check_chunk, chunk, today, (cache, key, i) if cache else None))
        for i, chunk in enumerate(theirs, start=1)
    ]
    try:
        results = [check_chunk(chunks[0], today)] if here else []
        if cache:  # the first shard, while the children finish: this process's chunk and the records from the cache
            save_cache(cache, key, {p.name: entry for p, entry in hits.items()} | (results[0].cached if here else {}))
        for child in children:
            results.append(child.result())
            results[-1].unpack()  # (now: its packed bytes go as soon as they are read)
    finally:
        for child in children:
            child.stop()  # only those not waited for: a failure here
    if cache:
        prune_cache(cache, len(theirs) + 1)
    for result in results:
        problems += result.problems
    for _hash, record_problems, _id, _asset in hits.values():
        problems += record_problems
    ids = [i for r in results for i in r.ids] + [entry[2] for entry in hits.values()]
    problems += check_unique_ids(ids)
    problems = sort_problems(problems)
    first = results[0]
    config = first.config
    if any(p.is_error for p in problems):
        return Checked(problems, len(paths), config, schema, [], [], [])
    found = [a for r in results for a in r.assets] + [entry[3] for entry in hits.values()]
    assets = sorted(found, key=lambda a: (a.name.casefold(), a.id))
    assets, drafts = [a for a in assets if not a.draft], [a for a in assets if a.draft]
    problems = sort_problems(problems + draft_warnings(data_dir, drafts))
    hashes = {p: h for p, h in known.items() if h} | {path: h for r in results for path, h in r.hashes.items()}
    record_hashes = {p.stem: h for p, h in hashes.items()}  # a valid record's id is its file name
    for draft in drafts:
        record_hashes.pop(draft.id, None)
    schema = schema.with_bounding_box(config.south, config.west, config.north, config.east)
    return Checked(problems, len(paths), config, schema, assets, first.categories, first.areas, record_hashes, drafts)


def draft_warnings(data_dir: Path, drafts: list[Asset]) -> list[Problem]:
    """One warning per draft: it is valid but kept off the site (and the open data) until confirmed."""
    return [
        Problem(
            display_path(data_dir / "assets" / a.source),
            0,
            "to_confirm",
            "draft",
            f"draft, kept off the site until a person confirms: {'; '.join(a.to_confirm)}.",
            "Check each point, correct the record, then delete its to_confirm: lines (assetmap review lists them).",
            WARNING,
        )
        for a in drafts
    ]
