"""Freshness review: which records are stale or soon will be, grouped by organisation."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from generator.data.model import Asset
from generator.data.rules import months_before
from generator.problems import Problem

SOON_MONTHS = 2  # records that become stale within this many months are "soon stale"


class AgeError(ValueError):
    """An --older-than value that is not like 12m, 6w, 90d or 1y."""


def parse_age(text: str) -> int:
    """An age such as '12m', '1y', '6w' or '90d', as a number of days (months count as 30.44 days)."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwmy])\s*", text or "")
    if not match:
        raise AgeError(f"'{text}' is not an age like 12m (months), 1y, 6w or 90d")
    number, unit = int(match.group(1)), match.group(2)
    return round(number * {"d": 1, "w": 7, "m": 30.4375, "y": 365.25}[unit])


def threshold(today: dt.date, older_than: str) -> dt.date:
    """The date before which a record counts as stale."""
    match = re.fullmatch(r"\s*(\d+)\s*m\s*", older_than)
    if match:
        return months_before(today, int(match.group(1)))
    return today - dt.timedelta(days=parse_age(older_than))


@dataclass(frozen=True)
class Entry:
    """One record in the review."""

    id: str
    name: str
    organisation: str
    last_checked: dt.date
    checked_by: str
    source: str
    stale: bool


def review(assets: list[Asset], today: dt.date, older_than: str = "12m") -> dict[str, list[Entry]]:
    """Stale and soon-stale records grouped by the organisation that runs them, oldest first."""
    stale_before = threshold(today, older_than)
    soon_before = stale_before + dt.timedelta(days=round(SOON_MONTHS * 30.4375))
    groups: dict[str, list[Entry]] = defaultdict(list)
    for asset in assets:
        if asset.status == "closed" or asset.last_checked >= soon_before:
            continue
        groups[asset.organisation].append(
            Entry(
                asset.id,
                asset.name,
                asset.organisation,
                asset.last_checked,
                asset.checked_by,
                asset.source,
                asset.last_checked < stale_before,
            )
        )
    return {org: sorted(entries, key=lambda e: (e.last_checked, e.id)) for org, entries in sorted(groups.items())}


def md_code(text: object) -> str:
    """Untrusted text as a Markdown code span, shown as written: no link, image, heading, HTML, @mention or #ref.

    GitHub links @names, #numbers and bare addresses in text but never inside code, so code spans
    rather than backslash escapes; the span is fenced with more backticks than the text holds, on one line.
    """
    words = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", words)), default=0) + 1)
    pad = " " if words.startswith("`") or words.endswith("`") else ""
    return f"{fence}{pad}{words}{pad}{fence}"


def format_review(groups: dict[str, list[Entry]], fmt: str, older_than: str, data_dir: str = "assets_data") -> str:
    """The review as text, markdown (for an issue, record text in code spans: see md_code) or json."""
    entries = [e for es in groups.values() for e in es]
    stale = sum(e.stale for e in entries)
    soon = len(entries) - stale
    if fmt == "json":
        return json.dumps(
            {
                "older_than": older_than,
                "stale": stale,
                "soon_stale": soon,
                "organisations": {
                    org: [e.__dict__ | {"last_checked": e.last_checked.isoformat()} for e in es]
                    for org, es in groups.items()
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "markdown":
        lines = [
            f"Records not checked for {older_than} (**stale**), or about to be (soon): {stale} stale, {soon} soon.",
            "",
        ]
        for org, es in groups.items():
            lines.append(f"### {md_code(org)}")
            lines += [
                f"- [ ] {md_code(f'{data_dir}/assets/{e.source}')}: {md_code(e.name)}, last checked "
                f"{e.last_checked.isoformat()} by {md_code(e.checked_by)}" + ("" if e.stale else " (soon)")
                for e in es
            ]
            lines.append("")
        if not entries:
            lines.append("Every record has been checked recently.")
        return "\n".join(lines).rstrip() + "\n"
    lines = []
    for org, es in groups.items():
        lines.append(org)
        lines += [f"  {'STALE' if e.stale else 'soon '}  {e.last_checked.isoformat()}  {e.id}  ({e.name})" for e in es]
    lines.append(f"{stale} stale and {soon} soon-stale records (older than {older_than}).")
    return "\n".join(lines)


def format_drafts(drafts: list[Asset], fmt: str, data_dir: str = "assets_data") -> str:
    """The drafts (records kept off the site) and what a person must confirm in each, as text or markdown."""
    ordered = sorted(drafts, key=lambda a: a.source)
    if fmt == "markdown":
        lines = [f"{len(ordered)} drafts are kept off the site until someone confirms what each lists:", ""]
        for a in ordered:
            lines.append(f"- [ ] `{data_dir}/assets/{a.source}`: {a.name}")
            lines += [f"  - {item}" for item in a.to_confirm]
        return "\n".join(lines) + "\n"
    lines = [f"{len(ordered)} drafts (kept off the site until confirmed):"]
    for a in ordered:
        lines.append(f"  DRAFT  {a.id}  ({a.name})")
        lines += [f"         - {item}" for item in a.to_confirm]
    return "\n".join(lines) + "\n"


def with_drafts(review_json: str, drafts: list[Asset]) -> str:
    """The JSON review with a drafts list added: id, file and what each needs."""
    document = json.loads(review_json)
    document["drafts"] = [{"id": a.id, "source": a.source, "to_confirm": list(a.to_confirm)} for a in drafts]
    return json.dumps(document, indent=2, ensure_ascii=False)


CHANGE_CODES = {"change-ended": "REMOVE", "review-due": "REVIEW"}  # the warnings about dated changes


def change_problems(problems: list[Problem]) -> list[Problem]:
    """The warnings about dated changes: ended over a month ago (remove), or open-ended and due for review."""
    return [p for p in problems if p.code in CHANGE_CODES]


def format_changes(problems: list[Problem], fmt: str) -> str:
    """Dated changes to remove or review, as text or markdown (empty when there are none)."""
    due = change_problems(problems)
    if not due:
        return ""
    if fmt == "markdown":
        lines = [f"{len(due)} dated changes to remove or review:", ""]
        lines += [f"- [ ] {md_code(f'{p.file}:{p.line}')}: {md_code(p.message)}" for p in due]
        return "\n".join(lines) + "\n"
    lines = [f"{len(due)} dated changes to remove or review:"]
    lines += [f"  {CHANGE_CODES[p.code]}  {p.file}:{p.line}  {p.message}" for p in due]
    return "\n".join(lines) + "\n"


def with_changes(review_json: str, problems: list[Problem]) -> str:
    """The JSON review with a list of the dated changes to remove or review."""
    document = json.loads(review_json)
    document["changes"] = [
        {"action": CHANGE_CODES[p.code].lower(), "file": p.file, "line": p.line, "field": p.field, "message": p.message}
        for p in change_problems(problems)
    ]
    return json.dumps(document, indent=2, ensure_ascii=False)
