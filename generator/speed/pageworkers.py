"""Build some of MkDocs' pages in forked worker processes, so that a large site uses every core.

MkDocs renders pages one at a time. Once it has read every other page and built the navigation,
the plugin forks workers that each read, render and write a share of the asset pages, through
MkDocs' own page functions, while the main process writes everything else (its other generated
pages through build() too, one at a time, see mkdocs_plugin._Later). A worker reports back
the search entries and warnings it collected, or its error; the main process waits for every worker
before it writes the search index, so a strict build still fails on a worker's warning.

Workers are forked only when the process has no other threads (forking a threaded process can leave
a lock held forever), and only with MkDocs' page functions present (they are internal to MkDocs 1.x).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import tempfile
from dataclasses import dataclass
from typing import IO

from generator.speed import forked

try:  # internal to MkDocs; without them pages are built in one process as usual
    from mkdocs.commands.build import _build_page, _populate_page
except ImportError:  # pragma: no cover - a future MkDocs
    _build_page = _populate_page = None

MIN_SHARE = 500  # pages; fewer are quicker to build than to fork for


def can_build() -> bool:
    """True when pages may be built one at a time by build() (MkDocs' page functions are present)."""
    return _build_page is not None


def can_fork() -> bool:
    """True when pages may be built in worker processes here."""
    return can_build() and forked.can_fork()


@dataclass
class Worker:
    """A forked worker and the file it writes its report to."""

    pid: int
    report: IO[bytes]


class WarningCollector(logging.Handler):
    """Keeps the warnings MkDocs logs, so that a strict build can say why it failed, or a worker can report them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def start(share: list, config, files, nav, env, collect: list[dict]) -> Worker:
    """Fork a worker that builds its share: pages read, rendered and written, other files written.

    collect is the list where the plugin keeps the search entries of the pages it builds.
    """
    report = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish() or stop(), after the worker ends
    pid = os.fork()
    if pid:
        return Worker(pid, report)
    code = 1
    try:  # the worker: never returns
        collect_own_cycles()
        warnings = WarningCollector()
        logging.getLogger("mkdocs").addHandler(warnings)
        collect.clear()
        build(share, config, files, nav, env, anchors=False)
        report.write(json.dumps({"search": collect, "warnings": warnings.messages}).encode("utf-8"))
        code = 0
    except BaseException as exc:
        report.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode("utf-8"))
    finally:
        report.flush()
        os._exit(code)


def collect_own_cycles() -> None:
    """In a forked worker: collect the reference cycles of what it makes, never looking at what it inherited.

    The build pauses the cycle collector (see check.cycle_collection_paused), but the theme's templates
    leave a few cycles (Jinja contexts) behind every page they render, about 7 kB a page: 0.4 GB in a
    worker building 50,000 pages. Everything inherited is frozen (never examined), so collecting costs
    only what the worker's own objects take.
    """
    gc.freeze()
    gc.enable()


def build(share: list, config, files, nav, env, anchors: bool = True) -> None:
    """Read, render and write a share of pages here, one at a time, and copy its other files.

    MkDocs keeps every page's text and HTML until the build ends; here each page lets go of them once
    written (nothing reads them again), so that pages as large as a need's list of assets are not all held
    at once. With anchors False (a worker: MkDocs checks links to anchors in this process only) the
    page's anchors go too. With the cycles the theme leaves, a worker building 50,000 pages held a
    gigabyte more without this.
    """
    doc_files = files.documentation_pages()
    for file in share:
        if file.page is None:
            file.copy_file()
            continue
        page = file.page
        _populate_page(page, config, files)
        _build_page(page, config, doc_files, nav, env)
        page.markdown = page.content = page.toc = None
        if not anchors:
            page.present_anchor_ids = page.links_to_anchors = None


def finish(worker: Worker) -> dict:
    """Wait for a worker and return its report: search entries and warnings, or an error."""
    _pid, status = os.waitpid(worker.pid, 0)
    worker.report.seek(0)
    raw = worker.report.read()
    worker.report.close()
    try:
        report = json.loads(raw)
    except ValueError:
        report = {}
    if not report or (os.waitstatus_to_exitcode(status) != 0 and "error" not in report):
        report["error"] = f"a page worker stopped unexpectedly (exit status {os.waitstatus_to_exitcode(status)})"
    return report


def stop(worker: Worker) -> None:
    """End a worker that is no longer wanted (the build failed elsewhere)."""
    try:
        os.kill(worker.pid, signal.SIGTERM)
        os.waitpid(worker.pid, 0)
    except OSError:
        pass
    worker.report.close()
