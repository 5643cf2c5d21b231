"""Where an area's pieces are: its own files first, the installed package's defaults behind them.

An area's repository holds what is its own (assets_data/, and optionally templates/, site_src/ and
mkdocs.yml). Everything else comes from the generator package: the default templates, pages, styles
and scripts, the schema, the default MkDocs configuration and the browser libraries. A file of the
area's own with the same name as a default replaces it, as Material's `custom_dir` does for a theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.defaults import DEFAULT_MKDOCS, DEFAULT_PAGES, DEFAULT_TEMPLATES, VENDOR


@dataclass(frozen=True)
class Project:
    """An area's folder, its MkDocs configuration (its own mkdocs.yml or the default) and its overrides."""

    root: Path
    config_file: Path

    @classmethod
    def find(cls, data_dir: Path, config_file: Path | None = None) -> Project:
        """The project of a data folder: mkdocs.yml beside it when there is one, else the package's default."""
        root = Path(data_dir).resolve().parent
        if config_file is None:
            own = root / "mkdocs.yml"
            config_file = own if own.is_file() else DEFAULT_MKDOCS
        else:
            config_file = Path(config_file)
            if config_file.resolve() != DEFAULT_MKDOCS:
                root = config_file.resolve().parent
        return cls(root, config_file)

    @property
    def own_config(self) -> bool:
        """True when the area has its own mkdocs.yml."""
        return self.config_file.resolve() != DEFAULT_MKDOCS

    @property
    def templates(self) -> list[Path]:
        """The template folders, the area's own first: a template found in the first wins."""
        own = self.root / "templates"
        return [own, DEFAULT_TEMPLATES] if own.is_dir() and own.resolve() != DEFAULT_TEMPLATES else [DEFAULT_TEMPLATES]

    def catalogue_file(self, language: str) -> Path | None:
        """The interface strings for a language (templates/strings/<language>.yaml), or None."""
        for folder in self.templates:
            path = folder / "strings" / f"{language}.yaml"
            if path.is_file():
                return path
        return None

    def docs_dir_override(self) -> dict:
        """The docs folder to give MkDocs when the area has no mkdocs.yml: its site_src/, else the defaults."""
        if self.own_config:
            return {}
        own = self.root / "site_src"
        return {"docs_dir": str(own if own.is_dir() else DEFAULT_PAGES)}

    def docs_dir(self) -> Path:
        """The docs folder named in the area's own mkdocs.yml (read by MkDocs' loader, INHERIT included)."""
        from mkdocs.utils.yaml import yaml_load

        with open(self.config_file, encoding="utf-8") as fh:
            return self.config_file.resolve().parent / ((yaml_load(fh) or {}).get("docs_dir") or "docs")

    def default_pages(self, docs_dir: Path) -> Path | None:
        """The package's pages, styles and scripts to add behind docs_dir (None when docs_dir is them)."""
        return None if Path(docs_dir).resolve() == DEFAULT_PAGES.resolve() else DEFAULT_PAGES


def vendor_files() -> dict[str, bytes]:
    """The browser libraries the site serves itself, keyed by their path in the site."""
    return {
        f"assets/vendor/{path.relative_to(VENDOR).as_posix()}": path.read_bytes()
        for path in sorted(VENDOR.rglob("*"))
        if path.is_file() and path.name != "MANIFEST.json"
    }
