"""Reading and checking an HSDS import: plan_import, the dry run before apply_import (applying.py).

It reads JSON, a zip of the tabular package or its CSV files; checks them against the official schema
(schema.py) and Strom's own field rules; maps them back onto Strom's fields (the reverse of
mapping.py); and matches them with the directory (resolve), naming every problem by row and field.
Ids from the file are kept where they are free; where another municipality already uses one, a stable
id derived from it is used instead, so that importing the same file twice updates rather than
duplicates.

Reading never writes to the database: it queries it only to match.
"""

import csv
import io
import json
import math
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from strom.accounts.access import get_access
from strom.accounts.models import Country, Municipality, Organisation
from strom.core.spreadsheets import unescape_cell
from strom.core.text import code_point, first_refused_character, strip_control_characters
from strom.directory.areas import AreaRow, check_areas
from strom.directory.hsds.mapping import (
    ALL_DAYS,
    AREA_URN,
    NAMESPACE,
    NEEDS,
    PROPERTIES,
    PROPERTY_BY_CODE,
    Property,
    taxonomy_id,
    term_id,
)
from strom.directory.hsds.schema import (
    SERVICE_LISTS,
    TABLES,
    Problem,
    row_validator,
    schema_problems,
    table_columns,
    table_file,
    validator_for,
)
from strom.directory.models import Funding, Location, NeedTerm, Service, ServiceArea
from strom.directory.queries import area_scope

# --- Reading a file -----------------------------------------------------------------------------

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip that unpacks to more is refused, not read


@dataclass(frozen=True)
class Origin:
    file: str
    row: int
    path: str = ""


class _Reader:
    """Collects problems and remembers where each object of the input came from (file, row, path), so
    that a problem found deep inside a service still names the row and field that must be fixed."""

    def __init__(self):
        self.problems: list[Problem] = []
        self._origins: dict[int, Origin] = {}
        self._objects: list = []  # keeps registered objects alive, so that their id() stays theirs

    def register(self, obj, file: str, row: int, path: str = "", depth: int = 0) -> None:
        # HSDS nests a few levels deep; deeper input is nothing Strom reads, so it is not walked.
        if depth > 12:
            return
        if isinstance(obj, list):
            for index, item in enumerate(obj):
                self.register(item, file, row, f"{path}[{index}]", depth + 1)
        elif isinstance(obj, dict) and id(obj) not in self._origins:
            self._origins[id(obj)] = Origin(file, row, path)
            self._objects.append(obj)
            for key, value in obj.items():
                self.register(value, file, row, f"{path}.{key}" if path else key, depth + 1)

    def knows(self, obj) -> bool:
        return id(obj) in self._origins

    def origin(self, obj) -> Origin:
        return self._origins.get(id(obj), Origin("", 0))

    def problem(self, obj, key: str, message: str) -> None:
        self.problem_at(self.origin(obj), key, message)

    def problem_at(self, origin: Origin, key: str, message: str) -> None:
        self.problems.append(_problem_at(origin, key, message))

    def whole(self, message: str, file: str = "") -> None:
        self.problems.append(Problem(0, "", str(message), file))

    def unique_problems(self) -> list[Problem]:
        """One problem per place: the schema and Strom's own checks often see the same mistake."""
        seen, unique = set(), []
        for problem in self.problems:
            if (problem.file, problem.row, problem.field) not in seen:
                seen.add((problem.file, problem.row, problem.field))
                unique.append(problem)
        return sorted(unique, key=lambda p: (p.file, p.row))


