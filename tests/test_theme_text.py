"""The theme's interface strings, made once per build (overrides/partials/language.html), are the theme's own."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import material
import pytest

from generator.site.mkdocs_plugin import OVERRIDES, ThemeText

THEME = Path(material.__file__).parent / "templates"
USE = '{% import "partials/language.html" as lang with context %}{{ lang.t(key) }}'
ENGLISH = (THEME / "partials" / "languages" / "en.html").read_text(encoding="utf-8")
KEYS = re.findall(r'^\s*"([a-z0-9_.-]+)":', ENGLISH, re.M)


def _env(*folders: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), auto_reload=False)


@pytest.mark.parametrize("language", ["en", "cy", "de"])
def test_every_theme_string_is_the_one_the_themes_own_macro_gives(language):
    theirs = _env(THEME).from_string(USE)
    env = _env(OVERRIDES, THEME)
    looked_up = []
    text = ThemeText(env, language)
    env.globals["cam_theme_text"] = lambda key: looked_up.append(key) or text(key)
    ours = env.from_string(USE)
    config = {"theme": {"language": language}}
    assert len(KEYS) > 40
    for key in [*KEYS, "no.such.key"]:
        assert ours.render(key=key, config=config) == theirs.render(key=key, config=config), key
    assert looked_up == [*KEYS, "no.such.key"], "the override, not the theme's macro, gave them"
    assert text("search") == text("search") and len(text._made) == len(KEYS) + 1, "each made once"
