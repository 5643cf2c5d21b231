"""Benchmark importing a council's ORUK feed into a new area, and print figures (it prints, it does not assert).

    python -m benchmarks.imports              # 800 and 1,000 ORUK 1.0 services, and 200 ORUK 3.0 ones
    python -m benchmarks.imports 800 5000     # other sizes of the ORUK 1.0 feed

The feeds are the import tests' realistic ones (tests/feeds.py: HTML descriptions, odd amounts,
duplicates, expired schedules). Each size is imported into a fresh area made by `assetmap init`, once
as it comes and once with the sample's reviewed mapping of feed terms to categories; then the area is
validated. Figures: services read, written, published, drafts, repaired, skipped, and wall and CPU time
of the import alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path

from generator.authoring.areainit import init_project
from generator.authoring.feedimport import import_feed
from generator.authoring.importreport import summary
from generator.data.check import check
from generator.site.project import Project
from tests import feeds

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "assets_data" / "import-mapping.yaml"


def measure(feed: object, label: str, mapping: bool, today: dt.date) -> dict:
    """Import feed (a document) into a new area; the import's counts and times, and the area's validation."""
    with tempfile.TemporaryDirectory(prefix="cam-import-") as tmp:
        project = Path(tmp) / "area"
        init_project(project, "Benchmark Area", today=today)
        data = project / "assets_data"
        if mapping:
            shutil.copy(MAPPING, data / "import-mapping.yaml")
        source = Path(tmp) / "feed.json"
        source.write_text(json.dumps(feed), encoding="utf-8")
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = import_feed(data, source, False, Project.find(data).templates, today)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        checked = check(data, today=today)
        s = summary(outcome)
        return {
            "feed": label,
            "mapping": mapping,
            "read": s["services_read"],
            "written": s["written"],
            "published": s["published"],
            "drafts": s["drafts"],
            "repaired": s["repaired"],
            "skipped": s["skipped"],
            "skipped_by_reason": {k: v for k, v in s["skipped_by_reason"].items() if v},
            "wall_s": wall,
            "cpu_s": cpu,
            "valid": checked.ok,
            "validated_published": len(checked.assets),
            "validated_drafts": len(checked.drafts),
        }


def report(row: dict) -> str:
    return (
        f"{row['feed']:<22} mapping {'yes' if row['mapping'] else 'no ':<4} read {row['read']:>5}  "
        f"written {row['written']:>5}  published {row['published']:>5}  drafts {row['drafts']:>5}  "
        f"repaired {row['repaired']:>4}  skipped {row['skipped']:>4} {row['skipped_by_reason'] or ''}  "
        f"import {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} s CPU; "
        f"validate: {'valid' if row['valid'] else 'INVALID'}, {row['validated_published']} published, "
        f"{row['validated_drafts']} drafts"
    )


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[800, 1000], help="ORUK 1.0 feed sizes")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    today = dt.date.today()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; today {today}")
    rows = []
    for size in args.sizes:
        for mapping in (False, True):
            rows.append(measure(feeds.v1_list(size), f"ORUK 1.0, {size:,} services", mapping, today))
            print(report(rows[-1]), flush=True)
    rows.append(measure(feeds.v3_list(), "ORUK 3.0, 200 services", False, today))
    print(report(rows[-1]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
