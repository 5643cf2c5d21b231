"""The build contract: each generated output declares its scope and is a pure function from the model to files.

An output is per asset, per group (a need or an area, see pages.Group) or site-wide; renderers
return these declarations and know nothing about rebuilds, caches or processes. generator.speed.outputs
decides which to run, what the previous build's site still holds, and how the work is shared;
every_file runs them all, once, in this process (the CLI's exports, the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Files = dict[str, str | bytes]  # path in the docs folder -> text or bytes
# What a site-wide output makes: its files, or (path, content) pairs made one after another, so that an
# output as large as the directory (the ORUK feed) is never held whole; see pairs().
Made = Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]


@dataclass(frozen=True)
class Memo:
    """A slow value that depends only on key (JSON): make() draws it; the build may keep it between builds.

    check tells a stored value (as JSON gives it back: lists, not tuples) from a damaged one.
    """

    name: str
    key: Any
    make: Callable[[], Any]
    check: Callable[[Any], bool] = lambda value: True


@dataclass(frozen=True)
class PerSubject:
    """One file (or none) for each asset or each group: path(subject) says where (None: it has none), render makes it.

    cost: rough work per asset, in units of about 40 µs (for groups: per asset they list), writing
    its files included; the build shares out the heaviest work first. The outputs' costs were timed
    task by task in a build of 100,000 assets (benchmarks/RESULTS.md).
    """

    name: str
    scope: Literal["asset", "group"]
    path: Callable[[Any], str | None]
    render: Callable[[Any], str | bytes]
    cost: float = 1.0


@dataclass(frozen=True)
class SiteWide:
    """Files made from the whole model: render() -> Made, or render(value) given memo's value.

    cost: rough work per asset in the site (see PerSubject).
    """

    name: str
    render: Callable[..., Made]
    memo: Memo | None = None
    cost: float = 1.0


@dataclass(frozen=True)
class Assembled:
    """Site-wide files assembled from one part per asset: assemble({asset id: part}) -> {path: content}.

    recover(read) gives back the parts that files made by assemble hold, by asset id (read(path):
    such a file's text, or None), or {} when they cannot be read back. cost as for SiteWide.
    """

    name: str
    part: Callable[[Any], Any]
    assemble: Callable[[dict[str, Any]], Files]
    recover: Callable[[Callable[[str], str | None]], dict[str, Any]]
    cost: float = 1.0


Output = PerSubject | SiteWide | Assembled


def pairs(made: Made) -> Iterable[tuple[str, str | bytes]]:
    """A site-wide output's files as (path, content) pairs, in the order it made them."""
    return made.items() if isinstance(made, Mapping) else made


def every_file(outputs: Iterable[Output], assets: list, groups: dict[str, Any]) -> Files:
    """Every output's files, made here and now (no previous build, no memo kept, one process)."""
    files: Files = {}
    subjects = {"asset": {a.id: a for a in assets}, "group": groups}
    for output in outputs:
        if isinstance(output, PerSubject):
            for subject in subjects[output.scope].values():
                if (path := output.path(subject)) is not None:
                    files[path] = output.render(subject)
        elif isinstance(output, SiteWide):
            files.update(pairs(output.render(output.memo.make()) if output.memo else output.render()))
        else:
            files |= output.assemble({a.id: output.part(a) for a in assets})
    return files
