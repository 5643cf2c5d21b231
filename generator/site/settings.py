"""mkdocs.yml as MkDocs itself loads it, with config.yaml's settings applied over it; checks that need the project.

mkdocs.yml is read only here, by MkDocs' own loader, so any configuration MkDocs accepts works
(INHERIT, !ENV, !relative, !!python/name: tags). The settings from config.yaml are set on the loaded
configuration, and win. The theme puts the site's name and description into its pages without
escaping them (<meta name="description" content="...">, aria-label="..."): they go to it as Markup,
escaped once, which its own `| e` leaves as it is.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import escape
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.data.config import Config
from generator.render.languages import folder
from generator.render.strings import Catalogue
from generator.data.settingkinds import ProjectPaths
from generator.problems import Problem
from generator.render.strings import Catalogue
from generator.speed.pageworkers import WarningCollector


class MkDocsConfigError(Exception):
    """mkdocs.yml cannot be loaded; the message says which file and why."""


def site_settings(config: Config) -> dict:
    """What config.yaml sets in the MkDocs configuration, by MkDocs key (theme keys under theme.)."""
    return {
        "site_name": config.site_name,
        "site_description": config.site_description,
        "site_url": config.site_url,
        "theme.language": config.languages[0],
        "theme.primary": config.primary,
        "theme.accent": config.accent,
        "theme.logo": config.logo,
        "extra.repository": config.repository,
        "extra.records_path": config.records_path,
        "extra.quick_exit": config.quick_exit,
        "extra.quick_exit_url": config.quick_exit_url,
    }


def add_quick_exit(mk: MkDocsConfig, config: Config, t: Catalogue) -> None:
    """Give partials/cam-quick-exit.html what it needs (extra.quick_exit: the neutral page and t's words), unless
    quick exit is off."""
    if config.quick_exit:
        mk["extra"]["quick_exit"] = {"url": config.quick_exit_url, **t.section("quick_exit")}


def _apply(mk: MkDocsConfig, config: Config) -> None:
    """Set config.yaml's settings on a loaded MkDocs configuration."""
    mk["site_name"] = escape(config.site_name)
    mk["site_description"] = escape(config.site_description)
    mk["site_url"] = config.site_url
    theme = mk["theme"]
    theme["language"] = config.languages[0]
    palette = theme.get("palette") or [{}]
    colours = {"primary": config.primary, "accent": config.accent}
    if isinstance(palette, dict):
        theme["palette"] = dict(palette, **colours)
    else:
        theme["palette"] = [dict(scheme, **colours) for scheme in palette]
    icons = dict(theme.get("icon") or {})
    if config.logo_is_image:
        theme["logo"] = config.logo
        icons.pop("logo", None)
    else:
        if "logo" in theme:
            del theme["logo"]
        icons["logo"] = config.logo
    theme["icon"] = icons
    mk["extra"]["repository"] = config.repository
    mk["extra"]["records_path"] = config.records_path


def load_mkdocs(config_file: Path, config: Config, **options: object) -> MkDocsConfig:
    """mkdocs.yml loaded by MkDocs (options as for mkdocs.config.load_config), with config.yaml applied."""
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        # (MkDocs requires a site_name; the one in config.yaml is set, escaped, below)
        mk = load_config(config_file=str(config_file), site_name=config.site_name, **options)
    except (MkDocsException, OSError) as exc:
        details = "; ".join(collector.messages) or str(exc)
        raise MkDocsConfigError(f"{config_file} is not a valid MkDocs configuration: {details}") from exc
    finally:
        logger.removeHandler(collector)
    _apply(mk, config)
    return mk


def check_settings(config: Config, templates: list[Path], mk: MkDocsConfig) -> list[Problem]:
    """Settings that can only be checked against the project: language strings and the logo."""
    strings = [folder / "strings" for folder in templates]
    paths = ProjectPaths(strings, Path(mk["docs_dir"]), [Path(d) for d in mk["theme"].dirs])
    return config.check_in_project(paths)


def language_settings(mk: MkDocsConfig, config: Config, t: Catalogue) -> None:
    """Make a configuration loaded with config (in t's language) that of the site in that language: folder, theme, nav."""
    language = t.language
    mk["site_url"] = config.site_url + folder(language, config.languages)
    mk["theme"]["language"] = language
    for scheme in mk["theme"].get("palette") if isinstance(mk["theme"].get("palette"), list) else []:
        if isinstance(scheme.get("toggle"), dict) and t.has("i18n.dark_mode"):
            scheme["toggle"] = dict(scheme["toggle"], name=t("i18n.light_mode" if scheme.get("scheme") == "slate" else "i18n.dark_mode"))
    titles = t.section("nav") if t.has("nav") else {}
    mk["nav"] = _translated_nav(mk["nav"], titles) if mk["nav"] else mk["nav"]
    # The open data files are published once, at the site's root: this language's Open data page links up to them.
    mk["validation"]["links"]["not_found"] = logging.INFO


def _translated_nav(items: list, titles: dict[str, str]) -> list:
    """The navigation with each page's title from the catalogue's nav section (by the page's path), where it has one."""
    out: list = []
    for item in items:
        if isinstance(item, dict):
            (title, target), = item.items()
            if isinstance(target, list):
                out.append({title: _translated_nav(target, titles)})
            else:
                out.append({titles.get(target, title): target})
        else:
            out.append(item)
    return out


def language_links(mk: MkDocsConfig, config: Config, t: Catalogue, names: dict[str, str]) -> None:
    """Tell the theme (extra.cam_languages) where this page is in every language of the site, named in its own."""
    here = folder(t.language, config.languages)
    mk["extra"]["cam_languages_label"] = t("i18n.languages_label")
    mk["extra"]["cam_languages"] = [
        {
            "code": code,
            "name": names[code],
            "url": config.site_url + folder(code, config.languages),
            # from this language's root to that one's
            "path": ("../" if here else "") + folder(code, config.languages),
            "current": code == t.language,
        }
        for code in config.languages
    ]
