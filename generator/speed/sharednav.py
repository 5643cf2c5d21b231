"""Parts of the theme's pages made once and given again to the pages they are the same on (MkDocs' pages,
here and in its workers).

Every page of the theme carries the site's menu (`partials/nav.html`, with one `nav-item.html` macro
call per entry), the search box (`partials/search.html`) and the colour scheme's options
(`partials/palette.html`). On a page that is not itself in the menu (an asset's page, a need's, a
sheet...) no entry is current, so nothing in the menu depends on the page except where its links
lead from: the menu of every such page in the same folder is the same HTML. The search box depends
only on where its script's address leads from, and the colour options on nothing but the settings.
A profile of MkDocs building 2,000 asset pages put these at about a third of a page's time
(benchmarks/RESULTS.md, sixth session).

`install` wraps each of these templates' render function, which `{% include %}` calls, so that the
part is made on the first page that needs it and given again to the others with the same key; a
page in the menu (and a page with a menu entry inside its own folder) gets a menu of its own, and
anything without a page address gets every part as the theme makes it. A build installs it on its
own Jinja environment (one per language), so nothing is kept from one build to the next.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator

NAV, SEARCH, PALETTE = "partials/nav.html", "partials/search.html", "partials/palette.html"
_ANY = "*"  # the key of a part that is the same on every page


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


def install(env, nav) -> None:
    """Make each part once per key in pages built with env (see above)."""
    keys = {SEARCH: _folder, PALETTE: lambda page: _ANY}
    if nav is not None:
        keys[NAV] = menu_key(nav)
    for name, key in keys.items():
        template = env.get_template(name)
        render = template.root_render_func
        if isinstance(render, Shared):  # installed already (the same environment built twice)
            render = render._render
        template.root_render_func = Shared(render, key)
