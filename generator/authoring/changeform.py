"""The "Report a change or a closure" issue form's dated change, as the `changes:` lines to paste into a record.

The issue body is untrusted text: it is only parsed (### headings, as GitHub writes a filled form),
and what it says reaches the output inside a YAML document written by yaml.safe_dump, inside a code
fence longer than any run of tildes in it. Run as `python -m generator.authoring.changeform < body`;
it prints a Markdown comment, or nothing when the form asks for no dated change.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import yaml

from generator.defaults import bundled

FORM = Path(".github") / "ISSUE_TEMPLATE" / "report-change.yml"
KINDS = ("closed", "cancelled", "moved", "changed-time", "note")
NEEDS_END = ("closed", "moved", "changed-time")
NO_RESPONSE = "_No response_"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TIMES = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*(?:-|–|to)\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def form_labels(form: Path | None = None) -> dict[str, str]:
    """Each question's id by its label, from the issue form."""
    path = form or bundled(".github") / "ISSUE_TEMPLATE" / "report-change.yml"
    body = yaml.safe_load(path.read_text(encoding="utf-8"))["body"]
    return {item["attributes"]["label"]: item["id"] for item in body if "id" in item}


def parse_body(body: str, labels: dict[str, str]) -> dict[str, str]:
    """The answers of a filled form by question id (an unanswered question is left out)."""
    answers: dict[str, str] = {}
    parts = re.split(r"^### (.+?)[ \t]*$", body.replace("\r\n", "\n"), flags=re.MULTILINE)
    for label, text in zip(parts[1::2], parts[2::2], strict=True):
        key, value = labels.get(label.strip()), text.strip()
        if key and value and value != NO_RESPONSE:
            answers[key] = value
    return answers


def _date(value: str | None, label: str, problems: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{label} is not a date written YYYY-MM-DD.")
        return None


def change_lines(answers: dict[str, str]) -> tuple[list[dict] | None, list[str]]:
    """The `changes:` entry the answers describe, and what is wrong or missing (None when no dated change)."""
    choice = answers.get("change_kind", "")
    found = re.search(r"\(([a-z-]+)\)\s*$", choice)
    if not found or found.group(1) not in KINDS:
        return None, []
    kind, problems = found.group(1), []
    start = _date(answers.get("change_from"), "From", problems)
    end = _date(answers.get("change_to"), "Until", problems)
    review = _date(answers.get("change_review_by"), "Check again", problems)
    change: dict[str, object] = {"kind": kind}
    if start is None and "change_from" not in answers:
        problems.append("From is needed.")
    if kind == "cancelled":
        change["on"] = start
    else:
        change["from"] = start
        if end:
            change["to"] = end
        elif review:
            change["review_by"] = review
        elif kind in NEEDS_END:
            problems.append("Until is needed (or, if no end date is known, a date to check again).")
        if start and end and end < start:
            problems.append("Until is before From.")
    note = " ".join(answers.get("change_note", "").split())
    if kind == "moved":
        place = " ".join(answers.get("change_place", "").split())
        if _ID.match(place):
            change["location"] = place
        elif place:
            note = f"{note} New place: {place}".strip()
            problems.append("Add the new place to the entry's locations and give its id as location:.")
        else:
            problems.append("Where instead? is needed.")
    if kind == "changed-time":
        times = _TIMES.match(answers.get("change_times", ""))
        if times:
            h1, m1, h2, m2 = times.groups()
            change["start"], change["end"] = f"{int(h1):02d}:{m1}", f"{int(h2):02d}:{m2}"
        else:
            problems.append("Which times instead? should be a start and an end, such as 10:00-12:00.")
    if note:
        change["note"] = note
    return [{k: v for k, v in change.items() if v is not None}], problems


def comment(body: str, labels: dict[str, str]) -> str:
    """The Markdown comment for an issue body: the lines to paste and anything to check; empty when none."""
    answers = parse_body(body, labels)
    changes, problems = change_lines(answers)
    if changes is None:
        return ""
    text = yaml.safe_dump({"changes": changes}, sort_keys=False, allow_unicode=True, width=100)
    fence = "~" * max(3, 1 + max((len(run) for run in re.findall(r"~+", text)), default=0))
    asset = answers.get("asset", "").strip()
    where = f"`assets_data/assets/{asset}.yaml`" if _ID.match(asset) else "the entry's record file"
    lines = [
        f"Lines for a maintainer to add to {where} (after checking them; if the record has `changes:` "
        "already, add only the item):",
        "",
        f"{fence}yaml",
        text.rstrip("\n"),
        fence,
    ]
    if problems:
        lines += ["", "To check before adding them:", *(f"- {p}" for p in problems)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the workflow's entry point
    local = Path.cwd() / FORM
    sys.stdout.write(comment(sys.stdin.read(), form_labels(local if local.is_file() else None)))
