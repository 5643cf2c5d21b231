"""Problem codes come from one registry: every code a check or the importer reports is in problems.CODES."""

from __future__ import annotations

import ast
import re

import pytest

from generator.data.check import check
from generator.problems import CODES

from .conftest import CASES, ROOT, make_data_dir

CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")
HYPHENATED = re.compile(r"^[a-z]+(-[a-z]+)+$")
REPORTERS = re.compile(r"problem|refuse|refused", re.I)  # Problem(...) and the helpers that make one


def codes_in_source() -> dict[str, str]:
    """Every code-shaped text passed to Problem or a helper that makes one, with where it is."""
    found = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if not REPORTERS.search(name):
                continue
            if name == "Problem":  # Problem(file, line, field, code, ...): the code itself, one word or more
                args = node.args[3:4] + [k.value for k in node.keywords if k.arg == "code"]
                shape = CODE
            else:  # a helper: its hyphenated texts (a field name or a message never has that shape)
                args, shape = [*node.args, *(k.value for k in node.keywords)], HYPHENATED
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and shape.match(arg.value):
                    found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_scan_finds_the_codes_it_should():
    found = codes_in_source()
    assert {"unknown-key", "duplicate-id", "symlink", "bad-json", "reserved-id"} <= set(found)


def test_every_code_in_the_source_is_registered():
    unregistered = {code: where for code, where in codes_in_source().items() if code not in CODES}
    assert unregistered == {}


@pytest.mark.parametrize("case", sorted((CASES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_code_an_invalid_case_produces_is_registered(case, tmp_path):
    problems = check(make_data_dir(tmp_path, {case.name: case.read_bytes()})).problems
    assert problems, "an invalid case has problems"
    assert {p.code for p in problems} <= set(CODES)


def test_every_registered_code_is_explained():
    for code, meaning in CODES.items():
        assert CODE.match(code) and meaning.endswith(".") and len(meaning) > 15, code
