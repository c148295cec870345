"""The field mapping between Strom and Open Referral HSDS 3.0, from Strom's side: one object at a time.

An HSDS organization is a Strom Organisation. What HSDS has no field for (needs, who is served,
capacity, unconditional help, a confidential address) travels as attributes with terms of two Strom
taxonomies, so that an import restores it exactly (reading.py reads them back). Confidential locations
(shelters) leave only through a location_filter that allows them; the default never does.

Holds the ids (NAMESPACE), the two taxonomies and their terms, the location filters, and
organization_to_hsds, location_to_hsds and service_to_hsds. It never writes to the database, checks
no permission (the caller chooses the filter) and knows nothing of files, pages or the schema.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf.locale import LANG_INFO
from django.db.models import Prefetch, QuerySet

from strom.accounts.models import Organisation
from strom.directory.models import Location, NeedTerm, Service
from strom.directory.permissions import can_see_confidential
from strom.directory.taxonomy import taxonomy as need_taxonomy

# Never change this: taxonomy, term and child ids, and the ids of re-imported rows, are derived from it.
NAMESPACE = uuid.UUID("812dc309-f61b-43d8-908f-40633eb503d8")

NEEDS = "strom-needs"
PROPERTIES = "strom-service-properties"
PROPERTIES_VERSION = "2026.1"
ALL_DAYS = "MO,TU,WE,TH,FR,SA,SU"

LocationFilter = Callable[[Location], bool]


def public_location(location: Location) -> bool:
    """The default filter: a confidential address never leaves through an export."""
    return not location.is_confidential


def visible_with(access) -> LocationFilter:
    """For an authorised export: confidential addresses only where can_see_confidential allows them."""
    return lambda location: can_see_confidential(access, location)


def every_location(location: Location) -> bool:
    """For the API: every location is listed; which addresses show is decided by `reveal`."""
    return True


# --- Taxonomies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """A Strom field that HSDS has no place for, carried as an attribute with a term and a value."""

    code: str
    field: str
    kind: type
    name: str
    description: str
    entity: str = "service"


# Term names are data in English, like the need taxonomy's English names, not interface text.
SERVICE_PROPERTIES = (
    Property("helpline", "is_helpline", bool, "Helpline", "The service is a helpline."),
    Property("available_24_7", "available_24_7", bool, "Available 24/7", "Open 24 hours, 7 days a week."),
    Property(
        "emergency_response_hours",
        "emergency_response_hours",
        int,
        "Emergency response (hours)",
        "How many hours it takes at most to help in an emergency; empty if not stated.",
    ),
    Property("capacity_total", "capacity_total", int, "Places in all", "Empty if not stated."),
    Property("capacity_free", "capacity_free", int, "Free places", "Empty if not stated."),
    Property(
        "is_unconditional",
        "is_unconditional",
        bool,
        "Unconditional",
        "Help does not depend on cooperating with the police or in criminal proceedings.",
    ),
    Property("is_free", "is_free", bool, "Free for the person", "The person pays nothing."),
    Property("serves_adults", "serves_adults", bool, "Serves adults", "Adults are served."),
    Property("serves_children", "serves_children", bool, "Serves children", "Children are served."),
    Property(
        "serves_unaccompanied_children",
        "serves_unaccompanied_children",
        bool,
        "Serves unaccompanied children",
        "Unaccompanied children are served.",
    ),
    Property("serves_women", "serves_women", bool, "Serves women", "Women are served."),
    Property("serves_men", "serves_men", bool, "Serves men", "Men are served."),
    Property(
        "serves_other_genders",
        "serves_other_genders",
        bool,
        "Serves people of other genders",
        "People of other genders are served.",
    ),
)
LOCATION_PROPERTIES = (
    Property(
        "confidential_address",
        "is_confidential",
        bool,
        "Confidential address",
        "A shelter's address: shown only to the providing organisation and the municipality's "
        "coordinators, never published.",
        entity="location",
    ),
)
PROPERTY_BY_CODE = {p.code: p for p in SERVICE_PROPERTIES + LOCATION_PROPERTIES}


def taxonomy_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy/{name}"))


def term_id(taxonomy_name: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term/{taxonomy_name}/{code}"))


def taxonomies() -> list[dict]:
    """The two HSDS taxonomy objects: Strom's needs (versioned by the taxonomy file) and properties."""
    needs = need_taxonomy()
    return [
        {
            "id": taxonomy_id(NEEDS),
            "name": NEEDS,
            "description": needs["description"]["en"],
            "version": needs["version"],
        },
        {
            "id": taxonomy_id(PROPERTIES),
            "name": PROPERTIES,
            "description": "Properties of a Strom service or location that HSDS has no field for; "
            "the attribute's value holds true, false or a whole number (empty: not stated).",
            "version": PROPERTIES_VERSION,
        },
    ]


def need_term(term: NeedTerm) -> dict:
    return {
        "id": term_id(NEEDS, term.code),
        "code": term.code,
        "name": term.names.get("en") or term.code,
        "description": term.definitions.get("en", ""),
        "taxonomy": NEEDS,
        "taxonomy_id": taxonomy_id(NEEDS),
        "language": "en",
    }


def property_term(prop: Property) -> dict:
    return {
        "id": term_id(PROPERTIES, prop.code),
        "code": prop.code,
        "name": prop.name,
        "description": prop.description,
        "taxonomy": PROPERTIES,
        "taxonomy_id": taxonomy_id(PROPERTIES),
        "language": "en",
    }


