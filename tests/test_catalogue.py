"""Every interface string comes from the catalogue, so a language is added by translating one file."""

from __future__ import annotations

import re

import pytest

from generator.render.strings import load_catalogue

from .conftest import ROOT

TEMPLATES = sorted((ROOT / "templates").glob("*.j2"))
FRONT_MATTER_KEYS = re.compile(
    r"^(---|title:.*|description:.*|cam_search:.*|hide:|search:|  exclude: true|  - (navigation|toc))$", re.M
)


def leftover_words(source: str) -> list[str]:
    """Words in a template that do not come from an expression: there should be none."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = FRONT_MATTER_KEYS.sub(" ", text)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("template", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_templates_hold_no_interface_words(template):
    assert leftover_words(template.read_text(encoding="utf-8")) == []


def test_every_catalogue_key_used_in_templates_exists():
    t = load_catalogue(ROOT / "templates")
    used = set()
    for template in TEMPLATES:
        for key in re.findall(r"""\bt\(\s*["']([a-z_.-]+)["']""", template.read_text(encoding="utf-8")):
            if not key.endswith((".", "_")):  # a prefix completed in the template, such as "access." + value
                used.add(key)
    assert len(used) > 50  # the pattern finds the templates' keys (it would find none if the call changed shape)
    missing = []
    for key in sorted(used):
        try:
            assert t(key)
        except KeyError:
            missing.append(key)
    assert missing == []
