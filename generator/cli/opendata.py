"""`assetmap export` and `assetmap import`: open data out of and into the records."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.authoring.importer import ImportReport, import_csv, import_oruk
from generator.cli.options import DATA_OPTION, settings_or_exit
from generator.data.check import check
from generator.data.schema import load_schema, schema_file
from generator.opendata.publish import FORMATS, catalogue_site, write_export
from generator.problems import report
from generator.render.strings import load_catalogue
from generator.site.project import Project

TEMPLATES_OPTION = click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    show_default=True,
    help="A templates folder whose strings/ catalogue labels the exports [default: the area's templates/, "
    "then the package's].",
)
UPDATE_OPTION = click.option(
    "--update", is_flag=True, help="Replace records that already exist (never done without it)."
)


def _data_folder(data_dir: Path) -> None:
    if not (data_dir / "config.yaml").is_file():
        raise click.UsageError(f"{data_dir} has no config.yaml: is --data pointing at the assets_data folder?")
    try:
        load_schema(data_dir)
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise click.UsageError(f"{schema_file(data_dir)} cannot be read ({exc}); restore it from git.") from None


@click.command("export")
@DATA_OPTION
@TEMPLATES_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="datapackage (CSV + datapackage.json), oruk (Open Referral UK JSON), geojson, or ics (calendars).",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write into.")
def export_command(data_dir: Path, templates: Path, fmt: str, out: Path) -> None:
    """Export the records as open data in one format."""
    _data_folder(data_dir)
    checked = check(data_dir)
    if not checked.ok:
        click.echo(report(checked.problems, checked.checked, "text"))
        click.echo("Nothing was exported: fix the problems above first.", err=True)
        sys.exit(1)
    site = catalogue_site(checked, load_catalogue(templates or Project.find(data_dir).templates), dt.date.today())
    written = write_export(site, checked.schema, fmt, out)
    click.echo(f"Wrote {len(written)} files to {out}/.")


@click.group("import")
def import_group() -> None:
    """Add records from Open Referral UK JSON or a spreadsheet (CSV); existing records are kept unless --update."""


def _finish(result: ImportReport) -> None:
    click.echo(result.text())
    sys.exit(0 if result.ok else 1)


@import_group.command("oruk")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@DATA_OPTION
@TEMPLATES_OPTION
@UPDATE_OPTION
def import_oruk_command(source: Path, data_dir: Path, templates: Path, update: bool) -> None:
    """Import ORUK services from SOURCE: one service, a list, a /services response, or a folder of .json files."""
    _data_folder(data_dir)
    settings_or_exit(data_dir, "Nothing was imported")  # (the bounding box is a setting)
    _finish(import_oruk(data_dir, source, update, templates or Project.find(data_dir).templates, dt.date.today()))


@import_group.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DATA_OPTION
@UPDATE_OPTION
def import_csv_command(source: Path, data_dir: Path, update: bool) -> None:
    """Import the rows of a spreadsheet saved as CSV (UTF-8) with the documented column names."""
    _data_folder(data_dir)
    _finish(import_csv(data_dir, source, update, dt.date.today()))
