"""Build: validate, render, write the generated pages, run a strict MkDocs build, swap the site in."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.files import LinkRefused, links_in, read_bytes, walk
from generator.speed import forked
from generator.speed.buildstate import (
    BuildState,
    Content,
    Plan,
    asset_groups,
    clear_state,
    digest,
    forget_state,
    load_state,
    plan_build,
    save_state,
    state_dir,
    tree_digest,
)
from generator.render.strings import Catalogue, catalogue_languages, load_catalogue
from generator.data.config import Config
from generator.render.changed import render_changed
from generator.render.findsupport import render_find_page
from generator.render.mapview import render_map_page
from generator.opendata.publish import render_open_data
from generator.speed.outputs import plan_tasks, previous_reader, run_outputs
from generator.speed.pageworkers import WarningCollector
from generator.data.check import Checked, check, cycle_collection_paused, inputs_digest
from generator.problems import DataError
from generator.render.languages import localise, translatable
from generator.render.pages import Site, environment, render_pages
from generator.render.sheets import render_sheets
from generator.site.project import Project, vendor_files
from generator.site.search import FOLDER as SEARCH_FOLDER
from generator.site.search import Indexes, SearchIndexError, settle_search_files
from generator.site.settings import (
    MkDocsConfigError,
    add_quick_exit,
    check_settings,
    language_links,
    language_settings,
    load_mkdocs,
    site_settings,
)
from generator.site.write import (
    WriteError,
    copy_hand_written,
    discard,
    drop_unchanged,
    hand_written_pages,
    merge_in,
    remove_generated,
    settle,
    staging_dir,
    swap_in,
)

PARALLEL_RENDER = 1000  # assets to render; below this one process is quicker than forking


class BuildError(Exception):
    """A build step failed for a reason other than invalid data; the message says which and why."""


@dataclass
class BuildResult:
    """What a build did, with the time each stage took."""

    checked: Checked
    pages: int = 0
    written: int = 0
    removed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    incremental: bool = False




def refuse_links(*folders: Path | None) -> None:
    """BuildError naming the first symbolic link in the given docs folders, which MkDocs would follow."""
    for docs in folders:
        if docs is not None and os.path.islink(docs):
            raise BuildError(f"{LinkRefused(docs)}: nothing was built or removed; make it a folder.")
        if docs is not None and Path(docs).is_dir():
            try:
                found = links_in(Path(docs), "")
            except (OSError, ValueError) as exc:
                raise BuildError(f"cannot read {docs}: {exc}") from exc
            if found:
                raise BuildError(
                    f"{LinkRefused(Path(docs, found[0]))}: nothing was built or removed; "
                    "replace the link with the files themselves."
                )


def footer_text(config: Config, t: Catalogue, today: dt.date) -> str:
    """The page footer (as HTML): data licence, build date and where to send corrections."""
    text = html.escape(f"{t('site.licence', licence=config.data_licence)}. ")
    text += html.escape(f"{t('site.built_on', date=t.date(today))}.")
    if config.corrections_contact:
        link = f'<a href="{html.escape(config.corrections_href)}">{html.escape(config.corrections_contact)}</a>'
        before, _, after = t("footer.corrections", contact="\x00").partition("\x00")
        text += f" {html.escape(before)}{link}{html.escape(after)}"
    return text


def run_mkdocs(
    cfg: MkDocsConfig,
    docs_dir: Path,
    site_dir: Path,
    copyright_text: str,
    generated: dict[str, Content] | None = None,
    previous: Path | None = None,
    keep: set[str] | None = None,
    parallel: set[str] | None = None,
    compiled: Path | None = None,
    defaults: Path | None = None,
    languages: tuple[str, ...] = (),
    build_id: str | None = None,
) -> dict[str, str]:
    """A strict MkDocs build (cfg, from load_mkdocs) of docs_dir and the generated files (in memory) into site_dir.

    BuildError on warnings.
    A dirty build, into an empty site_dir: with a previous site, the files in keep are current there
    and are not written again; the pages in parallel may be built by worker processes, one per core.
    The theme's compiled templates are kept in compiled, when given, for the next build. The files
    of defaults (the package's pages, styles and scripts) are added where docs_dir has none of its own.
    languages are the codes a hand-written page's name may carry (about.cy.md): such a page stands in for
    its original in the build of cfg's theme language, and is left out of every other.
    build_id (see site_build_id) is written into the offline copy's service worker.
    Returns each page's output path in the site, by its source path.
    """
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        cfg["docs_dir"], cfg["site_dir"], cfg["copyright"] = str(docs_dir), str(site_dir), copyright_text
        plugin = cfg.plugins.get("assetmap")
        if plugin is None:
            raise BuildError(f"{cfg.config_file_path} must list the assetmap plugin under plugins: (as mkdocs.yml here does).")
        plugin.generated = generated or {}
        plugin.previous, plugin.keep = previous, keep or set()
        plugin.parallel, plugin.workers = parallel or set(), min(os.cpu_count() or 1, 4)
        plugin.compiled = compiled
        plugin.defaults = defaults
        plugin.language, plugin.languages = cfg["theme"]["language"], languages
        plugin.build_id = build_id
        mkdocs_build(cfg, dirty=True)
        return dict(plugin.page_outputs)
    except (MkDocsException, OSError) as exc:
        details = "; ".join(collector.messages) or str(exc)
        raise BuildError(f"the MkDocs build failed: {details}") from exc
    finally:
        logger.removeHandler(collector)


def build_key(
    project: Project, data_dir: Path, checked: Checked, mk, settings: dict, footer: str, today: dt.date
) -> str:
    """A hash of everything a page depends on besides its own record (see buildstate.BuildState.key).

    Theme folders of the project's own (a custom_dir of template overrides) count; installed ones
    count by their package's version.
    """
    versions = " ".join(f"{name}={metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "jinja2"))
    installed = Path(sys.prefix).resolve()
    own_theme = [Path(d) for d in mk["theme"].dirs if not Path(d).resolve().is_relative_to(installed)]
    return digest(
        inputs_digest(Path(data_dir), checked.schema.descriptor, today),
        tree_digest(*project.templates, *own_theme),
        project.config_file.read_bytes(),
        repr(project.docs_dir_override()),
        repr(sorted(settings.items())),
        footer,
        versions,
    )


def site_build_id(key: str, page_hashes: dict[str, str], data_hashes: dict[str, str], *folders: Path | None) -> str:
    """An id of the whole site as built: the build key, every generated file's hash and the hand-written
    folders (pages, styles, scripts). It changes whenever the site does, on a rebuild too; the offline
    copy's cache is named after it, so that a new build replaces the copies kept under the old one."""
    listing = "\n".join(f"{path} {h}" for path, h in sorted((page_hashes | data_hashes).items()))
    return digest(key, listing, tree_digest(*(f for f in folders if f is not None)))[:16]


class _DirtyBuildNotice(logging.Filter):
    """Drops MkDocs' caution that a dirty build may leave navigation stale, which strict mode would count.

    Ours cannot: a rebuild keeps only pages whose source is unchanged and whose every other input
    (settings, navigation, templates, code, date) is covered by the build key; search entries are
    merged by the plugin; anything else means a full build.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def site_outputs(site: Site, env, checked: Checked, records: Path | None) -> list:
    """Every output of one language's site (its open data files only in the default language's); records is
    the records folder, whose git history makes the What's changed page."""
    return [
        *render_pages(site, env),
        *render_sheets(site, env, site.config.site_url + site.language_folder),
        *render_find_page(site, env),
        *render_map_page(site, env),
        *render_open_data(site, checked, env),
        *render_changed(site, env, records),
    ]


