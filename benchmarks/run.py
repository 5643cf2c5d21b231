"""Benchmark the build at a given size and print figures (no timed tests: this prints, it does not assert).

    python -m benchmarks.run 10000            # generate 10,000 records (once), build, measure
    python -m benchmarks.run 1000 --json out.json
    python -m benchmarks.run 1000 --rebuild-only out.json   # time a rebuild again, of the same build
    python -m benchmarks.run 10000 --one-language         # the sample's first language only
    python -m benchmarks.run 10000 --rounds 3             # build and floor timed three times each, in turn

Figures: wall time of validation, rendering, MkDocs and the whole build; peak memory of the largest
process of the build, and of each program it runs; total site size; one
asset page's HTML; what the map page loads; map data per asset;
search index; find support data; the bare MkDocs Material site with as many HTML pages (the floor: both
languages' pages, when the sample's config.yaml builds two) and our build's ratio to it (with --rounds,
the quickest build's to the quickest floor's); and a rebuild after one record changes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from benchmarks.generate import generate, refresh_support_files
from generator.speed.buildstate import clear_state

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# On a file system without a journal (ext4 here), Linux skips inodes deleted in the last minute (six
# while their inode table is being written to) when it creates files, checking each in turn (seen with
# `perf`: ext4 recently_deleted). Right after the previous run's 50,000 files were deleted, file creation
# was 3 to 7 times slower. So old output is only moved aside (into TRASH) before the timed builds and
# deleted at the end of the run, and a run starts its timed builds once the last deletion is that old.
RECENTLY_DELETED = 361  # seconds: the kernel's RECENTCY_MIN + RECENTCY_DIRTY, plus one
TRASH = OUT / "trash"
DELETED_AT = OUT / "deleted-at"  # when the last run emptied TRASH (seconds since the epoch)


def _set_aside(path: Path) -> None:
    """Move a previous run's output into TRASH, to be deleted after the timed builds."""
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.replace(path, TRASH / f"{path.name}-{time.time_ns()}")


def _empty_trash() -> None:
    """Delete what was set aside, noting when (the next run waits for these deletions to age)."""
    if TRASH.exists():
        shutil.rmtree(TRASH)
        os.sync()
        DELETED_AT.write_text(str(time.time()))


def _settle() -> None:
    """Flush earlier writes to disk, and wait until the last deletion of old output is old enough (above)."""
    os.sync()
    deleted = float(DELETED_AT.read_text()) if DELETED_AT.is_file() else 0.0
    wait = deleted + RECENTLY_DELETED - time.time()
    if wait > 0:
        print(f"(waiting {wait:.0f} s for deleted files to age: see RECENTLY_DELETED)", file=sys.stderr, flush=True)
        time.sleep(wait)
    time.sleep(2)


class _Peaks:
    """The largest resident size seen, by program name, among a process and its descendants: /proc is read
    every PERIOD seconds in a thread while the process runs (Linux only; elsewhere nothing is seen). It tells
    the build's own processes from any other program it runs, which getrusage folds together."""

    PERIOD = 0.25

    def __init__(self, pid: int) -> None:
        self.pid, self.peaks, self._stop = pid, {}, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _tree(self) -> list[str]:
        parents: dict[str, str] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[stat.parent.name] = fields[1]
        tree, todo = [], [str(self.pid)]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += [child for child, parent in parents.items() if parent == pid]
        return tree

    def _watch(self) -> None:
        while not self._stop.wait(self.PERIOD):
            for pid in self._tree():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                name, rss = fields.get("Name", "?").strip(), fields.get("VmRSS", "0 kB").split()[0]
                self.peaks[name] = max(self.peaks.get(name, 0), int(rss))

    def stop(self) -> dict[str, int]:
        """The peaks (KiB), by program name."""
        self._stop.set()
        self._thread.join()
        return self.peaks


