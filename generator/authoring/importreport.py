"""The import report a person can act on: a summary with counts first, then the details grouped by reason."""

from __future__ import annotations

import json

from generator.authoring.feedimport import Outcome
from generator.authoring.importsafe import one_line
from generator.problems import problem_line

# reason -> (heading, what to do), in the order the details are shown
REASONS = {
    "not-valid": (
        "Not written: the record would not be valid",
        "Fix the field at the source or add the record by hand.",
    ),
    "not-written": (
        "Could not be written: what was written before was undone",
        "Check the data folder can be written (space, permissions, a stray file or folder named), then import again.",
    ),
    "duplicate-source-id": ("Services sharing one id", "Ask the publisher to give each service its own id."),
    "unreadable": ("Input that could not be read", "Download the feed again, or check the file named."),
    "draft": ("Drafts: kept off the site until a person confirms", "Confirm each point, then delete to_confirm:."),
    "conflict": ("Conflicts: changed here and at the source", "Kept as the area has it; take the source's by hand."),
    "gone-from-source": ("No longer in the feed", "Kept; check whether the service has closed."),
    "removed-here": ("Deleted here, still in the feed", "Left deleted."),
    "repaired": ("Repaired", "Safe repairs, made for you; nothing to do."),
    "expired-schedule": ("Schedules that had ended, left out", "Nothing to do unless the service still runs."),
    "schedule-end-in-notes": ("Schedules with an end date, kept in the session's notes", "Nothing to do."),
    "schedule-not-kept": ("Schedules this map cannot record", "Add the times by hand as a session's notes."),
    "unknown-cost": ("Cost not given: pages say 'Ask about cost'", "Add cost: when you know it."),
    "unknown-access": ("How to join not given: pages ask people to contact them", "Add access: when you know it."),
    "unknown-attending": ("How to take part not given: pages ask people to contact them", "Add attending:."),
    "exists": ("Already here; not changed (use --update)", "Run again with --update to bring in the source's changes."),
    "check": ("Worth checking", "Made from what the feed gave; check when you next review the record."),
    "not-mapped": ("Not imported from the feed", "Nothing to do unless the value matters; add it by hand."),
}
NOT_IMPORTED = "not-imported"  # the problem that closes a batch that was not taken in
NOT_WRITTEN = ("not-written", "not-undone")
SHOWN = 5  # cases per reason on screen; the --report file has them all


def summary(outcome: Outcome) -> dict:
    """The counts a person reads first."""
    r = outcome.report
    reasons = _reasons(outcome)
    left_out = sum(len(reasons.get(k, [])) for k in ("not-valid", "unreadable")) + sum(
        int(line.split(" ", 1)[0]) - 1 for line in reasons.get("duplicate-source-id", [])
    )
    return {
        "feed": outcome.feed,
        "services_read": outcome.services,
        "written": len(r.written),
        "updated": len(r.updated),
        "unchanged": len(outcome.unchanged),
        "drafts": len(outcome.drafts),
        "published": len(r.written) + len(r.updated) - len(outcome.drafts),  # of those written now
        "repaired": len(outcome.repaired),
        "skipped": left_out + len(r.skipped),
        "skipped_by_reason": {
            "already here (no --update)": len(r.skipped),
            "not valid": len(reasons.get("not-valid", [])),
            "duplicate source id": left_out - len(reasons.get("not-valid", [])) - len(reasons.get("unreadable", [])),
            "unreadable input": len(reasons.get("unreadable", [])),
        },
        "left_out": left_out,
        "conflicts": len(outcome.conflicts),
        "gone_from_source": len(reasons.get("gone-from-source", [])),
        "unknown": {k: len(reasons.get(f"unknown-{k}", [])) for k in ("cost", "access", "attending")},
        "schedules": {
            k: len(reasons.get(k, [])) for k in ("expired-schedule", "schedule-end-in-notes", "schedule-not-kept")
        },
        "terms_without_mapping": dict(outcome.unmapped_terms.most_common()),
        "seconds": round(outcome.seconds, 1),
    }