def render_site(
    site: Site,
    env,
    checked: Checked,
    plan: Plan,
    out: Path,
    staged: Path,
    compiled: Path,
    records: Path | None = None,
) -> tuple[dict[str, Content], dict[str, str | None]]:
    """Render every generated file but the browser libraries, in two processes when the site is large.

    Every output is declared by its renderer (see render.contract); speed.outputs decides what this
    plan makes again and shares the work. Each process writes the per-asset data files it rendered
    straight into the new site (staged), when they changed (see write.settle). The previous site (out)
    and the build's state (compiled) hold what may be reused. Returns the other files, for MkDocs,
    and the hash of every file (None for a file left KEEP: the previous build's stands). records is
    the records folder (see site_outputs).
    """
    outputs = site_outputs(site, env, checked, records)
    previous_data = plan.previous.data if plan.previous else {}
    read = previous_reader(out, previous_data)
    tasks = plan_tasks(outputs, checked.assets, site.groups(), plan, read, compiled)
    # (by the number of assets, not of changes: the data package and GeoJSON cover every asset)
    fork = len(checked.assets) >= PARALLEL_RENDER
    return run_outputs(tasks, lambda files: settle(files, previous_data, staged), fork)


def language_names(project: Project, languages: tuple[str, ...]) -> dict[str, str]:
    """Each language's name in itself ("Cymraeg"), from its catalogue (its code when the catalogue has none)."""
    names = {}
    for code in languages:
        t = load_catalogue(project.templates, code)
        names[code] = t("language_name") if t.has("language_name") else code
    return names


