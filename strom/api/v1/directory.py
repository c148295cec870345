"""The service directory over the API: the same queries, predicates and actions as the pages."""

from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from strom.accounts.models import Municipality, Organisation
from strom.api.v1.paging import LimitOffset, Paged
from strom.api.v1.schemas import Code
from strom.core.access import refuse
from strom.core.exploitation import ExploitationForm
from strom.core.ratelimit import rate_limited
from strom.core.text import DESCRIPTION_MAX
from strom.directory import actions, queries
from strom.directory import permissions as can
from strom.directory.areas import AreaRow
from strom.directory.languages import is_known
from strom.directory.models import Availability, Condition, Funding, Location, NeedTerm, Service, SpecialNeed

router = Router(tags=["directory"])

# The codes of each list, so that the OpenAPI document names them and an unknown one is refused.
ConditionCode = Literal[tuple(Condition.values)]  # type: ignore[valid-type]
FundingCode = Literal[tuple(Funding.values)]  # type: ignore[valid-type]
SpecialNeedCode = Literal[tuple(SpecialNeed.values)]  # type: ignore[valid-type]
ExploitationCode = Literal[tuple(ExploitationForm.values)]  # type: ignore[valid-type]
AvailabilityCode = Literal[tuple(Availability.values)]  # type: ignore[valid-type]
UNKNOWN_IS_NULL = "true, false, or null while the provider has not answered (null is never a promise)."


class LocationOut(Schema):
    id: UUID
    organisation: UUID
    municipality: UUID
    name: str
    address_1: str
    postal_code: str
    city: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_confidential: bool


class ServiceAreaOut(Schema):
    """HSDS service_area: a municipality (with the name of its area, such as a region) or a whole country."""

    municipality: UUID | None
    country: str | None
    name: str


class ServiceAreaIn(Schema):
    municipality: UUID | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 code.")
    name: str = Field("", max_length=100)


class ServiceOut(Schema):
    id: UUID
    organisation: UUID
    organisation_name: str
    municipality: UUID
    name: str
    description: str
    status: str
    phone: str
    email: str
    url: str
    is_helpline: bool
    needs: list[str]
    languages: list[str]
    serves_adults: bool
    serves_children: bool
    serves_unaccompanied_children: bool
    serves_women: bool
    serves_men: bool
    serves_other_genders: bool
    serves_families: bool
    special_needs: list[SpecialNeedCode]
    exploitation_experience: list[ExploitationCode]
    availability: AvailabilityCode = Field(
        description="existing: offered today; potential: the provider could offer it if asked."
    )
    available_24_7: bool
    hours: str
    emergency_response_hours: int | None
    capacity_total: int | None
    capacity_free: int | None
    capacity_updated_at: str | None
    independent_of_cooperation: bool | None = Field(
        description=f"Help does not depend on cooperating with the police: {UNKNOWN_IS_NULL}"
    )
    open_to_presumed_victims: bool | None = Field(
        description=f"Presumed and potential victims are helped too, unidentified: {UNKNOWN_IS_NULL}"
    )
    conditions: list[ConditionCode] = Field(description="Other conditions a person must meet; empty: none.")
    time_limit_days: int | None = Field(description="Help for at most this many days; null: no time limit.")
    conditions_note: str
    is_unconditional: bool | None = Field(
        description="Derived: true when both parts are confirmed and no other condition or time limit "
        "applies; false as soon as one is denied or a condition applies; otherwise null."
    )
    is_free: bool | None = Field(description=f"Free for the person: {UNKNOWN_IS_NULL}")
    funding: list[FundingCode]
    referral_contact: str
    last_verified_at: str
    locations: list[LocationOut]
    service_areas: list[ServiceAreaOut] = Field(
        description="Where it works besides its own municipality, which it always serves."
    )