def _reasons(outcome: Outcome) -> dict[str, list[str]]:
    """Every case by reason, including problems from validation and reading, and conflicts."""
    out = {k: list(v) for k, v in outcome.reasons.items()}
    for p in outcome.report.problems:
        if p.code == NOT_IMPORTED:
            continue  # the report says so first, in words of its own
        if p.code in NOT_WRITTEN:
            reason = "not-written"
        elif p.is_error:
            reason = "not-valid" if p.field or "/assets/" in f"/{p.file}" else "unreadable"
        else:
            reason = "check"
        out.setdefault(reason, []).append(problem_line(p, with_label=False))  # as `assetmap validate` words it
    for c in outcome.conflicts:
        out.setdefault("conflict", []).append(
            f"{c.record_id}: {c.field}: kept {c.local!r}; the source now says {c.source!r}"
        )
    out["exists"] = list(outcome.report.skipped)
    return {k: out[k] for k in [*REASONS, *out] if out.get(k)}


def as_json(outcome: Outcome) -> str:
    """The whole report as JSON: summary, then details by reason."""
    return json.dumps({"summary": summary(outcome), "details": _reasons(outcome)}, indent=2, ensure_ascii=False)


def as_text(outcome: Outcome, markdown: bool = False, limit: int | None = SHOWN) -> str:
    """The report in words (Markdown when asked): the summary, then each reason with its cases."""
    s = summary(outcome)
    h = "## " if markdown else ""
    item = "- " if markdown else "  "
    lines = [
        f"{'# ' if markdown else ''}Import of {s['feed']}: {s['services_read']} services read in {s['seconds']} s",
        "",
    ]
    if any(p.code == "not-undone" for p in outcome.report.problems):
        lines += ["Nothing was imported, but some files could not be put back as they were: see below.", ""]
    elif not outcome.report.ok:  # all or nothing: an error anywhere means no record was written
        lines += ["Nothing was imported: the data folder is unchanged. Fix the problems below and import again.", ""]
    lines += [
        f"{item}Written: {s['written']} new records; updated: {s['updated']}; unchanged: {s['unchanged']}",
        f"{item}Published straight away: {s['published']}; drafts kept off the site until confirmed: {s['drafts']}",
        f"{item}Repaired: {s['repaired']} records (websites without https://, damaged emails, amounts)",
        f"{item}Skipped: {s['skipped']} ("
        + ", ".join(f"{k}: {v}" for k, v in s["skipped_by_reason"].items() if v)
        + ")",
        f"{item}Conflicts (changed here and at the source, kept as here): {s['conflicts']}",
        f"{item}Gone from the source (kept): {s['gone_from_source']}",
        f"{item}Shown as unknown: cost {s['unknown']['cost']}, how to join {s['unknown']['access']}, "
        f"how to take part {s['unknown']['attending']}",
        f"{item}Schedules: {s['schedules']['expired-schedule']} ended and left out, "
        f"{s['schedules']['schedule-end-in-notes']} with an end date in their notes, "
        f"{s['schedules']['schedule-not-kept']} not recordable",
    ]
    terms = list(s["terms_without_mapping"].items())
    if terms:
        shown = ", ".join(f"'{t}' ({n})" for t, n in terms[:12])
        more = f" and {len(terms) - 12} more" if len(terms) > 12 else ""
        lines.append(f"{item}Feed terms with no mapping (add them to import-mapping.yaml): {shown}{more}")
    for reason, cases in _reasons(outcome).items():
        heading, todo = REASONS.get(reason, (reason, ""))
        lines += ["", f"{h}{heading}: {len(cases)}" + (f". {todo}" if todo else "")]
        shown_cases = cases if limit is None else cases[:limit]
        lines += [f"{item}{c}" for c in shown_cases]
        if len(cases) > len(shown_cases):
            lines.append(f"{item}… and {len(cases) - len(shown_cases)} more (write them all with --report FILE)")
    return "\n".join(_safe(line) for line in lines) + "\n"


def _safe(line: str) -> str:
    """A report line with imported text made harmless for a terminal: one line, no control characters."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    return indent + one_line(line) if line.strip() else ""