def build_language(
    language: str,
    project: Project,
    checked: Checked,
    env,
    today: dt.date,
    sources: tuple[Path, Path | None, Path | None],
    folders: tuple[Path, Path, Path],
    names: dict[str, str],
    build_id: str,
) -> list[str]:
    """Build the whole site in another language than the default into staged/<language>/.

    sources are the docs folder, the package's default pages and the records folder; folders the new site
    (staged), the previous one (out) and the build's state (compiled); names each language's name in its own;
    build_id the site's (see site_build_id), for this language's copy of the offline service worker.

    Always a full build of that language (its pages are cheap beside the default language's data files,
    which are not made again). Returns the files of the previous site in that folder that the new one
    no longer has (for write.merge_in).
    """
    (docs_dir, defaults, records), (staged, out, compiled) = sources, folders
    config = checked.config.in_language(language)
    t = load_catalogue(project.templates, language)
    assets, categories, areas = localise(
        checked.assets, checked.categories, checked.areas, language, translatable(checked.schema)
    )
    site = Site(config, t, assets, categories, areas, today, repository=config.repository, records_path=config.records_path)
    into = staged / language
    outputs = site_outputs(site, env, checked, records)
    plan = Plan(reason="every page of another language is built each time")
    tasks = plan_tasks(outputs, assets, site.groups(), plan, previous_reader(out / language, {}), compiled)
    try:
        files, _ = run_outputs(tasks, lambda made: settle(made, {}, into), len(assets) >= PARALLEL_RENDER)
    except (forked.ChildError, WriteError) as exc:
        raise BuildError(f"rendering the pages in {language} failed: {exc}") from exc
    except Exception as exc:  # a template error is a bug in a template, reported without a traceback
        raise BuildError(f"rendering the pages in {language} failed: {type(exc).__name__}: {exc}") from exc
    try:
        mk = load_mkdocs(project.config_file, config, strict=True, **project.docs_dir_override())
    except MkDocsConfigError as exc:
        raise BuildError(str(exc)) from exc
    language_settings(mk, config, t)
    language_links(mk, config, t, names)
    add_quick_exit(mk, config, t)
    run_mkdocs(
        mk,
        docs_dir,
        into,
        footer_text(config, t, today),
        files | vendor_files(),
        parallel={path for path in files if path.startswith("support/") or not path.endswith(".md")},
        compiled=compiled / "theme",
        defaults=defaults,
        languages=catalogue_languages(project.templates),
        build_id=build_id,
    )
    before = out / language
    if not before.is_dir() or os.path.islink(before):
        return []
    now = {rel for rel, what in walk(into) if what == "file"}
    return [
        f"{language}/{rel}"
        for rel, what in walk(before)
        if what == "file" and rel not in now and not rel.startswith(SEARCH_FOLDER + "/")  # see settle_search_files
    ]


