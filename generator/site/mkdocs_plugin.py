"""MkDocs plugin: pages the renderer already turned into HTML skip Markdown conversion and HTML parsing.

A generated page holds front matter, then the marker line, then escaped HTML from the Jinja2
templates. Python-Markdown would only pass that HTML through (slowly, at 10,000 pages), so the
plugin sets it aside before conversion and puts it back as the page content; with nothing left to
convert, no Markdown processor is made at all (_Prerendered). Asset, need and area
pages are excluded from the search plugin's HTML parsing (front matter `search: exclude`; the theme's
plugin is not shown their HTML at all) and carry their searchable text, already escaped, in
`cam_search`; the plugin adds those entries to the theme's search index after the build. Generated
pages and the site-wide data files (JSON, CSV) come from the build in memory (`generated`; pages
compressed until read) and are handed to MkDocs as generated files: they are written once, into the
site, and never into the docs folder. (The per-asset data
files are written into the new site by the build itself: see write.settle.) The theme's interface
strings are made once per build (ThemeText).

For a rebuild, `assetmap build` names the previous site (`previous`) and the pages and data files
whose output there is still current (`keep`). MkDocs then runs a dirty build into an empty folder:
kept files are marked unmodified, so only changed pages are read, rendered and written, and the
search entries of kept pages are taken from the previous index. On a large build, worker
processes build the pages named in `parallel` (see pageworkers.py); this one builds the other
generated pages one at a time once they have started (_Later), and the hand-written ones as usual.
Everything else is MkDocs and Material as usual.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import material
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import YAML_RE

from generator.files import read_bytes
from generator.speed import forked

from generator.speed import pageworkers, sharedparts
from generator.speed.buildstate import KEEP, WRITTEN, Content, Packed, unpack
from generator.render.pages import compiled_templates
from generator.site.write import is_generated

OVERRIDES = Path(__file__).parent / "overrides"  # the package's additions to the theme (main.html, partials)
THEME_TEMPLATES = Path(material.__file__).parent / "templates"  # Material's own

MARKER = "<!-- assetmap:html -->"


class _Unchanged(File):
    """A file whose output in the previous site is current: MkDocs' dirty build skips it."""

    def is_modified(self) -> bool:
        return False


class _Elsewhere(File):
    """A file a worker process writes: the main process's dirty build skips it."""

    def is_modified(self) -> bool:
        return False


class _Later(File):
    """A generated page this process builds itself once the workers are started (see on_env): MkDocs' dirty
    build skips it, so that its text is neither read before then nor held by the workers."""

    def is_modified(self) -> bool:
        return False


class _Prerendered(Page):
    """A generated page: front matter read with YAML's C loader, and no Markdown run when there is none.

    Its body is HTML set aside by the plugin (on_page_markdown); building a Python-Markdown
    processor for an empty text was a tenth of the MkDocs build at 10,000 pages.
    """

    def read_source(self, config) -> None:
        """As MkDocs does, but the front matter (written by our templates) is parsed by the C loader."""
        source = config.plugins.on_page_read_source(page=self, config=config)
        text = self.file.content_string if source is None else source
        match = YAML_RE.match(text)
        meta = yaml.load(match.group(1), Loader=_FastLoader) if match else None
        if not isinstance(meta, dict):
            return super().read_source(config)
        self.markdown, self.meta = text[match.end() :].lstrip("\n"), meta

    def render(self, config, files: Files) -> None:
        """Markdown as usual for text before the marker; with none, an empty page that has no headings."""
        if self.markdown.strip():
            return super().render(config, files)
        self.content, self.toc, self._title_from_render = "", get_toc([]), None
        self.present_anchor_ids, self.links_to_anchors = set(), {}


