"""MkDocs plugin: pages the renderer already turned into HTML skip Markdown conversion and HTML parsing.

A generated page holds front matter, then the marker line, then escaped HTML from the Jinja2
templates. Python-Markdown would only pass that HTML through (slowly, at 10,000 pages), so the
plugin sets it aside before conversion and puts it back as the page content. Asset, need and area
pages are excluded from the search plugin's HTML parsing (front matter `search: exclude`) and carry
their searchable text, already escaped, in `cam_search`; the plugin adds those entries to the theme's
search index after the build. Data files (JSON, CSV, calendars) come from the build in memory
(`data_files`) and are handed to MkDocs as generated files, so they are written once, into the
site, instead of into the docs folder and then copied. Everything else is MkDocs and Material as usual.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

MARKER = "<!-- assetmap:html -->"


class PrerenderedPages(BasePlugin):
    """Keep pre-rendered HTML out of Markdown conversion."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}
        self._search: list[dict] = []
        self.data_files: dict[str, str | bytes] = {}  # set by `assetmap build` before each build

    def on_pre_build(self, config) -> None:
        """Start each build with no collected search entries."""
        self._search = []

    def on_files(self, files: Files, config) -> Files:
        """Add the build's data files as generated files (a stale copy in the docs folder gives way)."""
        for path, content in self.data_files.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, content=content))
        return files

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

    def on_page_context(self, context, page, config, nav):
        """Collect the search entry a generated page carries in its front matter."""
        text = page.meta.get("cam_search")
        if text:
            self._search.append({"location": page.url, "title": page.title, "text": text})
        return context

    def on_post_build(self, config) -> None:
        """Add the collected entries to the search index the theme wrote."""
        index_file = Path(config["site_dir"]) / "search" / "search_index.json"
        if not self._search or not index_file.is_file():
            return
        index = json.loads(index_file.read_text(encoding="utf-8"))
        index["docs"].extend(sorted(self._search, key=lambda d: d["location"]))
        index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