class ServiceIn(Schema):
    organisation: UUID
    municipality: UUID
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    status: Literal["active", "inactive"] = "active"
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    url: str = Field("", max_length=200)
    is_helpline: bool = False
    needs: list[Code] = Field(min_length=1, max_length=100)
    languages: list[Code] = Field([], max_length=100)
    serves_adults: bool = True
    serves_children: bool = False
    serves_unaccompanied_children: bool = False
    serves_women: bool = True
    serves_men: bool = True
    serves_other_genders: bool = True
    serves_families: bool = False
    special_needs: list[SpecialNeedCode] = Field([], max_length=20)
    exploitation_experience: list[ExploitationCode] = Field([], max_length=20)
    availability: AvailabilityCode | None = Field(
        None,
        description="existing: offered today; potential: could be offered if asked (not on the public page, "
        "not matched). Left out, the stored value stays (new: existing).",
    )
    available_24_7: bool = False
    hours: str = Field("", max_length=200)
    emergency_response_hours: int | None = Field(None, ge=0, le=10000)
    capacity_total: int | None = Field(None, ge=0)
    capacity_free: int | None = Field(None, ge=0)
    independent_of_cooperation: bool | None = Field(None, description=UNKNOWN_IS_NULL)
    open_to_presumed_victims: bool | None = Field(None, description=UNKNOWN_IS_NULL)
    conditions: list[ConditionCode] = Field([], max_length=20)
    time_limit_days: int | None = Field(None, ge=1, le=3650)
    conditions_note: str = Field("", max_length=300)
    is_free: bool | None = Field(None, description=UNKNOWN_IS_NULL)
    funding: list[FundingCode] = Field([], max_length=20)
    referral_contact: str = Field("", max_length=200)
    service_areas: list[ServiceAreaIn] | None = Field(
        None,
        max_length=200,
        description=(
            "Where it works besides its own municipality: municipalities of its country, or its whole "
            "country. Left out, the stored areas stay; an empty list removes them."
        ),
    )


class LocationIn(Schema):
    organisation: UUID
    municipality: UUID
    name: str = Field(min_length=1, max_length=200)
    address_1: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    is_confidential: bool = False
    service: UUID | None = None


class MatchOut(Schema):
    service: ServiceOut
    score: float
    needs_met: list[str]
    needs_missing: list[str]
    distance_km: float | None
    language_fit: bool | None
    free_places: int | None
    unconditional: bool | None


class ErrorOut(Schema):
    detail: str


def _location_out(location: queries.ShownLocation) -> LocationOut:
    """A confidential location's street, postal code, town and coordinates are empty unless the call
    asked for it and revealed it (security.md 10)."""
    return LocationOut(
        id=location.id,
        organisation=location.organisation_id,
        municipality=location.municipality_id,
        name=location.name,
        address_1=location.address_1,
        postal_code=location.postal_code,
        city=location.city,
        latitude=location.latitude,
        longitude=location.longitude,
        is_confidential=location.is_confidential,
    )


def _service_out(service: Service, locations: list[queries.ShownLocation]) -> ServiceOut:
    def iso(value):
        return value.isoformat() if value else None

    return ServiceOut(
        id=service.pk,
        organisation=service.organisation_id,
        organisation_name=service.organisation.name,
        municipality=service.municipality_id,
        needs=[need.code for need in service.needs.all()],
        languages=[language.code for language in service.languages.all()],
        capacity_updated_at=iso(service.capacity_updated_at),
        last_verified_at=iso(service.last_verified_at),
        locations=[_location_out(loc) for loc in locations],
        service_areas=[
            ServiceAreaOut(municipality=area.municipality_id, country=area.country_id, name=area.name)
            for area in service.areas.all()
        ],
        **{
            name: getattr(service, name)
            for name in ServiceOut.model_fields
            if name
            not in {
                "id",
                "organisation",
                "organisation_name",
                "municipality",
                "needs",
                "languages",
                "capacity_updated_at",
                "last_verified_at",
                "locations",
                "service_areas",
            }
        },
    )