def _run_child(code: str, *args: str) -> tuple[dict, float, dict[str, int]]:
    """Run python code in a child; return its JSON output, wall seconds and the peaks seen by program name
    (see _Peaks)."""
    _settle()
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    peaks = _Peaks(child.pid)
    out, err = child.communicate()
    wall = time.perf_counter() - started
    by_name = peaks.stop()
    if child.returncode:
        raise SystemExit(f"child failed:\n{out}\n{err}")
    return json.loads(out.strip().splitlines()[-1]), wall, by_name


BUILD = """
import json, resource, sys, time
from pathlib import Path
from generator.site.build import build_site
from generator.speed.shutdown import skip_final_collection
skip_final_collection()  # as the assetmap command does
t = time.perf_counter()
r = build_site(Path(sys.argv[1]), Path(sys.argv[2]), Path("mkdocs.yml"), docs_dir=Path(sys.argv[3]))
# the largest process: this one, or any it started and waited for (page workers, validation's children)
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps(r.timings | {"total": time.perf_counter() - t, "pages": r.pages, "written": r.written,
                               "incremental": r.incremental, "peak_kib": peak}))
"""

FLOOR = """
import json, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
t = time.perf_counter()
build(load_config(config_file=sys.argv[1]))
print(json.dumps({"total": time.perf_counter() - t}))
"""


def floor_project(count: int, where: Path) -> Path:
    """A bare MkDocs Material site with count trivial pages (our page count), for the ratio."""
    _set_aside(where)
    docs = where / "docs"
    (docs / "p").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nA bare site.\n")
    for i in range(count):
        (docs / "p" / f"page-{i}.md").write_text(f"# Page {i}\n\nA trivial page number {i}.\n")
    (where / "mkdocs.yml").write_text(
        "site_name: Floor\nuse_directory_urls: true\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\nnav:\n  - Home: index.md\nnot_in_nav: |\n  /p/\n"
        f"docs_dir: {docs}\nsite_dir: {where / 'site'}\n"
    )
    return where / "mkdocs.yml"


