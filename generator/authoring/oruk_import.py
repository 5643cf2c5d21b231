"""Open Referral UK import: map a service (ORUK 1.0 or HSDS 3 UK profile) back to a record."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.data.schema import Schema
from generator.opendata.oruk_export import BYDAY, CHANGE_KEYS, STATUS_FROM_ORUK, TAXONOMY, WEEK_NAME, oruk_id
from generator.render.schedule import DAY_ORDER
from generator.render.strings import Catalogue

SLUG_PART = re.compile(r"[^a-z0-9]+")
DAY_CODES = {code: day for day, code in BYDAY.items()}
BYDAY_TOKEN = re.compile(r"^(-?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
CHANGE_FIELDS = {key for key, _name in CHANGE_KEYS}
NAMED_KINDS = ("checked-by", "summary", "eligibility", "application-process", "first-visit")  # the name is the value
UK_COUNTRIES = {"gb", "uk", "united kingdom", "great britain", "england", "scotland", "wales", "northern ireland"}


def slug(text: str, limit: int = 60) -> str:
    """A lowercase-and-hyphens id made from a name, such as 'stroud-valleys-walkers'."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return SLUG_PART.sub("-", ascii_text).strip("-")[:limit].strip("-") or "imported"


def unique(base: str, taken: set[str]) -> str:
    """base, or base-2, base-3... when base is taken; the result is added to taken."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


@dataclass
class Mapped:
    """One record made from imported data, with what could not be used and what a person must check."""

    record: dict
    source: str
    uuid: str = ""
    unused: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    file: str = ""  # the file it came from, for problems (source may add a row or item number)
    line: int = 0

    @property
    def id(self) -> str:
        """The record id."""
        return self.record["id"]


@dataclass
class Vocabulary:
    """What an import maps onto: the schema (with the bounding box), categories, areas and labels."""

    schema: Schema
    categories: dict[str, str]
    areas: dict[str, str]
    t: Catalogue
    today: str
    existing: set[str] = field(default_factory=set)
    area_descriptions: dict[str, str] = field(default_factory=dict)

    def fits(self, table: str, name: str, value: str) -> str:
        """Why value cannot go in the column (table.name), or '' when it fits the schema's constraints."""
        fld = self.schema.table(table).field(name)
        c = fld.constraints
        shown = value if len(value) <= 60 else value[:59] + "…"
        if fld.type in ("number", "integer"):
            try:
                number = float(value) if fld.type == "number" else int(value)
            except ValueError:
                return f"'{shown}' is not a number"
            if not math.isfinite(number):
                return f"'{shown}' is not a number"
            if ("minimum" in c and number < c["minimum"]) or ("maximum" in c and number > c["maximum"]):
                return f"{shown} is outside {c.get('minimum')} to {c.get('maximum')}"
        if "pattern" in c and not re.fullmatch(c["pattern"], value):
            return f"'{shown}' is not {fld.format_hint or 'in the form the schema needs'}"
        if "enum" in c and value not in c["enum"]:
            return f"'{shown}' is not one of {', '.join(c['enum'])}"
        if len(value) > c.get("maxLength", math.inf):
            return f"it is {len(value)} characters long; the limit is {c['maxLength']}"
        if len(value) < c.get("minLength", 0):
            return f"it is shorter than {c['minLength']} characters"
        return ""

    def match(self, names: dict[str, str], text: str) -> str | None:
        """The vocabulary id whose id or name is text (ignoring case), if any."""
        wanted = text.strip().casefold()
        return next((i for i, n in names.items() if wanted in (i.casefold(), n.casefold())), None)


