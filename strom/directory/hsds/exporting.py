"""Writing the directory out as HSDS: one JSON document (export_directory) or the tabular data package
(tabular_package: one CSV per table and datapackage.json; zip_package makes it one zip).

Every object goes through mapping.py, so a confidential address leaves only where the caller's
location_filter allows it; the default never does. Text that a spreadsheet would run as a formula gets
a leading apostrophe in the CSV files (strom.core.spreadsheets). Exporting reads the database and never
writes to it; checking who may export, and the audit event, belong to the caller.
"""

import io
import json
import zipfile
from collections.abc import Iterable

from django.db.models import QuerySet

from strom.accounts.models import Organisation
from strom.core import spreadsheets
from strom.directory.hsds.mapping import (
    LocationFilter,
    organization_to_hsds,
    public_location,
    service_to_hsds,
    taxonomies,
    taxonomy_terms,
    with_hsds_details,
)
from strom.directory.hsds.schema import SERVICE_LISTS, TABLES, table_columns, table_file, tabular_schema
from strom.directory.models import Service

# --- JSON ---------------------------------------------------------------------------------------


def export_services(services, *, location_filter: LocationFilter = public_location) -> list[dict]:
    if isinstance(services, QuerySet):
        services = with_hsds_details(services)
    return [service_to_hsds(service, location_filter=location_filter) for service in services]


def _organisations_of(services: Iterable[Service], location_filter: LocationFilter) -> list[Organisation]:
    """The providers of the services and of their exported locations: an import needs them all."""
    found = {}
    for service in services:
        found.setdefault(service.organisation_id, service.organisation)
        for location in service.locations.all():
            if location_filter(location):
                found.setdefault(location.organisation_id, location.organisation)
    return sorted(found.values(), key=lambda organisation: organisation.name)


def export_directory(services, *, location_filter: LocationFilter = public_location) -> dict:
    """A whole directory as one JSON document that plan_import reads back."""
    if isinstance(services, QuerySet):
        services = list(with_hsds_details(services))
    return {
        "organizations": [organization_to_hsds(o) for o in _organisations_of(services, location_filter)],
        "services": export_services(services, location_filter=location_filter),
        "taxonomies": taxonomies(),
        "taxonomy_terms": taxonomy_terms(),
    }


# --- Tabular data package -----------------------------------------------------------------------


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _csv_bytes(table: str, rows: Iterable[dict]) -> bytes:
    """One table as CSV. Text that a spreadsheet would run as a formula gets a leading apostrophe
    (strom.core.spreadsheets), which _typed_row takes off again on import."""
    columns = list(table_columns(table))
    body = ([_cell(row.get(column)) for column in columns] for row in rows)
    return spreadsheets.csv_text([columns, *body], lineterminator="\r\n").encode("utf-8")


def _flatten(documents: list[dict], rows: dict[str, dict]) -> None:
    """Spread nested services over the tables; rows are keyed by id, so shared locations appear once."""
    for document in documents:
        rows["service"][document["id"]] = document
        for key, table in SERVICE_LISTS.items():
            rows[table].update((item["id"], item) for item in document.get(key, []))
        for link in document["service_at_locations"]:
            rows["service_at_location"][link["id"]] = link
            location = link["location"]
            rows["location"][location["id"]] = location
            rows["address"].update((item["id"], item) for item in location.get("addresses", []))
            rows["attribute"].update((item["id"], item) for item in location.get("attributes", []))


def tabular_package(
    services, organisations=(), location_filter: LocationFilter = public_location
) -> dict[str, bytes]:
    """The HSDS tabular data package: one CSV per table (named as in compiled/tabular.json) and
    datapackage.json. The organisations of the services and their locations are always included."""
    if isinstance(services, QuerySet):
        services = list(with_hsds_details(services))
    rows: dict[str, dict] = {table: {} for table in TABLES}
    for organisation in [*organisations, *_organisations_of(services, location_filter)]:
        rows["organization"][str(organisation.pk)] = organization_to_hsds(organisation)
    _flatten(export_services(services, location_filter=location_filter), rows)
    rows["taxonomy"] = {item["id"]: item for item in taxonomies()}
    rows["taxonomy_term"] = {item["id"]: item for item in taxonomy_terms()}
    files = {table_file(table): _csv_bytes(table, rows[table].values()) for table in TABLES}
    files["datapackage.json"] = json.dumps(datapackage(), indent=2).encode("utf-8")
    return files


# Frictionless knows these string formats; others (date-time on a string) it would reject.
_PACKAGE_FORMATS = {"uuid", "email", "uri"}


def datapackage() -> dict:
    """The Frictionless data package descriptor for the tables Strom writes."""
    resources = []
    for table in TABLES:
        required = set(tabular_schema()["properties"][table]["items"].get("required", []))
        fields = [
            {"name": name, "type": spec["type"]}
            | ({"format": spec["format"]} if spec.get("format") in _PACKAGE_FORMATS else {})
            | ({"constraints": {"required": True}} if name in required else {})
            for name, spec in table_columns(table).items()
        ]
        resources.append(
            {
                "name": table,
                "path": table_file(table),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "strom-service-directory",
        "title": "Strom service directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "resources": resources,
    }


def zip_package(files: dict[str, bytes]) -> bytes:
    """The package as one zip. A fixed timestamp makes the same data give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
