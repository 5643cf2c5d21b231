"""Read what councils publish as Open Referral UK (1.0 lists and API pages, 3.0 lists and services, folders of pages)
and bring each service into the one shape the mapping reads (oruk_import.from_service), cleaned and with notes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.authoring.cleaning import clean_line, clean_text, repair_email, repair_phone, repair_website
from generator.authoring.importer import json_files, too_many
from generator.authoring.importsafe import MAX_SERVICES, MAX_TOTAL_BYTES, parse_json, read_limited
from generator.authoring.oruk_tabular import is_tabular, read_tabular
from generator.data.loader import display_path
from generator.opendata.oruk_export import TAXONOMY
from generator.problems import Problem

ENVELOPES = ("content", "contents", "items", "services", "data")
WEEKDAYS = {d: d[:2].upper() for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}
LONDON_ZONES = {"europe/london", "gmt", "bst", "utc", "z", "+00:00", "+01:00", "0", "1"}
MONTHS = "January February March April May June July August September October November December".split()
AMOUNT = re.compile(r"^\s*£?\s*(\d+(?:\.\d{1,2})?)\s*(?:p|gbp)?\s*$", re.I)
# v1 attending_type and audience words every feed uses, before the area's own mapping file is consulted
ATTENDING = {"venue": "in-person", "in person": "in-person", "in-person": "in-person", "face to face": "in-person"}
ATTENDING |= {"online": "online", "virtual": "online", "remote": "online", "phone": "phone", "telephone": "phone"}
ONE_LINE = ("name", "summary", "alert", "fees")
_ITEM: dict = {}
LOCATION = {"addresses": [_ITEM], "physical_addresses": [_ITEM], "accessibility": [_ITEM]}
LOCATION |= {"accessibility_for_disabilities": [_ITEM]}
# the containers the mapping reads, and what each holds: a value of another shape is left out and reported
SHAPES: dict = {
    "organization": _ITEM,
    "contacts": [{"phones": [_ITEM]}],
    "phones": [_ITEM],
    "service_at_locations": [{"location": LOCATION}],
    "attributes": [{"taxonomy_term": _ITEM}],
    "service_taxonomys": [{"taxonomy": _ITEM}],
} | {key: [_ITEM] for key in ("cost_options", "schedules", "regular_schedules", "languages", "service_areas")}
SHAPES |= {"eligibilitys": [_ITEM], "funding": [_ITEM]}
PARAGRAPHS = ("description", "eligibility_description", "application_process")


@dataclass
class Feed:
    """Services read from a file or folder, with the notes (by reason) and problems met on the way."""

    services: list[tuple[dict, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # source id -> where each copy was


@dataclass
class Notes:
    """What bringing one service into shape did: repairs, schedules dropped or limited, terms without a mapping."""

    repairs: list[str] = field(default_factory=list)
    schedules: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    unmapped_terms: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # values of a shape the mapping cannot read


def _services(document: object) -> list | None:
    """The services in one document: a service, a list, or an API page under content/contents/items."""
    if isinstance(document, dict):
        for key in ENVELOPES:
            if isinstance(document.get(key), list):
                return document[key]
        if "name" in document or "id" in document:
            return [document]
        return None
    return document if isinstance(document, list) else None


def read_feed(path: Path) -> Feed:
    """Every service in a JSON file or the .json files of a folder; identical copies kept once, others noted."""
    feed = Feed()
    seen: dict[str, tuple[str, str]] = {}  # source id -> (canonical JSON, where)
    if is_tabular(path):
        services, feed.problems = read_tabular(path)
        for service, where in services:
            _add(feed, seen, service, where)
        return feed
    files, feed.problems = json_files(path)  # links are not followed
    files = [f for f in files if f.name != "datapackage.json" or not path.is_dir()]  # a descriptor, not services
    total = 0
    for file in files:
        shown = display_path(file)
        raw, problem = read_limited(file)  # size limits, and a named pipe refused, before reading
        total += len(raw or b"")
        if total > MAX_TOTAL_BYTES:
            message = f"the .json files here hold over {MAX_TOTAL_BYTES // 1_048_576} MB, the most an import reads."
            feed.problems.append(
                Problem(display_path(path), 0, "", "too-large", message, "Import the folder in parts.")
            )
            break
        document, problem = parse_json(raw, shown) if raw is not None else (None, problem)  # depth and size limits
        if problem:
            feed.problems.append(problem)
            continue
        services = _services(document)
        if services is None:
            if isinstance(document, dict) and "version" in document and "name" not in document:
                continue  # an ORUK discovery document (the feed's root), not services
            feed.problems.append(
                Problem(
                    shown,
                    1,
                    "",
                    "not-a-service",
                    "this is not an Open Referral UK service, list of services or page of an API response.",
                    "Export services from the directory as ORUK JSON (1.0 or 3.0).",
                )
            )
            continue
        for i, service in enumerate(services):
            _add(feed, seen, service, shown if len(services) == 1 else f"{shown} #{i + 1}")
        if len(feed.services) > MAX_SERVICES:
            feed.problems.append(too_many(display_path(path), "services"))
            break
    return feed


def _add(feed: Feed, seen: dict[str, tuple[str, str]], service: object, where: str) -> None:
    """Add one service to the feed, unless it has no name or is a copy of one already added (noted)."""
    if not isinstance(service, dict) or not isinstance(service.get("name"), str) or not service["name"].strip():
        feed.problems.append(Problem(where, 0, "name", "required", "the service has no name.", "Give it a name."))
        return
    source_id = str(service.get("id") or "")
    if source_id:
        canonical = json.dumps(service, sort_keys=True)
        if source_id in seen:
            if seen[source_id][0] != canonical:
                feed.duplicates.setdefault(source_id, [seen[source_id][1]]).append(where)
            return  # the same service twice (a list and its own file, as an export has) is one service
        seen[source_id] = (canonical, where)
    feed.services.append((service, where))


# --- bringing a service into shape ------------------------------------------------------------------


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _count_end(schedule: dict, start: dt.date | None) -> dt.date | None:
    """When a weekly or monthly schedule with count repeats ends (None when it cannot be told)."""
    try:
        count, interval = int(schedule["count"]), int(schedule.get("interval") or 1)
    except (TypeError, ValueError):
        return None
    per_week = max(1, len(str(schedule.get("byday") or "x").split(",")))
    freq = str(schedule.get("freq") or "").upper()
    if start is None or freq not in ("WEEKLY", "MONTHLY"):
        return None
    days = (math.ceil(count / per_week) * 7 * interval) if freq == "WEEKLY" else count * 31 * interval
    return start + dt.timedelta(days=days)


def _schedule(schedule: dict, where: str, today: dt.date, notes: Notes, own: bool) -> dict | None:
    """A schedule in HSDS 3 shape, or None (noted) when it has ended or its limits cannot be kept.

    own: the service comes from this tool's export, whose valid_from is the day the usual times resume after a
    closure or move (the record keeps the schedule itself); elsewhere, with no dtstart, it is the first day.
    """
    out = dict(schedule)
    if own:
        out.pop("valid_from", None)
    if not out.get("byday") and str(out.get("weekday") or "").casefold() in WEEKDAYS:
        out["byday"] = WEEKDAYS[str(out.pop("weekday")).casefold()]
    start = _date(out.get("dtstart")) or _date(out.get("valid_from"))
    if start and not out.get("dtstart"):
        out["dtstart"] = start.isoformat()
    out.pop("valid_from", None)
    ends = [d for d in (_date(out.pop("valid_to", None)), _date(out.pop("until", None))) if d]
    if out.get("count") not in (None, ""):
        end = _count_end(out, start)
        out.pop("count")
        if end is None:
            notes.schedules.append(("schedule-not-kept", f"{where}: it repeats a set number of times from no start"))
            return None
        ends.append(end)
    if out.get("byweekno"):
        notes.schedules.append(("schedule-not-kept", f"{where}: weeks of the year (byweekno) cannot be recorded"))
        return None
    if out.get("bymonthday") and not out.get("byday"):
        notes.schedules.append(("schedule-not-kept", f"{where}: days of the month (bymonthday) cannot be recorded"))
        return None
    if str(out.get("timezone") or "").casefold() in LONDON_ZONES:
        out.pop("timezone", None)
    if ends:
        end = min(ends)
        if end < today:
            notes.schedules.append(("expired-schedule", f"{where}: ended on {end.isoformat()}; left out"))
            return None
        until = f"Until {_long_date(end)}."
        out["notes"] = " ".join(filter(None, [clean_line(str(out.get("notes") or "")), until]))
        notes.schedules.append(("schedule-end-in-notes", f"{where}: ends on {end.isoformat()}; kept in its notes"))
    for key in ("description", "notes"):
        if isinstance(out.get(key), str):
            out[key] = clean_line(out[key])
    return out


def _cost_options(options: list, notes: Notes) -> list:
    out = []
    for i, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        option = dict(option)
        amount = option.get("amount")
        if isinstance(amount, str):
            text = amount.strip()
            match = AMOUNT.match(text)
            if match:
                option["amount"] = match.group(1)
                if match.group(0).strip() != match.group(1):
                    notes.repairs.append(f"cost_options[{i}].amount: '{text}' read as {match.group(1)}")
            elif text.casefold() == "free":
                option["amount"] = 0
                notes.repairs.append(f"cost_options[{i}].amount: 'Free' read as no charge")
            else:
                option.pop("amount")
                words = " ".join(filter(None, [option.get("amount_description"), text]))
                option["amount_description"] = words if text.casefold() not in ("nan", "null", "none", "-") else None
                notes.repairs.append(f"cost_options[{i}].amount: '{text}' is not an amount; left out")
        elif isinstance(amount, float) and not math.isfinite(amount):
            option.pop("amount")
            notes.repairs.append(f"cost_options[{i}].amount: not a number; left out")
        if isinstance(option.get("amount_description"), str):
            option["amount_description"] = clean_line(option["amount_description"])
        out.append(option)
    return out


def _location(sal: object) -> object:
    """A v1 service_at_location in HSDS 3 shape (addresses, accessibility)."""
    if not isinstance(sal, dict) or not isinstance(sal.get("location"), dict):
        return sal
    location = dict(sal["location"])
    if "physical_addresses" in location and not location.get("addresses"):
        location["addresses"] = location.pop("physical_addresses")
    if "accessibility_for_disabilities" in location and not location.get("accessibility"):
        location["accessibility"] = [
            {"description": clean_line(str(a.get("accessibility") or "")), "details": a.get("details")}
            for a in location.pop("accessibility_for_disabilities") or []
            if isinstance(a, dict)
        ]
    return {**sal, "location": location}


def _terms(service: dict) -> list[str]:
    """The words a feed classifies a service by: taxonomy terms, deliverable type, audience, eligibility."""
    found: list[str] = []
    for item in service.get("service_taxonomys") or []:
        taxonomy = item.get("taxonomy") if isinstance(item, dict) else None
        if isinstance(taxonomy, dict) and taxonomy.get("name"):
            found.append(str(taxonomy["name"]))
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and not str(term.get("taxonomy") or "").startswith(TAXONOMY):
            found += [str(term[k]) for k in ("name", "term") if term.get(k)][:1]
    for key in ("deliverable_type", "pc_targetAudience", "attending_access"):
        value = service.get(key)
        values = value if isinstance(value, list) else re.split(r"\s*[;,]\s*", value) if isinstance(value, str) else []
        found += [str(v) for v in values if str(v).strip()]
    for item in service.get("eligibilitys") or []:
        if isinstance(item, dict) and item.get("eligibility"):
            found.append(str(item["eligibility"]))
    return list(dict.fromkeys(t.strip() for t in found if t.strip()))


TEXT_TERMS = {
    f"{TAXONOMY}/{kind}" for kind in ("summary", "eligibility", "application-process", "translation", "first-visit")
}
ONE_LINE_TEXTS = ("summary", "name", "status_notes")  # of a translation: its code ends /<column>


def _clean_change(attribute: dict, term: dict) -> dict:
    """A dated change of this tool's own export (its term a JSON object) with its note cleaned."""
    try:
        change = json.loads(str(term.get("term") or ""))
    except ValueError:
        return attribute  # the import reports it
    if not isinstance(change, dict) or not isinstance(change.get("note"), str):
        return attribute
    change["note"] = clean_line(change["note"])
    code = json.dumps(change, ensure_ascii=False, separators=(",", ":"))
    return {**attribute, "taxonomy_term": {**term, "term": code}}


