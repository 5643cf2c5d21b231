"""Parts of the theme made once and given again (generator/speed/sharedparts.py) are the theme's own."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from generator.site.build import build_site
from generator.speed import sharedparts

from .conftest import ROOT


def _pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_every_page_is_the_same_as_with_the_themes_own_parts(tmp_path, monkeypatch, english_sample):
    monkeypatch.chdir(ROOT)
    made = {"shared": 0}
    share = sharedparts.Shared.__call__

    def counted(self, context):
        made["shared"] += self.key(context.get("page")) in self._made
        return share(self, context)

    monkeypatch.setattr(sharedparts.Shared, "__call__", counted)
    shared = tmp_path / "shared"
    build_site(english_sample, shared, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs1", incremental=False)
    assert made["shared"] > 3 * 50, "the asset pages were given the parts made for the first of them"

    monkeypatch.setattr(sharedparts, "install", lambda env, nav, folders: None)
    own = tmp_path / "own"
    build_site(english_sample, own, ROOT / "mkdocs.yml", docs_dir=tmp_path / "docs2", incremental=False)

    ours, theirs = _pages(shared), _pages(own)
    assert len(ours) > 100 and ours.keys() == theirs.keys()
    assert [page for page in ours if ours[page] != theirs[page]] == []


def test_which_pages_share_a_menu():
    nav = SimpleNamespace(pages=[SimpleNamespace(url=u) for u in ["", "find/", "need/", "need/walking/extra/"]])
    key = sharedparts.menu_key(nav)
    page = SimpleNamespace
    assert key(page(url="support/a/")) == key(page(url="support/b/")) != key(page(url="support/c.html"))
    assert key(page(url="sheet/")) != key(page(url="support/a/"))
    assert key(None) is None and key(page(url="")) is None, "no page, and the home page: made for them"
    assert key(page(url="find/")) is None, "a page in the menu has its own entry marked"
    assert key(page(url="need/walking/")) is None, "a menu entry inside the page's own folder: its link differs"
    assert key(page(url="need/food/")) == key(page(url="need/arts/"))


def test_an_areas_own_template_is_made_for_every_page(tmp_path):
    import jinja2

    from generator.site.mkdocs_plugin import OVERRIDES, THEME_TEMPLATES

    own = tmp_path / "partials"
    own.mkdir()
    (own / "nav.html").write_text("<nav>{{ page.title }}</nav>", encoding="utf-8")
    folders = [tmp_path, OVERRIDES, THEME_TEMPLATES]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), auto_reload=False)
    env.filters["url"] = env.filters["script_tag"] = str  # (MkDocs' own, which the theme's templates use)
    sharedparts.install(env, SimpleNamespace(pages=[]), [OVERRIDES, THEME_TEMPLATES])
    assert not isinstance(env.get_template(sharedparts.NAV).root_render_func, sharedparts.Shared)
    assert isinstance(env.get_template(sharedparts.PALETTE).root_render_func, sharedparts.Shared)
    assert isinstance(env.get_template(sharedparts.SEARCH).root_render_func, sharedparts.Shared)
    page = SimpleNamespace(url="support/a/", title="A")
    other = SimpleNamespace(url="support/b/", title="B")
    assert env.get_template(sharedparts.NAV).render(page=page) != env.get_template(sharedparts.NAV).render(page=other)
