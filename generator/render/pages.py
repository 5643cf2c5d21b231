"""Render stage: turn the model into page texts (Markdown files holding escaped HTML). No disk writes."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.data.config import Config
from generator.data.model import Area, Asset, Category, Change
from generator.data.rules import months_before
from generator.render.contract import Output, PerSubject, SiteWide
from generator.render.languages import folder
from generator.render.schedule import compact, describe
from generator.render.strings import Catalogue
from generator.speed.buildstate import SealedBytecodeCache

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def safe_url(url: str | None) -> str:
    """The URL when its scheme is http, https, mailto or tel; otherwise an empty string."""
    if not url:
        return ""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in SAFE_SCHEMES else ""


def tel_href(phone: str) -> str:
    """A tel: link for a UK phone number as written (spaces removed)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs at blank lines, with single line breaks joined."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def front_matter(value: object) -> Markup:
    """A value for a page's front matter (title, description), HTML-escaped then JSON-quoted.

    The theme prints page titles and descriptions without escaping, so they are escaped here; the
    JSON string is also a valid YAML scalar, whatever the text holds.
    """
    return Markup(json.dumps(html.escape(str(value), quote=True), ensure_ascii=False))


def quoted(value: object) -> Markup:
    """A JSON-quoted string for front matter, for text that is already safe HTML."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def search_html(parts: list[str]) -> str:
    """Plain text parts as escaped HTML paragraphs, for a search entry."""
    return " ".join(f"<p>{html.escape(part, quote=False)}</p>" for part in parts if part)


def json_attr(value: object) -> str:
    """Compact JSON for a data- attribute (the template escapes it as an attribute)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_script(value: object) -> Markup:
    """JSON safe to place inside a <script type="application/json"> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@dataclass(frozen=True)
class Group:
    """A need or an area, with the assets listed on its pages."""

    kind: str  # "need" or "area"
    subject: Category | Area
    members: list[Asset]

    @property
    def key(self) -> str:
        """Its name among the build's groups, such as "need/walking" (see buildstate.asset_groups)."""
        return f"{self.kind}/{self.subject.id}"


