"""Run the build's outputs (render.contract): only what changed, the rest left KEEP, the work shared by two processes.

From the Plan (which assets are unchanged, which groups to redo) this module decides, for each output:
per-asset files are made only for changed assets and per-group files only for the groups to redo
(the others are KEEP: the previous site holds them); site-wide files are always made. Two things are
reused rather than made again: an Assembled output's parts of unchanged assets, read back from the
previous site (when its files there are as the previous build recorded them), and a Memo's value,
kept in the build's state under its key. The work is a list of tasks, heaviest first; this process
and a forked child take them in turn until none is left (forked.Tickets), so that the two finish
together whether a full build or a rebuild is running. A task hands over its files in batches, and a
site-wide output that makes its files one after another (contract.pairs) is handed over a batch at a
time: the ORUK feed at 100,000 assets is 2 GB, which was held whole, twice over, at the build's peak.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generator.files import read_bytes
from generator.render.contract import Assembled, Memo, Output, PerSubject, SiteWide, pairs
from generator.speed import forked
from generator.speed.buildstate import KEEP, Content, Plan, code_digest, digest, read_sealed, write_sealed

Finish = Callable[[dict[str, Content]], tuple[dict[str, Content], dict[str, str | None]]]
SHARES = 8  # the work of a build in about this many tasks, so that two processes finish close together
KEEP_COST = 0.05  # the work of naming a kept file, in the outputs' cost units
BATCH_BYTES = 16_000_000  # about this much of a site-wide output's content is handed over at a time


@dataclass
class Task:
    """A piece of the build's work, with its rough weight (cost units times assets)."""

    weight: float
    run: Callable[[], Iterable[dict[str, Content]]]  # the task's files, in one batch or more


def recall(memo: Memo, folder: Path | None) -> Any:
    """memo's value (as JSON gives it back), kept in folder under its name until its key or this code changes."""
    key = json.loads(json.dumps([memo.key, code_digest()]))
    path = folder / f"{memo.name}.json" if folder else None
    if path:
        try:  # the build's own state, sealed with this user's key (see buildstate)
            stored = json.loads(read_sealed(path, memo.name) or b"null")
            if stored["key"] == key and memo.check(stored["value"]):
                return stored["value"]
        except (ValueError, KeyError, TypeError):
            pass
    value = json.loads(json.dumps(memo.make()))
    if path:
        write_sealed(path, json.dumps({"key": key, "value": value}).encode("utf-8"), memo.name)
    return value


def previous_reader(site: Path, recorded: dict[str, str]) -> Callable[[str], str | None]:
    """read(path): the text of a generated file in the previous site, when it is as recorded (by hash); else None."""

    def read(path: str) -> str | None:
        expected = recorded.get(path)
        if expected is None:
            return None
        try:
            raw = read_bytes(site / path, site)  # a link in the previous site is refused
            return raw.decode("utf-8") if digest(raw) == expected else None
        except (OSError, UnicodeDecodeError):
            return None

    return read


def _made(output: PerSubject, subjects: list) -> Iterator[dict[str, Content]]:
    files: dict[str, Content] = {}
    for subject in subjects:
        if (path := output.path(subject)) is not None:
            files[path] = output.render(subject)
    yield files


def _kept(output: PerSubject, subjects: list) -> Iterator[dict[str, Content]]:
    yield {path: KEEP for subject in subjects if (path := output.path(subject)) is not None}


def _site_wide(output: SiteWide, memos: Path | None) -> Iterator[dict[str, Content]]:
    batch: dict[str, Content] = {}
    size = 0
    for path, content in pairs(output.render(recall(output.memo, memos)) if output.memo else output.render()):
        batch[path] = content
        size += len(content)
        if size >= BATCH_BYTES:
            yield batch
            batch, size = {}, 0
    yield batch


def assembled(
    output: Assembled, assets: list, unchanged: frozenset[str], read: Callable
) -> Iterator[dict[str, Content]]:
    """output's files: the parts of unchanged assets read back from the previous site when it can, the others made."""
    recovered = output.recover(read) if unchanged else {}
    parts = {}
    for asset in assets:
        part = recovered.get(asset.id) if asset.id in unchanged else None
        parts[asset.id] = output.part(asset) if part is None else part
    yield dict(output.assemble(parts))


def plan_tasks(
    outputs: Iterable[Output], assets: list, groups: dict[str, Any], plan: Plan, read: Callable, memos: Path | None
) -> list[Task]:
    """The work of making every output's files for this plan, heaviest first (see the module docstring)."""
    subjects = {"asset": {a.id: a for a in assets}, "group": groups}
    unchanged = {"asset": plan.skip, "group": groups.keys() - plan.groups if plan.groups is not None else set()}
    per_asset = {"asset": 1.0, "group": len(assets) / max(1, len(groups))}  # a group lists some assets
    whole: list[Task] = []
    split: list[tuple[float, PerSubject, list]] = []
    for output in outputs:
        if isinstance(output, PerSubject):
            same = unchanged[output.scope]
            kept = [s for key, s in subjects[output.scope].items() if key in same]
            todo = [s for key, s in subjects[output.scope].items() if key not in same]
            if kept:
                whole.append(Task(KEEP_COST * len(kept), partial(_kept, output, kept)))
            if todo:
                split.append((output.cost * per_asset[output.scope] * len(todo), output, todo))
        elif isinstance(output, SiteWide):
            whole.append(Task(output.cost * len(assets), partial(_site_wide, output, memos)))
        else:
            whole.append(Task(output.cost * len(assets), partial(assembled, output, assets, plan.skip, read)))
    target = max(sum(t.weight for t in whole) + sum(w for w, _o, _s in split), 1.0) / SHARES
    tasks = whole
    for weight, output, todo in split:
        for share in forked.shares(todo, max(1, min(len(todo), round(weight / target)))):
            if share:
                tasks.append(Task(weight * len(share) / len(todo), partial(_made, output, share)))
    return sorted(tasks, key=lambda task: -task.weight)


def run_outputs(tasks: list[Task], finish: Finish, fork: bool) -> tuple[dict[str, Content], dict[str, str | None]]:
    """Run the tasks here and, when fork, in a forked child too; each process hands what it made to finish.

    finish (write.settle) writes what it can itself and returns the files left and the hash of every file;
    it is given each batch of a task's files as the task hands it over.
    """
    tickets = forked.Tickets(len(tasks))

    def take_turns() -> tuple[dict[str, Content], dict[str, str | None]]:
        files: dict[str, Content] = {}
        hashes: dict[str, str | None] = {}
        for number in tickets:  # each batch of files finished as it comes: the data files need not wait in memory
            for batch in tasks[number].run():
                left, made = finish(batch)
                files |= left
                hashes |= made
        return files, hashes

    later = forked.Child(take_turns) if fork else None
    try:
        files, hashes = take_turns()
        more, more_hashes = later.result() if later else ({}, {})
    except BaseException:
        if later:
            later.stop()
        raise
    finally:
        tickets.close()
    return files | more, hashes | more_hashes
