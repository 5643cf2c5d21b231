"""Import an Open Referral UK feed: read, clean, map (with the area's reviewed term mapping), mark guesses as drafts,
merge with what the area already has, write, and remember the source of each record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.authoring import provenance
from generator.authoring.importer import ImportReport, not_imported, vocabulary, write_records
from generator.authoring.oruk_feed import Notes, read_feed, shape
from generator.authoring.oruk_import import Mapped, Vocabulary, from_service
from generator.data.loader import display_path, load_document
from generator.problems import WARNING, Problem

MAPPING_FILE = "import-mapping.yaml"
MAPPING_KINDS = ("categories", "groups", "access", "attending", "areas", "ignore")
SHORT_WORDS = {"and", "with", "the", "for", "support", "living", "people", "young", "help"}


@dataclass
class Outcome:
    """What an import did, beyond what write_records reports: notes by reason, for the report."""

    report: ImportReport
    feed: str
    services: int = 0
    reasons: dict[str, list[str]] = field(default_factory=dict)  # reason -> one line per case
    repaired: set[str] = field(default_factory=set)  # record ids with a repair
    drafts: set[str] = field(default_factory=set)
    conflicts: list[provenance.Conflict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # records a re-import found nothing new for
    unmapped_terms: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def note(self, reason: str, text: str) -> None:
        """Add one case under a reason."""
        self.reasons.setdefault(reason, []).append(text)


def load_mapping(data_dir: Path, vocab: Vocabulary) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The area's reviewed mapping from a feed's terms to its own categories, groups, access and attending modes."""
    path = data_dir / MAPPING_FILE
    if not path.is_file():
        return {}, []
    doc = load_document(path)
    shown = display_path(path)
    problems = list(doc.problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    allowed = {
        "categories": set(vocab.categories),
        "groups": set(vocab.t.section("groups")),
        "access": {"drop-in", "self-referral", "referral"},
        "attending": {"in-person", "online", "phone"},
        "areas": set(vocab.areas),
    }
    mapping: dict[str, dict[str, str]] = {}
    for kind, terms in data.items():
        if kind not in MAPPING_KINDS or not isinstance(terms, dict):
            hint = f"Use {', '.join(MAPPING_KINDS)}, each a list of 'feed term: code' lines."
            problems.append(Problem(shown, 0, str(kind), "bad-mapping", f"'{kind}' is not a kind of mapping.", hint))
            continue
        for term, code in terms.items():
            code = str(code or "").strip()
            if kind != "ignore" and code not in allowed[kind]:
                problems.append(
                    Problem(
                        shown,
                        0,
                        f"{kind}.{term}",
                        "bad-mapping",
                        f"'{code}' is not one of this area's {kind}; the term was not mapped.",
                        f"Use one of: {', '.join(sorted(allowed[kind]))}.",
                        WARNING,
                    )
                )
                continue
            mapping.setdefault(kind, {})[str(term).strip().casefold()] = code
    return mapping, problems


def _guess_category(record: dict, vocab: Vocabulary) -> str | None:
    """A category whose name shares a telling word with the service's name or description (a guess)."""
    words = set(re.findall(r"[a-z]{4,}", f"{record.get('name', '')} {record.get('description', '')}".casefold()))
    for category_id, name in vocab.categories.items():
        telling = {w for w in re.findall(r"[a-z]{4,}", name.casefold()) if w not in SHORT_WORDS}
        if telling & words:
            return category_id
    return None


def resolve_areas(service: dict, mapping: dict[str, dict[str, str]], vocab: Vocabulary) -> None:
    """The feed's service areas as this area's ids: by the reviewed mapping, else a place named in an area's name."""
    service["service_areas"] = [dict(a) if isinstance(a, dict) else a for a in service.get("service_areas") or []]
    for area in service["service_areas"]:
        if not isinstance(area, dict):
            continue
        for key in ("service_area", "name"):
            text = str(area.get(key) or "").strip()
            if not text or vocab.match(vocab.areas, text):
                continue
            found = mapping.get("areas", {}).get(text.casefold())
            pattern = re.compile(rf"\b{re.escape(text)}\b", re.I)
            found = found or next((i for i, n in vocab.areas.items() if pattern.search(n)), None)
            if found:
                area[key] = found


def _town_area(record: dict, vocab: Vocabulary) -> bool:
    towns = [loc.get("town", "") for loc in record.get("locations") or []]
    for town in filter(None, towns):
        pattern = re.compile(rf"\b{re.escape(town)}\b", re.I)
        if any(pattern.search(f"{n} {vocab.area_descriptions.get(i, '')}") for i, n in vocab.areas.items()):
            return True
    return False


def stated_areas(service: dict, vocab: Vocabulary) -> bool:
    """True when one of the service's areas is one of this area's (after resolve_areas)."""
    areas = [a for a in service.get("service_areas") or [] if isinstance(a, dict)]
    return any(vocab.match(vocab.areas, str(a.get(k) or "")) for a in areas for k in ("service_area", "name"))


def unknown_not_guessed(mapped: Mapped, vocab: Vocabulary, areas_stated: bool) -> list[str]:
    """Turn the mapping's guesses into 'unknown' (shown as such) or to_confirm items (a draft); returns the latter."""
    record, keep, confirm = mapped.record, [], []
    for item in mapped.attention:
        field_name = item.split(":", 1)[0]
        if field_name == "categories":
            guess = _guess_category(record, vocab)
            record["categories"] = [guess or record["categories"][0]]
            confirm.append(
                f"categories: guessed from the description ({guess}); confirm or choose"
                if guess
                else f"categories: the feed gives none this area maps; {record['categories'][0]} is a placeholder"
            )
        elif field_name == "cost.type":
            record["cost"] = {k: v for k, v in record["cost"].items() if k in ("notes", "per")} | {"type": "unknown"}
            record["cost"].pop("per", None)
        elif field_name == "access.type":
            record["access"]["type"] = "unknown"
        elif field_name in ("attending", "locations"):
            if not record.get("locations"):
                record["attending"] = ["unknown"]
            if field_name == "locations":
                keep.append(item.split(";")[0] + "; add the venue by hand if there is one")
        elif field_name == "last_checked":  # no check is claimed that did not happen: a draft until one is made
            confirm.append(
                "last_checked: the feed does not say when these details were last checked; check them with the "
                f"organisation, then set the date ({record['last_checked']}, the day of the import, is a placeholder)"
            )
        elif field_name != "areas":
            keep.append(item)
    if not areas_stated and not _town_area(record, vocab):
        confirm.append(f"areas: none given; {record['areas'][0]} is a placeholder; choose the areas it serves")
    mapped.attention = keep
    if confirm:
        record["to_confirm"] = confirm
    return confirm


def _local(data_dir: Path, record_id: str) -> dict | None:
    path = data_dir / "assets" / f"{record_id}.yaml"
    if not path.is_file():
        return None
    doc = load_document(path)
    return dict(doc.data) if isinstance(doc.data, dict) and not doc.problems else None


def import_feed(
    data_dir: Path, source: Path, update: bool, templates: Path, today: dt.date, feed: str | None = None
) -> Outcome:
    """Import every service in source (a file or folder) into data_dir; see the module's docstring."""
    import time

    started = time.perf_counter()
    feed = feed or source.resolve().name
    vocab = vocabulary(data_dir, templates, today)
    mapping, problems = load_mapping(data_dir, vocab)
    read = read_feed(source)
    known = provenance.load(data_dir)
    taken = set(vocab.existing)
    outcome = Outcome(
        ImportReport(), feed, services=len(read.services) + sum(len(w) - 1 for w in read.duplicates.values())
    )
    for source_id, where in read.duplicates.items():
        outcome.note(
            "duplicate-source-id",
            f"{len(where)} services share the id {source_id}; the first ({where[0]}) was imported, "
            f"{len(where) - 1} left out: ask the publisher to give each service its own id",
        )
    chosen: list[Mapped] = []
    origins: dict[str, tuple[Path, bytes]] = {}  # record id -> its provenance, written with the batch or not at all
    first: dict[str, str] = {}  # record id -> the service that gave it first
    for service, where in read.services:
        try:
            shaped, notes = shape(service, where, mapping, today)
            resolve_areas(shaped, mapping, vocab)
            mapped = from_service(shaped, vocab, where, taken)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError) as exc:
            # a value of a shape no feed should have (a number where text belongs...): that service only
            why = f"a value has a shape this import cannot read ({type(exc).__name__}: {exc})."
            problems.append(Problem(where, 0, "", "unreadable", why, "Check this service in the feed."))
            continue
        source_id = str(service.get("id") or "")
        match = known.get(source_id)
        if match and _local(data_dir, match.record_id) is None:
            outcome.note(
                "removed-here",
                f"{match.record_id}: deleted here after an earlier import; not brought back "
                f"(delete {provenance.FOLDER}/{match.record_id}.json to import it again)",
            )
            continue
        if match:
            mapped.record["id"] = match.record_id
        if mapped.id in first:  # two services, each with its own source id, claim one record
            message = f"the id '{mapped.id}' ({where}) is also the id of {first[mapped.id]}."
            hint = "Ask the publisher to give each service its own record id, or remove one of them."
            problems.append(Problem(where, 0, "id", "duplicate-id", message, hint))
            continue
        first[mapped.id] = where
        confirm = unknown_not_guessed(mapped, vocab, stated_areas(shaped, vocab))
        _notes(outcome, mapped, notes, confirm)
        local = _local(data_dir, mapped.id)
        if local is not None and not update:
            outcome.report.skipped.append(display_path(data_dir / "assets" / f"{mapped.id}.yaml"))
            continue
        values = dict(mapped.record)
        if local is not None:
            base = match.values if match and match.record_id == mapped.id else local
            merged, conflicts = provenance.merge(mapped.id, base, local, values)
            outcome.conflicts += conflicts
            if provenance.same_record(merged, local):
                outcome.unchanged.append(mapped.id)
                if source_id and (not match or match.values != values):
                    origin = provenance.note(feed, source_id, values, where)
                    origins[mapped.id] = (provenance.note_path(data_dir, mapped.id), origin)
                continue
            mapped.record = merged
        if source_id:
            origin = provenance.note(feed, source_id, values, where)
            origins[mapped.id] = (provenance.note_path(data_dir, mapped.id), origin)
        chosen.append(mapped)
    problems += read.problems
    stop = any(p.is_error for p in problems)  # all or nothing: input that cannot be taken in stops the whole batch
    report = write_records(data_dir, chosen, True, today, origins, write=not stop)  # validated even so
    report.problems = problems + report.problems
    if stop and not any(p.code == "not-imported" for p in report.problems):
        report.problems.append(not_imported(data_dir, "fix the problems in the input first"))
    report.skipped = outcome.report.skipped + report.skipped
    outcome.report = report
    written = {Path(p).stem for p in report.written + report.updated}
    outcome.drafts &= written
    outcome.repaired &= written
    seen = {str(s.get("id") or "") for s, _w in read.services}
    for source_id, item in sorted(known.items()):
        if item.feed == feed and source_id not in seen:
            outcome.note("gone-from-source", f"{item.record_id}: no longer in the feed (id {source_id}); kept as it is")
    outcome.seconds = time.perf_counter() - started
    return outcome