def _only_first_language(data: Path) -> None:
    """Make the data folder's site one of its first language only (languages: [en])."""
    config = data / "config.yaml"
    text = config.read_text(encoding="utf-8")
    first = yaml.safe_load(text)["languages"][0]
    lines = [f"languages: [{first}]" if line.startswith("languages:") else line for line in text.splitlines()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def find_figures(site: Path) -> dict:
    """Find support's data: its index (find.json), and the largest of the parts a view loads (assets/data/find/)."""
    find = (site / "assets" / "data" / "find.json").read_bytes()
    figures = {"find_data": len(find), "find_data_gz": _gz(find), "find_parts": 0}
    parts = sorted((site / "assets" / "data" / "find").glob("*.json"), key=lambda p: p.stat().st_size)
    if parts:  # split by area (a large site): a view of one area loads its part
        largest = parts[-1].read_bytes()
        figures |= {"find_parts": len(parts), "find_part_max": len(largest), "find_part_max_gz": _gz(largest)}
    return figures


def _build(count: int, data: Path) -> tuple[dict, float, int, dict[str, int]]:
    """One cold build of data into OUT/build-<count> (the last one's output set aside first): its timings, wall
    seconds, the peak resident size (KiB) of its largest process, and the peaks seen by program name."""
    work = OUT / f"build-{count}"
    _set_aside(work)
    site, docs = work / "site", work / "docs"
    clear_state(site)  # a cold build: nothing validated, rendered or compiled before is kept for it
    timings, wall, by_name = _run_child(BUILD, str(data), str(site), str(docs))
    return timings, wall, timings.pop("peak_kib"), by_name


def _floor(config: Path) -> float:
    """One build of the floor project (its last site set aside first): wall seconds."""
    _set_aside(config.parent / "site")
    return _run_child(FLOOR, str(config))[1]


def measure(count: int, rebuild: bool = True, one_language: bool = False, rounds: int = 1) -> dict:
    """Build count synthetic assets and return every figure.

    With rounds > 1 the build and the floor are each timed that many times, taking turns (build, floor,
    build, floor, ...), so that a slow spell of the machine falls on both; the ratio is the quickest build's
    to the quickest floor's (each run's wall time is kept, in build_walls and floor_walls)."""
    data = OUT / f"data-{count}"
    if not (data / "assets").is_dir() or len(list((data / "assets").iterdir())) != count:
        generate(count, data)
    refresh_support_files(data)
    if one_language:
        _only_first_language(data)
    _set_aside(OUT / f"floor-{count}")
    site = OUT / f"build-{count}" / "site"
    builds, floor_walls, peak, by_name = [], [], 0, {}
    for _ in range(rounds):
        timings, wall, run_peak, run_by_name = _build(count, data)
        builds.append((wall, timings))
        peak = max(peak, run_peak)
        for name, kib in run_by_name.items():
            by_name[name] = max(kib, by_name.get(name, 0))
        if not floor_walls:  # every HTML page of the site, in every language it is built in: the floor has as many
            html_pages = sum(1 for _ in site.rglob("*.html"))
            floor_config = floor_project(html_pages, OUT / f"floor-{count}")
        floor_walls.append(_floor(floor_config))
    wall, timings = min(builds, key=lambda run: run[0])
    figures: dict = {"assets": count, "build": timings, "build_wall": wall, "peak_rss_mb": peak / 1024}
    figures["build_walls"], figures["floor_walls"] = [run[0] for run in builds], floor_walls
    figures["validate_runs"] = [run[1]["validate"] for run in builds]  # (each build's, in turn)
    figures["peak_rss_mb_by_program"] = {name: kib / 1024 for name, kib in sorted(by_name.items())}
    figures["site_bytes"] = _size(site)
    figures["html_pages"] = html_pages
    figures["languages"] = len(yaml.safe_load((data / "config.yaml").read_text(encoding="utf-8"))["languages"])
    first = sorted((site / "support").iterdir())[0]
    figures["asset_page_html"] = (first / "index.html").stat().st_size
    map_dir = site / "map"
    map_files = [
        map_dir / "index.html",
        site / "javascripts" / "map.js",
        site / "assets" / "data" / "map.json",
        *(site / "assets" / "vendor" / "leaflet").glob("*.js"),
        *(site / "assets" / "vendor" / "leaflet").glob("*.css"),
        *(site / "assets" / "vendor" / "leaflet.markercluster").glob("*.*"),
    ]
    figures["map_page_bytes"] = sum(p.stat().st_size for p in map_files)
    figures["map_page_gz"] = sum(_gz(p.read_bytes()) for p in map_files)
    map_data = (site / "assets" / "data" / "map.json").read_bytes()
    points = len(json.loads(map_data)["points"])
    figures["map_data_per_asset"] = len(map_data) / points
    figures["map_data_per_asset_gz"] = _gz(map_data) / points
    index = (site / "search" / "search_index.json").read_bytes()
    figures["search_index"], figures["search_index_gz"] = len(index), _gz(index)
    bundle = site / "search" / "index"
    if bundle.is_dir():  # the search people use (generator/site/searchindex.py): small files, fetched per query
        figures["words_bytes"] = _size(bundle)
        figures["words_files"] = sum(1 for p in bundle.rglob("*") if p.is_file())
        figures["words_manifest_gz"] = _gz((bundle / "manifest.json").read_bytes())
    figures |= find_figures(site)
    if rebuild:
        figures["rebuild"] = measure_rebuild(count)
    figures["floor_wall"] = min(floor_walls)
    figures["ratio_to_floor"] = wall / figures["floor_wall"]
    return figures


def measure_rebuild(count: int) -> dict:
    """Change one record's summary and time the rebuild of the site built last for count assets."""
    data, work = OUT / f"data-{count}", OUT / f"build-{count}"
    record = sorted((data / "assets").glob("*.yaml"))[count // 2]
    original = record.read_text()
    # a new text each time, so that it differs from whatever the last build was made from
    record.write_text(original.replace("summary: ", f"summary: Changed {time.time_ns()}. ", 1))
    try:
        again, again_wall, _ = _run_child(BUILD, str(data), str(work / "site"), str(work / "docs"))
    finally:
        record.write_text(original)
    return again | {"wall": again_wall}


def report(f: dict) -> str:
    """Figures as a readable block."""
    b = f["build"]
    lines = [
        f"assets: {f['assets']:,}   machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        f"validation {b['validate']:.1f} s"
        + (
            " (each build's: " + ", ".join(f"{s:.1f}" for s in f["validate_runs"]) + " s)"
            if len(f.get("validate_runs", ())) > 1
            else ""
        )
        + f", rendering {b['render']:.1f} s, writing {b['write']:.1f} s, "
        f"MkDocs {b['mkdocs']:.1f} s, search index {b.get('search', 0):.1f} s after the pages; "
        f"whole build {f['build_wall']:.1f} s "
        f"(generated pages: {b['pages']:,}; HTML pages in {f.get('languages', 1)} language(s): "
        f"{f.get('html_pages', b['pages']):,})",
        f"floor (bare MkDocs Material, as many HTML pages): {f['floor_wall']:.1f} s; ratio {f['ratio_to_floor']:.2f}"
        + (
            f" (the quickest of {len(f['build_walls'])} builds and floors, timed in turn: builds "
            + ", ".join(f"{s:.1f}" for s in f["build_walls"])
            + " s; floors "
            + ", ".join(f"{s:.1f}" for s in f["floor_walls"])
            + " s)"
            if len(f.get("build_walls", ())) > 1
            else ""
        ),
        f"peak memory (the largest process of the build): {f['peak_rss_mb']:.0f} MB; the largest seen of each "
        "program: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in f.get("peak_rss_mb_by_program", {}).items()),
        f"site size: {f['site_bytes'] / 1e6:.1f} MB; one asset page: {f['asset_page_html'] / 1e3:.1f} kB",
        f"map page loads: {f['map_page_bytes'] / 1e3:.0f} kB ({f['map_page_gz'] / 1e3:.0f} kB gzipped); "
        f"map data per asset: {f['map_data_per_asset']:.1f} B ({f['map_data_per_asset_gz']:.1f} B gzipped)",
        f"search index: {f['search_index'] / 1e6:.2f} MB ({f['search_index_gz'] / 1e6:.2f} MB gzipped)",
        f"find support data: {f['find_data'] / 1e3:.1f} kB ({f['find_data_gz'] / 1e3:.1f} kB gzipped)"
        + (
            f", and {f['find_parts']} parts by area, the largest {f['find_part_max'] / 1e6:.2f} MB "
            f"({f['find_part_max_gz'] / 1e6:.2f} MB gzipped)"
            if f.get("find_parts")
            else ""
        ),
    ]
    if "words_bytes" in f:
        lines.append(
            f"search index people use: {f['words_bytes'] / 1e6:.1f} MB in {f['words_files']:,} files; "
            f"its manifest (fetched when a person starts to search): {f['words_manifest_gz'] / 1e3:.1f} kB gzipped"
        )
    if "rebuild" in f:
        r = f["rebuild"]
        lines.append(
            f"rebuild after one record changed: {r['wall']:.1f} s "
            f"({r['wall'] / f['build_wall']:.2f} of a full build; {'incremental' if r['incremental'] else 'FULL'}; "
            f"generated files rebuilt: {r['written']}; validation {r['validate']:.1f} s, "
            f"rendering {r['render']:.1f} s, MkDocs {r['mkdocs']:.1f} s, "
            f"search index {r.get('search', 0):.1f} s after the pages)"
        )
    return "\n".join(lines)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument(
        "--rebuild-only",
        type=Path,
        metavar="FIGURES",
        help="only time the rebuild of the last build at this size, whose figures are in this JSON file",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one-language", action="store_true", help="build the first of the sample's languages only")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="N",
        help="time the build and the floor N times each, in turn, and compare the quickest of each",
    )
    args = parser.parse_args()
    if args.rebuild_only:
        figures = json.loads(args.rebuild_only.read_text()) | {"rebuild": measure_rebuild(args.count)}
    else:
        if args.rounds < 1:
            parser.error("--rounds must be 1 or more")
        figures = measure(args.count, not args.no_rebuild, args.one_language, args.rounds)
    print(report(figures), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    _empty_trash()  # (after the figures: deleting several runs' output can take many minutes)


if __name__ == "__main__":
    main()