def _clean_attribute(attribute: dict) -> dict:
    """An attribute whose term holds a record's text (this tool's own export) with that text cleaned."""
    term = attribute.get("taxonomy_term")
    if isinstance(term, dict) and term.get("taxonomy") == f"{TAXONOMY}/change":
        return _clean_change(attribute, term)
    if not isinstance(term, dict) or term.get("taxonomy") not in TEXT_TERMS or not isinstance(term.get("name"), str):
        return attribute
    kind = str(term.get("term") or "").rsplit("/", 1)[-1]
    cleaned = clean_line(term["name"]) if kind in ONE_LINE_TEXTS else clean_text(term["name"])
    return {**attribute, "taxonomy_term": {**term, "name": cleaned}}


def _own_attribute(attribute: object) -> bool:
    """True for an attribute of this tool's own export (taxonomy community-asset-map/...)."""
    term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
    return isinstance(term, dict) and str(term.get("taxonomy") or "").startswith(TAXONOMY + "/")


def _attribute(kind: str, code: str) -> dict:
    return {"taxonomy_term": {"taxonomy": f"{TAXONOMY}/{kind}", "term": code, "name": code}}


def _conform(value: object, expected: object, path: str, dropped: list[str]) -> object:
    """value with every part that is not of the expected shape left out (and its path noted)."""
    if isinstance(expected, list):
        if not isinstance(value, list):
            dropped.append(path)
            return []
        items = [_conform(v, expected[0], f"{path}[{i}]", dropped) for i, v in enumerate(value)]
        return [v for v in items if v]
    if not isinstance(value, dict):
        dropped.append(path)
        return {}
    out = {}
    for key, sub in value.items():
        if key in expected and sub not in (None, ""):
            out[key] = _conform(sub, expected[key], f"{path}.{key}", dropped)
        else:  # what the mapping does not read as a container: it reads only text, and reports the rest
            out[key] = None if isinstance(sub, float) and not math.isfinite(sub) else sub
    return out


