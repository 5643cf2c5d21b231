"""Options and helpers shared by the `assetmap` commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from generator.data.config import Config, load_config
from generator.problems import DataError, Problem, report

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("assets_data"),
    show_default=True,
    help="The data folder (holding assets/, vocabularies/, config.yaml and datapackage.json).",
)

OUT_OPTION = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where to write the built site.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The MkDocs configuration of the project [default: mkdocs.yml beside the data folder, if there is one, "
    "else the package's own].",
)


def write_option(default: str, what: str):
    """A --write option that refreshes a generated reference inside a file (default: default)."""
    return click.option(
        "--write",
        "target",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        is_flag=False,
        flag_value=Path(default),
        help=f"Refresh the {what} inside this file ({default} when no file is given) instead of printing it.",
    )


def print_or_refresh(
    target: Path | None, what: str, generate: Callable[[], str], replace: Callable[[str], str]
) -> None:
    """Print a generated reference, or refresh it between its markers inside target."""
    if target is None:
        click.echo(generate())
        return
    target.write_text(replace(target.read_text(encoding="utf-8")), encoding="utf-8")
    click.echo(f"Refreshed the {what} in {target}.")


def stop_on(problems: list[Problem], what: str) -> None:
    """Report problems and exit 1 (saying what was not done), or return when there are none."""
    if problems:
        click.echo(report(problems, 0, "text"))
        click.echo(f"{what}: fix the problems above first.", err=True)
        sys.exit(1)


def settings_or_exit(data_dir: Path, what: str) -> Config:
    """The settings of config.yaml, or exit 1 reporting each problem with file, line and field."""
    try:
        return load_config(data_dir)
    except DataError as exc:
        stop_on(exc.problems, what)
        raise  # (stop_on exits)
