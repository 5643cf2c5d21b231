"""The find support page: compact JSON of every asset for filtering in the browser, and the page itself."""

from __future__ import annotations

import json
from collections import defaultdict

from generator.render.contract import Output, SiteWide
from generator.render.pages import Site, json_script
from generator.render.schedule import DAY_ORDER, compact

COST_CODES = {"free": "f", "donation": "d", "fee": "p"}
ACCESS_ORDER = ["drop-in", "self-referral", "referral"]
CAPACITY_CODES = {"open": "o", "waiting-list": "w", "full": "f"}


def district_centroids(site: Site) -> dict[str, list[int]]:
    """The mean position of the records' own locations in each postcode district (such as GL5), in 1e-5 degrees."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for asset in site.assets:
        for loc in asset.locations:
            entry = sums[loc.district]
            entry[0] += loc.latitude
            entry[1] += loc.longitude
            entry[2] += 1
    return {d: [round(lat / n * 1e5), round(lon / n * 1e5)] for d, (lat, lon, n) in sorted(sums.items())}


# From this many assets, the find support page's data is split by area: the page loads the parts its
# view needs (the area chosen, or the areas of the postcode district given or nearest the person),
# instead of every asset before it shows anything.
FIND_SPLIT_AT = 5000
FIND_PARTS = "assets/data/find/"  # per area: {"assets": [...]}, as find.json's, in pieces (below)
# An area's part comes in pieces, in name order: <area>.json, the first FIND_FIRST_PIECE assets (more than
# a page of results), then <area>.2.json, <area>.3.json and so on, of FIND_PIECE each. The page shows the
# first results from the first piece while the rest arrive.
FIND_FIRST_PIECE = 300
FIND_PIECE = 2000


def find_data(site: Site) -> dict:
    """Everything the find support page filters on, with vocabularies as index lists to stay small."""
    cats = [c.id for c in site.categories]
    areas = [a.id for a in site.areas]
    groups = list(site.t.section("groups"))
    features = list(site.t.section("accessibility"))
    items = []
    for asset in site.assets:
        days = 0
        for session in asset.sessions:
            for day in session.days:
                days |= 1 << (DAY_ORDER.index(day) + 1)
        item = {
            "i": asset.id,
            "n": asset.name,
            "s": asset.summary,
            "o": asset.organisation,
            "c": [cats.index(c) for c in asset.categories],
            "a": [areas.index(a) for a in asset.areas],
            "$": COST_CODES.get(asset.cost, "u"),  # unknown: no cost shown or filtered on
            "x": ACCESS_ORDER.index(asset.access) if asset.access in ACCESS_ORDER else -1,
            "d": days,
        }
        if asset.status != "active":
            item["st"] = asset.status
        for name, key in (("name", "un"), ("summary", "us")):
            if name in asset.untranslated:  # shown in the default language, on a page of another
                item[key] = site.config.languages[0]
        if asset.groups:
            item["g"] = [groups.index(g) for g in asset.groups]
        feats = sorted({features.index(f) for loc in asset.locations for f in loc.accessibility})
        if feats:
            item["f"] = feats
        if asset.locations:
            item["t"] = asset.locations[0].town
            item["l"] = [[round(loc.latitude * 1e5), round(loc.longitude * 1e5)] for loc in asset.locations]
        if asset.sessions:
            item["ss"] = [compact(s) for s in asset.sessions]
        if asset.capacity:  # in words; its code only while confirmed within capacity_valid_days
            item["cp"] = site.capacity_text(asset)
            if site.capacity_fresh(asset):
                item["k"] = CAPACITY_CODES[asset.capacity]
        if changes := site.change_parts(asset):
            item["ch"] = changes
            if site.written_language and any(note for _words, note in changes):
                item["uc"] = site.written_language  # the notes' language, on a page of another
        items.append(item)
    return {
        "categories": cats,
        "areas": areas,
        "groups": groups,
        "features": features,
        "districts": district_centroids(site),
        "assets": items,
    }


# The home page's "on today" list shows at most TODAY_SHOWN sessions, the earliest, with a link to the
# find support page for the rest; its file holds the TODAY_CANDIDATES earliest (some of which may not
# be on this week: fortnightly and monthly sessions), so that the home page stays light at any size.
TODAY_SHOWN = 30
TODAY_CANDIDATES = 90


def day_files(site: Site) -> dict[str, str]:
    """For each weekday, the assets with a session on it (the earliest, on a long day), for the home page's list."""
    files = {}
    for number, day in enumerate(DAY_ORDER, start=1):
        items = []
        for asset in site.assets:
            sessions = [compact(s) for s in asset.sessions if day in s.days]
            if sessions and asset.status == "active":
                item = {"i": asset.id, "n": asset.name, "ss": sessions}
                if "name" in asset.untranslated:  # shown in the default language, on a page of another
                    item["un"] = site.config.languages[0]
                if asset.locations:
                    item["t"] = asset.locations[0].town
                items.append(item)
        doc = {"pages": "support/", "none": site.t("home.today_none"), "items": items}
        if len(items) > TODAY_SHOWN:  # the home page shows the earliest; the rest are a link away
            if len(items) > TODAY_CANDIDATES:
                first = sorted(range(len(items)), key=lambda i: items[i]["ss"][0]["s"])[:TODAY_CANDIDATES]
                doc["items"] = [items[i] for i in sorted(first)]
            doc["shown"] = TODAY_SHOWN
            doc["all"] = f"find/?day={day}"
            doc["more"] = site.t("today.more", day=site.t("days." + day))
        files[f"assets/data/day-{number}.json"] = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return files