def conform(service: dict) -> tuple[dict, list[str]]:
    """The service with every value of a shape the mapping cannot read left out, and their paths."""
    dropped: list[str] = []
    out = _conform(service, SHAPES, "", dropped)
    return out, [p.lstrip(".") for p in dropped]


def shape(service: dict, where: str, mapping: dict[str, dict[str, str]], today: dt.date) -> tuple[dict, Notes]:
    """The service as from_service reads it: v1 fields renamed, text cleaned, repairs made, terms mapped."""
    notes = Notes()
    out, dropped = conform(service)
    service = out
    notes.dropped = dropped
    out = dict(out)
    for key in (*ONE_LINE, *PARAGRAPHS, "url", "email"):
        value = out.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            out[key] = str(value)
        elif value is not None and not isinstance(value, str):
            out.pop(key)
            notes.dropped.append(key)
    for key in ONE_LINE:
        if isinstance(out.get(key), str):
            out[key] = clean_line(out[key])
    for key in PARAGRAPHS:
        if isinstance(out.get(key), str):
            out[key] = clean_text(out[key])
    for key in ("url", "website"):
        if isinstance(out.get(key), str) and out[key].strip():
            out["url"], why = repair_website(out.pop(key))
            if why:
                notes.repairs.append(f"{key}: {why}")
    if isinstance(out.get("email"), str):
        out["email"], why = repair_email(out["email"])
        if why:
            notes.repairs.append(f"email: {why}")
    organisation = dict(out["organization"]) if isinstance(out.get("organization"), dict) else {}
    if organisation:
        if organisation.get("url") and not organisation.get("website"):
            organisation["website"] = organisation.pop("url")
        if isinstance(organisation.get("website"), str):
            organisation["website"], why = repair_website(organisation["website"])
            if why:
                notes.repairs.append(f"organization.website: {why}")
        if isinstance(organisation.get("name"), str):
            organisation["name"] = clean_line(organisation["name"])
        about = clean_text(str(organisation.pop("description", "") or ""))
        if about and about != organisation.get("name") and about not in (out.get("description") or ""):
            text = "\n\n".join(filter(None, [out.get("description") or "", about]))
            out["description"] = text  # a record has no organisation description: it ends the service's own
        for key in ("email", "logo", "uri", "year_incorporated", "legal_status", "tax_status", "tax_id"):
            organisation.pop(key, None)  # the service's own contact details are the ones published
        out["organization"] = organisation
    contacts = [dict(c) for c in out.get("contacts") or [] if isinstance(c, dict)]
    if isinstance(out.get("phones"), list) and out["phones"]:  # HSDS 3 service-level phones come first
        contacts.insert(0, {"phones": out.pop("phones")})
    for contact in contacts:
        contact["phones"] = [dict(p) for p in contact.get("phones") or [] if isinstance(p, dict)]
        for phone in contact["phones"]:
            if isinstance(phone.get("number"), str):
                phone["number"], _why = repair_phone(phone["number"])
    out["contacts"] = contacts
    if isinstance(out.get("cost_options"), list):
        out["cost_options"] = _cost_options(out["cost_options"], notes)
    schedules = out.pop("regular_schedules", None) or out.get("schedules") or []
    kept = []
    own = any(_own_attribute(a) for a in out.get("attributes") or [])
    for i, schedule in enumerate(schedules if isinstance(schedules, list) else []):
        if isinstance(schedule, dict) and (shaped := _schedule(schedule, f"schedules[{i}]", today, notes, own)):
            kept.append(shaped)
    out["schedules"] = kept
    out["service_at_locations"] = [_location(s) for s in out.get("service_at_locations") or []]
    languages = out.get("languages") or []
    if isinstance(languages, list):
        out["languages"] = [
            {"name": lang["language"]} if isinstance(lang, dict) and "language" in lang and "name" not in lang else lang
            for lang in languages
        ]
    out["attributes"] = [_clean_attribute(a) for a in out.get("attributes") or [] if isinstance(a, dict)]
    out["attributes"] += _mapped_attributes(service, mapping, notes)
    for key in ("service_taxonomys", "deliverable_type", "pc_targetAudience", "eligibilitys", "attending_type"):
        out.pop(key, None)  # read as terms above
    if not out.get("attending_access"):
        out.pop("attending_access", None)
    return out, notes


def _mapped_attributes(service: dict, mapping: dict[str, dict[str, str]], notes: Notes) -> list[dict]:
    """This project's attributes for the feed's terms the area's mapping (or the common attending words) gives."""
    out: list[dict] = []
    attending = str(service.get("attending_type") or "")
    for word in re.split(r"\s*[;,/]\s*|\s+or\s+|\s+and\s+", attending.casefold()):
        mode = mapping.get("attending", {}).get(word) or ATTENDING.get(word)
        if mode:
            out.append(_attribute("attending", mode))
    terms = _terms(service)
    for term in terms:
        key = term.casefold()
        hits = [
            (kind, mapping[kind][key]) for kind in ("categories", "groups", "access") if key in mapping.get(kind, {})
        ]
        for kind, code in hits:
            out.append(_attribute({"categories": "category", "groups": "group"}.get(kind, kind), code))
        if not hits and key not in mapping.get("ignore", {}):
            notes.unmapped_terms.append(term)
    return out
