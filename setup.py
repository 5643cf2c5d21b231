"""Packaging: the wheel carries this repository's default templates, pages, schema, vocabularies,
workflows, issue forms, docs and CONTRIBUTING guide in generator/_bundled/ (see generator/defaults.py).

In a checkout (and an editable install) the code reads those folders where they are; only a wheel
needs a copy. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {
    "templates": None,
    "site_src": None,
    # the schema and vocabularies, and the two records `assetmap init` starts an area with
    "assets_data": (
        "datapackage.json",
        "vocabularies/*.yaml",
        "assets/stroud-valleys-walkers.yaml",
        "assets/gloucestershire-carers-line.yaml",
    ),
    ".github": None,
    "docs": ("configuration.md", "deploy.md", "open-data.md"),
    "CONTRIBUTING.md": None,
}
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store", "generated", "support", "need", "area", "sheets")


class BuildWithDefaults(build_py):
    """build_py, then copy the bundled defaults into the package being built."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "generator" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        for name, patterns in BUNDLED.items():
            source = HERE / name
            if source.is_file():
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
            elif patterns is None:
                shutil.copytree(source, target / name, ignore=SKIP)
            else:
                for pattern in patterns:
                    for path in source.glob(pattern):
                        (target / name / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, target / name / path.relative_to(source))


setup(cmdclass={"build_py": BuildWithDefaults})
