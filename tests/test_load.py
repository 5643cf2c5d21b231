"""Load stage: untrusted YAML is read as text that remembers its lines, and traps are refused."""

from __future__ import annotations

import pytest

from generator.data.loader import Mapping, Sequence, parse_yaml

from .conftest import SAMPLE


def parse(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_yaml(raw, "x.yaml")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("NO", "NO"),
        ("on", "on"),
        ("12:30", "12:30"),
        ("0123", "0123"),
        ("2024-01-05", "2024-01-05"),
        ("1e3", "1e3"),
        ("0x1F", "0x1F"),
        ("'quoted'", "quoted"),
        ('""', ""),
        ("~", None),
        ("", None),
    ],
)
def test_scalars_are_kept_as_written(written, kept):
    data, problems = parse(f"value: {written}\n")
    assert problems == []
    assert data["value"] == kept


def test_lines_are_remembered_for_keys_and_items():
    data, _ = parse("a: 1\nb:\n  - x\n  - y\nc:\n  d: 2\n")
    assert isinstance(data, Mapping) and isinstance(data["b"], Sequence)
    assert data.key_lines == {"a": 1, "b": 2, "c": 5}
    assert data["b"].item_lines == [3, 4]
    assert data["c"].key_lines["d"] == 6


def test_byte_order_mark_is_accepted():
    data, problems = parse(b"\xef\xbb\xbfname: x\n")
    assert problems == [] and data == {"name": "x"}


def test_alias_bomb_is_refused_at_the_first_alias():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    data, problems = parse(bomb)
    assert data is None
    # refused at the first alias (line 2), before any expansion: the bomb is never walked
    assert [(p.code, p.line) for p in problems] == [("yaml-alias", 2)]


def test_duplicate_keys_name_both_lines():
    _, problems = parse("name: a\nsummary: b\nname: c\n")
    assert problems[0].line == 3
    assert "(lines 1 and 3)" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty-file"),
        (b"# only a comment\n", "empty-file"),
        (b"name: caf\xe9\n", "not-utf8"),
        (b"a: 1\n---\nb: 2\n", "yaml-syntax"),
        (b"a: !!python/object/apply:os.system [ls]\n", "yaml-tag"),
        (b"a: !custom x\n", "yaml-tag"),
        (b"<<: {a: 1}\n", "yaml-alias"),
        (b"a: [1, 2\n", "yaml-syntax"),
        (b"a:\n\tb: 1\n", "yaml-syntax"),
    ],
)
def test_traps_are_refused_with_a_line(raw, code):
    data, problems = parse(raw)
    assert data is None
    assert [p.code for p in problems] == [code]
    assert problems[0].line >= 1


def test_huge_file_is_refused():
    data, problems = parse_yaml(b"a: " + b"x" * 300_000 + b"\n", "x.yaml")
    assert data is None and problems[0].code == "file-too-large"


def test_deep_nesting_is_refused_not_crashed():
    data, problems = parse("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert data is None and problems


def _with_lines(value):
    """A loaded value with the lines it remembers, for comparing two loads whole."""
    if isinstance(value, Mapping):
        return ("map", value.line, value.key_lines, {k: _with_lines(v) for k, v in value.items()})
    if isinstance(value, Sequence):
        return ("seq", value.line, value.item_lines, [_with_lines(v) for v in value])
    return value


@pytest.mark.parametrize("record", sorted((SAMPLE / "assets").glob("*.yaml"))[:12], ids=lambda p: p.stem)
def test_a_file_without_aliases_loads_the_same_on_the_quick_way(record):
    """A file with no '*' cannot hold an alias, and its plain values are taken without the alias checks:
    the same file with a '*' in a comment (read the careful way) must give the same values and lines."""
    text = record.read_text(encoding="utf-8") + 'extra: [plain, "quoted", ~, "", null, 12:30]\n'
    text += "nulls:\n  a: ~\n  b:\n  c: null\n  d: ''\n  e: NO\n"
    quick, problems = parse(text)
    careful, careful_problems = parse(text + "# * (a star, so every node is checked for aliases)\n")
    assert problems == careful_problems == []
    assert _with_lines(quick) == _with_lines(careful)
