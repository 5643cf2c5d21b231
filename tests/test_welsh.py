"""The Welsh site beside the English one, in headless Chromium: the switch to the same page and back,
`lang` where it belongs, no English interface string on a Welsh page, and a Welsh sheet that prints
three assets on one A4 page with a QR code that opens the Welsh sheet."""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import expect
from pypdf import PdfReader

from generator.render.strings import load_catalogue

from .conftest import ROOT, SAMPLE
from .test_sheets_browser import BIG_QR, READY, decode_qr

pytestmark = pytest.mark.browser

EN = load_catalogue(ROOT / "templates", "en")
CY = load_catalogue(ROOT / "templates", "cy")
TRANSLATED = "coleford-welsh-chat-cafe"  # a sample record with a Welsh name and summary


def untranslated_asset() -> str:
    """A sample record with no Welsh translation at all."""
    for path in sorted((SAMPLE / "assets").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not (record.get("translations") or {}).get("cy") and record.get("status") == "active":
            return record["id"]
    pytest.fail("every sample record is translated: the test needs one that is not")


def test_the_sample_is_built_in_english_and_welsh(welsh_site):
    assert (welsh_site / "index.html").is_file() and (welsh_site / "cy" / "index.html").is_file()
    english = (welsh_site / "support" / TRANSLATED / "index.html").read_text(encoding="utf-8")
    welsh = (welsh_site / "cy" / "support" / TRANSLATED / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="cy"' in welsh
    assert 'hreflang="cy" href="https://community-asset-map.example.org/cy/support/' + TRANSLATED in english
    assert 'hreflang="en" href="https://community-asset-map.example.org/support/' + TRANSLATED in welsh
    # The open data files are published once, and the Welsh page links up to them.
    assert not (welsh_site / "cy" / "data").exists()
    assert 'href="../../data/datapackage/datapackage.json"' in (
        welsh_site / "cy" / "open-data" / "index.html"
    ).read_text(encoding="utf-8")


def test_switch_lands_on_the_same_asset_in_welsh_and_back(visit, welsh_url):
    page = visit.page
    page.goto(welsh_url + f"support/{TRANSLATED}/")
    english_name = page.locator("article.cam-asset h1").inner_text()
    switch = page.locator("nav.cam-languages a[hreflang=cy]")
    expect(switch).to_have_text(CY("language_name"))
    assert switch.get_attribute("lang") == "cy"
    switch.click()
    page.wait_for_url(welsh_url + f"cy/support/{TRANSLATED}/")
    assert page.get_attribute("html", "lang") == "cy"
    welsh_name = page.locator("article.cam-asset h1")
    assert welsh_name.inner_text() != english_name and welsh_name.get_attribute("lang") is None
    page.locator("nav.cam-languages a[hreflang=en]").click()
    page.wait_for_url(welsh_url + f"support/{TRANSLATED}/")
    assert page.get_attribute("html", "lang") == "en"
    assert visit.outside == [] and visit.errors == []


def test_untranslated_fields_are_marked_english_with_a_note(visit, welsh_url):
    asset = untranslated_asset()
    page = visit.page
    page.goto(welsh_url + f"cy/support/{asset}/")
    assert page.get_attribute("html", "lang") == "cy"
    assert page.locator("article.cam-asset").get_attribute("lang") == "cy"
    assert page.locator("article.cam-asset h1").get_attribute("lang") == "en"
    assert page.locator(".cam-summary").get_attribute("lang") == "en"
    expect(page.locator(".cam-untranslated")).to_have_text(CY("i18n.untranslated"))
    # Interface text around it is Welsh.
    expect(page.locator("#what")).to_have_text(CY("asset.what"))


def test_switch_keeps_the_sheet_and_the_filters(visit, welsh_url):
    page = visit.page
    ids = f"{TRANSLATED},gloucestershire-carers-line"
    page.goto(welsh_url + "sheet/?ids=" + ids)
    page.wait_for_selector(READY)
    page.locator("nav.cam-languages a[hreflang=cy]").click()
    page.wait_for_url(welsh_url + "cy/sheet/?ids=" + ids)
    page.wait_for_selector(READY)
    assert [e.get_attribute("data-asset-id") for e in page.locator(".cam-sheet-entry").all()] == ids.split(",")
    page.goto(welsh_url + "cy/find/?q=cerdded")
    page.locator("nav.cam-languages a[hreflang=en]").click()
    page.wait_for_url(welsh_url + "find/?q=cerdded")


# Pages of every type, as a person reaches them, with what to wait for.
WELSH_PAGES = {
    "home": ("", "[data-cam-today] .cam-today__status"),
    "asset": (f"support/{TRANSLATED}/", "article.cam-asset"),
    "need": ("need/carers/", ".cam-list-page"),
    "area": ("area/forest-of-dean/", ".cam-list-page"),
    "find": ("find/", "#cam-find-form[data-cam-results] ~ #cam-results li.cam-card"),
    "map": ("map/", ".folium-map[data-cam-ready]"),
    "sheet": (f"sheet/?ids={TRANSLATED},gloucestershire-carers-line", READY),
    "prebuilt-sheet": ("sheets/area/forest-of-dean/", "h1"),
    "my-list": ("list/", "h1"),
    "open-data": ("open-data/", "h1"),
    "about": ("about/", "h1"),
}

# The page's text outside anything marked as another language (record text shown untranslated).
WELSH_TEXT = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll("[lang]:not([lang=cy]), script, style, noscript, [hidden]").forEach(e => e.remove());
    return copy.innerText;
}"""


def english_only_strings() -> list[str]:
    """Every English interface string, cut at its placeholders, whose Welsh is different: none may show."""
    pieces = set()
    for key, english in EN._flat.items():
        if english in CY._flat.get(key, "") or key.startswith(("nav.", "language")):
            continue  # the same in both, or part of a bilingual Welsh string
        for piece in re.split(r"\{[a-z_]+\}", english):
            piece = piece.strip(" .,:;()·")
            if len(piece) >= 4 and re.search(r"[A-Za-z]{3}", piece):
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


@pytest.mark.parametrize("kind", list(WELSH_PAGES))
def test_no_english_interface_string_on_a_welsh_page(visit, welsh_url, kind):
    path, ready = WELSH_PAGES[kind]
    page = visit.page
    page.goto(welsh_url + "cy/" + path)
    page.wait_for_selector(ready, state="attached", timeout=20000)
    text = page.evaluate(WELSH_TEXT)
    for name in ("Open Referral UK", "OpenStreetMap"):  # names, the same in every language
        text = text.replace(name, "")
    found = [s for s in english_only_strings() if re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text)]
    assert found == [], f"English interface strings on the Welsh {kind} page: {found}"
    assert visit.errors == []


def test_a_welsh_sheet_of_three_prints_on_one_a4_page_and_its_qr_opens_it(visit, welsh_url, tmp_path):
    ids = f"{TRANSLATED},gloucestershire-carers-line,lydney-health-walks"
    page = visit.page
    page.goto(welsh_url + "cy/sheet/?ids=" + ids)
    page.wait_for_selector(READY)
    assert page.get_attribute("html", "lang") == "cy"
    url = welsh_url + "cy/sheet/?ids=" + ids
    page.add_style_tag(content=BIG_QR)
    assert decode_qr(page.locator("#sheet-qr"), tmp_path / "qr.png") == url
    page.reload()
    page.wait_for_selector(READY)
    page.emulate_media(media="print")
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert CY("sheet.when") in text
    assert visit.outside == [] and visit.errors == []


def test_a_bilingual_sheet_of_three_prints_on_one_a4_page_welsh_first(visit, welsh_url, tmp_path):
    ids = f"{TRANSLATED},gloucestershire-carers-line,lydney-health-walks"
    page = visit.page
    page.goto(welsh_url + "sheet/?ids=" + ids)
    page.wait_for_selector(READY)
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(0)
    page.get_by_label(EN("sheet.pair", language=EN("languages.cy"))).check()
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(3)
    url = welsh_url + "sheet/?ids=" + ids + "&both=1"
    assert page.url == url  # the address says the sheet is bilingual
    # Welsh first in every entry, each half with its language; the contact details once, below both
    halves = page.locator(f'.cam-sheet-entry[data-asset-id="{TRANSLATED}"] .cam-sheet-entry__half')
    assert [halves.nth(i).get_attribute("lang") for i in range(2)] == ["cy", "en"]
    assert CY("sheet.when") in halves.nth(0).inner_text() and EN("sheet.when") in halves.nth(1).inner_text()
    assert page.locator(".cam-sheet-entry--pair .cam-sheet-entry__shared").count() == 3
    title = page.locator("#sheet-title")
    assert title.inner_text() == f"{CY('sheet.default_heading')} · {EN('sheet.default_heading')}"
    assert title.locator('span[lang="cy"]').inner_text() == CY("sheet.default_heading")
    page.add_style_tag(content=BIG_QR)
    assert decode_qr(page.locator("#sheet-qr"), tmp_path / "qr.png") == url
    page.reload()
    page.wait_for_selector(READY)
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(3)
    page.emulate_media(media="print")
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert CY("sheet.when") in text and EN("sheet.when") in text
    # Unticked, the sheet is in one language again, and so is its address.
    page.emulate_media(media="screen")
    page.get_by_label(EN("sheet.pair", language=EN("languages.cy"))).uncheck()
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(0)
    expect(page.locator(".cam-sheet-entry")).to_have_count(3)
    assert page.url == welsh_url + "sheet/?ids=" + ids
    assert visit.outside == [] and visit.errors == []


def test_the_welsh_bilingual_sheet_opens_from_its_address_and_the_switch_keeps_it(visit, welsh_url):
    ids = f"{TRANSLATED},gloucestershire-carers-line"
    page = visit.page
    page.goto(welsh_url + "cy/sheet/?ids=" + ids + "&both=1")
    page.wait_for_selector(READY)
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(2)
    assert page.get_by_label(CY("sheet.pair", language=CY("languages.en"))).is_checked()
    halves = page.locator(".cam-sheet-entry--pair").first.locator(".cam-sheet-entry__half")
    assert [halves.nth(i).get_attribute("lang") for i in range(2)] == ["cy", "en"]
    page.locator("a[data-cam-language][hreflang='en']").click()
    page.wait_for_selector(READY)
    assert page.url == welsh_url + "sheet/?ids=" + ids + "&both=1"
    expect(page.locator(".cam-sheet-entry--pair")).to_have_count(2)
    assert visit.errors == []