_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(file: File, kind: type[File]) -> File:
    file.__class__ = kind  # the same file; only is_modified differs
    return file


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def _defaults(folder: Path, own: set[str], config) -> list[File]:
    """The files of folder (the package's default pages, styles and scripts) that the docs folder does not replace."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        stem, _, suffix = rel.rpartition(".")
        base = stem.rpartition(".")[0] + ".md" if suffix == "md" and "." in stem else rel
        if base in own and base != rel:  # the area's own page stands; the package's translation of ours does not
            continue
        if path.is_file() and rel not in own and not is_generated(rel) and "__pycache__" not in path.parts:
            found.append(File(rel, str(folder), config["site_dir"], config["use_directory_urls"]))
    return found


def language_of(src_uri: str, languages: tuple[str, ...]) -> str | None:
    """The language a page's name marks (about.cy.md: cy), when it is one of languages; None otherwise."""
    stem, dot, suffix = src_uri.rpartition(".")
    code = stem.rpartition(".")[2] if dot and suffix == "md" and "." in stem else None
    return code if code in languages else None


def for_language(files: list[File], language: str, languages: tuple[str, ...], config) -> list[File]:
    """The hand-written pages of one language's build: about.cy.md stands in for about.md in the cy build.

    Pages named for a language (page.LANG.md) are left out of every other language's build; in their
    own, each takes the place of the page it translates, at that page's address.
    """
    chosen = {f.src_uri: f for f in files if language_of(f.src_uri, languages) is None}
    for file in files:
        if language_of(file.src_uri, languages) == language:
            base = file.src_uri[: -len(f".{language}.md")] + ".md"
            chosen[base] = File.generated(config, base, abs_src_path=file.abs_src_path)
    return list(chosen.values())


class ThemeText:
    """The theme's interface strings in one language, each made by the theme's own tables once and kept.

    Called as t(key) by overrides/partials/language.html, in place of the theme's macro of the same name
    (which rebuilt its tables for every string); gives exactly what the theme's macro gives.
    """

    # the theme's partials/language.html, as it works out one string
    LOOKUP = (
        '{% import "partials/languages/" ~ language ~ ".html" as lang %}'
        '{% import "partials/languages/en.html" as fallback %}'
        "{{ lang.t(key) or fallback.t(key) or key }}"
    )

    def __init__(self, env, language: str) -> None:
        self._lookup = env.from_string(self.LOOKUP)
        self._language = language
        self._made: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        text = self._made.get(key)
        if text is None:
            text = self._made[key] = self._lookup.render(language=self._language, key=key)
        return text


SERVICE_WORKER = "sw.js"  # the offline copy's service worker, at the site's root
BUILD_PLACEHOLDER = "__CAM_BUILD__"


def _stamp_worker(site_dir: Path, build_id: str | None) -> None:
    """Write the build's id into the service worker, so that its cache (and so every kept copy) is this build's."""
    worker = site_dir / SERVICE_WORKER
    if build_id and worker.is_file():
        text = worker.read_text(encoding="utf-8")
        worker.write_text(text.replace(f'"{BUILD_PLACEHOLDER}"', json.dumps(build_id)), encoding="utf-8")


def _page_url(file: File) -> str:
    """A page's URL as search entries give it (the home page's is empty, as in mkdocs.structure.pages.Page)."""
    return "" if file.url in (".", "./") else file.url