def _character_problems(obj, row: int, file: str) -> list[Problem]:
    """Every text with a control character (strom.core.text), named by row and field: the file is
    refused rather than quietly changed, and the text itself is never repeated in the message."""
    problems, stack = [], [("", obj, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str) and (character := first_refused_character(value)):
            message = gettext(
                "This text contains an invisible control character (%(character)s) that cannot be saved."
            ) % {"character": code_point(character)}
            problems.append(Problem(row, path or "?", message, file))
        elif isinstance(value, dict) and depth <= 12:
            for key, item in value.items():
                shown = strip_control_characters(str(key))[:80]
                child = f"{path}.{shown}" if path else shown
                if shown != key:
                    stack.append((child, key, depth + 1))
                stack.append((child, item, depth + 1))
        elif isinstance(value, list) and depth <= 12:
            stack.extend((f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value))
    return sorted(problems, key=lambda problem: problem.field)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _read_json(payload, reader: _Reader) -> tuple[list, list]:
    if isinstance(payload, bytes | bytearray | str):
        try:
            payload = json.loads(payload, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            reader.whole(
                gettext("The file is not valid JSON: the problem is at line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            )
            return [], []
        except (ValueError, UnicodeDecodeError, RecursionError):
            reader.whole(gettext("The file is not valid JSON text."))
            return [], []
    if isinstance(payload, list):
        services, organisations = payload, []
    elif isinstance(payload, dict):
        services = payload.get("services", payload.get("contents"))
        organisations = payload.get("organizations") or []
    else:
        services = organisations = None
    if not isinstance(services, list) or not isinstance(organisations, list):
        reader.whole(gettext("The file must hold a list of HSDS services, or an object with one."))
        return [], []
    for row, obj in enumerate(services, 1):
        reader.register(obj, "", row)
        reader.problems += _character_problems(obj, row, "")
        reader.problems += schema_problems(validator_for("service"), obj, row, "")
    for row, obj in enumerate(organisations, 1):
        reader.register(obj, "organizations", row)
        reader.problems += _character_problems(obj, row, "organizations")
        reader.problems += schema_problems(validator_for("organization"), obj, row, "organizations")
    return services, organisations


def _unzip(data: bytes, reader: _Reader) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                reader.whole(gettext("The zip archive is too large once unpacked (more than 50 MB)."))
                return {}
            return {PurePosixPath(info.filename).name: archive.read(info) for info in members}
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        reader.whole(gettext("The file is not a zip archive that can be read."))
        return {}


def _typed_row(record: dict, table: str, file: str, row: int, reader: _Reader) -> dict:
    """A CSV row as the JSON the schema expects: numbers as numbers, and empty cells left out where an
    empty string would be wrong (numbers, ids, e-mail addresses, codes from a list)."""
    typed = {}
    for name, spec in table_columns(table).items():
        cell = record.get(name)
        cell = unescape_cell(cell)  # the apostrophe _csv_bytes puts before a formula-like text
        if cell is None or (
            cell == "" and (spec.get("type") != "string" or "format" in spec or "enum" in spec)
        ):
            continue
        if spec.get("type") == "number":
            try:
                number = float(cell)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                reader.problems.append(Problem(row, name, gettext("This must be a number."), file))
                continue
            cell = number
        typed[name] = cell
    return typed


def _read_csv(table: str, content, reader: _Reader) -> list[dict]:
    file = table_file(table)
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
        records = csv.DictReader(io.StringIO(text, newline=""))
        records.fieldnames = [(name or "").strip() for name in records.fieldnames or []]
        rows = []
        for number, record in enumerate(records, 1):
            row = _typed_row(record, table, file, number, reader)
            reader.register(row, file, number)
            reader.problems += _character_problems(row, number, file)
            reader.problems += schema_problems(row_validator(table), row, number, file)
            rows.append(row)
        return rows
    except UnicodeDecodeError:
        reader.whole(gettext("The file is not UTF-8 text."), file)
    except csv.Error as error:
        reader.whole(gettext("The file is not valid CSV (%(detail)s).") % {"detail": error}, file)
    return []


def _by_id(rows: list[dict], table: str, reader: _Reader) -> dict[str, dict]:
    found = {}
    for row in rows:
        if "id" in row and row["id"] in found:
            reader.problem(
                row, "id", gettext("Another row of %(file)s has this id.") % {"file": table_file(table)}
            )
        elif "id" in row:
            found[row["id"]] = row
    return found


def _attach(rows, link: str, parents: dict, key: str, parent_table: str, reader: _Reader) -> None:
    for row in rows:
        if link not in row:
            continue  # e.g. a phone of an organisation: Strom keeps only a service's own
        parent = parents.get(row[link])
        if parent is None:
            reader.problem(
                row, link, gettext("No row of %(file)s has this id.") % {"file": table_file(parent_table)}
            )
        else:
            parent.setdefault(key, []).append(row)


def _assemble(tables: dict[str, list[dict]], reader: _Reader) -> tuple[list, list]:
    """Nest the rows of a tabular package into services, as the JSON form has them."""
    services = _by_id(tables.get("service", []), "service", reader)
    locations = _by_id(tables.get("location", []), "location", reader)
    terms = _by_id(tables.get("taxonomy_term", []), "taxonomy_term", reader)
    for key, table in SERVICE_LISTS.items():
        if table != "attribute":
            _attach(tables.get(table, []), "service_id", services, key, "service", reader)
    _attach(tables.get("address", []), "location_id", locations, "addresses", "location", reader)
    parents = {"service": services, "location": locations}
    for attribute in tables.get("attribute", []):
        if attribute.get("taxonomy_term_id") in terms:
            attribute["taxonomy_term"] = terms[attribute["taxonomy_term_id"]]
        entity = attribute.get("link_entity")
        if entity in parents:  # attributes of other objects (phones, organisations) Strom does not keep
            _attach([attribute], "link_id", parents[entity], "attributes", entity, reader)
    for link in tables.get("service_at_location", []):
        link["location"] = locations.get(link.get("location_id"))
        if link["location"] is None:
            reader.problem(link, "location_id", gettext("No row of locations.csv has this id."))
        else:
            _attach([link], "service_id", services, "service_at_locations", "service", reader)
    return list(services.values()), tables.get("organization", [])


def _read_tabular(files: dict, reader: _Reader) -> tuple[list, list]:
    names = {PurePosixPath(str(name)).name: content for name, content in files.items()}
    if table_file("service") not in names:
        reader.whole(gettext("The package has no services.csv."))
        return [], []
    tables = {
        table: _read_csv(table, names[table_file(table)], reader)
        for table in TABLES
        if table_file(table) in names
    }
    return _assemble(tables, reader)


def _read(payload, kind: str | None, reader: _Reader) -> tuple[list, list]:
    if kind not in (None, "json", "zip", "tabular"):
        raise ValueError(f"kind must be json, zip or tabular, not {kind!r}")
    if kind is None:
        if isinstance(payload, dict) and any(str(name).endswith(".csv") for name in payload):
            kind = "tabular"
        elif isinstance(payload, bytes | bytearray) and bytes(payload[:2]) == b"PK":
            kind = "zip"
        else:
            kind = "json"
    if kind == "zip":
        files = _unzip(bytes(payload), reader) if isinstance(payload, bytes | bytearray) else {}
        if not files and not reader.problems:
            reader.whole(gettext("The file is not a zip archive that can be read."))
        return _read_tabular(files, reader) if files else ([], [])
    if kind == "tabular" and not isinstance(payload, dict):
        reader.whole(gettext("A tabular package must be given as its CSV files."))
        return [], []
    if kind == "tabular":
        return _read_tabular(payload, reader)
    return _read_json(payload, reader)


# --- Drafting: HSDS fields onto Strom's ---------------------------------------------------------


@dataclass
class OrganisationDraft:
    source_id: str
    name: str  # empty when the file only refers to the organisation by its id
    origin: Origin
    key: str = "id"  # the field to point at if it cannot be matched


@dataclass
class LocationDraft:
    source_id: str
    organisation_id: str
    values: dict
    origin: Origin


@dataclass(frozen=True)
class AreaDraft:
    """A service_area row with a Strom urn (mapping.area_uri): a country, or a municipality by its
    country and the short name of its public page."""

    country: str
    slug: str  # empty for a whole country
    name: str
    origin: Origin


@dataclass
class ServiceDraft:
    source_id: str
    organisation_id: str
    values: dict  # Service fields; a Strom property the file does not state is left out (kept as is)
    needs: list[str]
    languages: list[str]
    location_ids: list[str]
    origin: Origin
    areas: list[AreaDraft] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    services_created: int = 0
    services_updated: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0
    locations_created: int = 0
    locations_updated: int = 0
    confidential_left_out: int = 0  # confidential locations whose address the file carried and we dropped
    organisations_granted: int = 0  # existing organisations recorded as serving the municipality

    def audit_details(self) -> dict:
        return {
            "services": self.services_created + self.services_updated,
            "organisations": self.organisations_created + self.organisations_updated,
            "locations": self.locations_created + self.locations_updated,
            "granted": self.organisations_granted,
        }


@dataclass
class ImportPlan:
    """What an import would do, and what must be fixed first. preview counts what would be created and
    updated if it were applied now."""

    municipality_id: str
    organisations: dict[str, OrganisationDraft] = field(default_factory=dict)
    locations: dict[str, LocationDraft] = field(default_factory=dict)
    services: list[ServiceDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    preview: ImportSummary = field(default_factory=ImportSummary)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Context:
    reader: _Reader
    plan: ImportPlan
    needs: set[str]
    service_ids: set[str] = field(default_factory=set)
    confidential_left_out: int = 0

    def term_by_id(self, wanted: str) -> dict:
        """Our own terms, for attributes that give only taxonomy_term_id."""
        for code in self.needs:
            if term_id(NEEDS, code) == wanted:
                return {"code": code, "taxonomy": NEEDS}
        prop = next((p for p in PROPERTY_BY_CODE.values() if term_id(PROPERTIES, p.code) == wanted), None)
        return {"code": prop.code, "taxonomy": PROPERTIES} if prop else {}


def _text(obj, key: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, str) else ""


def _dicts(obj, key: str) -> list[dict]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _uuid(value) -> str:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else ""
    except ValueError:
        return ""


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = Decimal(str(value))
    try:
        return number.quantize(Decimal("0.000001"))
    except InvalidOperation:
        return number  # far too large: the field check names it


def _check_fields(instance, sources: dict, obj: dict, reader: _Reader, exclude: list[str]) -> None:
    """Strom's own rules for each field (lengths, e-mail, web address, ranges), pointed at the input."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            target, key = sources.get(name, (obj, name))
            for message in messages:
                reader.problem(target, key, message)


def _taxonomy_of(term: dict) -> str:
    for name in (NEEDS, PROPERTIES):
        if term.get("taxonomy") == name or term.get("taxonomy_id") == taxonomy_id(name):
            return name
    return ""


def _parse_codes(prop: Property, text: str) -> list[str]:
    codes = text.replace(",", " ").split()
    unknown = [code for code in codes if code not in prop.codes.values]
    if unknown:
        message = gettext('"%(codes)s" is not a code of "%(name)s". The codes are: %(known)s.')
        raise ValueError(
            message % {"codes": " ".join(unknown), "name": prop.name, "known": ", ".join(prop.codes.values)}
        )
    return sorted(set(codes))


def _parse_property(prop: Property, raw):
    if prop.kind is str and prop.codes is None:
        return raw.strip() if isinstance(raw, str) else ""
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if prop.kind is bool:
        if text in ("true", "false"):
            return text == "true"
        if prop.nullable and not text:
            return None  # not answered yet
        if prop.nullable:
            raise ValueError(gettext("This must be true, false, or empty while it is not answered."))
        raise ValueError(gettext("This must be true or false."))
    if prop.kind is list:
        return _parse_codes(prop, text)
    if prop.kind is str:
        if text in prop.codes.values:
            return text
        message = gettext('This must be one of the codes of "%(name)s": %(known)s.')
        raise ValueError(message % {"name": prop.name, "known": ", ".join(prop.codes.values)})
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    raise ValueError(gettext("This must be a whole number (0 or more), or empty."))


# Properties of Strom 2026.1 files, read the way migration 0007 read the same columns: the old check
# boxes started ticked, so "true" may be nobody's answer and becomes unknown; "false" was given on
# purpose and stays. The old "unconditional" meant independent of cooperation with the police.
LEGACY_PROPERTIES = {"is_unconditional": "independent_of_cooperation", "is_free": "is_free"}


def _read_legacy(code: str, attribute: dict, values: dict, ctx) -> None:
    text = _text(attribute, "value").strip().lower()
    if text not in ("true", "false"):
        ctx.reader.problem(attribute, "value", gettext("This must be true or false."))
        return
    values.setdefault(LEGACY_PROPERTIES[code], False if text == "false" else None)


def _read_attributes(obj: dict, entity: str, ctx: _Context) -> tuple[list[str], dict, dict]:
    """Needs and Strom properties from the attributes; attributes of other taxonomies are not ours."""
    needs, values, sources, legacy = [], {}, {}, []
    for attribute in _dicts(obj, "attributes"):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            term = ctx.term_by_id(_uuid(attribute.get("taxonomy_term_id")))
        target, key = (term, "code") if ctx.reader.knows(term) else (attribute, "taxonomy_term_id")
        code = _text(term, "code")
        taxonomy = _taxonomy_of(term)
        if taxonomy == NEEDS and entity == "service":
            if code in ctx.needs:
                needs.append(code)
            else:
                message = gettext('"%(code)s" is not a need of the need taxonomy.') % {"code": code}
                ctx.reader.problem(target, key, message if code else gettext("This need has no code."))
        elif taxonomy == PROPERTIES and entity == "service" and code in LEGACY_PROPERTIES:
            legacy.append((code, attribute))
        elif taxonomy == PROPERTIES:
            prop = PROPERTY_BY_CODE.get(code)
            if prop is None or prop.entity != entity:
                message = gettext('"%(code)s" is not one of Strom\'s properties for this kind of object.')
                ctx.reader.problem(target, key, message % {"code": code})
                continue
            try:
                values[prop.field] = _parse_property(prop, attribute.get("value"))
                sources[prop.field] = (attribute, "value")
            except ValueError as error:
                ctx.reader.problem(attribute, "value", str(error))
    for code, attribute in legacy:  # after the current properties, which win where both are given
        _read_legacy(code, attribute, values, ctx)
    return needs, values, sources


def _service_values(obj: dict, reader: _Reader) -> tuple[dict, dict]:
    name = _text(obj, "name").strip()
    if not name:
        reader.problem(obj, "name", gettext("A service needs a name."))
    phones = _dicts(obj, "phones")
    for phone in phones:
        if not _text(phone, "number").strip():
            reader.problem(phone, "number", gettext("A phone needs a number."))
    schedule = next((s for s in _dicts(obj, "schedules") if _text(s, "description").strip()), None)
    # Only a contact's function (title) is read: the directory lists no private person's name.
    contact = next((c for c in _dicts(obj, "contacts") if _text(c, "title").strip()), None)
    values = {
        "name": name,
        "description": _text(obj, "description"),
        "status": Service.Status.ACTIVE if _text(obj, "status") == "active" else Service.Status.INACTIVE,
        "email": _text(obj, "email").strip(),
        "url": _text(obj, "url").strip(),
        "phone": _text(phones[0], "number").strip() if phones else "",
        "hours": _text(schedule, "description").strip(),
        "referral_contact": _text(contact, "title").strip(),
    }
    sources = {"phone": (phones[0], "number")} if phones else {}
    sources |= {"hours": (schedule, "description")} if schedule else {}
    sources |= {"referral_contact": (contact, "title")} if contact else {}
    return values, sources


def _around_the_clock(schedule: dict) -> bool:
    days = {day.strip() for day in _text(schedule, "byday").upper().split(",")}
    return (
        days >= set(ALL_DAYS.split(","))
        and _text(schedule, "opens_at").startswith("00:00")
        and _text(schedule, "closes_at")[:5] in ("23:59", "24:00")
    )


def _read_fallbacks(obj: dict, values: dict, sources: dict) -> None:
    """Files from elsewhere carry no Strom properties: read 24/7 and the conditions in words from the
    standard fields."""
    if "available_24_7" not in values and any(_around_the_clock(s) for s in _dicts(obj, "schedules")):
        values["available_24_7"] = True
    if "conditions_note" not in values and _text(obj, "eligibility_description").strip():
        values["conditions_note"] = _text(obj, "eligibility_description").strip()
        sources["conditions_note"] = (obj, "eligibility_description")


def _is_free(obj: dict, values: dict) -> None:
    """Free when a cost option costs nothing, not free when every one costs something or says nothing
    of the amount; no cost option at all: not answered yet. An old Strom file's is_free decides alone."""
    if "is_free" in values:
        return
    costs = _dicts(obj, "cost_options")
    values["is_free"] = (
        any(type(c.get("amount")) in (int, float) and c["amount"] == 0 for c in costs) if costs else None
    )


def _funding(obj: dict, values: dict, reader: _Reader) -> None:
    """Each funding row's source, as the code or the English name of one of Strom's funding sources."""
    with translation.override("en"):
        names = {str(label).lower(): code for code, label in Funding.choices}
        known = ", ".join(str(label) for _code, label in Funding.choices)
    names |= {code: code for code in Funding.values}
    codes = []
    for row in _dicts(obj, "funding"):
        source = _text(row, "source").strip()
        code = names.get(source.lower())
        if code is None:
            message = gettext('"%(source)s" is not a funding source Strom knows. Use one of: %(known)s.')
            reader.problem(row, "source", message % {"source": source[:80], "known": known})
        else:
            codes.append(code)
    values["funding"] = sorted(set(codes))


def _languages(obj: dict, reader: _Reader) -> list[str]:
    codes = []
    for language in _dicts(obj, "languages"):
        code = _text(language, "code").strip().lower()
        if not code:
            reader.problem(language, "code", gettext("A language needs its ISO 639 code, such as lv or ru."))
        elif len(code) > 8 or not code.replace("-", "").isalpha() or not code.isascii():
            reader.problem(language, "code", gettext("This is not an ISO 639 language code."))
        else:
            codes.append(code)
    return list(dict.fromkeys(codes))


def _check_capacity(values: dict, sources: dict, obj: dict, reader: _Reader) -> None:
    free, total = values.get("capacity_free"), values.get("capacity_total")
    if free is not None and total is not None and free > total:
        target, key = sources.get("capacity_free", (obj, "attributes"))
        reader.problem(target, key, gettext("There cannot be more free places than places in all."))


def _refer_to_organisation(source_id: str, obj: dict, ctx: _Context) -> None:
    origin = ctx.reader.origin(obj)
    ctx.plan.organisations.setdefault(source_id, OrganisationDraft(source_id, "", origin, "organization_id"))


def _draft_organisation(obj: dict, ctx: _Context) -> None:
    source_id = _uuid(obj.get("id"))
    if not source_id:
        return  # the schema check has named it
    name = _text(obj, "name").strip()
    if not name:
        ctx.reader.problem(obj, "name", gettext("An organisation needs a name."))
    candidate = Organisation(name=name, kind=Organisation.Kind.OTHER)
    _check_fields(candidate, {}, obj, ctx.reader, exclude=["country", "municipality"])
    known = ctx.plan.organisations.get(source_id)
    if known is None or not known.name:
        ctx.plan.organisations[source_id] = OrganisationDraft(source_id, name, ctx.reader.origin(obj))


def _organisation_of(obj: dict, ctx: _Context) -> str:
    nested = obj.get("organization")
    if isinstance(nested, dict):
        _draft_organisation(nested, ctx)
    source_id = _uuid(obj.get("organization_id")) or _uuid(_text(nested, "id"))
    if not source_id:
        message = gettext("A service needs its organisation: give organization_id or organization.")
        ctx.reader.problem(obj, "organization_id", message)
        return ""
    _refer_to_organisation(source_id, obj, ctx)
    return source_id


def _draft_location(link: dict, organisation_id: str, ctx: _Context) -> str:
    location = link.get("location")
    if not isinstance(location, dict):
        ctx.reader.problem(link, "location", gettext("The location is missing: give its name or address."))
        return ""
    source_id = _uuid(location.get("id"))
    if not source_id or source_id in ctx.plan.locations:
        return source_id  # no id: the schema check has named it; known: shared by several services
    addresses = _dicts(location, "addresses")
    address = next((a for a in addresses if a.get("address_type") == "physical"), None) or next(
        iter(addresses), None
    )
    values = {key: _text(address, key).strip() for key in ("address_1", "city", "postal_code")}
    values["name"] = _text(location, "name").strip() or values["address_1"] or values["city"]
    if not values["name"]:
        ctx.reader.problem(location, "name", gettext("A location needs a name or an address."))
    values |= {axis: _decimal(location.get(axis)) for axis in ("latitude", "longitude")}
    _, properties, sources = _read_attributes(location, "location", ctx)
    values |= properties
    if values.get("is_confidential"):
        _leave_out_confidential_address(location, values, ctx)
        address = None
    sources |= {key: (address, key) for key in ("address_1", "city", "postal_code") if address}
    _check_fields(Location(**values), sources, location, ctx.reader, exclude=["organisation", "municipality"])
    owner = _uuid(location.get("organization_id")) or organisation_id
    if owner:
        _refer_to_organisation(owner, location, ctx)
    ctx.plan.locations[source_id] = LocationDraft(source_id, owner, values, ctx.reader.origin(location))
    return source_id


def _leave_out_confidential_address(location: dict, values: dict, ctx: _Context) -> None:
    """A shelter's address never travels into a directory by import (security.md 10): the location
    keeps its name and its flag, and the street, postal code, town and coordinates stay out. An
    address already stored here for that location is left as it is."""
    for key in ("address_1", "city", "postal_code", "latitude", "longitude"):
        values.pop(key, None)
    values["name"] = _text(location, "name").strip() or gettext("Confidential location")
    ctx.confidential_left_out += 1


def _draft_service(obj: dict, ctx: _Context) -> None:
    source_id = _uuid(obj.get("id"))
    if not source_id:
        return  # the schema check has named it
    if source_id in ctx.service_ids:
        ctx.reader.problem(obj, "id", gettext("Another service in this file has the same id."))
        return
    ctx.service_ids.add(source_id)
    values, sources = _service_values(obj, ctx.reader)
    needs, properties, property_sources = _read_attributes(obj, "service", ctx)
    values |= properties
    sources |= property_sources
    _read_fallbacks(obj, values, sources)
    _is_free(obj, values)
    _funding(obj, values, ctx.reader)
    _check_fields(Service(**values), sources, obj, ctx.reader, exclude=["organisation", "municipality"])
    _check_capacity(values, sources, obj, ctx.reader)
    organisation_id = _organisation_of(obj, ctx)
    location_ids = [
        _draft_location(link, organisation_id, ctx) for link in _dicts(obj, "service_at_locations")
    ]
    ctx.plan.services.append(
        ServiceDraft(
            source_id=source_id,
            organisation_id=organisation_id,
            values=values,
            needs=list(dict.fromkeys(needs)),
            languages=_languages(obj, ctx.reader),
            location_ids=list(dict.fromkeys(i for i in location_ids if i)),
            origin=ctx.reader.origin(obj),
            areas=_draft_areas(obj, ctx.reader),
        )
    )


def _draft_areas(obj: dict, reader: _Reader) -> list[AreaDraft]:
    """The service's areas with a Strom urn. A row without one (the listing municipality by name, or
    another system's free text) names no place Strom can tell, and is not read."""
    drafts = []
    for row in _dicts(obj, "service_areas"):
        uri = _text(row, "uri").strip().lower()
        if not uri.startswith(AREA_URN):
            continue
        kind, _, rest = uri.removeprefix(AREA_URN).partition(":")
        country, _, slug = rest.partition(":")
        well_formed = len(country) == 2 and country.isalpha() and country.isascii()
        if kind == "country" and well_formed and not slug:
            drafts.append(AreaDraft(country.upper(), "", "", reader.origin(row)))
        elif kind == "municipality" and well_formed and slug:
            drafts.append(AreaDraft(country.upper(), slug, _text(row, "name").strip(), reader.origin(row)))
        else:
            message = gettext(
                "This is not an area Strom knows: use urn:strom:country:<code> or "
                "urn:strom:municipality:<country code>:<name in the public address>."
            )
            reader.problem(row, "uri", message)
    return drafts


def plan_import(payload, municipality, *, kind: str | None = None, actor=None) -> ImportPlan:
    """Read and check an import for a municipality's directory, writing nothing (a dry run).

    payload: JSON (bytes, text, or parsed: a list of HSDS services, or an object with "services" or
    "contents" and optionally "organizations"), a zip of the tabular package (bytes), or the tabular
    package as a dict of CSV texts by file name. kind ("json", "zip", "tabular") says which; without
    it, it is guessed. The plan lists every problem by row and field. With actor, the service areas are
    checked against where that person may say a service works (apply_import always checks them).
    """
    reader = _Reader()
    services, organisations = _read(payload, kind, reader)
    needs = set(NeedTerm.objects.values_list("code", flat=True))
    ctx = _Context(reader, ImportPlan(municipality_id=str(municipality.pk)), needs)
    for obj in organisations:
        if isinstance(obj, dict):
            _draft_organisation(obj, ctx)
    for obj in services:
        if isinstance(obj, dict):
            _draft_service(obj, ctx)
    if not services and not reader.problems:
        reader.whole(gettext("The file holds no services."))
    resolution = resolve(ctx.plan, municipality, actor=actor)
    reader.problems += resolution.problems
    ctx.plan.problems = reader.unique_problems()
    ctx.plan.preview = replace(resolution.summary(), confidential_left_out=ctx.confidential_left_out)
    return ctx.plan


# --- Matching with the directory ----------------------------------------------------------------


@dataclass
class Resolution:
    organisations: dict[str, Organisation]  # unsaved where new
    services: dict[str, tuple[uuid.UUID, bool]]  # the id to use, and whether that row exists
    locations: dict[str, tuple[uuid.UUID, bool]]
    renamed: dict[uuid.UUID, Organisation]
    problems: list[Problem]
    to_grant: list[Organisation] = field(default_factory=list)  # to record as serving the municipality
    areas: dict[str, list[AreaRow]] = field(default_factory=dict)  # checked areas by the file's service id

    def summary(self) -> ImportSummary:
        new = {o.pk for o in self.organisations.values() if o._state.adding}
        return ImportSummary(
            services_created=sum(not found for _, found in self.services.values()),
            services_updated=sum(found for _, found in self.services.values()),
            organisations_created=len(new),
            organisations_updated=len(self.renamed),
            locations_created=sum(not found for _, found in self.locations.values()),
            locations_updated=sum(found for _, found in self.locations.values()),
            organisations_granted=len(self.to_grant),
        )


def _resolve_ids(model, source_ids: list[str], scope_field: str, scope, kind: str) -> dict:
    """Map each id from the file to the id used here, and say whether that row exists. The file's own
    id is kept when it is free or already in scope (this municipality or country); when it belongs
    elsewhere, an id derived from it is used, the same every time, so a second import updates."""
    if not source_ids:
        return {}
    namespace = uuid.uuid5(NAMESPACE, f"{kind}/{scope}")
    derived = {sid: uuid.uuid5(namespace, sid) for sid in source_ids}
    wanted = [uuid.UUID(sid) for sid in source_ids] + list(derived.values())
    owners = dict(model.objects.filter(pk__in=wanted).values_list("pk", scope_field))
    resolved = {}
    for sid in source_ids:
        own = uuid.UUID(sid)
        if owners.get(own) == scope:
            resolved[sid] = (own, True)
        elif owners.get(derived[sid]) == scope:
            resolved[sid] = (derived[sid], True)
        else:
            resolved[sid] = (derived[sid] if own in owners else own, False)
    return resolved


def _resolve_organisations(plan: ImportPlan, municipality) -> tuple[dict, dict, list[Problem]]:
    """By id within the municipality's country, else by name there; otherwise a new one (kind other)."""
    country = municipality.country_id
    ids = _resolve_ids(Organisation, list(plan.organisations), "country_id", country, "organisation")
    existing = Organisation.objects.in_bulk([uid for uid, found in ids.values() if found])
    names = {draft.name for draft in plan.organisations.values() if draft.name}
    by_name = {o.name: o for o in Organisation.objects.filter(country_id=country, name__in=names)}
    resolved, renamed, problems = {}, {}, []
    for sid, draft in plan.organisations.items():
        uid, found = ids[sid]
        organisation = existing[uid] if found else by_name.get(draft.name) if draft.name else None
        if organisation is None and draft.name:
            organisation = by_name[draft.name] = Organisation(
                pk=uid,
                name=draft.name,
                kind=Organisation.Kind.OTHER,
                country_id=country,
                municipality=municipality,
            )
        if organisation is None:
            message = gettext("No organisation with this id is in the file or in the directory.")
            problems.append(_problem_at(draft.origin, draft.key, message))
            continue
        if found and draft.name and draft.name != organisation.name:
            holder = by_name.get(draft.name)
            if holder is not None and holder.pk != organisation.pk:
                message = gettext("Another organisation in this country already has this name.")
                problems.append(_problem_at(draft.origin, "name", message))
            else:
                organisation.name = draft.name
                by_name[draft.name] = renamed[organisation.pk] = organisation
        resolved[sid] = organisation
    return resolved, renamed, problems


def _problem_at(origin: Origin, key: str, message: str) -> Problem:
    path = f"{origin.path}.{key}" if origin.path and key else origin.path or key
    return Problem(origin.row, path, str(message), origin.file)


def _to_grant(plan: ImportPlan, organisations: dict, municipality) -> list[Organisation]:
    """Existing organisations the file lists here that do not work in this municipality yet (issue 7).

    An import is a coordinator's write into their own municipality, and recording that an
    organisation serves it is theirs to decide; so applying the import records it for them (the
    preview counts these, each grant is audited, and a coordinator can revoke it on the page
    "Organisations that serve the municipality"). Without it the organisation's staff could not keep
    their imported listings up to date. New organisations are created in this municipality."""
    from strom.accounts.queries import organisations_working_in

    used = {d.organisation_id for d in plan.services} | {d.organisation_id for d in plan.locations.values()}
    existing = {o.pk: o for sid, o in organisations.items() if sid in used and not o._state.adding}
    working = organisations_working_in(municipality, set(existing))
    return [o for pk, o in sorted(existing.items(), key=lambda item: str(item[0])) if pk not in working]


def resolve(plan: ImportPlan, municipality, *, actor=None) -> Resolution:
    organisations, renamed, problems = _resolve_organisations(plan, municipality)
    to_grant = _to_grant(plan, organisations, municipality)
    scope = municipality.pk
    services = _resolve_ids(
        Service, [d.source_id for d in plan.services], "municipality_id", scope, "service"
    )
    locations = _resolve_ids(Location, list(plan.locations), "municipality_id", scope, "location")
    areas = _resolve_areas(plan, municipality, organisations, services, actor, problems)
    return Resolution(organisations, services, locations, renamed, problems, to_grant, areas)


class _Unchecked:
    """The dry run without a person: every place allowed, so that only what is wrong for anyone shows."""

    def allows_municipality(self, municipality) -> bool:
        return True

    def allows_country(self, country_code: str) -> bool:
        return True


def _resolve_areas(plan, municipality, organisations, services, actor, problems) -> dict[str, list[AreaRow]]:
    """Each service's areas as rows to store, checked by the same rules as the page's form
    (strom/directory/areas.py): an area outside where the organisation works, or where the importing
    person may not list its services, is refused by row; so is a place that Strom does not have."""
    wanted = [area for draft in plan.services for area in draft.areas]
    if not wanted:
        return {draft.source_id: [] for draft in plan.services}
    places = Municipality.objects.filter(
        country_id__in={a.country for a in wanted}, slug__in={a.slug for a in wanted if a.slug}
    )
    by_slug = {(m.country_id, m.slug): m for m in places}
    countries = set(
        Country.objects.filter(code__in={a.country for a in wanted}).values_list("code", flat=True)
    )
    access = get_access(actor) if actor is not None else None
    existing = [uid for uid, found in services.values() if found]
    holders = dict(Service.objects.filter(pk__in=existing).values_list("pk", "organisation_id"))
    stored: dict = {}
    for area in ServiceArea.objects.filter(service_id__in=existing).select_related("municipality"):
        key = AreaRow(area.municipality, area.country_id).key
        stored.setdefault(area.service_id, set()).add(key)
    checked_rows = {}
    for draft in plan.services:
        organisation = organisations.get(draft.organisation_id)
        rows = []
        for area in draft.areas:
            place = by_slug.get((area.country, area.slug)) if area.slug else None
            if area.slug and place is None:
                message = gettext("No municipality in Strom has this address.")
                problems.append(_problem_at(area.origin, "uri", message))
            elif not area.slug and area.country not in countries:
                problems.append(
                    _problem_at(area.origin, "uri", gettext("No country in Strom has this code."))
                )
            elif place is not None:
                rows.append(AreaRow(place, None, "" if area.name in ("", place.name) else area.name))
            else:
                rows.append(AreaRow(None, area.country, ""))
        if organisation is None or not rows:
            checked_rows[draft.source_id] = []
            continue
        uid, found = services.get(draft.source_id, (None, False))
        same_hands = found and holders.get(uid) == organisation.pk
        checked = check_areas(
            rows,
            listing=municipality,
            organisation_name=organisation.name,
            scope=area_scope(access, organisation) if access is not None else _Unchecked(),
            stored=frozenset(stored.get(uid, ())) if same_hands else frozenset(),
        )
        for message in checked.invalid + checked.refused:
            problems.append(_problem_at(draft.origin, "service_areas", message))
        checked_rows[draft.source_id] = checked.rows
    return checked_rows
