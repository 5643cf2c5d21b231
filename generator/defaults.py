"""What the installed package carries for every area: templates, pages, schema, MkDocs settings, libraries.

In a wheel these sit in generator/_bundled/ (mapped from this repository's templates/, site_src/ and
assets_data/ by pyproject.toml); in a checkout they are those folders themselves, so editing the
sample's look here and shipping it to every area are the same act.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # generator/


def bundled(name: str) -> Path:
    """A default file or folder carried by the package: inside an installed wheel, or in this checkout."""
    installed = PACKAGE / "_bundled" / name
    return installed if installed.exists() else PACKAGE.parent / name


DEFAULT_TEMPLATES = bundled("templates")
DEFAULT_PAGES = bundled("site_src")
DEFAULT_DATA = bundled("assets_data")  # the schema and the default vocabularies (and, here, the sample)
DEFAULT_MKDOCS = PACKAGE / "site" / "mkdocs.default.yml"
VENDOR = PACKAGE / "vendor"  # the browser libraries (scripts/update_vendor.py brings them in)
