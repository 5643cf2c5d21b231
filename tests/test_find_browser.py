"""The "Find support" page in headless Chromium: filters, the page address, distance sorting, big data."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from generator.render.strings import load_catalogue

from .conftest import ROOT

pytestmark = pytest.mark.browser

T = load_catalogue(ROOT / "templates")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
COST_LABEL = {"f": T("cost.free"), "d": T("cost.donation"), "p": T("cost.fee")}


@pytest.fixture(scope="module")
def data(built_site) -> dict:
    return json.loads((built_site / "assets" / "data" / "find.json").read_text(encoding="utf-8"))


def count_text(n: int) -> str:
    if n == 0:
        return T("find.no_results")
    if n == 1:
        return T("find.result_one")
    return T("find.results", count=f"{n:,}")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[-/\u2010-\u2015]", " ", re.sub(r"['\u2018\u2019`]", "", text))


def expected_ids(data: dict, q="", cat="", area="", day="", cost="", who="", access="", features=()) -> set[str]:
    """The assets the page should show, worked out independently from find.json and the vocabularies."""
    out = set()
    for a in data["assets"]:
        if cat and data["categories"].index(cat) not in a["c"]:
            continue
        if area and data["areas"].index(area) not in a["a"]:
            continue
        if day and not a["d"] & (1 << (DAYS.index(day) + 1)):
            continue
        if cost == "free" and a["$"] != "f":
            continue
        if cost == "free-or-donation" and a["$"] not in "fd":
            continue
        if who and data["groups"].index(who) not in a.get("g", []):
            continue
        if access and ["drop-in", "self-referral", "referral"].index(access) != a["x"]:
            continue
        if any(data["features"].index(f) not in a.get("f", []) for f in features):
            continue
        if q:
            hay = fold(" ".join([a["n"], a["s"], a["o"], a.get("t", "")] + a["_names"]))
            if not all(word in hay for word in fold(q).split()):
                continue
        out.add(a["i"])
    return out


@pytest.fixture(scope="module")
def named(data, built_site) -> dict:
    """find.json with each asset's category and area names (from the page's own options) attached."""
    html = (built_site / "find" / "index.html").read_text(encoding="utf-8")
    options = json.loads(re.search(r'id="cam-find-options">(.*?)</script>', html, re.S).group(1))
    for a in data["assets"]:
        a["_names"] = [options["categoryNames"][data["categories"][i]] for i in a["c"]] + [
            options["areaNames"][data["areas"][i]] for i in a["a"]
        ]
    return data


def shown_ids(page) -> list[str]:
    hrefs = page.eval_on_selector_all("#cam-results li.cam-card h3 a", "els => els.map(a => a.getAttribute('href'))")
    assert all(h.startswith("../support/") and h.endswith("/") for h in hrefs), hrefs
    return [h[len("../support/") : -1] for h in hrefs]


def open_find(visit, site_url, query: str = "") -> None:
    visit.page.goto(site_url + "find/" + query)
    expect(visit.page.locator("#cam-find-form[data-cam-results]")).to_have_count(1)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def assert_clean(visit) -> None:
    assert visit.outside == [], visit.outside
    assert visit.errors == [], visit.errors
    assert visit.dialogs == [], visit.dialogs


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def test_no_filter_lists_every_asset_by_name(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    n = len(named["assets"])
    expect(page.locator("#results-heading")).to_have_text(count_text(n))
    ids = shown_ids(page)
    assert sorted(ids) == sorted(a["i"] for a in named["assets"])
    names = page.locator("#cam-results h3 a").all_inner_texts()
    assert page.evaluate(
        "ns => ns.every((n, i) => i === 0 || new Intl.Collator('en-GB', {sensitivity: 'base', numeric: true})"
        ".compare(ns[i - 1], n) <= 0)",
        names,
    )
    assert page.locator("#results-heading").get_attribute("aria-live") == "polite"
    # Every card says where, what it costs and how to get in; paused and closed ones say so.
    walkers = page.locator("li.cam-card", has=page.locator('a[href="../support/stroud-valleys-walkers/"]'))
    assert walkers.locator(".cam-find-card__facts").inner_text() == " · ".join(
        ["Stroud", T("cost.free"), T("access.drop-in")]
    )
    for a in named["assets"]:
        if a.get("st"):
            card = page.locator("li.cam-card", has=page.locator(f'a[href="../support/{a["i"]}/"]'))
            expect(card.locator(".cam-find-status")).to_have_text(T("asset.status_" + a["st"]))
    assert page.locator(".cam-find-status").count() == sum(1 for a in named["assets"] if a.get("st"))
    assert page.locator(".cam-find-more").is_hidden()
    assert page.url.endswith("/find/")
    assert_clean(visit)


def test_category_filter_updates_results_and_address_and_survives_a_reload(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    cat = "physical-activity"
    want = expected_ids(named, cat=cat)
    assert 0 < len(want) < len(named["assets"])
    page.select_option("#f-cat", cat)
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert set(shown_ids(page)) == want
    assert query_of(page) == {"cat": [cat]}

    page.select_option("#f-area", "stroud")
    both = expected_ids(named, cat=cat, area="stroud")
    assert both < want
    expect(page.locator("#results-heading")).to_have_text(count_text(len(both)))
    assert query_of(page) == {"cat": [cat], "area": ["stroud"]}
    before = shown_ids(page)

    page.reload()
    expect(page.locator("#cam-find-form[data-cam-results]")).to_have_count(1)
    assert page.locator("#f-cat").input_value() == cat
    assert page.locator("#f-area").input_value() == "stroud"
    expect(page.locator("#results-heading")).to_have_text(count_text(len(both)))
    assert shown_ids(page) == before
    assert_clean(visit)


def test_shared_link_restores_every_filter(visit, site_url, named):
    page = visit.page
    query = "?q=cafe&area=cheltenham&day=friday&cost=free-or-donation&access=drop-in&feature=hearing-loop"
    open_find(visit, site_url, query)
    want = expected_ids(
        named,
        q="cafe",
        area="cheltenham",
        day="friday",
        cost="free-or-donation",
        access="drop-in",
        features=["hearing-loop"],
    )
    assert want, "the shared link should match something in the sample data"
    assert set(shown_ids(page)) == want
    assert page.locator("#f-q").input_value() == "cafe"
    assert page.locator("#f-day").input_value() == "friday"
    assert page.locator("#f-cost").input_value() == "free-or-donation"
    assert page.locator("#f-access").input_value() == "drop-in"
    assert page.locator("#f-area").input_value() == "cheltenham"
    assert page.locator('input[name="feature"][value="hearing-loop"]').is_checked()
    assert query_of(page) == parse_qs(query[1:])
    assert_clean(visit)


def test_text_search_needs_every_word(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    page.fill("#f-q", "walk")
    want = expected_ids(named, q="walk")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert "stroud-valleys-walkers" in want and set(shown_ids(page)) == want
    assert query_of(page) == {"q": ["walk"]}
    page.fill("#f-q", "WALK stroud")
    want = expected_ids(named, q="walk stroud")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert "stroud-valleys-walkers" in want and set(shown_ids(page)) == want
    # Accents and apostrophes do not get in the way.
    page.fill("#f-q", "bishops cleeve")
    want = expected_ids(named, q="Bishop's Cleeve")
    assert len(want) > 1
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert set(shown_ids(page)) == want
    page.fill("#f-q", "memory cafe")
    want = expected_ids(named, q="memory café")
    assert len(want) > 1
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    page.fill("#f-q", "zzzz-no-such-thing")
    expect(page.locator("#results-heading")).to_have_text(T("find.no_results"))
    assert shown_ids(page) == []
    assert_clean(visit)


def test_home_page_search_form_lands_on_find_with_its_words(visit, site_url, named):
    page = visit.page
    page.goto(site_url)
    page.fill("#home-q", "walk")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/find/?q=walk")
    expect(page.locator("#cam-find-form[data-cam-results]")).to_have_count(1)
    assert page.locator("#f-q").input_value() == "walk"
    assert set(shown_ids(page)) == expected_ids(named, q="walk")
    assert "Stroud Valleys Walkers" in page.locator("#cam-results h3 a").all_inner_texts()
    # The theme's own search overlay must not open over the page or take the focus.
    assert not page.evaluate("document.querySelector('[data-md-toggle=search]').checked")
    assert page.evaluate("document.activeElement === document.body")
    assert query_of(page) == {"q": ["walk"]}
    assert_clean(visit)


@pytest.mark.parametrize("day", ["monday", "saturday", "sunday"])
def test_day_filter(visit, site_url, named, day):
    page = visit.page
    open_find(visit, site_url)
    page.select_option("#f-day", day)
    want = expected_ids(named, day=day)
    assert 0 < len(want) < len(named["assets"])
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert set(shown_ids(page)) == want
    assert query_of(page) == {"day": [day]}
    assert_clean(visit)


def test_cost_filters(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    free = expected_ids(named, cost="free")
    free_or_donation = expected_ids(named, cost="free-or-donation")
    assert 0 < len(free) < len(free_or_donation) < len(named["assets"])
    page.select_option("#f-cost", "free")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(free)))
    assert set(shown_ids(page)) == free
    assert all(T("cost.free") in f for f in page.locator(".cam-find-card__facts").all_inner_texts())
    page.select_option("#f-cost", "free-or-donation")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(free_or_donation)))
    assert set(shown_ids(page)) == free_or_donation
    assert query_of(page) == {"cost": ["free-or-donation"]}
    assert_clean(visit)


def test_who_and_access_filters(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    page.select_option("#f-who", "carers")
    want = expected_ids(named, who="carers")
    assert 0 < len(want) < len(named["assets"])
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    page.select_option("#f-access", "referral")
    want = expected_ids(named, who="carers", access="referral")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(want)))
    assert set(shown_ids(page)) == want
    assert query_of(page) == {"who": ["carers"], "access": ["referral"]}
    assert_clean(visit)


def test_accessibility_features_must_all_be_present(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    page.check('input[name="feature"][value="hearing-loop"]')
    one = expected_ids(named, features=["hearing-loop"])
    expect(page.locator("#results-heading")).to_have_text(count_text(len(one)))
    assert set(shown_ids(page)) == one
    page.check('input[name="feature"][value="accessible-parking"]')
    two = expected_ids(named, features=["hearing-loop", "accessible-parking"])
    assert 0 < len(two) < len(one)
    expect(page.locator("#results-heading")).to_have_text(count_text(len(two)))
    assert set(shown_ids(page)) == two
    assert query_of(page) == {"feature": ["hearing-loop", "accessible-parking"]}
    page.reload()
    expect(page.locator("#results-heading")).to_have_text(count_text(len(two)))
    assert page.locator('input[name="feature"][value="accessible-parking"]').is_checked()
    assert_clean(visit)


def test_distance_sort_from_a_postcode_district(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    page.fill("#f-near", "gl5 1ab")
    expect(page.locator('input[name="sort"][value="distance"]')).to_be_checked()
    expect(page.locator("#cam-results .cam-find-card__facts").first).to_contain_text("km away")
    lat, lon = (v / 1e5 for v in named["districts"]["GL5"])

    def km(a):
        return min(haversine(lat, lon, p[0] / 1e5, p[1] / 1e5) for p in a["l"])

    located = sorted((a for a in named["assets"] if a.get("l")), key=km)
    online = [a["i"] for a in named["assets"] if not a.get("l")]
    assert online, "the sample data should have online or phone only assets"
    ids = shown_ids(page)
    stroud = named["areas"].index("stroud")
    first = next(a for a in named["assets"] if a["i"] == ids[0])
    assert stroud in first["a"] and first["t"] == "Stroud"
    assert ids[0] == located[0]["i"]
    assert set(ids[-len(online) :]) == set(online)
    facts = page.locator(".cam-find-card__facts").all_inner_texts()
    assert facts[0].startswith(T("find.km_away", km=f"{km(located[0]):.1f}"))
    assert all(f.startswith(T("find.online_or_phone")) for f in facts[-len(online) :])
    distances = [float(f.split(" km")[0]) for f in facts[: -len(online)]]
    assert distances == sorted(distances)
    assert query_of(page) == {"sort": ["distance"], "near": ["gl5 1ab"]}

    page.reload()
    expect(page.locator("#cam-results .cam-find-card__facts").first).to_contain_text("km away")
    assert shown_ids(page) == ids
    page.check('input[name="sort"][value="name"]')
    expect(page.locator("#cam-results .cam-find-card__facts").first).not_to_contain_text("km away")
    assert query_of(page) == {"near": ["gl5 1ab"]}
    assert_clean(visit)


def test_unknown_postcode_district_says_so(visit, site_url, named, data):
    page = visit.page
    expected = T("find.postcode_unknown", area="Gloucestershire", example=next(iter(data["districts"])))
    open_find(visit, site_url)
    page.check('input[name="sort"][value="distance"]')
    page.fill("#f-near", "ZZ9 9ZZ")
    page.press("#f-near", "Enter")
    expect(page.locator("#f-near-status")).to_have_text(expected)
    assert "{" not in expected
    assert page.url.startswith(site_url + "find/"), "Enter must not submit the form away"
    expect(page.locator("#results-heading")).to_have_text(count_text(len(named["assets"])))
    page.fill("#f-near", "GL5")
    expect(page.locator("#f-near-status")).to_have_text("")
    assert_clean(visit)


def test_my_location_sorts_by_distance_and_stays_out_of_the_address(visit, site_url, named):
    page = visit.page
    visit.context.grant_permissions(["geolocation"])
    visit.context.set_geolocation({"latitude": 51.7466, "longitude": -2.2285})  # Stratford Park, Stroud
    open_find(visit, site_url, "?near=GL1")
    page.click("#f-locate")
    expect(page.locator("#cam-results .cam-find-card__facts").first).to_contain_text("km away")
    assert shown_ids(page)[0] == "stroud-valleys-walkers"
    assert page.locator("#f-near").input_value() == ""
    assert query_of(page) == {"sort": ["distance"]}
    assert "51.7" not in page.url and "2.22" not in page.url
    assert_clean(visit)


def test_location_failure_shows_a_message(visit, site_url):
    page = visit.page
    open_find(visit, site_url)
    # Permission not granted in this fresh context: the browser refuses, as when a visitor says no.
    visit.context.clear_permissions()
    page.click("#f-locate")
    expect(page.locator("#f-near-status")).to_have_text(T("find.location_failed"))
    assert_clean(visit)


def test_clear_resets_form_results_and_address(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url, "?q=walk&cat=physical-activity&feature=seating&sort=distance&near=GL5")
    assert len(shown_ids(page)) < len(named["assets"])
    page.click("#f-clear")
    expect(page.locator("#results-heading")).to_have_text(count_text(len(named["assets"])))
    assert page.url == site_url + "find/"
    assert page.locator("#f-q").input_value() == ""
    assert page.locator("#f-near").input_value() == ""
    assert page.locator('input[name="sort"][value="name"]').is_checked()
    assert not page.locator('input[name="feature"]:checked').count()
    assert_clean(visit)


def test_keyboard_only_filtering_keeps_focus_where_the_user_is(visit, site_url, named):
    page = visit.page
    open_find(visit, site_url)
    page.focus("#f-cat")
    page.keyboard.press("ArrowDown")  # first real category, chosen without a mouse
    expect(page.locator("#results-heading")).not_to_have_text(count_text(len(named["assets"])))
    assert page.evaluate("document.activeElement.id") == "f-cat"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-area"
    assert_clean(visit)


def big_data(data: dict, size: int = 10_000) -> dict:
    """size assets made from the sample ones, with one name that tries to inject HTML."""
    base = [{k: v for k, v in a.items() if not k.startswith("_")} for a in data["assets"]]
    assets = []
    for n in range(size):
        a = dict(base[n % len(base)])
        a["i"] = f"{a['i']}-{n}"
        a["n"] = f"{a['n']} {n}"
        assets.append(a)
    assets[5]["n"] = '<img src=x onerror="window.__cam_pwned=1">Zzz bad name'
    return {**data, "assets": assets}


def test_ten_thousand_assets_filter_and_page(visit, site_url, named):
    page = visit.page
    big = big_data(named)
    page.route("**/assets/data/find.json", lambda route: route.fulfill(json=big))
    open_find(visit, site_url)
    expect(page.locator("#results-heading")).to_have_text(count_text(10_000))
    assert page.locator("#cam-results > li").count() == 200
    # Timings are measured by benchmarks/browser.py, not asserted here; this checks behaviour at size.
    for cat in ["physical-activity", "food", "carers"]:
        page.select_option("#f-cat", cat)
        expect(page.locator("#results-heading")).not_to_have_text(count_text(10_000))
        assert page.locator("#cam-results > li").count() <= 200
    page.select_option("#f-cat", "")
    page.fill("#f-q", "walk stroud")
    expect(page.locator("#results-heading")).not_to_have_text(count_text(10_000))
    page.fill("#f-q", "")
    expect(page.locator("#results-heading")).to_have_text(count_text(10_000))

    more = page.locator(".cam-find-more")
    expect(more).to_have_text(T("find.show_more"))
    more.click()
    assert page.locator("#cam-results > li").count() == 400
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#cam-results > li')[200]")

    # Contributor text is shown as text, never run as HTML.
    page.fill("#f-q", "zzz bad")
    expect(page.locator("#results-heading")).to_have_text(count_text(1))
    assert page.locator("#cam-results h3 a").inner_text().startswith("<img src=x")
    assert page.locator("#cam-results img").count() == 0
    assert page.evaluate("window.__cam_pwned === undefined")
    assert more.is_hidden()
    assert_clean(visit)
