"""The field mapping between Strom and Open Referral HSDS 3.0, from Strom's side: one object at a time.

An HSDS organization is a Strom Organisation. What HSDS has a shape for uses it: the conditions in words
as eligibility_description, "free" as a cost_option (none while the provider has not answered), the
funding sources as funding rows, and where a service works as service_area rows (each area a Strom
urn in uri, see area_uri). What HSDS has no field for (needs, who is served, capacity, the two parts of
unconditional help and the other conditions as codes, a confidential address) travels as attributes
with terms of two Strom taxonomies, so that an import restores it exactly (reading.py reads them back).
Confidential locations (shelters) leave only through a location_filter that allows them; the default
never does.

Holds the ids (NAMESPACE), the two taxonomies and their terms, the location filters, and
organization_to_hsds, location_to_hsds and service_to_hsds. It never writes to the database, checks
no permission (the caller chooses the filter) and knows nothing of files, pages or the schema.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf.locale import LANG_INFO
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from strom.accounts.models import Organisation
from strom.core.exploitation import ExploitationForm
from strom.directory.models import (
    Availability,
    Condition,
    Funding,
    Location,
    NeedTerm,
    Service,
    ServiceArea,
    SpecialNeed,
)
from strom.directory.permissions import can_see_confidential
from strom.directory.taxonomy import taxonomy as need_taxonomy

# Never change this: taxonomy, term and child ids, and the ids of re-imported rows, are derived from it.
NAMESPACE = uuid.UUID("812dc309-f61b-43d8-908f-40633eb503d8")

NEEDS = "strom-needs"
PROPERTIES = "strom-service-properties"
PROPERTIES_VERSION = "2026.2"  # 2026.2: the two parts of "unconditional", conditions, facts (issue 9)
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
    """A Strom field that HSDS has no place for, carried as an attribute with a term and a value.

    kind: bool ("true"/"false"; with nullable, also "" for not answered yet), int (a whole number or ""),
    str (text; with codes, one code of that list) or list (codes of that list separated by spaces)."""

    code: str
    field: str
    kind: type
    name: str
    description: str
    entity: str = "service"
    nullable: bool = False
    codes: type | None = None  # a TextChoices class: the codes a str or list value may hold


def _codes_of(choices) -> str:
    return ", ".join(choices.values)


def _answer(what: str) -> str:
    return f"{what} true, false, or empty while the provider has not answered."


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
        "independent_of_cooperation",
        "independent_of_cooperation",
        bool,
        "Help without cooperating with the police",
        _answer(
            "Help does not depend on cooperating with the police or taking part in criminal proceedings:"
        ),
        nullable=True,
    ),
    Property(
        "open_to_presumed_victims",
        "open_to_presumed_victims",
        bool,
        "Help without formal identification",
        _answer("Presumed and potential victims are helped too; nobody has to be formally identified first:"),
        nullable=True,
    ),
    Property(
        "conditions",
        "conditions",
        list,
        "Other conditions",
        "What a person must have or do to get the help, as codes separated by spaces "
        f"({_codes_of(Condition)}); empty: none.",
        codes=Condition,
    ),
    Property(
        "time_limit_days",
        "time_limit_days",
        int,
        "Time limit (days)",
        "Help is given for at most this many days; empty: no time limit.",
    ),
    Property(
        "conditions_note",
        "conditions_note",
        str,
        "Conditions in the provider's words",
        "Free text; eligibility_description says the same together with the coded conditions.",
    ),
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
    Property(
        "serves_families", "serves_families", bool, "Serves families", "Families with children are served."
    ),
    Property(
        "special_needs",
        "special_needs",
        list,
        "Special needs it can meet",
        f"Codes separated by spaces ({_codes_of(SpecialNeed)}); empty: none stated.",
        codes=SpecialNeed,
    ),
    Property(
        "exploitation_experience",
        "exploitation_experience",
        list,
        "Experience with forms of exploitation",
        f"Codes separated by spaces ({_codes_of(ExploitationForm)}); empty: none stated.",
        codes=ExploitationForm,
    ),
    Property(
        "availability",
        "availability",
        str,
        "Offered today or on request",
        "existing: offered today; potential: the provider could offer it if asked.",
        codes=Availability,
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
            "the attribute's value holds true or false, a whole number, codes separated by spaces, or "
            "text, as each term's description says (empty: not stated, or not answered yet).",
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
    areas = ServiceArea.objects.select_related("municipality", "country").order_by("pk")
    return services.select_related("organisation", "municipality").prefetch_related(
        "needs", "languages", Prefetch("locations", queryset=locations), Prefetch("areas", queryset=areas)
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
    if isinstance(value, list | tuple):
        return " ".join(value)
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


def _cost_options(service: Service) -> list[dict]:
    """Free: a cost option of 0; not free: one without an amount; not answered yet: none at all."""
    if service.is_free is None:
        return []
    if service.is_free:
        return [_child("service_id", str(service.pk), "cost_option", option="Free of charge", amount=0)]
    return [_child("service_id", str(service.pk), "cost_option", option="The person may have to pay")]


def _english_labels(choices, codes) -> list[str]:
    with translation.override("en"):
        labels = dict(choices.choices)
        return [str(labels.get(code, code)) for code in codes]


def eligibility_description(service: Service) -> str:
    """The conditions in words, in English like the taxonomies' terms: what the provider answered,
    and what it has not answered yet."""
    parts = [
        {
            True: "Help does not depend on cooperating with the police or on criminal proceedings.",
            False: "Only for people who cooperate with the police or take part in criminal proceedings.",
            None: "Not answered yet: whether help depends on cooperating with the police.",
        }[service.independent_of_cooperation],
        {
            True: "Presumed and potential victims are helped too: no formal identification is needed.",
            False: "Only after formal identification as a victim of trafficking.",
            None: "Not answered yet: whether formal identification as a victim is needed.",
        }[service.open_to_presumed_victims],
    ]
    if service.conditions:
        parts.append(f"Required: {'; '.join(_english_labels(Condition, service.conditions)).lower()}.")
    if service.time_limit_days:
        parts.append(f"Help for at most {service.time_limit_days} days.")
    if service.conditions_note:
        parts.append(service.conditions_note)
    return " ".join(parts)


def _funding(service: Service) -> list[dict]:
    sid = str(service.pk)
    labels = _english_labels(Funding, service.funding)
    return [
        _child("service_id", sid, "funding", code, source=label)
        for code, label in zip(service.funding, labels, strict=True)
    ]


AREA_URN = "urn:strom:"


def area_uri(area: ServiceArea) -> str:
    """A persistent identifier of the place a service area names, the same in every Strom: a country by
    its ISO code, a municipality by its country and the short name of its public page, which is kept
    when the municipality is renamed (urn:strom:municipality:lv:kalnupe)."""
    if area.country_id:
        return f"{AREA_URN}country:{area.country_id.lower()}"
    municipality = area.municipality
    return f"{AREA_URN}municipality:{municipality.country_id.lower()}:{municipality.slug}"


def _service_areas(service: Service) -> list[dict]:
    """The municipality that lists the service, by name (it needs no uri: an import lists the service
    in its own municipality), then each further area with its urn; a region's name is the area's
    name, and the place's own name is its description."""
    sid = str(service.pk)
    rows = [_child("service_id", sid, "service_area", name=service.municipality.name)]
    for area in service.areas.all():
        place = area.country.display_name if area.country_id else area.municipality.name
        uri = area_uri(area)
        with translation.override("en"):
            place = str(place)
        rows.append(
            _child(
                "service_id", sid, "service_area", uri, name=area.name or place, description=place, uri=uri
            )
        )
    return rows


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
        "eligibility_description": eligibility_description(service),
        "service_areas": _service_areas(service),
        "cost_options": _cost_options(service),
        "funding": _funding(service),
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
