"""Parts of the theme's pages that are the same on many pages, made once and given again (MkDocs' pages,
here and in its workers).

Every page carries the site's menu (`partials/nav.html`, one `nav-item.html` macro call per entry),
the search box (`partials/search.html`), the colour scheme's options (`partials/palette.html`), our
quick exit and offline banner, and the styles, settings and scripts blocks of the theme's
`base.html`. On a page that is not itself in the menu (an asset's page, a need's, a sheet...) no
entry is current, so the menu depends only on where its links lead from: it is the same on every
such page in a folder. So are the search box and the three blocks, on every page in a folder; the
others are the same everywhere. A profile of MkDocs building 2,000 asset pages put the menu alone at
about a quarter of a page's time (benchmarks/RESULTS.md, sixth session).

`install` wraps the render function of each template (which `{% include %}` calls) and of each
block, so that a part is made for the first page with its key and given again to the others. A
page in the menu (or with a menu entry inside its own folder) gets a menu of its own; a page
without an address gets every part that depends on the folder as the theme makes it. An area's own
template of the same name is left alone. A build installs it on its own Jinja environment (one per
language), so nothing is kept from one build to the next.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path

from jinja2 import TemplateNotFound

NAV, SEARCH, PALETTE = "partials/nav.html", "partials/search.html", "partials/palette.html"
QUICK_EXIT, OFFLINE = "partials/cam-quick-exit.html", "partials/cam-offline.html"  # (overrides/: the same everywhere)
BASE, BLOCKS = "base.html", ("styles", "config", "scripts")  # the theme's blocks that depend only on the folder


def _everywhere(page) -> str:
    """The key of a part that is the same on every page."""
    return ""


def _folder(page) -> str | None:
    """The folder a page's address is in, and whether the address is itself a folder (a/b/) or a file (a/b.html):
    its links to other pages lead from there (None: no address; the home page's is empty)."""
    url = getattr(page, "url", None)
    return posixpath.dirname(url.rstrip("/")) + ("/" if url.endswith("/") else "") if url else None


class Shared:
    """A template's render function, giving the part it made for a key again (see the module's docstring)."""

    def __init__(self, render: Callable, key: Callable[[object], str | None]) -> None:
        self._render = render
        self.key = key  # the page -> the key its part is kept under, or None: made for it alone
        self._made: dict[str, str] = {}

    def __call__(self, context) -> Iterator[str]:
        key = self.key(context.get("page"))
        if key is None:
            yield from self._render(context)
            return
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = "".join(self._render(context))
        yield made


def menu_key(nav) -> Callable[[object], str | None]:
    """The key of a page's menu: its folder, unless the page is in the menu or a menu entry is inside its folder."""
    in_nav = {page.url for page in nav.pages}

    def key(page) -> str | None:
        url = getattr(page, "url", None)
        if not url or url in in_nav or any(other.startswith(url) for other in in_nav):
            return None
        return _folder(page)

    return key


def _shared(render: Callable, key: Callable[[object], str | None]) -> Shared:
    """render (a template's or a block's render function) giving the part it made for a key again."""
    return Shared(render._render if isinstance(render, Shared) else render, key)  # (wrapped once, however often)


def _known_template(env, name: str, folders: list[Path]):
    """The template of that name when it was read from one of folders, else None (another theme has none)."""
    try:
        template = env.get_template(name)
    except TemplateNotFound:
        return None
    return template if any(Path(template.filename or "").is_relative_to(f) for f in folders) else None


def install(env, nav, folders: list[Path]) -> None:
    """Make each part once per key in pages built with env (see above).

    Only a template read from one of folders (the theme's, and the package's overrides) is made once:
    an area's own template of the same name (in its custom_dir) may show anything of the page.
    """
    keys = {SEARCH: _folder, PALETTE: _everywhere, QUICK_EXIT: _everywhere, OFFLINE: _everywhere}
    if nav is not None:
        keys[NAV] = menu_key(nav)
    for name, key in keys.items():
        template = _known_template(env, name, folders)
        if template is not None:
            template.root_render_func = _shared(template.root_render_func, key)
    base = _known_template(env, BASE, folders)
    if base is not None:
        for block in BLOCKS:
            if block in base.blocks:
                base.blocks[block] = _shared(base.blocks[block], _folder)
