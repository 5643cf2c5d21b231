"""The one problem type every check reports, and the reporter that prints problems."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"

# Every problem code, with what it means: the one registry (tests check that every code the checks
# and the importer report is here). Codes are stable: tools and workflows may match on them.
CODES: dict[str, str] = {
    # reading a file
    "unreadable": "The file or folder cannot be read.",
    "not-utf8": "The file is not UTF-8 text.",
    "empty-file": "The file is empty.",
    "file-too-large": "The file is larger than the loader reads.",
    "too-large": "An imported file or folder is larger than an import reads.",
    "not-a-file": "The path is not a regular file (a folder, a named pipe or a device).",
    "symlink": "The path is a symbolic link, or inside one; links are never followed.",
    "wrong-extension": "A record file does not end in .yaml.",
    "no-assets-folder": "The data folder has no assets/ folder.",
    "not-a-record": "The file does not hold one record (a mapping of keys).",
    "yaml-syntax": "The YAML cannot be parsed.",
    "yaml-alias": "The YAML uses an alias or anchor, which records may not.",
    "yaml-tag": "The YAML uses a tag, which records may not.",
    "yaml-key": "A YAML key is not plain text.",
    "yaml-too-deep": "The YAML is nested too deeply.",
    "duplicate-key": "The same key is given twice.",
    "bad-character": "A value holds a control character, a lone carriage return or a line separator.",
    "line-break": "A one-line field holds a line break.",
    # the shape of a record
    "unknown-key": "A key the schema does not have (with a suggestion).",
    "wrong-shape": "A value is a list where a single value is wanted, or the other way round.",
    "too-few-items": "A list has fewer items than it needs.",
    "required": "A required field is missing or empty.",
    "type-error": "A value is not of the field's type (a number, a date, a time...).",
    "bad-format": "A value does not have the field's format (a phone number, an email, a postcode...).",
    "not-allowed": "A value is not one of the field's allowed values.",
    "out-of-range": "A value is outside the field's range.",
    "too-long": "A text is longer than the field allows.",
    "too-short": "A text is shorter than the field needs.",
    "constraint-error": "A value breaks another of the field's constraints.",
    "duplicate": "The same value is given twice in a list.",
    "primary-key": "Two rows of a table have the same key.",
    "foreign-key": "A value names something the vocabulary does not have.",
    "broken-reference": "A value names something that does not exist.",
    "unknown-category": "A category is not in vocabularies/categories.yaml.",
    "unknown-area": "An area is not in vocabularies/areas.yaml.",
    "unknown-location": "A session names a location the record does not have.",
    "blank-row": "A table row is empty.",
    "extra-cell": "A table row has more cells than the table.",
    "missing-cell": "A table row has fewer cells than the table.",
    # rules a table schema cannot express
    "duplicate-id": "Two records have the same id.",
    "id-mismatch": "A record's id is not its file name.",
    "reserved-id": "An id is a name the site itself uses (a page, a folder, a JavaScript property).",
    "ages-reversed": "The minimum age is above the maximum.",
    "end-before-start": "A session ends before it starts.",
    "free-with-amount": "A free service gives an amount.",
    "future-date": "A last-checked date is in the future.",
    "no-location": "An in-person service has no location.",
    "location-not-in-person": "A location is given for a service that is not in person.",
    "which-location": "A session does not say which of several locations it is at.",
    "outside-area": "A location lies outside the bounding box.",
    "not-monthly": "A week of the month is given for a session that is not monthly.",
    "wrong-weekday": "A fortnightly session's start date is not on one of its days.",
    "not-for-kind": "A field is given that does not apply to this kind of change or capacity.",
    "dates-reversed": "A change's end (or review) date is before its start.",
    "open-ended": "A change has neither an end date (to) nor a review_by date.",
    "change-ended": "A change ended over a month ago and should be removed.",
    "review-due": "An open-ended change has passed its review_by date.",
    "draft": "A record is a draft (something awaits a person's confirmation) and is kept off the site.",
    # settings and the project
    "bad-box": "The bounding box is not south < north and west < east.",
    "bad-tiles": "The tile address is not a template with {z}, {x} and {y}.",
    "no-catalogue": "There are no interface strings for a language.",
    "not-found": "A file named by a setting (such as the logo) is not in the project.",
    # import
    "bad-json": "An imported file is not valid JSON.",
    "json-too-deep": "An imported JSON file is nested too deeply.",
    "too-many": "An import holds more services or rows than an import takes.",
    "too-many-columns": "An imported spreadsheet has too many columns.",
    "cell-too-large": "A spreadsheet cell is larger than an import reads.",
    "bad-csv": "An imported spreadsheet cannot be read as CSV.",
    "bad-mapping": "The import mapping file cannot be used.",
    "bad-id": "An imported id is not lowercase letters, numbers and hyphens.",
    "bad-session": "An imported session is not written in a way the import understands.",
    "no-coordinates": "An imported location has no coordinates.",
    "no-json": "A folder to import holds no .json files.",
    "not-a-service": "An imported JSON file holds no Open Referral UK service.",
    "unreadable-service": "An imported service cannot be read.",
    "same-service": "The same service was found twice; it was read once.",
    "unknown-column": "An imported spreadsheet column is not one the import understands.",
    "link-skipped": "Links in a folder to import were not followed.",
    "not-json-skipped": "Files in a folder to import that do not end in .json were not read.",
    "no-vocabulary": "The data folder's vocabularies cannot be read.",
    "text-cleaned": "Imported text had control characters or line separators removed.",
    "not-written": "A record could not be written.",
    "not-undone": "After a failed write, a record could not be put back as it was.",
    "not-imported": "Nothing was imported: the batch did not pass.",
}


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


def problem_line(p: Problem, with_label: bool = True) -> str:
    """One problem as a line of text: file:line: [warning:] field: message (every text report uses this)."""
    where = f"{p.file}:{p.line}" if p.line else p.file
    field = f" {p.field}:" if p.field else ""
    label = " warning:" if with_label and not p.is_error else ""
    return f"{where}:{label}{field} {p.message}"


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """Problems one per line, each followed by its hint."""
    out = []
    for p in problems:
        out.append(problem_line(p))
        if p.hint:
            out.append(f"    hint: {p.hint}")
    return out


def format_text(problems: list[Problem], checked: int) -> str:
    """Render problems one per line, with hints, a summary and the number of assets checked."""
    out = problem_lines(problems)
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
