"""Generate any number of valid synthetic asset records, spread over the configured region.

python -m benchmarks.generate 10000 --out benchmarks/out/data-10000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assets_data"

# Words in the frequencies the sample's own records use them (summaries, descriptions, notes), so
# that common words are as common, and rare ones as rare, as in real records: search and validation
# see a realistic vocabulary, not a few dozen words in every record.
_KEY = re.compile(r"^\s*-?\s*([a-z_]+):\s?(.*)$")


def _sample_text() -> str:
    """The prose of the sample's records: summaries, descriptions and notes (English only)."""
    text = []
    for path in sorted((SAMPLE / "assets").glob("*.yaml")):
        prose = False
        for line in path.read_text(encoding="utf-8").splitlines():
            key = _KEY.match(line)
            if key:
                prose = key.group(1) in ("summary", "description", "notes") and not line.startswith("    ")
                text.append(key.group(2) if prose else "")
            elif prose:
                text.append(line)
    return " ".join(text).lower()


WORDS = re.findall(r"[a-z](?:[a-z'-]*[a-z])?", _sample_text())
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


ACCESSIBILITY = [
    "step-free-access",
    "hearing-loop",
    "accessible-toilet",
    "accessible-parking",
    "parking",
    "public-transport",
    "seating",
    "quiet-space",
    "assistance-dogs-welcome",
    "large-print",
]
GROUPS = ["older-people", "carers", "people-living-with-dementia", "people-with-long-term-conditions", "men", "women"]
LANGUAGES = ["cy", "pl", "ur", "pa", "bn", "ro"]
WELSH = (
    "croeso cynnes grŵp cyfeillgar paned sgwrs taith gerdded gardd crefft cymorth cyngor lleol cymuned "
    "parc neuadd llyfrgell caffi cerddoriaeth canu ymarfer corff gofalwyr cof arian tai cinio bwyd natur"
).split()


def _welsh(rng: random.Random, n: int) -> str:
    """A pseudo-sentence of n Welsh words."""
    return " ".join(rng.choice(WELSH) for _ in range(n)).capitalize() + "."


def _paragraphs(rng: random.Random) -> str:
    """A description of one to three paragraphs, as an indented YAML block."""
    paras = [
        " ".join(sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.choice([1, 2, 2, 3]))
    ]
    return "|\n" + "\n\n".join("  " + p for p in paras) + "\n"


def _session(rng: random.Random, location: str | None) -> str:
    """One session: weekly, fortnightly or on an nth weekday of the month, at a location if there are two."""
    freq = rng.choice(["weekly", "weekly", "weekly", "fortnightly", "monthly", "monthly"])
    days = rng.sample(DAYS, 2 if freq == "weekly" and rng.random() < 0.25 else 1)
    days.sort(key=DAYS.index)
    start = rng.randint(9, 18)
    lines = []
    if rng.random() < 0.15:
        lines.append("  - type: opening-hours")
        lines.append(f"    frequency: {freq}")
    else:
        lines.append(f"  - frequency: {freq}")
    if rng.random() < 0.3:
        kind = rng.choice(["session", "morning", "evening", "drop-in"])
        lines.append(f"    name: {rng.choice(WORDS).title()} {kind}")
    if freq == "monthly":
        lines.append(f"    week_of_month: {rng.choice(['first', 'second', 'third', 'fourth', 'last'])}")
    if freq == "fortnightly":
        lines.append(f"    starts_on: 2026-09-{7 + DAYS.index(days[0]):02d}")
    lines.append(f"    days: [{', '.join(days)}]")
    lines.append(f'    start: "{start:02d}:{rng.choice(["00", "30"])}"')
    lines.append(f'    end: "{start + rng.randint(1, 3):02d}:00"')
    if location:
        lines.append(f"    location: {location}")
    if rng.random() < 0.3:
        lines.append(f"    notes: {sentence(rng, rng.randint(5, 12))}")
    return "\n".join(lines) + "\n"