def taxonomy_terms() -> list[dict]:
    """Every term of both taxonomies, each with its taxonomy (and so its version) as taxonomy_detail."""
    details = {item["name"]: item for item in taxonomies()}
    terms = [need_term(t) for t in NeedTerm.objects.all()]
    terms += [property_term(p) for p in SERVICE_PROPERTIES + LOCATION_PROPERTIES]
    return [{**term, "taxonomy_detail": details[term["taxonomy"]]} for term in terms]


# --- Strom to HSDS, one object at a time --------------------------------------------------------


def with_hsds_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything an export reads, in a fixed number of queries whatever the number of services."""
    locations = Location.objects.select_related("organisation", "municipality").order_by("name")
    return services.select_related("organisation", "municipality").prefetch_related(
        "needs", "languages", Prefetch("locations", queryset=locations)
    )


def organization_to_hsds(organisation: Organisation) -> dict:
    return {"id": str(organisation.pk), "name": organisation.name, "description": ""}


def _child(link: str, parent_id: str, kind: str, key: str = "", **values) -> dict:
    """A nested object with an id derived from its parent's, so that exporting twice gives the same ids
    and importing the export twice matches them."""
    return {"id": str(uuid.uuid5(uuid.UUID(parent_id), f"{kind}/{key}")), link: parent_id, **values}


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _attribute(entity: str, link_id: str, term: dict, value: str | None = None) -> dict:
    attribute = _child("link_id", link_id, "attribute", term["id"], link_entity=entity)
    attribute.update(taxonomy_term_id=term["id"], taxonomy_term=term)
    if value is not None:
        attribute["value"] = value
    return attribute


def _service_attributes(service: Service) -> list[dict]:
    sid = str(service.pk)
    needs = [_attribute("service", sid, need_term(term)) for term in service.needs.all()]
    return needs + [
        _attribute("service", sid, property_term(p), _value(getattr(service, p.field)))
        for p in SERVICE_PROPERTIES
    ]


def _schedules(service: Service) -> list[dict]:
    sid = str(service.pk)
    hours = {"description": service.hours} if service.hours else {}
    if service.available_24_7:
        around_the_clock = {"freq": "WEEKLY", "byday": ALL_DAYS, "opens_at": "00:00", "closes_at": "23:59"}
        return [_child("service_id", sid, "schedule", **around_the_clock, **hours)]
    return [_child("service_id", sid, "schedule", **hours)] if hours else []


def _cost_option(service: Service) -> dict:
    if service.is_free:
        return _child("service_id", str(service.pk), "cost_option", option="Free of charge", amount=0)
    return _child("service_id", str(service.pk), "cost_option", option="The person may have to pay")


def location_to_hsds(location: Location, *, with_address: bool = True) -> dict:
    """with_address=False: a confidential location by name only, without address or coordinates."""
    lid = str(location.pk)
    obj = {
        "id": lid,
        "location_type": "physical",
        "organization_id": str(location.organisation_id),
        "name": location.name,
        "attributes": [
            _attribute("location", lid, property_term(p), _value(getattr(location, p.field)))
            for p in LOCATION_PROPERTIES
        ],
    }
    if not with_address:
        return obj
    for axis in ("latitude", "longitude"):
        if getattr(location, axis) is not None:
            obj[axis] = float(getattr(location, axis))
    if location.address_1 or location.city or location.postal_code:
        # HSDS requires state_province; Baltic addresses have none, so it stays empty.
        obj["addresses"] = [
            _child(
                "location_id",
                lid,
                "address",
                address_1=location.address_1,
                city=location.city,
                state_province="",
                postal_code=location.postal_code,
                country=location.municipality.country_id,
                address_type="physical",
            )
        ]
    return obj


def service_to_hsds(
    service: Service,
    *,
    location_filter: LocationFilter = public_location,
    reveal: LocationFilter | None = None,
) -> dict:
    """One fully nested HSDS service. Read it through with_hsds_details() to keep the query count flat.

    location_filter: which locations appear. reveal: which of them show their address and coordinates
    (a confidential one that it refuses appears by name only); by default every one that appears."""
    sid = str(service.pk)
    child = _child
    obj = {
        "id": sid,
        "organization_id": str(service.organisation_id),
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "last_modified": service.updated_at.isoformat(),
        "organization": organization_to_hsds(service.organisation),
        "phones": [child("service_id", sid, "phone", number=service.phone)] if service.phone else [],
        "schedules": _schedules(service),
        "languages": [
            child("service_id", sid, "language", lang.code, code=lang.code, name=_language_name(lang.code))
            for lang in service.languages.all()
        ],
        "service_areas": [child("service_id", sid, "service_area", name=service.municipality.name)],
        "cost_options": [_cost_option(service)],
        "contacts": [child("service_id", sid, "contact", title=service.referral_contact)]
        if service.referral_contact
        else [],
        "service_at_locations": [
            child("service_id", sid, "service_at_location", str(loc.pk), location_id=str(loc.pk))
            | {"location": location_to_hsds(loc, with_address=reveal is None or reveal(loc))}
            for loc in service.locations.all()
            if location_filter(loc)
        ],
        "attributes": _service_attributes(service),
    }
    obj.update({key: value for key, value in (("url", service.url), ("email", service.email)) if value})
    return obj


def _language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get("name", code)
