"""MkDocs plugin: pages the renderer already turned into HTML skip Markdown conversion.

A generated page holds front matter, then the marker line, then escaped HTML from the Jinja2
templates. Python-Markdown would only pass that HTML through (slowly, at 10,000 pages), so the
plugin sets it aside before conversion and puts it back as the page content. Everything else,
theme, navigation and search index included, is MkDocs and Material as usual.
"""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

MARKER = "<!-- assetmap:html -->"


class PrerenderedPages(BasePlugin):
    """Keep pre-rendered HTML out of Markdown conversion."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}

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