def _location(rng: random.Random, lid: str, town: str, district: str, lat: float, lon: float) -> str:
    """One venue with its accessibility list."""
    letters = "ABDEFGHJLNPQRSTUWXY"
    access = rng.sample(ACCESSIBILITY, rng.randint(2, 5))
    text = (
        f"  - id: {lid}\n"
        f"    name: {town} {rng.choice(['Community Centre', 'Library', 'Church Hall', 'Village Hall', 'Hub'])}\n"
        f"    address: {rng.randint(1, 120)} {rng.choice(['High Street', 'Church Road', 'Station Road'])}\n"
        f"    town: {town}\n"
        f"    postcode: {district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}\n"
        f'    latitude: "{lat + rng.uniform(-0.02, 0.02):.5f}"\n'
        f'    longitude: "{lon + rng.uniform(-0.03, 0.03):.5f}"\n'
        f"    accessibility: [{', '.join(access)}]\n"
    )
    if rng.random() < 0.4:
        text += f"    accessibility_notes: {sentence(rng, rng.randint(8, 18))}\n"
    return text


def record(i: int, rng: random.Random) -> str:
    """One valid record, numbered i, shaped like the sample's (sessions, locations, translations)."""
    town, district, lat, lon, area = rng.choice(TOWNS)
    cats = rng.sample(CATEGORIES, rng.randint(1, 3))
    cost = rng.choice(["free", "free", "donation", "fee"])
    cost_lines = (
        "cost:\n  type: free\n"
        if cost == "free"
        else f'cost:\n  type: {cost}\n  amount: "{rng.randint(1, 6)}.00"\n  per: per session\n'
    )
    two_places = rng.random() < 0.3
    if two_places:
        town2, district2, lat2, lon2, _ = rng.choice(TOWNS)
        locations = _location(rng, "main", town, district, lat, lon) + _location(
            rng, "second", town2, district2, lat2, lon2
        )
        sessions = _session(rng, "main") + _session(rng, "second")
        if rng.random() < 0.3:
            sessions += _session(rng, "main")
    else:
        locations = _location(rng, "venue", town, district, lat, lon)
        sessions = "".join(_session(rng, None) for _ in range(rng.choice([1, 1, 2, 3])))
    who_for = ""
    if rng.random() < 0.6:
        who_for = "who_for:\n"
        if rng.random() < 0.5:
            who_for += f'  min_age: "{rng.choice([16, 18, 50, 65])}"\n'
        who_for += f"  groups: [{', '.join(rng.sample(GROUPS, rng.randint(1, 2)))}]\n"
        who_for += f"  notes: {sentence(rng, rng.randint(8, 16))}\n"
    languages = ["en", *rng.sample(LANGUAGES, rng.choice([0, 0, 0, 1, 2]))]
    translations = ""
    if rng.random() < 0.35:
        translations = (
            "translations:\n  cy:\n"
            f"    name: {_welsh(rng, 3)[:-1]} {i}\n"
            f"    summary: {_welsh(rng, rng.randint(8, 14))}\n"
            f"    description: {' '.join(_welsh(rng, rng.randint(8, 14)) for _ in range(rng.randint(2, 4)))}\n"
        )
        if rng.random() < 0.5:
            translations += f"    access:\n      notes: {_welsh(rng, rng.randint(6, 10))}\n"
    return f"""id: asset-{i:06d}
name: {town} {rng.choice(WORDS).title()} {rng.choice(["Group", "Club", "Café", "Circle", "Drop-in"])} {i}
summary: {sentence(rng, rng.randint(10, 18))}
description: {_paragraphs(rng)}status: active
organisation:
  name: {town} Community Trust
  website: https://www.example.org/
categories: [{", ".join(cats)}]
areas: [{area}]
{who_for}access:
  type: {rng.choice(["drop-in", "self-referral", "referral"])}
  notes: {sentence(rng, rng.randint(8, 20))}
{cost_lines}attending: [in-person]
languages: [{", ".join(languages)}]
locations:
{locations}sessions:
{sessions}contact:
  phone: 01632 960{rng.randint(0, 999):03d}
  email: hello@example.org
last_checked: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}
checked_by: {town} Community Connectors
{translations}"""


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