class PrerenderedPages(BasePlugin):
    """Keep pre-rendered HTML out of Markdown conversion; build only what changed when asked."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}
        self._aside: dict[str, str] = {}  # HTML kept from the theme's search plugin (see _set_aside_from_search)
        self._search: list[dict] = []
        self._order: dict[str, int] = {}
        self._kept_urls: set[str] = set()
        # Set by `assetmap build` before each build:
        self.generated: dict[str, Content] = {}
        self.previous: Path | None = None
        self.keep: set[str] = set()
        self.parallel: set[str] = set()  # generated files worker processes may write
        self.workers = 1  # worker processes for the parallel files (one: this process builds them)
        self.compiled: Path | None = None  # where the theme's compiled templates are kept between builds
        self.defaults: Path | None = None  # the package's pages, styles and scripts, behind the docs folder
        self.language = ""  # the language of this build, one of languages (see for_language)
        self.languages: tuple[str, ...] = ()  # the codes a page's name may carry (about.cy.md): see for_language
        self.build_id: str | None = None  # the site's id, written into the offline copy's service worker
        self._shares: list[list[File]] = []
        self._later: list[File] = []  # generated pages built here after the workers start (see _Later)
        self._running: list[pageworkers.Worker] = []
        self._nav = None
        # Read by `assetmap build` after it: where each page was written, by its source path.
        self.page_outputs: dict[str, str] = {}

    def on_config(self, config):
        """Put the package's theme overrides (overrides/) behind the area's own custom_dir, before the theme's."""
        dirs = config.theme.dirs
        if str(OVERRIDES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(OVERRIDES))
        return config

    def on_pre_build(self, config) -> None:
        """Start each build with no collected search entries (and nothing set aside by a build that failed)."""
        self._search = []
        self._aside = {}

    def on_files(self, files: Files, config) -> Files:
        """Add the build's generated files; mark what the previous site holds and what workers write."""
        every = []
        if self.defaults is not None:
            own = {file.src_uri for file in files}
            files = Files([*files, *_defaults(self.defaults, own, config)])
        if self.languages:
            files = Files(for_language(list(files), self.language, self.languages, config))
        for file in files:
            if file.src_uri in self.generated:
                continue  # a stale copy in the docs folder gives way
            if file.src_uri in self.keep and file.is_documentation_page():
                file = _mark(file, _Unchanged)
            every.append(file)
        pages, data = [], []
        for path, content in sorted(self.generated.items()):  # one order, whichever process rendered what
            if path in self.keep:  # current in the previous site: never read, never written
                every.append(_mark(File.generated(config, path, content=b""), _Unchanged))
                continue
            if content is KEEP:
                raise PluginError(f"{path} was left for the previous site to provide, but it is not kept.")
            if content is WRITTEN:  # in the new site already (write.settle): known to MkDocs, never written
                every.append(_mark(File.generated(config, path, content=b""), _Elsewhere))
                continue
            file = File.generated(config, path, content=content)
            every.append(file)
            if path in self.parallel:
                (pages if file.is_documentation_page() else data).append(file)
        self._shares = []
        if self.workers > 1 and len(pages) + len(data) >= pageworkers.MIN_SHARE and pageworkers.can_fork():
            # every parallel file goes to a worker, so that this process reads none of them before forking
            by_worker = zip(forked.shares(pages, self.workers), forked.shares(data, self.workers), strict=True)
            self._shares = [p + d for p, d in by_worker if p or d]
            for share in self._shares:
                for file in share:
                    _mark(file, _Elsewhere)
        return Files(every)

    def on_nav(self, nav, config, files: Files):
        """Keep the navigation for the page workers; make the generated pages _Prerendered; leave for later
        (_Later) those to be built here that are not in the navigation.

        A generated page in the navigation is read before the workers start, as MkDocs reads it, so
        that every page shows its title in the navigation (a nav entry may have none).
        """
        self._nav = nav
        in_nav = {id(page) for page in nav.pages}
        self._later = []
        for file in files.documentation_pages():
            if file.src_uri in self.generated:
                if file.page is None:  # not in the navigation: MkDocs would make it a Page next
                    _Prerendered(None, file, config)
                else:
                    file.page.__class__ = _Prerendered
                here = file.src_uri not in self.parallel and file.src_uri not in self.keep
                if here and id(file.page) not in in_nav and pageworkers.can_build():
                    self._later.append(_mark(file, _Later))
        return nav

    def on_env(self, env, config, files: Files):
        """Note every page's place and output, for the search index and the build's state; start the workers,
        then build the other generated pages here, one at a time."""
        if self.compiled:
            env.bytecode_cache = compiled_templates(self.compiled)
        env.globals["cam_theme_text"] = ThemeText(env, config.theme["language"])
        sharedparts.install(env, self._nav, [OVERRIDES, THEME_TEMPLATES])
        pages = files.documentation_pages()
        self._order = {_page_url(file): i for i, file in enumerate(pages)}
        self._kept_urls = {_page_url(file) for file in pages if isinstance(file, _Unchanged)}
        self.page_outputs = {file.src_uri: file.dest_uri for file in pages}
        self._running = [
            pageworkers.start(share, config, files, self._nav, env, self._search) for share in self._shares
        ]
        later, self._later = self._later, []
        pageworkers.build(later, config, files, self._nav, env)  # (a need's page lists every asset it has)
        return env

    def on_build_error(self, error) -> None:
        """Stop the page workers of a build that failed."""
        for worker in self._running:
            pageworkers.stop(worker)
        self._running = []

    def on_page_read_source(self, page, config) -> str | None:
        """A generated page's text, unpacked (pages wait for MkDocs compressed: see buildstate.Packed)."""
        content = self.generated.get(page.file.src_uri)
        return unpack(content) if isinstance(content, Packed) else None

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Set aside everything after the marker; Markdown converts only what comes before it."""
        before, marker, html = markdown.partition(MARKER)
        if not marker:
            return markdown
        self._html[page.file.src_uri] = html
        return before

    def on_page_content(self, html: str, page, config, files) -> str:
        """Put the pre-rendered HTML back as the page content."""
        stored = self._html.pop(page.file.src_uri, None)
        return html if stored is None else html + stored

    @event_priority(100)  # before the theme's search plugin
    def _set_aside_from_search(self, context, page, config, nav):
        """A generated page kept out of the theme's search index gives the theme's plugin no HTML to scan.

        The theme's search plugin strips its own attributes (data-search-*="…") from every page's HTML,
        indexed or not: 5 s at 100,000 assets, on pages that cannot hold them (the templates write none,
        and contributor text is escaped). The page's HTML is set aside and given back afterwards.
        """
        if page.file.src_uri in self.generated and (page.meta.get("search") or {}).get("exclude"):
            self._aside[page.file.src_uri] = page.content
            page.content = ""
        return context

    @event_priority(-100)  # after every other plugin's
    def _collect_search_entry(self, context, page, config, nav):
        """Give back what was set aside; collect the search entry a generated page carries in its front matter."""
        if page.file.src_uri in self._aside:
            page.content = self._aside.pop(page.file.src_uri)
        text = page.meta.get("cam_search")
        if text:
            self._search.append({"location": page.url, "title": page.title, "text": text})
        return context

    on_page_context = CombinedEvent(_set_aside_from_search, _collect_search_entry)

    def on_post_build(self, config) -> None:
        """Wait for the page workers; complete the search index: our entries, the kept pages' entries, one order."""
        _stamp_worker(Path(config["site_dir"]), self.build_id)
        running, self._running = self._running, []
        reports = [pageworkers.finish(worker) for worker in running]
        for report in reports:
            if "error" in report:
                raise PluginError(f"building pages in a worker process failed: {report['error']}")
            self._search += report["search"]
            for message in report["warnings"]:
                logging.getLogger("mkdocs.plugins.assetmap").warning(message)
        index_file = Path(config["site_dir"]) / "search" / "search_index.json"
        if not index_file.is_file():
            return
        index = json.loads(index_file.read_text(encoding="utf-8"))
        docs = index["docs"] + self._search
        if self._kept_urls and self.previous is not None:
            previous = json.loads(read_bytes(self.previous / "search" / "search_index.json", self.previous))
            docs += [d for d in previous["docs"] if _page_of(d["location"]) in self._kept_urls]
        last = len(self._order)
        index["docs"] = sorted(docs, key=lambda d: self._order.get(_page_of(d["location"]), last))
        index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
