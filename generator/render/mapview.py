"""The map page: a folium map whose markers come from compact JSON, drawn by the site's own script."""

from __future__ import annotations

import json
from importlib import metadata

from generator.render.contract import Memo, Output, PerSubject, SiteWide
from generator.render.pages import Site, json_script
from generator.render.schedule import describe

# Colours for categories, in vocabulary order; distinguishable and at least 3:1 against map tiles.
PALETTE = [
    "#1b7837",
    "#762a83",
    "#b35806",
    "#2166ac",
    "#c51b7d",
    "#01665e",
    "#8c510a",
    "#d73027",
    "#4d4d4d",
    "#5e3c99",
    "#00798c",
    "#9e0142",
    "#35978f",
    "#e08214",
    "#3f007d",
]
VENDOR_JS = [
    ("leaflet", "assets/vendor/leaflet/leaflet.js"),
    ("markercluster", "assets/vendor/leaflet.markercluster/leaflet.markercluster.js"),
    ("assetmap", "javascripts/map.js"),
]
VENDOR_CSS = [
    ("leaflet_css", "assets/vendor/leaflet/leaflet.css"),
    ("markercluster_css", "assets/vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "assets/vendor/leaflet.markercluster/MarkerCluster.Default.css"),
]


def category_colours(site: Site) -> dict[str, str]:
    """A colour for each category id, in vocabulary order."""
    return {c.id: PALETTE[i % len(PALETTE)] for i, c in enumerate(site.categories)}


def map_points(site: Site) -> dict:
    """Compact marker data: one point per location, [id, lat*1e5, lon*1e5, category index]."""
    index = {c.id: i for i, c in enumerate(site.categories)}
    points = []
    for asset in site.assets:
        for loc in asset.locations:
            points.append([asset.id, round(loc.latitude * 1e5), round(loc.longitude * 1e5), index[asset.categories[0]]])
    return {"categories": [c.id for c in site.categories], "points": points}


def asset_card(site: Site, asset) -> dict:
    """One asset's essentials as plain text, for map popups and signposting sheets (set with textContent)."""
    t = site.t
    card = {
        "name": asset.name,
        "summary": asset.summary,
        "sessions": [describe(s, t) for s in asset.sessions],
        "cost": site.cost_text(asset),
        "access": t("access." + asset.access),
        "status": asset.status,
        "where": [f"{loc.name}, {loc.address}, {loc.town} {loc.postcode}" for loc in asset.locations],
        "accessibility": sorted({t.label("accessibility", f) for loc in asset.locations for f in loc.accessibility}),
        "last_checked": t.date(asset.last_checked),
        "checked_by": asset.checked_by,
    }
    default = site.config.languages[0]
    shown = {name: default for name in ("name", "summary", "first_visit") if name in asset.untranslated}
    if asset.capacity:
        card["capacity"] = site.capacity_text(asset)
    if asset.first_visit:
        card["first_visit"] = asset.first_visit
    if changes := site.change_parts(asset):
        card["changes"] = changes
        if site.written_language and any(note for _words, note in changes):
            shown["notes"] = site.written_language
    if shown:  # on a page of another language: these are in the default language, for their lang attribute
        card["lang"] = shown
    if not asset.locations:
        card["online"] = ", ".join(t("attending." + mode) for mode in asset.attending)
    for key in ("phone", "email", "website"):
        if getattr(asset, key):
            card[key] = getattr(asset, key)
    return card


def folium_memo(site: Site, root: str) -> Memo:
    """The map's head links, its element and its script, drawn by folium with library files served from the site.

    They depend only on the map settings and folium (and this code): a build may keep them between
    builds instead of importing folium and drawing the map again (a fifth of a second, in every rebuild).
    """
    config = site.config
    made_from = [list(config.centre), config.zoom, config.tiles, config.attribution, config.tile_provider, root]
    made_from += [metadata.version("folium"), metadata.version("branca")]
    return Memo(
        "map",
        made_from,
        lambda: list(_draw_map(config, root)),
        check=lambda parts: isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, str) for p in parts),
    )


def _draw_map(config, root: str) -> tuple[str, str, str]:
    """The map's parts, drawn by folium (see folium_memo)."""
    import folium  # a fifth of a second to import: only when the map is drawn
    from branca.element import MacroElement
    from jinja2 import Template

    class AssetLayer(MacroElement):
        """Hands the folium map to the site's map script, which loads the compact marker data."""

        _template = Template(
            "{% macro script(this, kwargs) %}\n"
            "CAM.map.init({{ this._parent.get_name() }}, document.getElementById('cam-map-options'));\n"
            "{% endmacro %}"
        )

        def __init__(self) -> None:
            super().__init__()
            self._name = "AssetLayer"

    fmap = folium.Map(
        location=list(config.centre), zoom_start=config.zoom, tiles=None, control_scale=True, prefer_canvas=True
    )
    fmap.default_js = [(name, root + path) for name, path in VENDOR_JS]
    fmap.default_css = [(name, root + path) for name, path in VENDOR_CSS]
    tiles = folium.TileLayer(tiles=config.tiles, attr=config.attribution, name=config.tile_provider, max_zoom=19)
    tiles.add_to(fmap)
    layer = AssetLayer()
    layer.add_to(fmap)
    # Fixed element names instead of folium's random ones, so the page is the same from the same
    # settings and a rebuild does not rebuild it for nothing.
    for element, name in ((fmap, "assets"), (tiles, "tiles"), (layer, "markers")):
        element._id = name
    figure = fmap.get_root()
    figure.render()
    head = "\n".join(child.render() for name, child in figure.header._children.items() if name != "meta_http")
    return head, figure.html.render(), figure.script.render()


def render_map_page(site: Site, env) -> list[Output]:
    """The map page and its marker data; each asset's card (the map's popups, the signposting sheet use them)."""
    root = "../"

    def page(parts: list[str]) -> dict[str, str]:
        head, body, script = parts
        colours = category_colours(site)
        options = {
            "data": root + "assets/data/map.json",
            "popups": root + "assets/data/asset/",
            "pages": root + "support/",
            "colours": [colours[c.id] for c in site.categories],
            "strings": {"details": site.t("map.view_details"), "loading": "…"},
        }
        text = env.get_template("map.md.j2").render(
            site=site,
            t=site.t,
            colours=colours,
            head=head,
            body=body,
            script=script,
            options=json_script(options),
            root=root,
        )
        return {"map.md": text, "assets/data/map.json": json.dumps(map_points(site), separators=(",", ":"))}

    return [
        SiteWide("map page", page, memo=folium_memo(site, root), cost=0.5),
        PerSubject(
            "map cards",
            "asset",
            lambda asset: f"assets/data/asset/{asset.id}.json",
            lambda asset: json.dumps(asset_card(site, asset), ensure_ascii=False, separators=(",", ":")),
            cost=5,
        ),
    ]
