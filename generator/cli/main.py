"""The `assetmap` command line: each verb a thin wrapper over the pipeline's stages."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from generator import __version__
from generator.authoring.areainit import InitError, init_project, parse_bbox
from generator.authoring.editorschema import SCHEMA_NAME, schema_text
from generator.authoring.fieldref import field_reference, replace_reference
from generator.authoring.newrecord import is_slug, new_record
from generator.authoring.review import (
    AgeError,
    format_changes,
    format_drafts,
    format_review,
    review,
    with_changes,
    with_drafts,
)
from generator.authoring.translations import counts, format_translations, missing_translations
from generator.cli.opendata import export_command, import_group
from generator.cli.options import (
    CONFIG_OPTION,
    DATA_OPTION,
    OUT_OPTION,
    print_or_refresh,
    settings_or_exit,
    stop_on,
    write_option,
)
from generator.data.check import Checked, check
from generator.data.config import config_reference, replace_config_reference
from generator.data.schema import load_schema
from generator.defaults import DEFAULT_TEMPLATES
from generator.problems import DataError, report
from generator.render.strings import load_catalogue
from generator.site.build import BuildError, BuildResult, build_site
from generator.site.project import Project
from generator.site.settings import MkDocsConfigError, check_settings, load_mkdocs
from generator.speed.shutdown import skip_final_collection


def data_folder(data_dir: Path) -> Path:
    """data_dir, or stop with a usage error if it is not a data folder."""
    if not (data_dir / "config.yaml").is_file():
        raise click.UsageError(f"{data_dir} has no config.yaml: is --data pointing at the assets_data folder?")
    return data_dir


def run_validation(data_dir: Path) -> Checked:
    """Load, validate and model a data folder, or stop with a usage error if it is not one."""
    return check(data_folder(data_dir))


@click.group()
@click.version_option(__version__, prog_name="assetmap")
def main() -> None:
    """Community Asset Map: validate asset records and build the website."""
    skip_final_collection()


@main.command("validate")
@DATA_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for pull-request annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (such as records not checked recently) as errors.")
def validate_command(data_dir: Path, fmt: str, strict: bool) -> None:
    """Check every record against the schema and report all problems at once."""
    result = run_validation(data_dir)
    click.echo(report(result.problems, result.checked, fmt))
    failed = not result.ok or (strict and result.problems)
    sys.exit(1 if failed else 0)


def run_build(data_dir: Path, out: Path, config_file: Path, full: bool = False) -> BuildResult:
    """Build once, turning data problems and build failures into messages and exit codes."""
    data_folder(data_dir)
    try:
        return build_site(data_dir, out, config_file, progress=lambda m: click.echo(m, err=True), incremental=not full)
    except DataError as exc:
        click.echo(report(exc.problems, exc.checked, "text"))
        click.echo(f"The site was not built; {out}/ is unchanged.", err=True)
        sys.exit(1)
    except BuildError as exc:
        click.echo(f"Build failed: {exc}", err=True)
        click.echo(f"{out}/ is unchanged.", err=True)
        sys.exit(1)


@main.command("build")
@DATA_OPTION
@OUT_OPTION
@CONFIG_OPTION
@click.option(
    "--full",
    is_flag=True,
    help="Build everything, ignoring the state the previous build kept (in ~/.cache/community-asset-map/).",
)
def build_command(data_dir: Path, out: Path, config_file: Path, full: bool) -> None:
    """Validate the records and build the website (atomic: a failed build changes nothing).

    After the first build, only what changed since the previous one is validated, rendered and built.
    """
    run_build(data_dir, out, config_file, full)


@main.command("serve")
@DATA_OPTION
@OUT_OPTION
@CONFIG_OPTION
@click.option("--port", default=8000, show_default=True, help="Port to serve on (localhost only).")
def serve_command(data_dir: Path, out: Path, config_file: Path, port: int) -> None:
    """Build, serve the site on http://127.0.0.1:PORT/, and rebuild when a record or template changes."""
    from generator.site.serve import serve

    config = settings_or_exit(data_folder(data_dir), "Not serving")
    project = Project.find(data_dir, config_file)
    try:
        mk = load_mkdocs(project.config_file, config, strict=True, **project.docs_dir_override())
    except MkDocsConfigError as exc:
        click.echo(f"Not serving: {exc}", err=True)
        sys.exit(1)
    stop_on(check_settings(config, project.templates, mk), "Not serving")
    docs_dir = Path(mk["docs_dir"])
    serve(
        lambda: run_build_quietly(data_dir, out, config_file),
        out,
        port,
        watch=[data_dir, *project.templates, docs_dir, project.config_file],
        docs_dir=docs_dir,
    )


