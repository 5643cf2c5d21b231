"""Generate any number of valid synthetic asset records, spread over the configured region.

python -m benchmarks.generate 10000 --out benchmarks/out/data-10000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assets_data"

WORDS = (
    "friendly group welcome tea chat walk garden craft support advice help local community park hall "
    "library café music singing gentle exercise carers memory benefits money housing digital phone "
    "tablet lunch food pantry volunteer nature allotment knitting painting wellbeing listening"
).split()
TOWNS = [
    ("Gloucester", "GL1", 51.864, -2.244, "gloucester"),
    ("Cheltenham", "GL50", 51.900, -2.078, "cheltenham"),
    ("Stroud", "GL5", 51.745, -2.218, "stroud"),
    ("Tewkesbury", "GL20", 51.992, -2.158, "tewkesbury"),
    ("Cirencester", "GL7", 51.718, -1.968, "cotswolds"),
    ("Cinderford", "GL14", 51.823, -2.498, "forest-of-dean"),
    ("Coleford", "GL16", 51.793, -2.616, "forest-of-dean"),
    ("Nailsworth", "GL6", 51.694, -2.221, "stroud"),
]
CATEGORIES = [
    "physical-activity",
    "social-groups",
    "money-and-benefits",
    "housing",
    "carers",
    "mental-wellbeing",
    "arts-and-crafts",
    "food",
    "digital-skills",
    "volunteering",
    "dementia",
    "gardening-and-nature",
    "health-conditions",
    "learning-and-work",
    "families",
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]


def sentence(rng: random.Random, n: int) -> str:
    """A pseudo-sentence of n words."""
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def record(i: int, rng: random.Random) -> str:
    """One valid record, numbered i."""
    town, district, lat, lon, area = rng.choice(TOWNS)
    cats = rng.sample(CATEGORIES, rng.randint(1, 3))
    cost = rng.choice(["free", "free", "donation", "fee"])
    cost_lines = (
        "cost:\n  type: free\n"
        if cost == "free"
        else f'cost:\n  type: {cost}\n  amount: "{rng.randint(1, 6)}.00"\n  per: per session\n'
    )
    start = rng.randint(9, 18)
    freq = rng.choice(["weekly", "weekly", "fortnightly", "monthly"])
    extra = ""
    if freq == "monthly":
        extra = f"    week_of_month: {rng.choice(['first', 'second', 'third', 'last'])}\n"
    day = rng.choice(DAYS)
    if freq == "fortnightly":
        extra = f"    starts_on: 2026-09-{7 + DAYS.index(day):02d}\n"
    description = " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 5)))
    return f"""id: asset-{i:06d}
name: {town} {rng.choice(WORDS).title()} {rng.choice(["Group", "Club", "Café", "Circle", "Drop-in"])} {i}
summary: {sentence(rng, rng.randint(8, 16))}
description: {description}
status: active
organisation:
  name: {town} Community Trust
  website: https://www.example.org/
categories: [{", ".join(cats)}]
areas: [{area}]
access:
  type: {rng.choice(["drop-in", "self-referral", "referral"])}
{cost_lines}attending: [in-person]
languages: [en]
locations:
  - id: venue
    name: {town} Community Centre
    address: {rng.randint(1, 120)} High Street
    town: {town}
    postcode: {district} {rng.randint(1, 9)}{rng.choice("ABDEFGHJLNPQRSTUWXY")}{rng.choice("ABDEFGHJLNPQRSTUWXY")}
    latitude: "{lat + rng.uniform(-0.02, 0.02):.5f}"
    longitude: "{lon + rng.uniform(-0.03, 0.03):.5f}"
    accessibility: [{", ".join(rng.sample(["step-free-access", "hearing-loop", "accessible-toilet", "parking"], 2))}]
sessions:
  - frequency: {freq}
{extra}    days: [{day}]
    start: "{start:02d}:00"
    end: "{start + 2:02d}:00"
contact:
  phone: 01632 960{rng.randint(0, 999):03d}
  email: hello@example.org
last_checked: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}
checked_by: {town} Community Connectors
"""


def refresh_support_files(out: Path) -> None:
    """Copy the sample's schema, settings and vocabularies into a data folder (records untouched)."""
    for name in ("datapackage.json", "config.yaml"):
        shutil.copy(SAMPLE / name, out / name)
    shutil.copytree(SAMPLE / "vocabularies", out / "vocabularies", dirs_exist_ok=True)


def generate(count: int, out: Path, seed: int = 1) -> Path:
    """Write a data folder with count synthetic records and the sample vocabularies and schema."""
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    refresh_support_files(out)
    rng = random.Random(seed)
    for i in range(count):
        (out / "assets" / f"asset-{i:06d}.yaml").write_text(record(i, rng), encoding="utf-8")
    return out


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = generate(args.count, args.out or ROOT / "benchmarks" / "out" / f"data-{args.count}", args.seed)
    print(f"Wrote {args.count} records to {out}")


if __name__ == "__main__":
    main()