class Reader:
    """Reads an imported document, remembering every path it used so the rest can be reported."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.notes: list[str] = []

    def take(self, obj: object, key: str, path: str = "") -> object:
        """obj[key] when it has a value (marking it used), otherwise None."""
        if not isinstance(obj, dict) or obj.get(key) in (None, "", [], {}):
            return None
        self.used.add(f"{path}.{key}" if path else key)
        return obj[key]

    def text(self, obj: object, key: str, path: str = "") -> str | None:
        """obj[key] as text (numbers written out), or None."""
        value = self.take(obj, key, path)
        if isinstance(value, bool | dict | list):
            self.used.discard(f"{path}.{key}" if path else key)
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return None if value is None else str(value).strip() or None

    def reject(self, path: str, why: str) -> None:
        """Note that the value at path was read but could not be used, and why."""
        self.used.add(path)
        self.notes.append(f"{path}: {why}")

    def unused(self, document: object) -> list[str]:
        """Every value in document that was neither used nor rejected (ids and links excepted)."""
        out = [f"{path}: not mapped" for path in _leaves(document, "") if not self._covered(path)]
        return sorted(self.notes) + out

    def _covered(self, path: str) -> bool:
        key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
        if key == "id" or key.endswith("_id"):
            return True
        return any(path == u or path.startswith(u + ".") or path.startswith(u + "[") for u in self.used)


def _leaves(value: object, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _leaves(sub, f"{path}[{i}]")
    elif value not in (None, ""):
        yield path


def _items(obj: dict, key: str) -> list:
    """obj[key] when it is a list, otherwise an empty list (a feed may put anything anywhere)."""
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _put(record: dict, dotted: str, value: object) -> None:
    node = record
    *parents, last = dotted.split(".")
    for step in parents:
        node = node.setdefault(step, {})
    node[last] = value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _attributes_by_kind(service: dict, r: Reader, vocab: Vocabulary) -> dict[str, list[str]]:
    """This project's own attributes by kind, plus categories matched by name from other taxonomies."""
    found: dict[str, list[str]] = {}
    for i, attribute in enumerate(_items(service, "attributes")):
        path = f"attributes[{i}]"
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        taxonomy = str(term.get("taxonomy") or "")
        code = str(term.get("term") or term.get("name") or "")
        if taxonomy.startswith(TAXONOMY + "/"):
            kind = taxonomy.removeprefix(TAXONOMY + "/")
            value = str(term.get("name") or "") if kind in NAMED_KINDS else code
            if kind == "translation":
                value = f"{code}\n{term.get('name') or ''}"  # 'cy/name' and the text
            elif kind == "bank-holidays":
                value = f"{attribute.get('link_id') or ''}\n{code}"  # the schedule's id and 'closed'
            found.setdefault(kind, []).append(value)
            r.used.add(path)
            continue
        category = vocab.match(vocab.categories, code) or vocab.match(vocab.categories, str(term.get("name") or ""))
        if category:
            found.setdefault("category", []).append(category)
            r.used.add(path)
        else:
            r.reject(path, f"the term '{term.get('name') or code}' is not one of this directory's categories")
    return found


def _times(schedule: dict, r: Reader, path: str) -> tuple[str, str] | None:
    times = []
    for key in ("opens_at", "closes_at"):
        text = r.text(schedule, key, path) or ""
        match = TIME.match(text)
        if not match or int(match.group(1)) > 23:
            r.reject(f"{path}.{key}", f"'{text}' is not a time of day (HH:MM)" if text else "a session needs a time")
            return None
        times.append(f"{int(match.group(1)):02d}:{match.group(2)}")
    return times[0], times[1]


def _days(byday_text: str) -> list[tuple[int | None, str]] | None:
    out = []
    for token in byday_text.replace(" ", "").upper().split(","):
        match = BYDAY_TOKEN.match(token)
        if not match:
            return None
        out.append((int(match.group(1)) if match.group(1) else None, DAY_CODES[match.group(2)]))
    return out


def _label(description: str, t: Catalogue) -> tuple[str | None, str | None]:
    """(type, name) from a schedule description written by session_label, or (None, name)."""
    if description.casefold() == t("opendata.oruk_opening_hours").casefold():
        return "opening-hours", None
    prefix = t("opendata.oruk_opening_hours_named", name="")
    if prefix and description.startswith(prefix):
        return "opening-hours", description[len(prefix) :]
    return None, description