def build_site(
    data_dir: Path,
    out: Path,
    config_file: Path | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda message: None,
    docs_dir: Path | None = None,
    incremental: bool = True,
) -> BuildResult:
    """Build the whole site into out; on any failure out is left exactly as it was.

    config_file is the area's mkdocs.yml (None: the one beside the data folder, else the package's
    default; see project.Project.find). Generated pages and data go to MkDocs in memory, beside the
    hand-written pages of the project's docs folder (site_src/) and the package's default pages
    behind them, or of docs_dir when given, which then receives a copy of them (so
    that two builds, such as parallel test runs, do not share a folder). When the previous build's state
    (beside out) shows what is unchanged, only what changed is validated, rendered and built
    (incremental=False always builds everything).
    """
    with cycle_collection_paused():
        return _build_site(data_dir, out, config_file, today, progress, docs_dir, incremental)


def _build_site(
    data_dir: Path,
    out: Path,
    config_file: Path | None,
    today: dt.date | None,
    progress: Callable[[str], None],
    docs_dir: Path | None,
    incremental: bool,
) -> BuildResult:
    today = today or dt.date.today()
    out = Path(out).absolute()  # MkDocs would take a relative folder as relative to its configuration file
    project = Project.find(Path(data_dir), config_file)
    if not project.config_file.is_file():
        raise BuildError(f"{project.config_file} not found: run the build from the project folder or pass --config.")
    if os.path.islink(out):
        raise BuildError(f"{LinkRefused(out)}: remove the link, or build into another folder.")
    if not incremental:
        clear_state(out)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    checked = check(data_dir, today=today, cache=state_dir(out))
    timings["validate"] = time.perf_counter() - started
    if not checked.ok:
        raise DataError(checked.problems, checked.checked)
    progress(f"Validated {checked.checked} assets in {timings['validate']:.1f} s.")
    if checked.drafts:
        progress(
            f"{len(checked.drafts)} drafts kept off the site until confirmed (assetmap review lists what each needs)."
        )

    started = time.perf_counter()
    try:
        mk = load_mkdocs(project.config_file, checked.config, strict=True, **project.docs_dir_override())
    except MkDocsConfigError as exc:
        raise BuildError(str(exc)) from exc
    settings_problems = check_settings(checked.config, project.templates, mk)
    if settings_problems:
        raise DataError(settings_problems, checked.checked)
    refuse_links(Path(mk["docs_dir"]), docs_dir)
    if docs_dir is None:
        docs_dir = Path(mk["docs_dir"])
    else:
        copy_hand_written(Path(mk["docs_dir"]), Path(docs_dir))
    defaults = project.default_pages(docs_dir)
    t = load_catalogue(project.templates, checked.config.languages[0])
    languages = checked.config.languages if len(checked.config.languages) > 1 else ()
    names = language_names(project, languages)
    if languages:
        language_links(mk, checked.config, t, names)
    footer = footer_text(checked.config, t, today)
    add_quick_exit(mk, checked.config, t)
    key = build_key(project, data_dir, checked, mk, site_settings(checked.config), footer, today)
    groups_of = {a.id: asset_groups(a.categories, a.areas) for a in checked.assets}
    if not incremental:
        plan = Plan(reason="a full build was asked for")
    elif not mk["nav"]:
        plan = Plan(reason="mkdocs.yml has no nav: every page lists every other")
    else:
        plan = plan_build(load_state(out), key, checked.record_hashes, groups_of)
    site = Site(
        checked.config,
        t,
        checked.assets,
        checked.categories,
        checked.areas,
        today,
        repository=checked.config.repository,
        records_path=checked.config.records_path,
    )
    compiled = state_dir(out) / "compiled"  # templates and the map, for the next build
    env = environment(project.templates, compiled / "templates")
    vendor = vendor_files()
    previous = plan.previous
    staged = staging_dir(out)
    notice = _DirtyBuildNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(notice)
    # each language's search index is written while the next language's pages are made (a large site's)
    background = len(languages) > 1 and len(checked.assets) >= PARALLEL_RENDER
    indexes = Indexes(staged, out.resolve() if previous else None, background)
    try:
        try:
            files, hashes = render_site(site, env, checked, plan, out, staged, compiled, Path(data_dir) / "assets")
        except (forked.ChildError, WriteError) as exc:
            raise BuildError(f"rendering failed: {exc}") from exc
        except Exception as exc:  # a template error is a bug in a template, reported without a traceback
            raise BuildError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
        files |= vendor
        hashes |= {path: digest(content) for path, content in vendor.items()}
        timings["render"] = time.perf_counter() - started
        rendered = sum(1 for h in hashes.values() if h is not None)
        progress(f"Rendered {rendered} files in {timings['render']:.1f} s ({len(hashes) - rendered} unchanged).")

        started = time.perf_counter()
        try:
            removed = remove_generated(Path(docs_dir)) if defaults is not None or project.own_config else 0
        except WriteError as exc:
            raise BuildError(str(exc)) from exc
        try:  # a file left KEEP is the previous build's, with the previous build's hash
            hashes = {
                path: h or (previous.pages[path][0] if path.endswith(".md") else previous.data[path])
                for path, h in hashes.items()
            }
        except (KeyError, AttributeError) as exc:
            clear_state(out)
            raise BuildError(f"the record of the previous build has no {exc}; it was removed: build again") from exc
        page_hashes = {p: h for p, h in hashes.items() if p.endswith(".md")} | hand_written_pages(Path(docs_dir), defaults)
        data_hashes = {p: h for p, h in hashes.items() if not p.endswith(".md")}
        keep: set[str] = set()
        gone: list[str] = []
        if previous:
            keep = {p for p, h in page_hashes.items() if previous.pages.get(p, [None])[0] == h}
            keep |= {p for p, h in data_hashes.items() if previous.data.get(p) == h}
            gone = [previous.pages[p][1] for p in previous.pages if p not in page_hashes]
            gone += [p for p in previous.data if p not in data_hashes]
        written = sum(1 for path in hashes if path not in keep)
        timings["write"] = time.perf_counter() - started
        progress(f"{written} generated files changed; running MkDocs (strict)…")

        started = time.perf_counter()
        build_id = site_build_id(key, page_hashes, data_hashes, Path(docs_dir), defaults)
        outputs = run_mkdocs(
            mk,
            docs_dir.resolve(),
            staged,
            footer,
            files,
            previous=out.resolve() if previous else None,
            keep=keep,
            # asset pages (the theme's search skips them: their entries come back from the workers) and data
            parallel={path for path in files if path.startswith("support/") or not path.endswith(".md")},
            compiled=compiled / "theme",
            defaults=defaults,
            languages=catalogue_languages(project.templates),
            build_id=build_id,
        )
        indexes.add("")
        for language in languages[1:]:
            started_language = time.perf_counter()
            gone += build_language(
                language,
                project,
                checked,
                env,
                today,
                (docs_dir.resolve(), defaults, Path(data_dir) / "assets"),
                (staged, out, compiled),
                names,
                build_id,
            )
            indexes.add(language)
            timings[f"language {language}"] = time.perf_counter() - started_language
            progress(f"Built the pages in {language} in {timings[f'language {language}']:.1f} s.")
        searched = time.perf_counter()
        try:
            records = indexes.finish()
        except SearchIndexError as exc:
            raise BuildError(str(exc)) from exc
        if previous:
            gone += settle_search_files(staged, out)
            for language in languages[1:]:
                drop_unchanged(staged, out, language)
        timings["search"] = time.perf_counter() - searched
        progress(f"Search index of {records} entries written ({timings['search']:.1f} s after the pages).")
        forget_state(out)
        try:
            merge_in(staged, out, gone) if previous else swap_in(staged, out)
        except OSError as exc:
            raise BuildError(f"cannot update {out}/: {exc.strerror or exc}; it was put back as it was") from exc
    except BaseException:
        indexes.close()  # nothing may still be writing into the staged site
        discard(staged)
        raise
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(notice)
    save_state(
        out,
        BuildState(
            key,
            {i: [h, groups_of[i]] for i, h in checked.record_hashes.items()},
            {p: [h, outputs[p]] for p, h in page_hashes.items() if p in outputs},
            data_hashes,
        ),
    )
    timings["mkdocs"] = time.perf_counter() - started - timings["search"]
    how = "only what changed" if previous else f"everything: {plan.reason}"
    progress(f"MkDocs built {how} in {timings['mkdocs']:.1f} s; the site is in {out}/.")
    count = sum(1 for name in hashes if name.endswith(".md"))
    return BuildResult(checked, count, written, removed, timings, incremental=previous is not None)