def run_build_quietly(data_dir: Path, out: Path, config_file: Path) -> bool:
    """One rebuild for serve: report problems, keep serving the last good site."""
    try:
        run_build(data_dir, out, config_file)
    except SystemExit:
        return False
    return True


@main.command("new")
@click.argument("asset_id")
@DATA_OPTION
def new_command(asset_id: str, data_dir: Path) -> None:
    """Start a new record ASSET_ID.yaml with every field explained; never overwrites a record."""
    if not is_slug(asset_id):
        raise click.UsageError(f"'{asset_id}' is not a valid id: use lowercase letters, numbers and hyphens.")
    target = data_dir / "assets" / f"{asset_id}.yaml"
    if target.exists():
        click.echo(f"{target} already exists; edit it instead, or choose another id.", err=True)
        sys.exit(1)
    text = new_record(load_schema(data_dir), asset_id, dt.date.today())
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"Wrote {target}. Fill in the values marked Required, then run `assetmap validate`.")


@main.command("schema")
@DATA_OPTION
@click.option("--write", is_flag=True, help=f"Write it to {SCHEMA_NAME} in the data folder instead of printing it.")
def schema_command(data_dir: Path, write: bool) -> None:
    """Print the JSON Schema of a record (for editors and check-jsonschema), generated from the data package."""
    config = settings_or_exit(data_folder(data_dir), "No schema was made")
    schema = load_schema(data_dir)
    text = schema_text(schema.with_bounding_box(config.south, config.west, config.north, config.east))
    if not write:
        click.echo(text, nl=False)
        return
    (data_dir / SCHEMA_NAME).write_text(text, encoding="utf-8")
    click.echo(f"Wrote {data_dir / SCHEMA_NAME}.")


@main.command("review")
@DATA_OPTION
@click.option(
    "--older-than",
    default=None,
    help="Age after which a record is stale, like 12m, 1y or 90d (default: review_after_months in config.yaml).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option(
    "--translations",
    is_flag=True,
    help="Instead, list per record and field the English text with no version in each other language "
    "(exit 0: nothing missing; 3: something missing; 1: invalid data).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    metavar="CODE",
    help="With --translations: the language to check, such as cy (default: every language after the first "
    "in config.yaml's languages). Repeat for several.",
)
def review_command(
    data_dir: Path, older_than: str | None, fmt: str, translations: bool, languages: tuple[str, ...]
) -> None:
    """List drafts and what each needs, dated changes to remove or review, then records that are stale or soon
    will be, grouped by organisation.

    With --translations, list instead what is missing in each other language: exit status 0 when
    nothing is, 3 when something is, 1 when the data is invalid, 2 on a usage error.
    """
    if languages and not translations:
        raise click.UsageError("--language goes with --translations.")
    result = run_validation(data_dir)
    if not result.ok:
        click.echo(report(result.problems, result.checked, "text"))
        sys.exit(1)
    if translations:
        sys.exit(translation_review(result, languages, fmt, data_dir.as_posix()))
    older_than = older_than or f"{result.config.review_after_months}m"
    try:
        groups = review(result.assets, dt.date.today(), older_than)
    except AgeError as exc:
        raise click.BadParameter(str(exc), param_hint="--older-than") from exc
    if result.drafts and fmt != "json":
        click.echo(format_drafts(result.drafts, fmt, data_dir.as_posix()))
    if (changes := format_changes(result.problems, fmt)) and fmt != "json":
        click.echo(changes)
    text = format_review(groups, fmt, older_than, data_dir.as_posix())
    if fmt == "json":
        text = with_changes(with_drafts(text, result.drafts), result.problems)
    click.echo(text)


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def translation_review(result: Checked, languages: tuple[str, ...], fmt: str, data_dir: str) -> int:
    """Print what is missing in each language asked for (or each after the first in config.yaml); the exit status."""
    wanted = list(dict.fromkeys(languages)) or list(result.config.languages[1:])
    if not wanted:
        raise click.UsageError(
            "This area's site is in one language (languages in config.yaml): name one to check, as in --language cy."
        )
    for code in wanted:
        if not LANGUAGE_CODE.fullmatch(code):
            raise click.BadParameter(f"'{code}' is not a language code such as cy.", param_hint="--language")
    names = load_catalogue(DEFAULT_TEMPLATES).section("languages")
    missing = {
        code: missing_translations(result.schema, result.assets, result.categories, result.areas, code)
        for code in wanted
    }
    click.echo(format_translations(missing, fmt, names, data_dir), nl=False)
    return 3 if any(counts(entries)["fields"] for entries in missing.values()) else 0