def _session(schedule: dict, r: Reader, path: str, vocab: Vocabulary) -> list[dict]:
    """One schedule as sessions (a monthly schedule on different weeks gives one session per week)."""
    freq = (r.text(schedule, "freq", path) or "").upper()
    interval = r.text(schedule, "interval", path) or "1"
    byday_text = r.text(schedule, "byday", path) or ""
    if r.text(schedule, "bymonthday", path):
        r.reject(f"{path}.bymonthday", "days of the month (such as the 2nd) cannot be recorded; use a weekday")
    times = _times(schedule, r, path)
    days = _days(byday_text) if byday_text else None
    if times is None:
        return []
    if not days:
        r.reject(f"{path}.byday", f"'{byday_text}' gives no weekdays" if byday_text else "a session needs its weekdays")
        return []
    base: dict = {}
    if description := r.text(schedule, "description", path):
        kind, name = _label(description, vocab.t)
        if kind:
            base["type"] = kind
        if name and len(name) <= 80 and "\n" not in name:
            base["name"] = name
        elif name:
            schedule = {**schedule, "notes": " ".join(filter(None, [name, schedule.get("notes")]))}
    # valid_from: when the usual schedule applies again after a closure or move (this map's export writes it
    # from a record's dated changes, which ORUK has no field for); the schedule itself is what a record keeps.
    r.text(schedule, "valid_from", path)
    dtstart = r.text(schedule, "dtstart", path)
    if dtstart and vocab.fits("sessions", "starts_on", dtstart) == "" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", dtstart):
        base["starts_on"] = dtstart
    elif dtstart:
        r.reject(f"{path}.dtstart", f"'{dtstart}' is not a date (YYYY-MM-DD)")
    ordinals = {n for n, _ in days}
    if freq == "WEEKLY" and interval in ("1", "2") and ordinals == {None}:
        frequency = "weekly" if interval == "1" else "fortnightly"
        if frequency == "fortnightly" and "starts_on" not in base:
            r.reject(f"{path}.interval", "a fortnightly schedule needs dtstart, a date it happens on")
            return []
        groups = {None: [d for _, d in days]}
    elif freq == "MONTHLY" and interval == "1" and None not in ordinals and ordinals <= set(WEEK_NAME):
        frequency = "monthly"
        groups = {n: [d for m, d in days if m == n] for n in sorted(ordinals, key=lambda n: (n < 0, n))}
    else:
        r.reject(
            path,
            f"the repeat rule (freq {freq or 'missing'}, interval {interval}, byday {byday_text}) "
            "is not weekly, fortnightly or monthly on a weekday",
        )
        return []
    out = []
    for number, group_days in groups.items():
        session = dict(base, frequency=frequency)
        if number is not None:
            session["week_of_month"] = WEEK_NAME[number]
        session["days"] = sorted(dict.fromkeys(group_days), key=DAY_ORDER.index)
        session["start"], session["end"] = times
        if notes := r.text(schedule, "notes", path):
            if vocab.fits("sessions", "notes", notes):
                r.reject(f"{path}.notes", vocab.fits("sessions", "notes", notes))
            else:
                session["notes"] = notes
        out.append(session)
    return out


def _postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _address(location: dict, r: Reader, path: str) -> tuple[dict, str] | None:
    addresses = _items(location, "addresses")
    usable = [i for i, a in enumerate(addresses) if isinstance(a, dict)]
    if not usable:
        return None
    physical = [i for i in usable if addresses[i].get("address_type") != "postal"]
    i = (physical or usable)[0]
    return addresses[i], f"{path}.addresses[{i}]"


