"""What's changed: a page and an Atom feed of records added, removed or changed in ways that matter; current changes.

Built from the records' history in git (data.history) where there is one; outside git, from the
records' dated changes and last_checked dates only, and the page says so. A site-wide output,
rendered on every build (so a new commit needs no change to the build key to show here).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from generator.data.history import ASPECTS, LONDON, WINDOW_DAYS, Event, from_json, history, state, to_json
from generator.render.contract import Memo, Output, SiteWide
from generator.render.pages import CHANGES_AHEAD_DAYS, Site

ATOM = "http://www.w3.org/2005/Atom"
PAGE, FEED = "changed.md", "changed.xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def checked_events(site: Site, days: int = WINDOW_DAYS) -> list[Event]:
    """Without history: the records checked in the window, newest first."""
    since = site.today - dt.timedelta(days=days)
    found = [
        Event(a.last_checked, a.id, a.name, "checked") for a in site.assets if since <= a.last_checked <= site.today
    ]
    return sorted(found, key=lambda e: (-e.day.toordinal(), e.name.casefold(), e.id))


def current_changes(site: Site) -> list[tuple[object, object]]:
    """(asset, change) for each dated change in effect today or beginning within CHANGES_AHEAD_DAYS (as asset
    pages show them), by the first day it applies (latest first)."""
    found = []
    for asset in site.assets:
        for change in getattr(asset, "changes", ()):
            if change.current(site.today, CHANGES_AHEAD_DAYS):
                found.append((asset, change))
    return sorted(found, key=lambda pair: (-pair[1].begins.toordinal(), pair[0].name.casefold()))


def _what(event: Event, t) -> str:
    if event.kind == "changed":
        what = ", ".join(t(f"changed.aspect_{a}") for a in ASPECTS if a in event.aspects)
        return t("changed.changed", what=what)
    return t(f"changed.{event.kind}")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LONDON).isoformat()


def atom_feed(site: Site, events: list[Event], page_url: str) -> bytes:
    """The Atom (RFC 4287) feed of the events: every text escaped by the XML writer, control characters dropped."""
    t = site.t
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = _text(text)
        return node

    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "id", page_url)
    add(feed, "title", f"{t('changed.title')}: {site.config.site_name}")
    add(feed, "updated", _stamp(site.today))
    add(feed, "link", rel="alternate", type="text/html", href=page_url)
    add(feed, "link", rel="self", type="application/atom+xml", href=page_url.removesuffix("changed/") + FEED)
    author = add(feed, "author")
    add(author, "name", site.config.site_name)
    for event in events:
        entry = add(feed, "entry")
        add(entry, "id", f"{page_url}#{event.day.isoformat()}-{event.kind}-{event.id}")
        add(entry, "title", f"{event.name or event.id}: {_what(event, t)}")
        add(entry, "updated", _stamp(event.day))
        if event.kind != "removed":
            add(entry, "link", rel="alternate", type="text/html", href=f"{site.config.site_url}support/{event.id}/")
        add(entry, "summary", _what(event, t))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def changed_files(site: Site, env, events: list[Event] | None) -> dict[str, str | bytes]:
    """The What's changed page and its feed, as {path in the docs folder: content} (events None: no history)."""
    from_git = events is not None
    if events is None:
        events = checked_events(site)
    page_url = f"{site.config.site_url}changed/"
    page = env.get_template("changed.md.j2").render(
        site=site,
        t=site.t,
        events=events,
        current=current_changes(site),
        from_git=from_git,
        days=WINDOW_DAYS,
        what=lambda event: _what(event, site.t),
        live={a.id for a in site.assets},
        feed=FEED,
        root="../",
        date=site.t.date,
    )
    return {PAGE: page, FEED: atom_feed(site, events, page_url)}


def render_changed(site: Site, env, records: Path | None) -> list[Output]:
    """The What's changed page and feed: one site-wide output, rendered on every build.

    The history is a memo keyed by the repository's HEAD and the build date, so a build after no new
    commit reads it back instead of asking git again.
    """
    made_from = state(records) if records is not None else None
    if made_from is None:
        return [SiteWide("what's changed page and feed", lambda: changed_files(site, env, None), cost=0.2)]
    memo = Memo(
        "changed",
        [*made_from, site.today.isoformat(), WINDOW_DAYS],
        lambda: to_json(history(records, site.today)),
        check=lambda value: value is None or isinstance(value, list),
    )
    return [
        SiteWide(
            "what's changed page and feed",
            lambda value: changed_files(site, env, from_json(value)),
            memo=memo,
            cost=0.2,
        )
    ]