@main.command("fields")
@DATA_OPTION
@write_option("CONTRIBUTING.md", "field reference")
def fields_command(data_dir: Path, target: Path | None) -> None:
    """Print the record field reference generated from the schema."""
    schema = load_schema(data_dir)
    print_or_refresh(
        target, "field reference", lambda: field_reference(schema), lambda text: replace_reference(text, schema)
    )


@main.command("config-reference")
@write_option("docs/configuration.md", "configuration reference")
def config_reference_command(target: Path | None) -> None:
    """Print the reference of every setting in config.yaml, generated from the settings table."""
    print_or_refresh(target, "configuration reference", config_reference, replace_config_reference)


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", required=True, help='The site\'s name, for example "Leeds Community Asset Map".')
@click.option("--area", default=None, help="The area it covers, as people name it (default: the name).")
@click.option(
    "--bbox",
    default=None,
    metavar="SOUTH,WEST,NORTH,EAST",
    help="The area's bounding box in decimal degrees (default: the Gloucestershire sample's box).",
)
@click.option(
    "--generator",
    "requirement",
    default=None,
    metavar="REQUIREMENT",
    help="The generator pin written to requirements.txt, such as 'community-asset-map==0.2.0' "
    "(default: the version running, as it was installed).",
)
def init_command(directory: Path, name: str, area: str | None, bbox: str | None, requirement: str | None) -> None:
    """Start a new area's directory in DIRECTORY (new or empty), ready to build and deploy."""
    try:
        box = parse_bbox(bbox) if bbox is not None else None
    except InitError as exc:
        raise click.BadParameter(str(exc), param_hint="--bbox") from exc
    try:
        init_project(directory, name, area, box, requirement=requirement)
    except InitError as exc:
        click.echo(f"assetmap init: {exc}", err=True)
        sys.exit(1)
    pin = (directory / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    if "file://" in pin:
        click.echo(
            f"Note: requirements.txt pins a folder on this machine ({pin}). Before you push, pin a release "
            "or a git address instead, for example community-asset-map @ git+https://github.com/OWNER/REPO@TAG.",
            err=True,
        )
    click.echo(f"Created {directory}/. Next:")
    click.echo(f"  cd {directory}")
    click.echo("  ./run.sh serve        # build and preview at http://127.0.0.1:8000/")
    click.echo("  then edit assets_data/config.yaml (see docs/configuration.md) and publish (docs/deploy.md).")


main.add_command(export_command)
main.add_command(import_group)


if __name__ == "__main__":
    main()
