"""The one problem type every check reports, and the reporter that prints problems."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is, what it is, and how to fix it."""

    file: str
    line: int
    field: str
    code: str
    message: str
    hint: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        """True when this problem fails validation (warnings fail only with --strict)."""
        return self.severity == ERROR


class DataError(Exception):
    """Raised when a stage cannot go on because the input has problems."""

    def __init__(self, problems: list[Problem], checked: int = 0) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.checked = checked


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sort by file, then line, then field, dropping exact duplicates."""
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.field, p.code, p.message))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_text(problems: list[Problem], checked: int) -> str:
    """Render problems one per line, with hints, a summary and the number of assets checked."""
    out = []
    for p in problems:
        where = f"{p.file}:{p.line}" if p.line else p.file
        field = f" {p.field}:" if p.field else ""
        label = "" if p.is_error else " warning:"
        out.append(f"{where}:{label}{field} {p.message}")
        if p.hint:
            out.append(f"    hint: {p.hint}")
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors:
        files = len({p.file for p in errors})
        out.append(f"{_plural(len(errors), 'problem')} in {_plural(files, 'file')}.")
    if warnings:
        out.append(f"{_plural(len(warnings), 'warning')}.")
    status = "with problems" if errors else "all valid"
    out.append(f"Checked {_plural(checked, 'asset')}: {status}.")
    return "\n".join(out)


def format_json(problems: list[Problem], checked: int) -> str:
    """Render problems as a JSON document for other tools."""
    errors = sum(p.is_error for p in problems)
    doc = {
        "valid": errors == 0,
        "checked": checked,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [asdict(p) for p in problems],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape_annotation(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: list[Problem], checked: int) -> str:
    """Render problems as GitHub Actions workflow annotations, shown on the changed lines."""
    out = []
    for p in problems:
        kind = "error" if p.is_error else "warning"
        props = f"file={_escape_annotation(p.file, prop=True)}"
        if p.line:
            props += f",line={p.line}"
        title = _escape_annotation(p.field or p.code, prop=True)
        body = p.message + (f" Hint: {p.hint}" if p.hint else "")
        out.append(f"::{kind} {props},title={title}::{_escape_annotation(body)}")
    errors = sum(p.is_error for p in problems)
    out.append(f"Checked {_plural(checked, 'asset')}: {_plural(errors, 'problem')}.")
    return "\n".join(out)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


def report(problems: list[Problem], checked: int, fmt: str = "text") -> str:
    """Render sorted problems in one of the formats text, json or github."""
    return FORMATTERS[fmt](sort_problems(problems), checked)