class MatchQuery(Schema):
    needs: list[Code] = Field(
        ..., min_length=1, max_length=100, description="Need codes from the need taxonomy."
    )
    language: str = Field("", max_length=8)
    age_group: Literal["", "adult", "child", "unaccompanied_child"] = ""
    gender: Literal["", "woman", "man", "other"] = ""
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=2000)
    municipality: UUID | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/services/match", response={200: list[MatchOut], 400: ErrorOut}, summary="Services ranked for needs"
)
@rate_limited("search_user", methods=("GET",))
def match(request: HttpRequest, query: Query[MatchQuery]):
    unknown = set(query.needs) - set(NeedTerm.objects.values_list("code", flat=True))
    if unknown:
        raise HttpError(400, f"Unknown need codes: {', '.join(sorted(unknown))}.")
    if (query.lat is None) != (query.lon is None):
        raise HttpError(400, "Give both lat and lon, or neither.")
    access = request.access
    if not can.can_view_directory(access):
        return []
    matches = queries.match_services(
        query.needs,
        language=query.language,
        age_group=query.age_group,
        gender=query.gender,
        near=(query.lat, query.lon) if query.lat is not None else None,
        radius_km=query.radius_km,
        municipality=query.municipality,
        limit=query.limit,
    )
    services = {
        s.pk: s
        for s in queries.services_visible_to(request.access).filter(pk__in=[m.service.pk for m in matches])
    }
    return [
        MatchOut(
            service=_service_out(services[m.service.pk], queries.listed_locations(services[m.service.pk])),
            score=m.score,
            needs_met=m.needs_met,
            needs_missing=m.needs_missing,
            distance_km=m.distance_km,
            language_fit=m.language_fit,
            free_places=m.free_places,
            unconditional=m.unconditional,
        )
        for m in matches
        if m.service.pk in services
    ]


@router.get("/services", response=list[ServiceOut], summary="Services in the directory")
@paginate(LimitOffset)
def service_list(request: HttpRequest, need: str = "", language: str = "", municipality: UUID | None = None):
    directory_filter = queries.DirectoryFilter(
        need=need, language=language, municipality=str(municipality) if municipality else ""
    )
    services = queries.services_visible_to(request.access, directory_filter).order_by("name", "pk")
    return Paged(services, lambda s: _service_out(s, queries.listed_locations(s)))


@router.get("/services/{uuid:service_id}", response={200: ServiceOut, 404: ErrorOut}, summary="One service")
def service_detail(request: HttpRequest, service_id: UUID):
    service = queries.get_service_for(request.access, service_id)  # a refusal is audited and kept
    with transaction.atomic():
        locations, revealed = queries.visible_locations(request.access, service)
        actions.record_confidential_reads(actor=request.auth, locations=revealed, channel="api")
        return _service_out(service, locations)