@dataclass
class Site:
    """Everything the templates need besides the page's own subject."""

    config: Config
    t: Catalogue
    assets: list[Asset]
    categories: list[Category]
    areas: list[Area]
    today: dt.date
    repository: str = ""
    records_path: str = "assets_data/assets"

    def __post_init__(self) -> None:
        self.category_by_id = {c.id: c for c in self.categories}
        self.area_by_id = {a.id: a for a in self.areas}
        self.by_category: dict[str, list[Asset]] = defaultdict(list)
        self.by_area: dict[str, list[Asset]] = defaultdict(list)
        for asset in self.assets:
            for cat in asset.categories:
                self.by_category[cat].append(asset)
            for area in asset.areas:
                self.by_area[area].append(asset)
        self.stale_before = months_before(self.today, self.config.review_after_months)

    @property
    def language(self) -> str:
        """The language of this build's pages (one of config.languages)."""
        return self.t.language

    @property
    def language_folder(self) -> str:
        """Where this language's pages live below the site's root: '' for the default language, else 'cy/'."""
        return folder(self.language, self.config.languages)

    @property
    def shared_root(self) -> str:
        """From this language's root to the site's: the open data files are published once, at the site's root."""
        return "" if self.language == self.config.languages[0] else "../"

    def lang(self, asset: Asset, name: str) -> Markup:
        """A lang attribute for a field shown in the default language on a page of another (else nothing)."""
        if name in asset.untranslated:
            return Markup(' lang="{}"').format(self.config.languages[0])
        return Markup("")

    @property
    def written_language(self) -> str | None:
        """The language of record text no translation covers (session, place, contact and change notes), when
        this page is in another; None on the default language's pages."""
        return None if self.language == self.config.languages[0] else self.config.languages[0]

    @property
    def as_written(self) -> Markup:
        """A lang attribute for record text no translation covers (see written_language), or nothing."""
        language = self.written_language
        return Markup(' lang="{}"').format(language) if language else Markup("")

    def written(self, text: str) -> Markup:
        """Record text no translation covers, escaped, in a span with its language when this page is in another."""
        attribute = self.as_written
        return Markup("<span{}>{}</span>").format(attribute, text) if attribute else escape(text)

    def text(self, asset: Asset, name: str) -> Markup:
        """A field's text within other text, in a span with its own lang when shown in the default language."""
        attribute = self.lang(asset, name)
        value = escape(getattr(asset, name))
        return Markup("<span{}>{}</span>").format(attribute, value) if attribute else value

    def groups(self) -> dict[str, Group]:
        """Every need, then every area, as a Group by its key."""
        every = [Group("need", c, self.by_category.get(c.id, [])) for c in self.categories]
        every += [Group("area", a, self.by_area.get(a.id, [])) for a in self.areas]
        return {group.key: group for group in every}

    def is_stale(self, asset: Asset) -> bool:
        """True when the asset was last checked before the review threshold."""
        return asset.last_checked < self.stale_before

    def cost_text(self, asset: Asset) -> str:
        """The cost in words, such as 'Free' or '£3.50 per session'."""
        t = self.t
        amount = f"{asset.cost_amount:.2f}" if asset.cost_amount is not None else ""
        per = asset.cost_per or ""
        if asset.cost == "fee" and amount:
            return t("cost.fee_amount", amount=amount, per=per).strip()
        if asset.cost == "donation" and amount:
            return t("cost.donation_amount", amount=amount, per=per).replace(" )", ")")
        return t("cost." + asset.cost)

    def search_text(self, asset: Asset) -> str:
        """What search indexes for an asset, as escaped HTML paragraphs: what it is, its needs and places."""
        parts = [asset.summary, *paragraphs(asset.description)]
        parts.append(", ".join(self.category_by_id[c].name for c in asset.categories))
        places = [self.area_by_id[a].name for a in asset.areas] + [loc.town for loc in asset.locations]
        parts.append(", ".join(dict.fromkeys(places)))
        return search_html(parts)

    def list_search_text(self, subject: Category | Area) -> str:
        """What search indexes for a need or area page: its description (its name is the entry's title)."""
        return search_html([subject.description or subject.name])

    def current_changes(self, asset: Asset) -> list[Change]:
        """The asset's changes in force today or beginning within CHANGES_AHEAD_DAYS, soonest first."""
        due = [c for c in asset.changes if c.current(self.today, CHANGES_AHEAD_DAYS)]
        return sorted(due, key=lambda c: (c.begins, c.index))

    def change_words(self, asset: Asset, change: Change) -> str:
        """One change in plain words, such as 'Closed from 24 December 2026 to 2 January 2027.' (not its note)."""
        t = self.t
        first = t.date(change.begins) if change.begins != dt.date.min else ""
        last = "" if change.open_ended else t.date(change.ends)
        suffix = "_open" if change.open_ended else ""
        if change.kind in ("closed", "cancelled"):
            key = "changes.cancelled" if change.kind == "cancelled" else "changes.closed" + suffix
            if change.kind == "closed" and change.begins == change.ends:
                key = "changes.closed_day"
            words = t(key, first=first, last=last)
        elif change.kind == "moved":
            loc = next((loc for loc in asset.locations if loc.id == change.location), None)
            place = f"{loc.name}, {loc.address}, {loc.town} {loc.postcode}" if loc else ""
            words = t("changes.moved" + suffix, first=first, last=last, place=place)
        elif change.kind == "changed-time":
            words = t("changes.changed_time" + suffix, first=first, last=last, start=change.start, end=change.end)
        else:
            words = t("changes.note" + suffix, first=first, last=last) if first else ""
        return words

    def change_text(self, asset: Asset, change: Change, html: bool = False) -> str:
        """One change in plain words and its note. With html, escaped HTML, the note marked with its language
        on another language's page (see written)."""
        words, note = self.change_words(asset, change), change.note or ""
        if html:
            words, note = escape(words), self.written(note) if note else ""
        return (Markup(" ") if html else " ").join(part for part in (words, note) if part)

    def change_notices(self, asset: Asset, html: bool = False) -> list[str]:
        """The current and coming changes of an asset in words, for its page and sheets (with html, as
        change_text's)."""
        return [self.change_text(asset, c, html) for c in self.current_changes(asset)]

    def change_parts(self, asset: Asset) -> list[list[str]]:
        """The current and coming changes as [words, note] pairs, for the data of cards, popups and find
        support (the note is record text, in written_language)."""
        return [[self.change_words(asset, c), c.note or ""] for c in self.current_changes(asset)]

    def capacity_text(self, asset: Asset) -> str:
        """Whether it takes new people, in words with the date ('Waiting list, about 6 weeks (as of ...)'),
        "Ask first" once the date is older than capacity_valid_days; empty when the record does not say."""
        if not asset.capacity or not asset.capacity_as_of:
            return ""
        t = self.t
        as_of = t.date(asset.capacity_as_of)
        if not self.capacity_fresh(asset):
            return f"{t('capacity.ask_first')}. {t('capacity.ask_first_why', date=as_of)}"
        if asset.capacity == "waiting-list" and asset.wait_weeks:
            words = t("capacity.waiting-list_weeks", weeks=asset.wait_weeks)
        else:
            words = t("capacity." + asset.capacity)
        return f"{words} ({t('capacity.as_of', date=as_of)})"

    def capacity_fresh(self, asset: Asset) -> bool:
        """True when the asset's capacity was confirmed within the area's capacity_valid_days."""
        days = self.config.capacity_valid_days
        return bool(asset.capacity_as_of) and (self.today - asset.capacity_as_of).days <= days

    def ages_text(self, asset: Asset) -> str:
        """The age range in words, or empty when there is none."""
        if asset.min_age is not None and asset.max_age is not None:
            return self.t("asset.ages_from_to", min=asset.min_age, max=asset.max_age)
        if asset.min_age is not None:
            return self.t("asset.ages_from", min=asset.min_age)
        if asset.max_age is not None:
            return self.t("asset.ages_to", max=asset.max_age)
        return ""

    def last_updated(self) -> dt.date | None:
        """The most recent last-checked date across the directory."""
        return max((a.last_checked for a in self.assets), default=None)

    def fresh_percent(self) -> int:
        """Share of entries checked within the review period, as a whole percentage."""
        if not self.assets:
            return 100
        fresh = sum(not self.is_stale(a) for a in self.assets)
        return round(100 * fresh / len(self.assets))


