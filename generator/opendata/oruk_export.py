"""Open Referral UK export: map an asset to an ORUK-shaped service (HSDS 3 UK profile)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from zoneinfo import ZoneInfo

from generator.data.model import Asset, Location, Session
from generator.render.pages import safe_url
from generator.render.schedule import DAY_ORDER, WEEK_NUMBER
from generator.render.strings import Catalogue

# Fixed namespace for every id in the export, so ids stay the same between builds.
NAMESPACE = uuid.UUID("5b0c1d2e-8f7a-5e4b-9c3d-2a1b0c9d8e7f")
TAXONOMY = "community-asset-map"
STATUS_TO_ORUK = {"active": "active", "paused": "temporarily closed", "closed": "defunct"}
STATUS_FROM_ORUK = {"active": "active", "temporarily closed": "paused", "inactive": "paused", "defunct": "closed"}
BYDAY = {day: day[:2].upper() for day in DAY_ORDER}
WEEK_NAME = {number: name for name, number in WEEK_NUMBER.items()}
PAGE_SIZE = 1000
ZONE = ZoneInfo("Europe/London")  # sessions are written in local time; the profile wants an offset on each time
# The discovery document ORUK tools read at the root of a feed (the validator takes the version from it).
DISCOVERY = {
    "version": "HSDS-UK-3.0",
    "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
    "openapi_url": "https://docs.openreferraluk.org/en/latest/openapi30.json",
}
# The UK profile removes summary, eligibility_description and application_process: these record texts, and the
# record's translations, travel as attributes whose taxonomy term's name is the text (see docs/open-data.md).
TEXT_KINDS = {"summary": "summary", "eligibility": "who_for_notes", "application-process": "access_notes"}
TEXT_KINDS |= {"first-visit": "first_visit"}
# Nor has it fields for a record's capacity, its dated changes or a session's bank holidays: attributes too,
# each change's term a JSON object of the record's own keys, a session's linked to its schedule.
CHANGE_KEYS = (("kind", "kind"), ("from", "first"), ("to", "last"), ("on", "on"), ("review_by", "review_by"))
CHANGE_KEYS += (("location", "location"), ("start", "start"), ("end", "end"), ("note", "note"))
LINK_TYPE = {"group": "eligibility", "eligibility": "eligibility", "access": "application_process"}
LINK_TYPE |= {"application-process": "application_process", "language": "language", "bank-holidays": "schedule"}


def web_url(url: str | None) -> str | None:
    """The URL when it is http or https, otherwise None (mailto and tel have their own fields)."""
    url = safe_url(url)
    return url if url.startswith(("http://", "https://")) else None


def oruk_id(*parts: str) -> str:
    """A deterministic UUIDv5 for a part of the export (the service itself is uuid5 of the record id).

    Equal to str(uuid.uuid5(NAMESPACE, name)), without building UUID objects (300,000 of them at 10,000 assets).
    """
    h = hashlib.sha1(_NAMESPACE_BYTES + "/".join(parts).encode("utf-8")).hexdigest()
    variant = _VARIANT[h[16]]  # RFC 4122 variant: the top two bits of this digit are 10
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"  # 5: version 5


_NAMESPACE_BYTES = NAMESPACE.bytes
_VARIANT = {digit: "89ab"[int(digit, 16) & 0x3] for digit in "0123456789abcdef"}
_CONTAINERS = (dict, list)
_EMPTIABLE = (str, list, dict)


def _clean(value: object) -> object:
    """The value without empty optional parts (None, '', [] and {}), recursively."""
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            if type(v) in _CONTAINERS:
                v = _clean(v)
            if v or not (v is None or type(v) in _EMPTIABLE):
                out[k] = v
        return out
    if type(value) is list:
        kept = []
        for v in value:
            if type(v) in _CONTAINERS:
                v = _clean(v)
            if v or not (v is None or type(v) in _EMPTIABLE):
                kept.append(v)
        return kept
    return value


# --- export ---------------------------------------------------------------------------------------


@functools.cache
def _term_id(kind: str, code: str) -> str:
    return oruk_id("taxonomy", kind, code)  # a handful of terms, repeated across every service


def _term(kind: str, code: str, name: str, description: str, term_id: str = "") -> dict:
    return {
        "id": term_id or _term_id(kind, code),
        "name": name,
        "description": description,
        "taxonomy": f"{TAXONOMY}/{kind}",
        "term": code,
    }


def _attribute(
    service_id: str, kind: str, code: str, name: str, description: str, own: bool = False, link_id: str = ""
) -> dict:
    """An attribute; own gives the term an id of this service's own (its name is a text of this record)."""
    term = _term(kind, code, name, description, oruk_id(service_id, "term", kind, code) if own else "")
    return {
        "id": oruk_id(service_id, "attribute", kind, code, *([link_id] if link_id else [])),
        "link_id": link_id or service_id,
        "link_type": LINK_TYPE.get(kind, "service"),
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _attributes(asset: Asset, service_id: str, t: Catalogue, categories: dict[str, tuple[str, str]]) -> list[dict]:
    """Facts the profile has no field for, as attributes whose taxonomy terms name this project's codes."""
    out = [_attribute(service_id, "category", c, *categories.get(c, (c, c))) for c in asset.categories]
    for g in asset.groups:
        out.append(_attribute(service_id, "group", g, t.label("groups", g), t.label("groups", g)))
    access = t("access." + asset.access)
    out.append(_attribute(service_id, "access", asset.access, access, access))
    cost = t("cost." + asset.cost)
    out.append(_attribute(service_id, "cost", asset.cost, cost, cost))
    for m in asset.attending:
        out.append(_attribute(service_id, "attending", m, t.label("attending", m), t.label("attending", m)))
    for code in asset.languages:
        label = t.label("languages", code)
        link = oruk_id(asset.id, "language", code)
        out.append(_attribute(service_id, "language", code, label, label, link_id=link))
    for kind, name in TEXT_KINDS.items():
        if text := getattr(asset, name):
            out.append(_attribute(service_id, kind, kind, text, text, own=True))
    checked_by = t("opendata.oruk_checked_by")
    out.append(_attribute(service_id, "checked-by", "checked-by", asset.checked_by, checked_by, own=True))
    out.append(_attribute(service_id, "record-id", asset.id, asset.id, t("opendata.oruk_record_id")))
    for language, texts in sorted(asset.translations.items()):
        for column, text in texts.items():
            if text:
                code = f"{language}/{column}"
                out.append(_attribute(service_id, "translation", code, text, text, own=True))
    if asset.capacity:
        words = t("capacity." + asset.capacity)
        out.append(_attribute(service_id, "capacity", asset.capacity, words, words))
        for kind, value in (("wait-weeks", asset.wait_weeks), ("capacity-as-of", asset.capacity_as_of)):
            if value is not None:
                text = str(value)
                out.append(_attribute(service_id, kind, text, text, text, own=True))
    for change in asset.changes:
        fields = {key: getattr(change, name) for key, name in CHANGE_KEYS if getattr(change, name) is not None}
        code = json.dumps({k: str(v) for k, v in fields.items()}, ensure_ascii=False, separators=(",", ":"))
        words = t("changed.kind_" + change.kind)
        out.append(_attribute(service_id, "change", code, words, change.note or words, own=True))
    for session in asset.sessions:
        if session.bank_holidays:
            words = t("changes.bank_holidays")
            schedule = oruk_id(asset.id, "schedule", str(session.index))
            out.append(_attribute(service_id, "bank-holidays", session.bank_holidays, words, words, link_id=schedule))
    return out


def _accessibility_items(location_id: str, loc: Location, t: Catalogue) -> list[dict]:
    out = []
    for feature in loc.accessibility:
        label = t.label("accessibility", feature)
        out.append(
            {
                "id": oruk_id(location_id, "accessibility", feature),
                "location_id": location_id,
                "description": label,
                "attributes": [
                    {
                        "id": oruk_id(location_id, "accessibility", feature, "attribute"),
                        "link_type": "accessibility",
                        "taxonomy_term": _term("accessibility", feature, feature, label),
                    }
                ],
            }
        )
    if loc.accessibility_notes:
        out.append(
            {
                "id": oruk_id(location_id, "accessibility-notes"),
                "location_id": location_id,
                "details": loc.accessibility_notes,
            }
        )
    return out


def _service_at_location(asset: Asset, service_id: str, loc: Location, t: Catalogue, region: str) -> dict:
    location_id = oruk_id(asset.id, "location", loc.id)
    return {
        "id": oruk_id(asset.id, "service-at-location", loc.id),
        "service_id": service_id,
        "location_id": location_id,
        "location": {
            "id": location_id,
            "location_type": "physical",
            "name": loc.name,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "external_identifier": loc.id,
            "external_identifier_type": f"{TAXONOMY}/location-id",
            "addresses": [
                {
                    "id": oruk_id(location_id, "address"),
                    "location_id": location_id,
                    "address_1": loc.address,
                    "city": loc.town,
                    "state_province": region,
                    "postal_code": loc.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
            "accessibility": _accessibility_items(location_id, loc, t),
        },
    }


def session_label(session: Session, t: Catalogue) -> str:
    """The schedule's description: the session's name, marked when it gives opening hours."""
    if session.is_opening_hours:
        return (
            t("opendata.oruk_opening_hours_named", name=session.name)
            if session.name
            else t("opendata.oruk_opening_hours")
        )
    return session.name or ""


def byday(session: Session) -> str:
    """The iCal BYDAY of a session: 'TU,TH' for weekly and fortnightly, '1TU' or '-1FR' for monthly."""
    days = sorted(session.days, key=DAY_ORDER.index)
    prefix = str(WEEK_NUMBER[session.week_of_month]) if session.frequency == "monthly" else ""
    return ",".join(prefix + BYDAY[d] for d in days)


def offset(session: Session, today: dt.date) -> str:
    """The UTC offset of London time at the session's next occurrence from today (+00:00, or +01:00 in summer)."""
    from generator.opendata.calendars import next_date

    day = next_date(session, today) or today
    hours, minutes = (int(n) for n in session.start.split(":"))
    delta = dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZONE).utcoffset() or dt.timedelta()
    total = int(delta.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def _schedule(asset: Asset, service_id: str, session: Session, t: Catalogue, today: dt.date) -> dict:
    zone = offset(session, today)
    schedule = {
        "id": oruk_id(asset.id, "schedule", str(session.index)),
        "service_id": service_id,
        "service_at_location_id": oruk_id(asset.id, "service-at-location", session.location)
        if session.location
        else None,
        "dtstart": session.starts_on.isoformat() if session.starts_on else None,
        "freq": "MONTHLY" if session.frequency == "monthly" else "WEEKLY",
        "interval": 2 if session.frequency == "fortnightly" else 1,
        "byday": byday(session),
        "opens_at": session.start + zone,
        "closes_at": session.end + zone,
        "description": session_label(session, t),
        "notes": session.notes,
    }
    if resumes := _resumes(asset, today):
        schedule["valid_from"] = resumes.isoformat()  # after a current closure, move or change of times
    return schedule


def _resumes(asset: Asset, today: dt.date) -> dt.date | None:
    """The day the usual schedule applies again after the changes in force today (None: none, or open-ended)."""
    ends = [c.ends for c in asset.changes if c.kind in ("closed", "moved", "changed-time") and c.current(today)]
    if not ends or any(c.open_ended for c in asset.changes if c.current(today) and c.ends in ends):
        return None
    return max(ends) + dt.timedelta(1)


def current_status(asset: Asset, today: dt.date) -> str:
    """The ORUK status: temporarily closed while an active asset has a closure in force today."""
    closed = any(c.kind == "closed" and c.current(today) for c in asset.changes)
    return "temporarily closed" if asset.status == "active" and closed else STATUS_TO_ORUK[asset.status]


def _cost_option(asset: Asset, service_id: str) -> dict:
    amount = 0 if asset.cost == "free" else asset.cost_amount
    return {
        "id": oruk_id(asset.id, "cost", asset.cost),
        "service_id": service_id,
        "option": asset.cost_per,
        "amount": amount,
        "amount_description": asset.cost_notes,
    }


def to_service(
    asset: Asset,
    t: Catalogue,
    categories: dict[str, tuple[str, str]],
    areas: dict[str, str],
    region: str,
    today: dt.date,
) -> dict:
    """One asset as a service of the ORUK (HSDS 3 UK profile) shape; empty optional fields are left out.

    Its dated changes in force today set the status and the schedules' valid_from (the profile has no field
    for the changes themselves: the GeoJSON and the data package carry them).

    Only the profile's fields are written, with one exception: the phone, under contacts[].phones[] with the
    profile's phone fields, since the profile's phone table links a phone to a contact (phone.contact_id).
    """
    service_id = oruk_id(asset.id)
    organisation_id = oruk_id("organisation", asset.organisation.casefold())
    contacts = []
    if asset.phone:
        contact_id = oruk_id(asset.id, "contact")
        phone = {
            "id": oruk_id(asset.id, "phone"),
            "contact_id": contact_id,
            "number": asset.phone,
            "description": asset.contact_notes,
        }
        contacts.append({"id": contact_id, "service_id": service_id, "phones": [phone]})
    service = {
        "id": service_id,
        "organization_id": organisation_id,
        "name": asset.name,
        "description": asset.description,
        "url": web_url(asset.website),
        "email": asset.email,
        "status": current_status(asset, today),
        "minimum_age": asset.min_age,
        "maximum_age": asset.max_age,
        "assured_date": asset.last_checked.isoformat(),
        "alert": asset.status_notes,
        "organization": {
            "id": organisation_id,
            "name": asset.organisation,
            "description": asset.organisation,
            "website": web_url(asset.organisation_website),
        },
        "schedules": [_schedule(asset, service_id, s, t, today) for s in asset.sessions],
        "service_areas": [
            {"id": oruk_id(asset.id, "area", a), "service_id": service_id, "name": areas.get(a, a)} for a in asset.areas
        ],
        "service_at_locations": [_service_at_location(asset, service_id, loc, t, region) for loc in asset.locations],
        "languages": [
            {"id": oruk_id(asset.id, "language", code), "service_id": service_id} for code in asset.languages
        ],
        "cost_options": [_cost_option(asset, service_id)] if asset.cost != "unknown" else [],
        "contacts": contacts,
        "attributes": _attributes(asset, service_id, t, categories),
    }
    return _clean(service)
