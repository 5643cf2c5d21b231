"""Realistic, fictional Open Referral UK feeds for import tests: ORUK 1.0 lists and API pages, and ORUK 3.0 lists.

Deterministic (a seeded generator), pure Python. Phone numbers are in Ofcom's drama range 01632 960000-960999,
web and email addresses on example.org and example.com, names made up from word lists (no real people).
Run as a script to write the feeds into a folder: python -m tests.feeds OUT [COUNT].
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from pathlib import Path

NAMESPACE = uuid.UUID("6f1c2d55-0000-4000-8000-000000000017")
SHARED_ID = str(uuid.uuid5(NAMESPACE, "shared"))  # the id 128 services share, as in one real feed
SHARED_COUNT = 128

ADJECTIVES = ["Friendly", "Valley", "Riverside", "Hillside", "Community", "Good Neighbours", "Open Door", "Sunrise"]
ACTIVITIES = [
    ("Walking Group", "Health Walks", "Physical Activity"),
    ("Lunch Club", "Food", "Food Banks and Meals"),
    ("Carers' Café", "Carers Support", "Carers"),
    ("Debt Advice", "Money Advice", "Money, Debt and Benefits"),
    ("Knit and Natter", "Arts and Crafts", "Hobbies"),
    ("Memory Café", "Dementia Support", "Dementia"),
    ("Men's Shed", "Social Groups", "Social Activities"),
    ("Digital Drop-in", "Digital Inclusion", "Computer Skills"),
    ("Community Garden", "Gardening", "Outdoor Activities"),
    ("Tenancy Support", "Housing", "Housing Advice"),
    ("Wellbeing Hub", "Mental Health", "Emotional Wellbeing"),
    ("Youth Club", "Young People", "Children and Families"),
]
TOWNS = [
    ("Stroud", "GL5", 51.745, -2.215),
    ("Gloucester", "GL1", 51.864, -2.244),
    ("Cheltenham", "GL50", 51.899, -2.078),
    ("Tewkesbury", "GL20", 51.992, -2.157),
    ("Cirencester", "GL7", 51.718, -1.968),
]
STREETS = ["High Street", "Church Lane", "Mill Road", "Station Road", "Park Avenue", "London Road", "Bath Road"]
AUDIENCES = ["Adults", "Older People", "Carers", "Families", "Young People", "Everyone"]
ATTENDING = ["Venue", "Online", "Telephone", "Home Visit"]
DELIVERABLE = ["Activity", "Advice", "Information", "Support", "Group"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
SCHEMES = ["www.{d}", "http://{d}", "https://{d}/", "{d}/services"]

HTML_PARAGRAPHS = [
    "<p>Come along &amp;amp; meet new people over a cup of tea.</p>",
    '<p>We meet every week.<br aria-hidden="true">Everyone is welcome, whatever your age.</p>',
    "<p><br></p>",
    "<p><strong>What we offer:</strong></p><ul><li>a warm welcome</li><li>light refreshments</li>"
    "<li>information about other local groups</li></ul>",
    '<p>Find out more on <a href="https://www.example.org/more">our website</a>.</p>',
    "<p>Tea &amp; biscuits provided &ndash; bring a friend.</p>",
    "<div><p>&nbsp;</p></div>",
    "<p>Volunteers help with forms, letters and phone calls. "
    + "They can also point you to other help nearby. " * 3
    + "</p>",
]
LONG_FILLER = (  # about 4,400 characters with its markup, 2,300 without: it fits once cleaned
    '<p><span style="font-family: Arial, Helvetica, sans-serif; font-size: 12pt; color: #333333;">'
    "Our trained volunteers listen without judging and help you find the next step.</span></p>"
) * 28


def _phone(rnd: random.Random) -> str:
    return f"01632 {960000 + rnd.randrange(1000)}"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def _description(rnd: random.Random, i: int) -> str:
    parts = rnd.sample(HTML_PARAGRAPHS, rnd.randint(2, 4))
    if i % 37 == 0:
        parts.append(LONG_FILLER)  # over 4,000 characters with the markup, under once it is gone
    if i % 101 == 0:
        return "<p><br></p>"  # nothing but markup
    return "".join(parts)


def _website(rnd: random.Random, i: int, domain: str) -> str:
    if i % 20 == 0:
        return rnd.choice(SCHEMES[:2] + SCHEMES[3:]).format(d=domain)  # no scheme, or plain http
    return f"https://{domain}/"


def _email(i: int, local: str) -> str:
    if i % 50 == 0:
        return f"{local}@example.org\u200b"  # a zero-width space after it
    if i % 51 == 0:
        return f"{local}@example.org."
    return f"{local}@example.org"


def _schedule_v1(rnd: random.Random, i: int, j: int) -> dict:
    day = rnd.choice(DAYS)
    start = rnd.choice([9, 10, 13, 18])
    schedule = {
        "id": _id("schedule", i, j),
        "freq": "WEEKLY",
        "interval": 1,
        "byday": day if i % 3 else f"{day},{DAYS[(DAYS.index(day) + 1) % len(DAYS)]}",
        "opens_at": f"{start:02d}:00:00",
        "closes_at": f"{start + 2:02d}:00:00",
        "dtstart": "2024-01-01",
        "description": "",
    }
    kind = i % 10
    if kind == 1:  # ended in 2005, as in the profile's example
        schedule |= {"valid_from": "2005-01-01", "valid_to": "2005-01-01", "until": "2005-06-30", "byday": "TH,FR"}
    elif kind == 2:
        schedule |= {"freq": "MONTHLY", "byday": f"1{day}", "until": "2030-12-31"}
    elif kind == 3:
        schedule |= {"freq": "MONTHLY", "byday": "", "bymonthday": "2"}
    elif kind == 4:
        schedule |= {"count": 10}
    elif kind == 5:
        schedule |= {"byweekno": "1,2,3"}
    elif kind == 6:
        schedule |= {"valid_to": "2031-03-31"}
    return schedule


def _amount(i: int) -> object:
    return {0: "£35", 1: "Free", 2: "NaN", 3: 2.5, 4: 0, 5: "3.00"}.get(i % 23)


def v1_service(rnd: random.Random, i: int) -> dict:
    """One ORUK 1.0 service as a council's directory (a rich-text editor behind it) publishes it."""
    adjective, (activity, term, _other_term) = rnd.choice(ADJECTIVES), rnd.choice(ACTIVITIES)
    town, district, lat, lon = TOWNS[i % len(TOWNS)]
    name = f"{adjective} {activity} {town} {i}"
    postcode = f"{district} {rnd.randint(1, 9)}{rnd.choice('ABDEFGHJ')}{rnd.choice('LNPQRS')}"
    domain = f"group{i}.example.org" if i % 2 else f"group{i}.example.com"
    local = f"hello{i}"
    service: dict = {
        "id": SHARED_ID if i < SHARED_COUNT else _id("service", i),
        "name": name,
        "description": _description(rnd, i),
        "url": _website(rnd, i, domain),
        "email": _email(i, local),
        "status": "active",
        "fees": "",
        "accreditations": "",
        "assured_date": "2026-03-14T00:00:00Z" if i % 4 else None,
        "attending_access": "",
        "attending_type": ATTENDING[i % len(ATTENDING)] if i % 3 else "",
        "deliverable_type": rnd.choice(DELIVERABLE),
        "pc_targetAudience": rnd.choice(AUDIENCES) if i % 2 else "",
        "organization": {
            "id": _id("organisation", i // 3),
            "name": f"{adjective} Trust {i // 3}",
            "description": f"<p>A local charity &amp;amp; community group.</p><p>Registered in {town}.</p>",
            "url": f"www.trust{i // 3}.example.org" if i % 7 == 0 else f"https://trust{i // 3}.example.org/",
            "email": f"office{i // 3}@example.org",
            "logo": "",
        },
        "contacts": [{"id": _id("contact", i), "name": "", "title": "", "phones": [{"number": _phone(rnd)}]}],
        "cost_options": [],
        "eligibilitys": [{"eligibility": "Adults"}] if i % 5 == 0 else [],
        "languages": [{"language": "English"}],
        "regular_schedules": [_schedule_v1(rnd, i, 0)] if i % 4 != 3 else [],
        "service_areas": [{"service_area": town}] if i % 2 else [],
        "service_taxonomys": [
            {"id": _id("st", i), "taxonomy": {"id": _id("term", term), "name": term, "vocabulary": "Directory"}}
        ],
        "service_at_locations": [],
    }
    if (amount := _amount(i)) is not None:
        service["cost_options"] = [{"id": _id("cost", i), "amount": amount, "option": "per session"}]
    if i % 3 != 2:
        street = rnd.choice(STREETS)
        service["service_at_locations"] = [
            {
                "id": _id("sal", i),
                "location": {
                    "id": _id("location", i),
                    "name": f"{town} Community Centre",
                    "latitude": round(lat + rnd.uniform(-0.01, 0.01), 5),
                    "longitude": round(lon + rnd.uniform(-0.01, 0.01), 5),
                    "physical_addresses": [
                        {
                            "address_1": f"{rnd.randint(1, 99)} {street}",
                            "city": town,
                            "state_province": "Gloucestershire",
                            "postal_code": postcode,
                            "country": "GB",
                        }
                    ],
                    "accessibility_for_disabilities": [{"accessibility": "Step-free access"}] if i % 4 == 0 else [],
                },
            }
        ]
    return service


def v1_list(count: int = 800, seed: int = 17) -> list[dict]:
    """An ORUK 1.0 flat list of count services."""
    rnd = random.Random(seed)
    return [v1_service(rnd, i) for i in range(count)]


def pages(services: list[dict], size: int = 100) -> list[dict]:
    """The same services as the pages of a /services API (ORUK 1.0 envelope: content, totalElements...)."""
    out = []
    total_pages = max(1, -(-len(services) // size))
    for number in range(total_pages):
        content = services[number * size : (number + 1) * size]
        out.append(
            {
                "totalElements": len(services),
                "totalPages": total_pages,
                "number": number,
                "size": size,
                "first": number == 0,
                "last": number == total_pages - 1,
                "content": content,
            }
        )
    return out


def v3_service(rnd: random.Random, i: int) -> dict:
    """One ORUK 3.0 (HSDS 3 UK profile) service with a service-level phone and service_at_locations."""
    adjective, (activity, term, _audience) = rnd.choice(ADJECTIVES), rnd.choice(ACTIVITIES)
    town, district, lat, lon = TOWNS[i % len(TOWNS)]
    service: dict = {
        "id": _id("v3", i),
        "name": f"{adjective} {activity} v3 {i}",
        "description": "<p>Weekly sessions for anyone who would like company.</p><p>Tea&amp;cake.</p>",
        "url": f"https://v3-{i}.example.com/",
        "email": f"team{i}@example.com",
        "status": "active",
        "assured_date": "2026-09-01",
        "phones": [{"id": _id("phone", i), "number": _phone(rnd), "description": "Weekdays 9 to 5"}],
        "organization": {"id": _id("v3org", i), "name": f"{adjective} Partnership", "website": "https://example.org/"},
        "schedules": [
            {
                "id": _id("v3schedule", i),
                "freq": "WEEKLY",
                "interval": 1,
                "byday": rnd.choice(DAYS),
                "opens_at": "10:00:00+00:00",
                "closes_at": "12:00:00+00:00",
                "valid_to": "2030-07-31" if i % 2 else None,
            }
        ],
        "attributes": [{"taxonomy_term": {"taxonomy": "directory", "term": term, "name": term}}],
        "service_at_locations": [
            {
                "id": _id("v3sal", i),
                "location": {
                    "id": _id("v3loc", i),
                    "location_type": "physical",
                    "name": f"{town} Library",
                    "latitude": lat,
                    "longitude": lon,
                    "addresses": [
                        {"address_1": "1 Library Walk", "city": town, "postal_code": f"{district} 1AA", "country": "GB"}
                    ],
                },
            }
        ],
        "cost_options": [{"amount": 0, "option": "session"}] if i % 2 else [],
    }
    return service


def v3_list(count: int = 200, seed: int = 30) -> dict:
    """An ORUK 3.0 paginated /services response."""
    rnd = random.Random(seed)
    contents = [v3_service(rnd, i) for i in range(count)]
    return {"total_items": count, "total_pages": 1, "page_number": 1, "size": count, "contents": contents}


def write(out: Path, count: int = 800) -> dict[str, Path]:
    """Write every feed into out; returns what each file or folder is."""
    out.mkdir(parents=True, exist_ok=True)
    services = v1_list(count)
    written = {"v1": out / "v1-services.json", "pages": out / "v1-pages", "v3": out / "v3-services.json"}
    written["v1"].write_text(json.dumps(services, indent=1), encoding="utf-8")
    written["pages"].mkdir(exist_ok=True)
    for page in pages(services):
        (written["pages"] / f"page-{page['number']:03d}.json").write_text(json.dumps(page), encoding="utf-8")
    written["v3"].write_text(json.dumps(v3_list()), encoding="utf-8")
    return written


if __name__ == "__main__":
    write(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 800)


def write_tabular(services: list[dict], folder: Path) -> Path:
    """ORUK 3.0 services as the tabular set (services.csv, organizations.csv... joined by ids)."""
    import csv

    tables: dict[str, list[dict]] = {}

    def add(name: str, row: dict) -> None:
        tables.setdefault(name, []).append({k: v for k, v in row.items() if not isinstance(v, list | dict)})

    for service in services:
        sid = service["id"]
        organisation = service.get("organization") or {}
        add("organizations.csv", organisation)
        add("services.csv", {**service, "organization_id": organisation.get("id", "")})
        for i, phone in enumerate(service.get("phones") or []):
            contact_id = _id("contact", sid, i)
            add("contacts.csv", {"id": contact_id, "service_id": sid})
            add("phones.csv", {**phone, "contact_id": contact_id})
        for sal in service.get("service_at_locations") or []:
            location = sal["location"]
            add("service_at_location.csv", {"id": sal["id"], "service_id": sid, "location_id": location["id"]})
            add("locations.csv", location)
            for j, address in enumerate(location.get("addresses") or []):
                add("address.csv", {**address, "id": _id("address", location["id"], j), "location_id": location["id"]})
        for schedule in service.get("schedules") or []:
            add("schedule.csv", {**schedule, "service_id": sid})
        for k, cost in enumerate(service.get("cost_options") or []):
            add("cost_options.csv", {**cost, "id": _id("cost", sid, k), "service_id": sid})
        for k, attribute in enumerate(service.get("attributes") or []):
            term = attribute["taxonomy_term"]
            term_id = _id("term", term["term"])
            add("attribute.csv", {"id": _id("attribute", sid, k), "link_id": sid, "taxonomy_term_id": term_id})
            if term_id not in {t["id"] for t in tables.get("taxonomy_terms.csv", [])}:
                add("taxonomy_terms.csv", {**term, "id": term_id})
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return folder
