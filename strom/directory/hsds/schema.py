"""The official HSDS 3.0 schemas, shipped in strom/directory/hsds_schema/ (CC BY-SA 4.0, see its README).

Holds checking an object against them (validate, naming each Problem by row and field) and the tables
and columns of the tabular data package, which exporting.py writes and reading.py reads. It reads only
the schema files: no database, no Strom model.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from strom.core.text import strip_control_characters

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "hsds_schema"
COMPILED_URI = "urn:strom:hsds:compiled-service"


# --- Validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something to fix before an import can go ahead. row counts from 1 (0: the whole file); for JSON
    it is the position in the list of services (file "organizations": in that list) and field is a
    path such as phones[0].number; for a tabular package, file is the CSV file, row counts the rows
    after the header and field is the column."""

    row: int
    field: str
    message: str
    file: str = ""

    @property
    def where(self) -> str:
        if not self.row:
            return self.file or gettext("the file")
        if self.file.endswith(".csv"):
            return gettext("%(file)s, row %(row)d, column %(field)s") % vars(self)
        place = gettext("row %(row)d, field %(field)s") % vars(self)
        return f"{self.file}, {place}" if self.file else place

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@cache
def _compiled_schema() -> dict:
    return json.loads((SCHEMA_DIR / "compiled" / "service_with_definitions.json").read_text("utf-8"))


@cache
def tabular_schema() -> dict:
    return json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text("utf-8"))


@cache
def validator_for(kind: str) -> Draft202012Validator:
    """A service validates against the compiled schema; any nested kind against its definition there."""
    root = _compiled_schema()
    if kind != "service" and kind not in root["definitions"]:
        raise ValueError(f"HSDS has no object kind {kind!r}")
    registry = Registry().with_resource(COMPILED_URI, Resource(contents=root, specification=DRAFT202012))
    ref = COMPILED_URI if kind == "service" else f"{COMPILED_URI}#/definitions/{kind}"
    return Draft202012Validator(
        {"$ref": ref}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def validate(kind: str, obj, *, file: str = "") -> list[Problem]:
    """Check one HSDS object (row 1) or a list of them (rows from 1) against the official schema."""
    items = obj if isinstance(obj, list) else [obj]
    validator = validator_for(kind)
    return [p for row, item in enumerate(items, 1) for p in schema_problems(validator, item, row, file)]


def schema_problems(validator, instance, row: int, file: str) -> list[Problem]:
    problems = []
    for error in validator.iter_errors(instance):
        path = list(error.absolute_path)
        if error.validator == "required":  # point at the missing field, not at the object that lacks it
            missing = [p for p in error.validator_value if f"{p!r} is a required" in error.message]
            path += missing[:1]
        problems.append(Problem(row, _json_path(path), _schema_message(error), file))
    return problems


def _json_path(parts) -> str:
    path = ""
    for part in parts:
        part = part if isinstance(part, int) else strip_control_characters(str(part))
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def _schema_message(error) -> str:
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        return gettext("This is required.")
    if kind == "type":
        return {
            "string": gettext("This must be text."),
            "number": gettext("This must be a number."),
            "integer": gettext("This must be a whole number."),
            "boolean": gettext("This must be true or false."),
            "array": gettext("This must be a list."),
            "object": gettext("This must be an object with fields."),
        }.get(expected, gettext("This has the wrong type."))
    if kind == "enum":
        return gettext("This must be one of: %(choices)s.") % {"choices": ", ".join(map(str, expected))}
    if kind == "format":
        return {
            "uuid": gettext("This is not a valid id: HSDS ids are UUIDs."),
            "email": gettext("This is not a valid e-mail address."),
            "uri": gettext("This is not a valid web address."),
            "date-time": gettext("This is not a valid date and time."),
        }.get(expected, gettext("This is not in the expected format."))
    return gettext("This does not follow the HSDS schema (%(detail)s).") % {"detail": error.message}


# --- Tabular data package -----------------------------------------------------------------------

TABLES = (
    "organization",
    "service",
    "location",
    "address",
    "phone",
    "schedule",
    "language",
    "service_area",
    "service_at_location",
    "cost_option",
    "funding",
    "contact",
    "attribute",
    "taxonomy",
    "taxonomy_term",
)
# Lists of a service that become their own CSV file, linked by service_id.
SERVICE_LISTS = {
    "phones": "phone",
    "schedules": "schedule",
    "languages": "language",
    "service_areas": "service_area",
    "cost_options": "cost_option",
    "funding": "funding",
    "contacts": "contact",
    "attributes": "attribute",
}


def table_file(table: str) -> str:
    """The file name HSDS gives a table, e.g. services.csv (but service_at_location.csv)."""
    return tabular_schema()["properties"][table]["items"]["path"]


@cache
def table_columns(table: str) -> dict[str, dict]:
    """The CSV columns of a table: its scalar fields, in the schema's order."""
    properties = tabular_schema()["properties"][table]["items"]["properties"]
    return {name: spec for name, spec in properties.items() if spec.get("type") != "array"}


@cache
def row_validator(table: str) -> Draft202012Validator:
    item = tabular_schema()["properties"][table]["items"]
    return Draft202012Validator(
        {"type": "object", "properties": table_columns(table), "required": item.get("required", [])},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
