"""`assetmap export` and `assetmap import`: open data out of and into the records."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.authoring.feedimport import import_feed
from generator.authoring.importer import ImportReport, import_csv
from generator.authoring.importreport import as_json, as_text, summary
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
@click.option(
    "--feed",
    default=None,
    help="A name for the feed, remembered with each record so a re-import can say which services have gone "
    "[default: SOURCE's file or folder name].",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the whole report to this file: JSON if it ends in .json, otherwise Markdown.",
)
def import_oruk_command(
    source: Path, data_dir: Path, templates: Path, update: bool, feed: str | None, report_file: Path | None
) -> None:
    """Import Open Referral UK services from SOURCE: an ORUK 1.0 or 3.0 service, list, API page, a folder of them,
    or the ORUK tabular set (a folder holding services.csv, organizations.csv, locations.csv...).

    HTML is cleaned to plain text, safe repairs are made and reported, and what the feed does not say is
    shown as unknown ('Ask about cost'), never guessed. A record missing a fact the site needs (a category,
    an area, the date its details were checked) is written as a draft (to_confirm:), kept off the site
    until a person confirms it. The feed's
    terms are mapped to the area's categories, groups and areas by import-mapping.yaml in the data folder.
    Each record remembers its source (in .imported/), so --update changes only what changed at the source
    and keeps what was edited here (a field changed on both sides is reported as a conflict).

    All or nothing: when any service is not valid, any input cannot be read or a file cannot be written,
    nothing in the data folder changes (records and .imported/ alike).

    Exit status: 0 when every service read is now in the data folder (written, updated, or already there);
    1 when nothing was imported because of a problem, or when services sharing another's id were left out
    (the first with that id is imported), as the report says; 2 when the command itself is wrong (no such
    folder, bad option).
    """
    _data_folder(data_dir)
    settings_or_exit(data_dir, "Nothing was imported")  # (the bounding box is a setting)
    outcome = import_feed(
        data_dir, source, update, templates or Project.find(data_dir).templates, dt.date.today(), feed
    )
    click.echo(as_text(outcome))
    if report_file:
        text = as_json(outcome) if report_file.suffix == ".json" else as_text(outcome, markdown=True, limit=None)
        report_file.write_text(text, encoding="utf-8")
        click.echo(f"The whole report is in {report_file}.")
    sys.exit(1 if summary(outcome)["left_out"] or not outcome.report.ok else 0)


@import_group.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DATA_OPTION
@UPDATE_OPTION
def import_csv_command(source: Path, data_dir: Path, update: bool) -> None:
    """Import the rows of a spreadsheet saved as CSV (UTF-8) with the documented column names."""
    _data_folder(data_dir)
    _finish(import_csv(data_dir, source, update, dt.date.today()))
