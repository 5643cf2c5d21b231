"""The issue form "Report a change or a closure": a filled form's dated change becomes the lines to paste."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import yaml

from generator.authoring.changeform import change_lines, comment, form_labels

from .conftest import ROOT

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "report-change.yml"
LABELS = form_labels(FORM)


def body(**answers: str) -> str:
    """An issue body as GitHub writes a filled form: every question, "_No response_" when unanswered."""
    by_id = {v: k for k, v in LABELS.items()}
    return "\n\n".join(f"### {label}\n\n{answers.get(key, '_No response_')}" for key, label in by_id.items())


def pasted(text: str) -> dict:
    """The YAML inside the comment's code fence."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("yaml"))
    fence = lines[start].removesuffix("yaml")
    end = lines.index(fence, start + 1)
    return yaml.safe_load("\n".join(lines[start + 1 : end]))


def test_a_christmas_closure_becomes_the_issue_format():
    text = comment(
        body(
            asset="stroud-valleys-walkers",
            kind="Details have changed",
            change_kind="Closed (closed)",
            change_from="2026-12-24",
            change_to="2027-01-02",
            change_note="Closed over Christmas; the phone line stays open.",
        ),
        LABELS,
    )
    assert "`assets_data/assets/stroud-valleys-walkers.yaml`" in text and "To check" not in text
    assert pasted(text) == {
        "changes": [
            {
                "kind": "closed",
                "from": dt.date(2026, 12, 24),
                "to": dt.date(2027, 1, 2),
                "note": "Closed over Christmas; the phone line stays open.",
            }
        ]
    }


def test_each_kind_gets_its_own_fields():
    changes, problems = change_lines({"change_kind": "One session cancelled (cancelled)", "change_from": "2026-12-08"})
    assert changes == [{"kind": "cancelled", "on": dt.date(2026, 12, 8)}] and problems == []
    changes, problems = change_lines(
        {
            "change_kind": "Different times (changed-time)",
            "change_from": "2026-12-01",
            "change_to": "2026-12-31",
            "change_times": "9.30 to 11:00",
        }
    )
    assert changes[0]["start"] == "09:30" and changes[0]["end"] == "11:00" and problems == []
    changes, problems = change_lines(
        {
            "change_kind": "Meeting somewhere else (moved)",
            "change_from": "2026-12-01",
            "change_review_by": "2027-01-31",
            "change_place": "stroud-library",
        }
    )
    assert changes == [
        {"kind": "moved", "from": dt.date(2026, 12, 1), "review_by": dt.date(2027, 1, 31), "location": "stroud-library"}
    ]
    assert problems == []


def test_what_is_wrong_is_listed():
    changes, problems = change_lines(
        {"change_kind": "Closed (closed)", "change_from": "2026-12-24", "change_to": "2026-12-01"}
    )
    assert problems == ["Until is before From."]
    changes, problems = change_lines({"change_kind": "Closed (closed)", "change_from": "24/12/2026"})
    assert "From is not a date written YYYY-MM-DD." in problems and any("Until is needed" in p for p in problems)
    assert change_lines({"details": "new phone number"}) == (None, [])
    assert comment(body(asset="x", details="A new phone number"), LABELS) == ""


def test_hostile_text_stays_inside_the_yaml_and_the_fence():
    note = "~~~~\n@everyone <script>alert(1)</script>\nkind: note\n- kind: closed"
    text = comment(
        body(
            asset="../../etc/passwd", change_kind="A notice to show (note)", change_from="2026-12-01", change_note=note
        ),
        LABELS,
    )
    assert "the entry's record file" in text and "passwd" not in text
    data = pasted(text)
    assert len(data["changes"]) == 1 and data["changes"][0]["kind"] == "note"
    assert data["changes"][0]["note"] == " ".join(note.split())
    outside = text.split("~~~~~yaml")[0]
    assert "@everyone" not in outside


def test_the_module_runs_as_the_workflow_runs_it():
    filled = body(asset="a-b", change_kind="Closed (closed)", change_from="2026-12-24", change_to="2027-01-02")
    result = subprocess.run(
        [sys.executable, "-m", "generator.authoring.changeform"],
        input=filled,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert pasted(result.stdout)["changes"][0]["to"] == dt.date(2027, 1, 2)


def test_the_workflow_passes_the_body_only_through_the_environment():
    text = (ROOT / ".github" / "workflows" / "change-report.yml").read_text(encoding="utf-8")
    flow = yaml.load(text, Loader=yaml.BaseLoader)
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["lines"]["permissions"] == {"contents": "read", "issues": "write"}
    runs = " ".join(s.get("run", "") for s in flow["jobs"]["lines"]["steps"])
    assert "${{" not in runs and "generator.authoring.changeform" in runs