def _apply(service: Service, payload: ServiceIn, request: HttpRequest) -> Service:
    data = payload.dict()
    needs = list(NeedTerm.objects.filter(code__in=data.pop("needs")))
    if len(needs) != len(set(payload.needs)):
        raise HttpError(400, "Unknown need codes.")
    languages = data.pop("languages")
    areas = _area_rows(data.pop("service_areas"))
    stored = set() if service._state.adding else {lang.code for lang in service.languages.all()}
    unknown = [code for code in languages if not is_known(code) and code not in stored]
    if unknown:
        listed = ", ".join(unknown)
        raise HttpError(400, f"Unknown language codes: {listed}. Use ISO 639-1 codes, such as lv or ru.")
    organisation = Organisation.objects.filter(pk=data.pop("organisation"), is_active=True).first()
    municipality = Municipality.objects.filter(pk=data.pop("municipality")).first()
    if organisation is None or municipality is None:
        raise HttpError(400, "Unknown organisation or municipality.")
    if not can.can_edit_for(request.access, organisation.pk, municipality.pk):
        raise refuse(actor=request.auth, object_type="directory.service", object_id="new")
    if data["availability"] is None:  # a client that does not know it never puts a listing on the public page
        del data["availability"]
    for name, value in data.items():
        setattr(service, name, value)
    service.organisation, service.municipality = organisation, municipality
    try:
        return actions.do_save_service(
            actor=request.auth, service=service, needs=needs, languages=languages, location=None, areas=areas
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    except PermissionDenied as error:
        raise refuse(actor=request.auth, object_type="directory.service", object_id=service.pk) from error


def _area_rows(rows) -> list[AreaRow] | None:
    """The rows as do_save_service takes them; it checks them for the caller (400 or 404)."""
    if rows is None:
        return None
    ids = {row["municipality"] for row in rows if row["municipality"]}
    found = Municipality.objects.in_bulk(ids)
    if len(found) != len(ids) or any(bool(row["municipality"]) == bool(row["country"]) for row in rows):
        raise HttpError(400, "Each service area names a known municipality or a country, not both.")
    return [
        AreaRow(
            municipality=found.get(row["municipality"]),
            country=row["country"].upper() if row["country"] else None,
            name=row["name"],
        )
        for row in rows
    ]


@router.post("/services", response={201: ServiceOut, 400: ErrorOut, 404: ErrorOut}, summary="Add a service")
def service_create(request: HttpRequest, payload: ServiceIn):
    service = queries.get_service_for(request.access, _apply(Service(), payload, request).pk)
    return 201, _service_out(service, queries.listed_locations(service))


@router.put(
    "/services/{uuid:service_id}",
    response={200: ServiceOut, 400: ErrorOut, 404: ErrorOut},
    summary="Change a service",
)
def service_update(request: HttpRequest, service_id: UUID, payload: ServiceIn):
    service = queries.get_service_for(request.access, service_id, for_write=True)
    _apply(service, payload, request)
    service = queries.get_service_for(request.access, service_id)
    return _service_out(service, queries.listed_locations(service))


@router.get("/locations", response=list[LocationOut], summary="Locations visible to the user")
@paginate(LimitOffset)
def location_list(request: HttpRequest):
    locations = queries.locations_visible_to(request.access).order_by("name", "pk")
    return Paged(locations, lambda loc: _location_out(queries.shown_location(loc)))


@router.get(
    "/locations/{uuid:location_id}", response={200: LocationOut, 404: ErrorOut}, summary="One location"
)
def location_detail(request: HttpRequest, location_id: UUID):
    location = queries.get_location_for(request.access, location_id)  # only if its address may be seen
    with transaction.atomic():
        revealed = [location] if location.is_confidential else []
        actions.record_confidential_reads(actor=request.auth, locations=revealed, channel="api")
        return _location_out(queries.shown_location(location, reveal=True))


def _save_location(request, location: Location, payload: LocationIn):
    data = payload.dict()
    service_id = data.pop("service")
    organisation = Organisation.objects.filter(pk=data.pop("organisation"), is_active=True).first()
    municipality = Municipality.objects.filter(pk=data.pop("municipality")).first()
    if organisation is None or municipality is None:
        raise HttpError(400, "Unknown organisation or municipality.")
    service = queries.get_service_for(request.access, service_id, for_write=True) if service_id else None
    for name, value in data.items():
        setattr(location, name, value)
    location.organisation, location.municipality = organisation, municipality
    try:
        return actions.do_save_location(actor=request.auth, location=location, service=service)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    except PermissionDenied as error:
        raise refuse(actor=request.auth, object_type="directory.location", object_id=location.pk) from error


@router.post(
    "/locations", response={201: LocationOut, 400: ErrorOut, 404: ErrorOut}, summary="Add a location"
)
def location_create(request: HttpRequest, payload: LocationIn):
    # The answer repeats what the caller has just sent: nothing is revealed that they did not know.
    location = _save_location(request, Location(), payload)
    return 201, _location_out(queries.shown_location(location, reveal=True))


@router.put(
    "/locations/{uuid:location_id}",
    response={200: LocationOut, 400: ErrorOut, 404: ErrorOut},
    summary="Change a location",
)
def location_update(request: HttpRequest, location_id: UUID, payload: LocationIn):
    location = queries.get_location_for(request.access, location_id, for_write=True)
    return _location_out(queries.shown_location(_save_location(request, location, payload), reveal=True))