def split_find_data(site: Site, data: dict) -> dict[str, str]:
    """find.json without its assets, which go to one part per area (an asset in two areas is in both), each
    in pieces (see FIND_PIECE), with each area's count and pieces and the areas of each postcode district,
    so that the page loads only what its view needs, and shows the first results of it first."""
    areas = data["areas"]
    parts: list[list[dict]] = [[] for _ in areas]
    near: dict[str, set[int]] = defaultdict(set)
    for item in data["assets"]:
        for index in item["a"]:
            parts[index].append(item)
    index = {key: value for key, value in data.items() if key != "assets"}
    pieces = [_pieces(part) for part in parts]
    index["parts"] = {
        "path": "find/",
        "counts": [len(part) for part in parts],
        "pieces": [len(cut) for cut in pieces],
        "total": len(data["assets"]),
    }
    area_index = {area: i for i, area in enumerate(areas)}
    for asset in site.assets:
        for loc in asset.locations:
            near[loc.district].update(area_index[a] for a in asset.areas)
    index["districtAreas"] = {d: sorted(near[d]) for d in sorted(near)}
    files = {"assets/data/find.json": _json(index)}
    for area, cut in zip(areas, pieces, strict=True):
        for number, piece in enumerate(cut, start=1):
            files[f"{FIND_PARTS}{area}{'' if number == 1 else f'.{number}'}.json"] = _json({"assets": piece})
    return files


def _pieces(part: list[dict]) -> list[list[dict]]:
    """An area's part cut into its pieces (one, empty, for an area without assets)."""
    first, rest = part[:FIND_FIRST_PIECE], part[FIND_FIRST_PIECE:]
    return [first] + [rest[i : i + FIND_PIECE] for i in range(0, len(rest), FIND_PIECE)]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_find_page(site: Site, env) -> list[Output]:
    """The find support page, its data file and the "on today" files of the home page."""
    return [SiteWide("find support page and data", lambda: find_page(site, env), cost=1.3)]


def find_page(site: Site, env) -> dict[str, str]:
    """The find support page and its data file, as {path in the docs folder: text}."""
    t = site.t
    districts = district_centroids(site)
    example = {"example": next(iter(districts), "GL1"), "area": site.config.area_name}
    strings = {key: t("find." + key) for key in t.section("find")}
    strings |= {key: t("find." + key, **example) for key in ("postcode", "postcode_unknown")}
    strings |= {"cost_" + k: t("cost." + k) for k in ("free", "donation", "fee")}
    strings |= {"access_" + k: t("access." + k) for k in ACCESS_ORDER}
    strings |= {"status_" + k: t("asset.status_" + k) for k in ("paused", "closed")}
    split = len(site.assets) >= FIND_SPLIT_AT
    if split:
        strings["choose_area"] = t("national.choose_area")
    options = {
        "data": "../assets/data/find.json",
        "pages": "../support/",
        "strings": strings,
        "categoryNames": {c.id: c.name for c in site.categories},
        "areaNames": {a.id: a.name for a in site.areas},
    }
    if split:  # the page asks for the first piece of an area named in its address as soon as it starts
        options["parts"] = "../" + FIND_PARTS
    page = env.get_template("find.md.j2").render(
        site=site,
        t=t,
        days=DAY_ORDER,
        access=ACCESS_ORDER,
        groups=t.section("groups"),
        getting_in={"taking": t("capacity.filter_taking"), "turn-up": t("capacity.filter_turn_up")},
        features=t.section("accessibility"),
        options=json_script(options),
        early={"data": options["data"], "parts": options.get("parts", "")},  # for the page's head: cam-find-early.html
        root="../",
        postcode_label=strings["postcode"],
    )
    data = find_data(site)
    files = split_find_data(site, data) if split else {"assets/data/find.json": _json(data)}
    return {"find.md": page, **files, **day_files(site)}