def _read_accessibility(location: dict, r: Reader, path: str, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    features: list[str] = []
    notes: list[str] = []
    labels = {v.casefold(): k for k, v in vocab.t.section("accessibility").items()}
    for i, item in enumerate(_items(location, "accessibility")):
        item_path = f"{path}.accessibility[{i}]"
        if not isinstance(item, dict):
            continue
        for j, attribute in enumerate(_items(item, "attributes")):
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            code = str(term.get("term") or "") if isinstance(term, dict) else ""
            if (
                isinstance(term, dict)
                and term.get("taxonomy") == f"{TAXONOMY}/accessibility"
                and code in labels.values()
            ):
                features.append(code)
                r.used.add(f"{item_path}.attributes[{j}]")
        description = r.text(item, "description", item_path)
        if description and description.casefold() in labels:
            features.append(labels[description.casefold()])
        elif description and not any(f"{item_path}.attributes" in u for u in r.used):
            notes.append(description)
        for key in ("details", "accessibility"):
            if (text := r.text(item, key, item_path)) and text not in notes:
                notes.append(text)
    return list(dict.fromkeys(features)), notes


def _location(sal: dict, r: Reader, path: str, vocab: Vocabulary, taken: set[str]) -> dict | None:
    """A location from a service_at_location, or None (with the reason noted) when it cannot be a venue."""
    location = sal.get("location") if isinstance(sal, dict) else None
    path = f"{path}.location"
    if not isinstance(location, dict):
        return None
    if location.get("location_type") == "virtual":
        r.reject(f"{path}.location_type", "a virtual location is not a venue; the service is treated as online")
        return None
    r.take(location, "location_type", path)
    found = _address(location, r, path)
    if found is None:
        r.reject(path, "a location needs an address with a postcode; it was left out")
        return None
    address, address_path = found
    loc: dict = {}
    lines = [r.text(address, k, address_path) for k in ("address_1", "address_2")]
    loc["address"] = ", ".join(filter(None, lines))
    loc["town"] = r.text(address, "city", address_path) or ""
    loc["postcode"] = _postcode(r.text(address, "postal_code", address_path) or "")
    loc["name"] = r.text(location, "name", path) or loc["address"]
    country = r.text(address, "country", address_path)
    r.take(address, "state_province", address_path)
    r.take(address, "region", address_path)
    r.take(address, "address_type", address_path)
    if address.get("attention"):
        r.reject(f"{address_path}.attention", "a person's name is never imported")
    why = []
    if country and country.casefold() not in UK_COUNTRIES:
        why.append(f"the country is {country}, not the UK")
    for key, table_field in (("address", "address"), ("town", "town"), ("postcode", "postcode"), ("name", "name")):
        if not loc[key]:
            why.append(f"it has no {key}")
        elif problem := vocab.fits("locations", table_field, loc[key]):
            why.append(f"{key}: {problem}")
    for key in ("latitude", "longitude"):
        value = r.text(location, key, path)
        if value is None:
            why.append(f"it has no {key}")
        elif problem := vocab.fits("locations", key, value):
            why.append(f"{key}: {problem}")
        else:
            loc[key] = _number(float(value))
    if why:
        r.reject(path, "location left out: " + "; ".join(why))
        return None
    own_id = (
        location.get("external_identifier")
        if location.get("external_identifier_type") == f"{TAXONOMY}/location-id"
        else None
    )
    own_id = own_id if isinstance(own_id, str) else None
    if own_id:
        r.take(location, "external_identifier", path)
        r.take(location, "external_identifier_type", path)
    loc["id"] = unique(own_id if own_id and vocab.fits("locations", "id", own_id) == "" else slug(loc["name"]), taken)
    features, notes = _read_accessibility(location, r, path, vocab)
    if features:
        loc["accessibility"] = features
    text = " ".join(notes)
    if text and vocab.fits("locations", "accessibility_notes", text) == "":
        loc["accessibility_notes"] = text
    elif text:
        r.reject(f"{path}.accessibility", "the accessibility notes are longer than a record allows; add them by hand")
    return loc


def _first_sentence(text: str, limit: int) -> str:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _amount(text: str | None) -> float | None:
    """A cost amount as a number, or None when the text is not a finite, non-negative number."""
    try:
        number = float(text) if text is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _cost(service: dict, r: Reader, kinds: dict[str, list[str]], attention: list[str]) -> dict:
    options = [o for o in _items(service, "cost_options") if isinstance(o, dict)]
    cost: dict = {}
    option = options[0] if options else {}
    given = r.text(option, "amount", "cost_options[0]")
    amount = _amount(given)
    if given is not None and amount is None:
        r.reject("cost_options[0].amount", f"'{given[:40]}' is not an amount in pounds; it was left out")
        attention.append(f"cost.amount: the source gives '{given[:40]}', not a number; please fill in the cost")
    per = r.text(option, "option", "cost_options[0]")
    notes = r.text(option, "amount_description", "cost_options[0]")
    fees = r.text(service, "fees")
    words = " ".join(filter(None, [per, notes, fees, given if amount is None else None])).casefold()
    kind = (kinds.get("cost") or [None])[0]
    if kind not in ("free", "donation", "fee"):
        if amount == 0:
            kind = "free"
        elif "donation" in words:
            kind = "donation"
        elif amount is not None:
            kind = "fee"
        elif "free" in words:
            kind = "free"
        elif given is not None:
            kind = "fee"
        else:
            kind = "free" if not fees else "donation"
            attention.append(f"cost.type: the cost is not given; set to {kind}; please check")
    cost["type"] = kind
    if amount is not None and kind != "free":
        cost["amount"] = f"{amount:.2f}"
    elif amount:
        r.reject("cost_options[0].amount", "the cost is free, so the amount was left out")
    for key, value in (("per", per), ("notes", notes or fees)):
        if value:
            cost[key] = value
    if notes and fees:
        r.reject("fees", "only one cost note fits; fees was left out")
    for i in range(1, len(options)):
        r.reject(f"cost_options[{i}]", "a record holds one cost; add other prices to cost.notes by hand")
    if kind == "fee" and "amount" not in cost:
        cost["type"] = "donation"
        attention.append("cost.type: a fee with no amount; set to donation; please check")
    return cost


def _contact(service: dict, r: Reader, vocab: Vocabulary) -> dict:
    contact: dict = {}
    for i, person in enumerate(_items(service, "contacts")):
        if not isinstance(person, dict):
            continue
        for key in ("name", "title", "email"):
            if person.get(key):
                r.reject(
                    f"contacts[{i}].{key}", "a person's contact details are never imported; use the organisation's"
                )
        for j, phone in enumerate(_items(person, "phones")):
            number = r.text(phone, "number", f"contacts[{i}].phones[{j}]")
            if number and "phone" not in contact and not vocab.fits("assets", "phone", number):
                contact["phone"] = number
                if note := r.text(phone, "description", f"contacts[{i}].phones[{j}]"):
                    contact["notes"] = note
            elif number:
                r.reject(
                    f"contacts[{i}].phones[{j}].number",
                    vocab.fits("assets", "phone", number) or "only one phone number fits",
                )
    for key, target in (("email", "email"), ("url", "website")):
        if value := r.text(service, key):
            if problem := vocab.fits("assets", target, value):
                r.reject(key, problem)
            else:
                contact[target] = value
    return contact


def _languages(service: dict, r: Reader, vocab: Vocabulary, kinds: dict[str, list[str]]) -> list[str]:
    names = {v.casefold(): k for k, v in vocab.t.section("languages").items()}
    out = [code for code in kinds.get("language", []) if re.fullmatch(r"[a-z]{2,3}", code)]
    if out:  # this tool's export: the profile's language items carry only ids, their codes are attributes
        return list(dict.fromkeys(out))
    for i, language in enumerate(_items(service, "languages")):
        path = f"languages[{i}]"
        code = (r.text(language, "code", path) or "").lower()
        name = r.text(language, "name", path) or ""
        code = code if re.fullmatch(r"[a-z]{2,3}", code) else names.get(name.casefold(), "")
        if code:
            out.append(code)
        else:
            r.reject(
                path, f"the language '{name}' has no two- or three-letter code" if name else "no language code or name"
            )
    return list(dict.fromkeys(out))


def _translations(found: list[str], r: Reader, vocab: Vocabulary) -> dict:
    """The record's translations from this tool's translation attributes ('cy/name' and the text)."""
    keys = {f.name: f.key for f in vocab.schema.table("translations").fields if f.name not in ("asset_id", "language")}
    out: dict = {}
    for item in found:
        code, _, text = item.partition("\n")
        language, _, column = code.partition("/")
        if not re.fullmatch(r"[a-z]{2,3}", language) or column not in keys or not text:
            r.notes.append(f"attributes: the translation '{code[:40]}' is not one a record holds; left out")
            continue
        if problem := vocab.fits("translations", column, text):
            r.notes.append(f"attributes: the translation {code}: {problem}; left out")
            continue
        _put(out.setdefault(language, {}), keys[column], text)
    return out


def _areas(service: dict, r: Reader, vocab: Vocabulary) -> list[str]:
    out = []
    for i, area in enumerate(_items(service, "service_areas")):
        path = f"service_areas[{i}]"
        for key in ("name", "service_area"):
            text = r.text(area, key, path)
            if text and (found := vocab.match(vocab.areas, text)):
                out.append(found)
                r.used.add(path)
                break
        else:
            r.reject(path, "not one of this directory's areas")
    return list(dict.fromkeys(out))


def _guess_area(vocab: Vocabulary, towns: list[str]) -> str:
    """The area whose name or description mentions a location's town, else a countywide area, else the first."""
    for town in towns:
        pattern = re.compile(rf"\b{re.escape(town)}\b", re.I)
        for area_id, name in vocab.areas.items():
            if pattern.search(name) or pattern.search(vocab.area_descriptions.get(area_id, "")):
                return area_id
    return "countywide" if "countywide" in vocab.areas else next(iter(vocab.areas))


def _record_id(service: dict, kinds: dict[str, list[str]], name: str, vocab: Vocabulary, taken: set[str]) -> str:
    """The id written in this project's own export, or an existing record with this UUID, or one made from the name."""
    own = (kinds.get("record-id") or [""])[0]
    if own and not vocab.fits("assets", "id", own):
        return own
    service_id = str(service.get("id") or "")
    for existing in sorted(vocab.existing):
        if oruk_id(existing) == service_id:
            return existing
    return unique(slug(name, 80), taken)


def _capacity_and_changes(record: dict, kinds: dict[str, list[str]], r: Reader, vocab: Vocabulary) -> None:
    """The first visit, capacity and dated changes this project's export writes as attributes, into record."""
    if first_visit := (kinds.get("first-visit") or [None])[0]:
        if problem := vocab.fits("assets", "first_visit", first_visit):
            r.reject("attributes (first-visit)", problem)
        else:
            record["first_visit"] = first_visit
    status = (kinds.get("capacity") or [None])[0]
    if status and not vocab.fits("assets", "capacity", status):
        record["capacity"] = {"status": status}
        for kind, key in (("wait-weeks", "wait_weeks"), ("capacity-as-of", "as_of")):
            if value := (kinds.get(kind) or [None])[0]:
                record["capacity"][key] = value
    changes = []
    for code in kinds.get("change", []):
        try:
            change = json.loads(code)
        except ValueError:
            change = None
        if not isinstance(change, dict) or not all(isinstance(v, str) for v in change.values()):
            r.reject("attributes (change)", "a dated change that is not an object of texts")
            continue
        problems = (vocab.fits("changes", k, v) for k, v in change.items() if k in CHANGE_FIELDS)
        if problem := next((p for p in problems if p), ""):
            r.reject("attributes (change)", problem)
            continue
        changes.append({k: v for k, v in change.items() if k in CHANGE_FIELDS})
    if changes:
        record["changes"] = changes


def _closed_on(change: dict, day: str) -> bool:
    """True for a dated closure (as the record writes it) in force on day (YYYY-MM-DD)."""
    return change.get("kind") == "closed" and change.get("from", "") <= day <= change.get("to", "9999-12-31")


def from_service(service: dict, vocab: Vocabulary, source: str, taken: set[str]) -> Mapped:
    """A record (plain strings, lists and blocks, ready to write as YAML) made from one ORUK service."""
    r = Reader()
    attention: list[str] = []
    kinds = _attributes_by_kind(service, r, vocab)
    name = r.text(service, "name") or ""
    record: dict = {"id": _record_id(service, kinds, name, vocab, taken), "name": name}
    description = r.text(service, "description") or ""
    summary = r.text(service, "summary") or (kinds.get("summary") or [None])[0]
    if not summary and description:
        summary = _first_sentence(description, 200)
        attention.append("summary: made from the first sentence of the description; please check")
    record["summary"] = summary or name
    if not description:
        attention.append("description: none given; the summary was used; please write one")
    record["description"] = description or record["summary"]
    status = (r.text(service, "status") or "").casefold()
    record["status"] = STATUS_FROM_ORUK.get(status, "active")
    if status not in STATUS_FROM_ORUK:
        attention.append(f"status: '{status}' is not an ORUK status; set to active; please check")
    if alert := r.text(service, "alert"):
        record["status_notes"] = alert
    organisation = service.get("organization") if isinstance(service.get("organization"), dict) else {}
    _put(record, "organisation.name", r.text(organisation, "name", "organization") or "")
    if not record["organisation"]["name"]:
        record["organisation"]["name"] = name
        attention.append("organisation.name: no organisation given; the service's name was used")
    if r.text(organisation, "description", "organization") not in (None, record["organisation"]["name"]):
        r.reject("organization.description", "a record has no organisation description")
    if website := r.text(organisation, "website", "organization"):
        if problem := vocab.fits("assets", "organisation_website", website):
            r.reject("organization.website", problem)
        else:
            record["organisation"]["website"] = website
    categories = [c for c in kinds.get("category", []) if c in vocab.categories]
    if not categories:
        categories = [next(iter(vocab.categories))]
        attention.append(f"categories: no category matched; set to {categories[0]}; please choose")
    record["categories"] = list(dict.fromkeys(categories))
    locations: list[dict] = []
    by_link: dict[str, str] = {}
    taken_locations: set[str] = set()
    for i, sal in enumerate(_items(service, "service_at_locations")):
        loc = _location(sal, r, f"service_at_locations[{i}]", vocab, taken_locations)
        if loc:
            locations.append(loc)
            for key in ("id", "location_id"):
                if isinstance(sal, dict) and sal.get(key):
                    by_link[str(sal[key])] = loc["id"]
    record["areas"] = _areas(service, r, vocab) or [_guess_area(vocab, [loc["town"] for loc in locations])]
    if not service.get("service_areas"):
        attention.append(f"areas: none given; set to {record['areas'][0]}; please check")
    for key, target in (("minimum_age", "min_age"), ("maximum_age", "max_age")):
        if (age := r.text(service, key)) is not None:
            if problem := vocab.fits("assets", target, age):
                r.reject(key, problem)
            else:
                _put(record, f"who_for.{target}", age)
    groups = [g for g in kinds.get("group", []) if g in vocab.t.section("groups")]
    if groups:
        _put(record, "who_for.groups", groups)
    if eligibility := r.text(service, "eligibility_description") or (kinds.get("eligibility") or [None])[0]:
        _put(record, "who_for.notes", eligibility)
    access = (kinds.get("access") or [""])[0]
    if access not in ("drop-in", "self-referral", "referral"):
        access = "self-referral"
        attention.append("access.type: not given; set to self-referral; please check")
    _put(record, "access.type", access)
    if process := r.text(service, "application_process") or (kinds.get("application-process") or [None])[0]:
        _put(record, "access.notes", process)
    record["cost"] = _cost(service, r, kinds, attention)
    contact = _contact(service, r, vocab)
    attending = [m for m in kinds.get("attending", []) if m in ("in-person", "online", "phone")]
    if not attending:
        attending = (["in-person"] if locations else []) + (["phone"] if "phone" in contact else [])
        attending = attending or ["online"]
        attention.append(f"attending: not given; set to {', '.join(attending)}; please check")
    if locations and "in-person" not in attending:
        attending.insert(0, "in-person")
    if not locations and "in-person" in attending:
        attending = [m for m in attending if m != "in-person"] or ["phone" if "phone" in contact else "online"]
        attention.append(f"locations: none could be used; attending set to {', '.join(attending)}; add a venue")
    record["attending"] = attending
    record["languages"] = _languages(service, r, vocab, kinds)
    if not record["languages"]:
        record["languages"] = ["en"]
        attention.append("languages: none given; set to en; please check")
    record["locations"] = locations
    sessions: list[dict] = []
    holidays = dict(v.split("\n", 1) for v in kinds.get("bank-holidays", []))  # schedule id: closed
    for i, schedule in enumerate(_items(service, "schedules")):
        path = f"schedules[{i}]"
        if not isinstance(schedule, dict):
            continue
        link = by_link.get(str(schedule.get("service_at_location_id") or schedule.get("location_id") or ""))
        for session in _session(schedule, r, path, vocab):
            if holidays.get(str(schedule.get("id") or "")) == "closed":
                session["bank_holidays"] = "closed"
            targets = [link] if link else [loc["id"] for loc in locations] if len(locations) > 1 else [None]
            for target in targets:
                sessions.append({**session, "location": target} if target else session)
    record["sessions"] = sessions
    _capacity_and_changes(record, kinds, r, vocab)
    if status == "temporarily closed" and any(_closed_on(c, vocab.today) for c in record.get("changes", [])):
        record["status"] = "active"  # this project's export: temporarily closed by a dated closure, which came too
    if contact:
        record["contact"] = contact
    assured = r.text(service, "assured_date") or ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", assured[:10]) and assured[:10] <= vocab.today:
        record["last_checked"] = assured[:10]
    else:
        record["last_checked"] = vocab.today
        attention.append("last_checked: no usable assured_date; set to today; check the details with the organisation")
    if service.get("assurer_email"):
        r.reject("assurer_email", "never imported: the record says which organisation checked it (checked_by)")
    record["checked_by"] = (kinds.get("checked-by") or [""])[0]
    if not record["checked_by"]:
        record["checked_by"] = vocab.t("opendata.import_checked_by")
        attention.append("checked_by: not given; please name the organisation that checked the details")
    if translations := _translations(kinds.get("translation", []), r, vocab):
        record["translations"] = translations
    for key in ("name", "summary", "description", "status_notes"):
        if key in record and (problem := vocab.fits("assets", key, record[key])):
            attention.append(f"{key}: {problem}; please shorten it")
    return Mapped(record, source, str(service.get("id") or ""), r.unused(service), attention)
