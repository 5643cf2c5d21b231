"""Signposting sheets and the link worker's list in headless Chromium: printing to A4, QR codes that
decode to the sheet's address, the list kept across reloads, and nothing typed ever leaving the page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import ROOT

pytestmark = pytest.mark.browser

NAV_TEXT = ("Find support", "Browse by need", "Browse by area", "My list", "Search")
READY = ".cam-sheet--dynamic[data-cam-ready]"


@pytest.fixture(scope="module")
def cards(built_site) -> dict[str, dict]:
    """Every asset's card, as the sheet page reads it."""
    folder = built_site / "assets" / "data" / "asset"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


@pytest.fixture(scope="module")
def strings(built_site) -> dict[str, str]:
    return json.loads((built_site / "assets" / "data" / "strings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def typical(cards) -> list[str]:
    """Three typical active assets with a phone number: the middle three by size of their details."""
    active = {i: c for i, c in cards.items() if c.get("phone") and c["status"] == "active"}
    with_phone = sorted((len(json.dumps(c, ensure_ascii=False)), i) for i, c in active.items())
    assert len(with_phone) >= 3
    middle = len(with_phone) // 2
    return [i for _, i in with_phone[middle - 1 : middle + 2]]


def open_sheet(page, site_url: str, ids: str) -> None:
    page.goto(site_url + "sheet/?ids=" + ids)
    page.wait_for_selector(READY, timeout=15000)


def decode_qr(element, path: Path) -> str:
    """Screenshot a QR code element and decode it with zbarimg."""
    if not shutil.which("zbarimg"):
        pytest.fail("zbarimg is missing: install Debian's zbar-tools package.")
    element.screenshot(path=str(path))
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"no QR code found in {path}: {result.stderr}"
    return result.stdout.strip()


BIG_QR = ".cam-qr__img, .cam-qr > svg { width: 420px !important; height: 420px !important; }"


def test_three_typical_assets_print_on_one_a4_page(visit, site_url, cards, typical, tmp_path):
    page = visit.page
    open_sheet(page, site_url, ",".join(typical))
    assert [e.get_attribute("data-asset-id") for e in page.locator(".cam-sheet-entry").all()] == typical
    page.emulate_media(media="print")
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2
    text = " ".join(reader.pages[0].extract_text().split())
    for asset_id in typical:
        card = cards[asset_id]
        assert " ".join(card["name"].split()) in text
        assert card["phone"] in text
        assert card["last_checked"] in text
    for nav in NAV_TEXT:
        assert nav not in text, f"navigation text {nav!r} is printed"
    for control in ("Copy link", "Send by email", "Heading to print", "Note to print"):
        assert control not in text
    assert visit.outside == [] and visit.errors == [] and visit.dialogs == []


def test_sheet_entries_match_their_records(visit, site_url, cards, strings, typical):
    page = visit.page
    open_sheet(page, site_url, ",".join(typical))
    for asset_id in typical:
        card = cards[asset_id]
        entry = page.locator(f'.cam-sheet-entry[data-asset-id="{asset_id}"]')
        assert entry.locator("h2").inner_text() == card["name"]
        assert entry.locator(".cam-sheet-entry__summary").inner_text() == card["summary"]
        facts = dict(zip(entry.locator("dt").all_inner_texts(), entry.locator("dd").all_inner_texts(), strict=True))
        assert facts[strings["sheet.cost"]] == card["cost"]
        assert facts[strings["sheet.how_to_access"]] == card["access"]
        assert facts[strings["sheet.last_checked"]] == card["last_checked"]
        if card["where"]:
            assert facts[strings["sheet.where"]] == "; ".join(card["where"])
        if card["sessions"]:
            assert facts[strings["sheet.when"]] == "; ".join(card["sessions"])
        tel = entry.locator('a[href^="tel:"]')
        assert tel.inner_text() == card["phone"]
        assert tel.get_attribute("href") == "tel:" + "".join(c for c in card["phone"] if c.isdigit() or c == "+")
        if card.get("email"):
            assert entry.locator('a[href^="mailto:"]').get_attribute("href") == "mailto:" + card["email"]
    assert page.locator("#sheet-date").inner_text().startswith(strings["sheet.printed_on"].split("{")[0])
    assert visit.outside == [] and visit.errors == []


def test_sheet_qr_code_decodes_to_the_sheet_address(visit, site_url, typical, tmp_path):
    page = visit.page
    ids = ",".join(typical)
    open_sheet(page, site_url, ids)
    url = site_url + "sheet/?ids=" + ids
    assert page.locator("#sheet-url").inner_text() == url.split("://", 1)[1]
    page.add_style_tag(content=BIG_QR)
    assert decode_qr(page.locator("#sheet-qr"), tmp_path / "sheet-qr.png") == url
    assert visit.outside == [] and visit.errors == []


def test_prebuilt_sheet_qr_code_decodes_to_its_public_address(visit, site_url, built_site, tmp_path):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    need = sorted(p.name for p in (built_site / "sheets" / "need").iterdir() if (p / "index.html").exists())[0]
    page = visit.page
    page.goto(site_url + f"sheets/need/{need}/")
    public = config["site_url"].rstrip("/") + f"/sheets/need/{need}/"
    assert page.locator(".cam-qr__url").inner_text() == public.split("://", 1)[1]
    page.add_style_tag(content=BIG_QR)
    assert decode_qr(page.locator(".cam-qr svg"), tmp_path / "prebuilt-qr.png") == public
    # It prints cleanly too: the print button shows on screen, none of the site's chrome on paper.
    expect(page.locator("button[data-cam-print]")).to_be_visible()
    page.emulate_media(media="print")
    pdf = tmp_path / "prebuilt.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    for nav in NAV_TEXT:
        assert nav not in text
    assert visit.outside == [] and visit.errors == []


def test_list_survives_a_reload_and_opens_as_a_sheet_in_its_order(visit, site_url, cards, strings):
    page = visit.page
    first, second = sorted(cards)[:2]
    for asset_id in (first, second):
        page.goto(site_url + f"support/{asset_id}/")
        button = page.locator(f'button[data-cam-add="{asset_id}"]')
        expect(button).to_be_visible()
        expect(button).to_have_text(strings["mylist.add"])
        expect(button).not_to_have_attribute("aria-pressed", "true")
        button.click()
        expect(button).to_have_text(strings["mylist.remove"])
    expect(page.get_by_role("status").filter(has_text=strings["mylist.added"])).to_have_count(1)
    page.reload()
    count = page.locator(".cam-mylist-count")
    expect(count).to_have_text(strings["mylist.count"].replace("{count}", "2"))
    assert json.loads(page.evaluate("localStorage.getItem('cam.list')")) == [first, second]

    count.click()
    page.wait_for_url("**/list/")
    items = page.locator("#mylist-items > li")
    expect(items.locator(".cam-mylist__name")).to_have_text([cards[first]["name"], cards[second]["name"]])
    expect(page.locator("#mylist-empty")).to_be_hidden()

    # Move the first one down with the keyboard: focus stays with the moved item.
    down = items.nth(0).locator('[data-cam-list-action="down"]')
    down.focus()
    page.keyboard.press("Enter")
    expect(items.locator(".cam-mylist__name")).to_have_text([cards[second]["name"], cards[first]["name"]])
    focused = page.evaluate("document.activeElement.closest('li').getAttribute('data-asset-id')")
    assert focused == first
    assert json.loads(page.evaluate("localStorage.getItem('cam.list')")) == [second, first]

    page.locator("#mylist-sheet").click()
    page.wait_for_selector(READY, timeout=15000)
    assert parse_qs(urlsplit(page.url).query)["ids"] == [f"{second},{first}"]
    assert page.locator(".cam-sheet-entry").evaluate_all("es => es.map(e => e.dataset.assetId)") == [second, first]

    # Removing and clearing empties the list; only the list's key was ever stored.
    page.goto(site_url + "list/")
    items.nth(0).locator('[data-cam-list-action="remove"]').click()
    expect(items).to_have_count(1)
    page.locator("#mylist-clear").click()
    expect(page.locator("#mylist-empty")).to_be_visible()
    expect(page.locator(".cam-mylist-count")).to_have_text(strings["mylist.count"].replace("{count}", "0"))
    assert page.evaluate("localStorage.getItem('cam.list')") in (None, "[]")
    assert visit.outside == [] and visit.errors == [] and visit.dialogs == []


def test_buttons_made_by_other_scripts_work(visit, site_url, cards, strings):
    page = visit.page
    asset_id = sorted(cards)[-1]
    page.goto(site_url)
    page.wait_for_selector(".cam-mylist-count")
    page.evaluate("id => document.querySelector('.md-content__inner').appendChild(CAM.list.button(id))", asset_id)
    button = page.locator(f'button[data-cam-add="{asset_id}"]')
    expect(button).to_have_text(strings["mylist.add"])
    button.click()
    expect(button).to_have_text(strings["mylist.remove"])
    assert page.evaluate("id => CAM.list.has(id)", asset_id)
    expect(page.locator(".cam-mylist-count")).to_have_text(strings["mylist.count"].replace("{count}", "1"))
    assert visit.errors == []


def test_unknown_ids_are_reported_and_the_rest_shown(visit, site_url, cards, typical):
    page = visit.page
    ids = [typical[0], "no-such-asset", typical[1], "<b>bad</b>", typical[0], ""]
    open_sheet(page, site_url, ",".join(ids))
    missing = page.locator("#sheet-missing")
    expect(missing).to_be_visible()
    assert "no-such-asset" in missing.inner_text()
    assert "bad" not in missing.inner_text()
    shown = page.locator(".cam-sheet-entry").evaluate_all("es => es.map(e => e.dataset.assetId)")
    assert shown == typical[:2]
    # The link passed on holds only what is still listed.
    assert page.locator("#sheet-url").inner_text().endswith("?ids=" + ",".join(typical[:2]))
    assert visit.errors == [] and visit.outside == []


def test_no_ids_says_so(visit, site_url, strings):
    page = visit.page
    open_sheet(page, site_url, "")
    expect(page.locator("#cam-sheet-entries")).to_have_text(strings["sheet.none_selected"])
    expect(page.locator(".cam-share")).to_be_hidden()
    assert visit.errors == []


def test_heading_and_note_never_leave_the_page(visit, site_url, typical, strings):
    heading, note = "Heading for Alex Example 4711", "Note: ring Dr Foo 0812 about PRIVATE-NOTE"
    requests: list[str] = []
    page = visit.page
    page.on("request", lambda r: requests.append(r.url + " " + (r.post_data or "")))
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    ids = ",".join(typical)
    open_sheet(page, site_url, ids)
    url = page.url
    page.fill("#sheet-heading", heading)
    page.fill("#sheet-note", note)
    page.locator("#sheet-heading").press("Enter")
    expect(page.locator("#sheet-title")).to_have_text(heading)
    expect(page.locator("#sheet-note-out")).to_have_text(note)
    page.locator("#sheet-copy").click()
    expect(page.locator("#sheet-share-status")).to_have_text(strings["sheet.copied"])
    assert page.evaluate("navigator.clipboard.readText()") == url
    # Go on to another page and back, so anything the page might send on leaving is recorded.
    page.goto(site_url + "list/")
    page.go_back()
    page.wait_for_selector(READY)
    assert page.url == url
    stored = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    assert requests
    for secret in (heading, note, "4711", "PRIVATE-NOTE"):
        assert secret not in unquote(page.url)
        assert secret not in stored
        assert not any(secret in unquote(r) for r in requests)
    assert page.evaluate("localStorage.getItem('cam.list')") is None
    assert visit.outside == [] and visit.errors == [] and visit.dialogs == []


def test_share_links_carry_only_the_address(visit, site_url, typical, strings):
    page = visit.page
    ids = ",".join(typical)
    open_sheet(page, site_url, ids)
    page.fill("#sheet-heading", "Secret heading")
    page.fill("#sheet-note", "Secret note")
    url = site_url + "sheet/?ids=" + ids
    body = strings["sheet.share_body"].replace("{url}", url)

    email = urlsplit(page.locator("#sheet-email").get_attribute("href"))
    assert email.scheme == "mailto" and email.path == ""
    assert parse_qs(email.query) == {"subject": [strings["sheet.email_subject"]], "body": [body]}

    sms = page.locator("#sheet-sms").get_attribute("href")
    assert sms.startswith("sms:?&body=")
    assert unquote(sms.removeprefix("sms:?&body=")) == body
    for href in (page.locator("#sheet-email").get_attribute("href"), sms):
        assert "Secret" not in unquote(href)
    assert visit.errors == []


def test_asset_page_prints_without_the_site_chrome(visit, site_url, cards, tmp_path):
    asset_id = next(i for i, c in cards.items() if c.get("website") and c.get("phone") and c["where"])
    card = cards[asset_id]
    page = visit.page
    page.goto(site_url + f"support/{asset_id}/")
    expect(page.locator("button[data-cam-print]")).to_be_visible()
    page.emulate_media(media="print")
    pdf = tmp_path / "asset.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert card["name"] in text and card["phone"] in text
    assert text.count(card["website"]) == 1, "the website should be printed in full, once"
    for nav in NAV_TEXT + ("Add to list", "Print this page", "Suggest a change"):
        assert nav not in text
    assert visit.errors == []
