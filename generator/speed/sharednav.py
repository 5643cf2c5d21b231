"""The theme's menu made once for the many pages that are not in it (MkDocs' pages, here and in its workers).

Every page of the theme carries the site's menu (`partials/nav.html`, with one `nav-item.html` macro
call per entry). On a page that is not itself in the menu (an asset's page, a need's, a sheet...) no
entry is current, so nothing in the menu depends on the page except where its links lead from: the
menu of every such page in the same folder is the same HTML. A profile of MkDocs building 2,000
asset pages put the menu at about a quarter of a page's time (benchmarks/RESULTS.md, sixth session).

`install` wraps the theme template's render function, which `{% include %}` calls, so that the menu
is made on the first page of each folder and given again to the others; a page in the menu, a page
with a menu entry inside its own folder, and anything without a page are made as the theme makes them.
A build installs it on its own Jinja environment (one per language), so nothing is kept between builds.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator

TEMPLATE = "partials/nav.html"


def _nav_urls(nav) -> list[str]:
    """The address of every page in the menu (sections have none; a link's address leads off the site)."""
    return [page.url for page in nav.pages]


class SharedNav:
    """The wrapper of the theme menu's render function (see the module's docstring)."""

    def __init__(self, render: Callable, nav) -> None:
        self._render = render
        self._in_nav = set(_nav_urls(nav))
        self._made: dict[str, str] = {}

    def _key(self, page) -> str | None:
        """The folder whose menu this page shares, or None when its menu is made for it alone."""
        url = getattr(page, "url", None)
        if not url or url in self._in_nav or any(other.startswith(url) for other in self._in_nav):
            return None  # (the home page's address is empty: every other one begins with it)
        return posixpath.dirname(url.rstrip("/"))

    def __call__(self, context) -> Iterator[str]:
        key = self._key(context.get("page"))
        if key is None:
            yield from self._render(context)
            return
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = "".join(self._render(context))
        yield made


def install(env, nav) -> None:
    """Make the theme's menu once per folder for pages outside it, in pages built with env (see above)."""
    if nav is None:
        return
    template = env.get_template(TEMPLATE)
    render = template.root_render_func
    if isinstance(render, SharedNav):  # installed already (the same environment built twice)
        render = render._render
    template.root_render_func = SharedNav(render, nav)
