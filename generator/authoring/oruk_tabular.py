"""Read the Open Referral UK tabular set (services.csv, organizations.csv, locations.csv... joined by ids) as the
nested services the JSON feeds give, so that one mapping reads both. ORUK 3.0 names, and the 1.0 ones
(regular_schedules.csv, physical_addresses.csv, service_taxonomy.csv) where they differ.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from generator.data.loader import display_path
from generator.problems import Problem

MAX_BYTES = 50_000_000  # a whole council directory is a few megabytes
# file -> the key rows are grouped by (in the order tried)
FILES = {
    "organizations.csv": "id",
    "contacts.csv": "service_id",
    "phones.csv": "contact_id",
    "service_at_location.csv": "service_id",
    "service_at_locations.csv": "service_id",
    "locations.csv": "id",
    "address.csv": "location_id",
    "addresses.csv": "location_id",
    "physical_addresses.csv": "location_id",
    "accessibility.csv": "location_id",
    "accessibility_for_disabilities.csv": "location_id",
    "schedule.csv": "service_id",
    "schedules.csv": "service_id",
    "regular_schedules.csv": "service_id",
    "service_areas.csv": "service_id",
    "languages.csv": "service_id",
    "cost_options.csv": "service_id",
    "funding.csv": "service_id",
    "attribute.csv": "link_id",
    "attributes.csv": "link_id",
    "taxonomy_terms.csv": "id",
    "service_taxonomy.csv": "service_id",
    "taxonomies.csv": "id",
    "taxonomy.csv": "id",
}


def is_tabular(path: Path) -> bool:
    """True for a folder holding services.csv, or services.csv itself."""
    return (path.is_dir() and (path / "services.csv").is_file()) or (path.name == "services.csv" and path.is_file())


def _read(path: Path, problems: list[Problem]) -> list[dict]:
    """The rows of one CSV file as dicts without empty cells ([] when it is absent or unreadable)."""
    if not path.is_file():
        return []
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            problems.append(Problem(shown, 0, "", "too-large", "this file is too large to be a directory.", ""))
            return []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError:
        problems.append(Problem(shown, 0, "", "not-utf8", "the file is not UTF-8 text.", "Save it as 'CSV UTF-8'."))
        return []
    except (OSError, csv.Error) as exc:
        problems.append(Problem(shown, 0, "", "unreadable", f"cannot read the file: {exc}.", ""))
        return []
    return [{k.strip(): v.strip() for k, v in row.items() if k and isinstance(v, str) and v.strip()} for row in rows]


def read_tabular(path: Path) -> tuple[list[tuple[dict, str]], list[Problem]]:
    """Every service of a tabular set, nested like ORUK JSON, with where each came from."""
    folder = path if path.is_dir() else path.parent
    problems: list[Problem] = []
    by: dict[str, dict[str, list[dict]]] = {}
    for name, key in FILES.items():
        grouped: dict[str, list[dict]] = defaultdict(list)
        for row in _read(folder / name, problems):
            grouped[row.get(key, "")].append(row)
        by[name] = grouped

    def rows(*names: str, key: str) -> list[dict]:
        return [row for name in names for row in by[name].get(key, [])]

    def one(name: str, key: str) -> dict | None:
        found = by[name].get(key)
        return dict(found[0]) if found else None

    terms = {**by["taxonomy_terms.csv"], **by["taxonomies.csv"], **by["taxonomy.csv"]}
    shown = display_path(folder / "services.csv")
    services = []
    for line, row in enumerate(_read(folder / "services.csv", problems), start=2):
        service = dict(row)
        sid = service.get("id", "")
        if organisation := one("organizations.csv", service.pop("organization_id", "")):
            service["organization"] = organisation
        contacts = []
        for contact in rows("contacts.csv", key=sid):
            contacts.append({**contact, "phones": rows("phones.csv", key=contact.get("id", ""))})
        service["contacts"] = contacts
        sals = []
        for sal in rows("service_at_location.csv", "service_at_locations.csv", key=sid):
            location = one("locations.csv", sal.get("location_id", "")) or {}
            lid = location.get("id", "")
            location["addresses"] = rows("address.csv", "addresses.csv", "physical_addresses.csv", key=lid)
            location["accessibility"] = rows("accessibility.csv", "accessibility_for_disabilities.csv", key=lid)
            sals.append({**sal, "location": location})
        service["service_at_locations"] = sals
        service["schedules"] = rows("schedule.csv", "schedules.csv", "regular_schedules.csv", key=sid)
        for key, name in (("service_areas", "service_areas.csv"), ("languages", "languages.csv")):
            service[key] = rows(name, key=sid)
        service["cost_options"] = rows("cost_options.csv", key=sid)
        service["funding"] = rows("funding.csv", key=sid)
        attributes = []
        for attribute in rows("attribute.csv", "attributes.csv", key=sid):
            term = terms.get(attribute.get("taxonomy_term_id", ""), [{}])[0]
            attributes.append({**attribute, "taxonomy_term": dict(term)})
        service["attributes"] = attributes
        service["service_taxonomys"] = [
            {"taxonomy": dict(terms.get(link.get("taxonomy_id", ""), [{}])[0])}
            for link in rows("service_taxonomy.csv", key=sid)
        ]
        services.append((service, f"{shown} line {line}"))
    return services, problems