def environment(templates: Path | list[Path], compiled: Path | None = None) -> Environment:
    """The Jinja2 environment: autoescape on for every template, undefined names are errors.

    templates is a folder, or several (an area's own first, the package's default after it).

    With compiled (a folder of the build's state), compiled templates are kept there for the next
    build, which then skips compiling those whose source is unchanged.
    """
    env = Environment(
        loader=FileSystemLoader([str(f) for f in (templates if isinstance(templates, list) else [templates])]),
        bytecode_cache=compiled_templates(compiled) if compiled else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        safe_url=safe_url,
        front_matter=front_matter,
        quoted=quoted,
        tel_href=tel_href,
        paragraphs=paragraphs,
        json_attr=json_attr,
        json_script=json_script,
        urlquote=lambda s: quote(str(s), safe=""),
    )
    env.globals.update(describe=describe, compact=compact)
    return env


def compiled_templates(folder: Path) -> SealedBytecodeCache:
    """A cache of compiled templates in folder, each sealed (written atomically: page workers share it)."""
    return SealedBytecodeCache(folder)


class RenderedOnce:
    """A macro of macros.j2 whose HTML for each asset is rendered once and reused.

    The need, area and sheet pages list each asset on the page of every need and area it has (about
    three of them); its card is the same on each, so it is rendered for the first and copied after.
    """

    def __init__(self, env: Environment, name: str) -> None:
        self._macro = getattr(env.get_template("macros.j2").module, name)
        self._html: dict[tuple, Markup] = {}

    def __call__(self, asset: Asset, *args: object) -> Markup:
        key = (asset.id, *(arg if isinstance(arg, str) else id(arg) for arg in args))
        if key not in self._html:
            self._html[key] = self._macro(asset, *args)
        return self._html[key]


CHANGES_AHEAD_DAYS = 28  # a change is shown from four weeks before it begins


def render_pages(site: Site, env: Environment) -> list[Output]:
    """The generated pages: one per asset, one per need and per area, the two browse indexes and the home page."""
    common = {"site": site, "t": site.t, "date": site.t.date}
    asset_template = env.get_template("asset.md.j2")
    list_template = env.get_template("list.md.j2")
    card = RenderedOnce(env, "card")

    def list_page(group: Group) -> str:
        return list_template.render(
            kind=group.kind, subject=group.subject, items=group.members, card=card, root="../../", **common
        )

    def index_pages() -> dict[str, str]:
        index_template = env.get_template("browse.md.j2")
        return {
            "need/index.md": index_template.render(
                kind="need", entries=site.categories, counts=site.by_category, root="../", **common
            ),
            "area/index.md": index_template.render(
                kind="area", entries=site.areas, counts=site.by_area, root="../", **common
            ),
            "index.md": env.get_template("home.md.j2").render(root="", **common),
        }

    return [
        PerSubject(
            "asset pages",
            "asset",
            lambda asset: f"support/{asset.id}.md",
            lambda asset: asset_template.render(asset=asset, root="../../", **common),
            cost=12,
        ),
        PerSubject("need and area pages", "group", lambda group: f"{group.key}.md", list_page, cost=2),
        SiteWide("browse indexes and home page", index_pages, cost=0.1),
    ]