def _notes(outcome: Outcome, mapped: Mapped, notes: Notes, confirm: list[str]) -> None:
    """File what mapping one service found under the report's reasons."""
    if notes.repairs:
        outcome.repaired.add(mapped.id)
        for text in notes.repairs:
            outcome.note("repaired", f"{mapped.id}: {text}")
    for path in notes.dropped:
        outcome.note("not-mapped", f"{mapped.id}: {path}: not a value of the shape ORUK gives it; left out")
    for reason, text in notes.schedules:
        outcome.note(reason, f"{mapped.id}: {text}")
    outcome.unmapped_terms.update(notes.unmapped_terms)
    if confirm:
        outcome.drafts.add(mapped.id)
        for text in confirm:
            outcome.note("draft", f"{mapped.id}: {text}")
    for key, label in (("cost", "unknown-cost"), ("access", "unknown-access")):
        if (mapped.record.get(key) or {}).get("type") == "unknown":
            outcome.note(label, mapped.id)
    if "unknown" in (mapped.record.get("attending") or []):
        outcome.note("unknown-attending", mapped.id)
    for text in mapped.attention:
        outcome.note("check", f"{mapped.id}: {text}")
    for text in mapped.unused:
        outcome.note("not-mapped", f"{mapped.id}: {text}")
