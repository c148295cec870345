"""Reads for the service map. Edits and confidential addresses are guarded here; the list itself is
open to every member, because knowing who offers what is the point of the map."""

import math
from dataclasses import dataclass, field, replace

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When

from strom.accounts.access import Access
from strom.core.access import refuse
from strom.directory import permissions as can
from strom.directory.areas import AreaScope
from strom.directory.models import (
    Availability,
    Location,
    NeedTerm,
    Service,
    ServiceArea,
    ServiceLanguage,
    SpecialNeed,
)

AGE_GROUP_FIELDS = {
    "adult": "serves_adults",
    "child": "serves_children",
    "unaccompanied_child": "serves_unaccompanied_children",
}
GENDER_FIELDS = {"woman": "serves_women", "man": "serves_men", "other": "serves_other_genders"}


def _with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organisation", "municipality").prefetch_related(
        "needs",
        "languages",
        Prefetch("locations", queryset=Location.objects.order_by("name")),
        Prefetch("areas", queryset=_areas()),
    )


def _areas() -> QuerySet[ServiceArea]:
    areas = ServiceArea.objects.select_related("municipality", "country")
    return areas.order_by("name", "municipality__name")


def serving(municipality) -> Q:
    """Services that work in a municipality (issue 9): listed there, or with an area that names it or
    its whole country. Everything that asks for "the services of municipality M" filters with this: the
    directory filter, matching, gap analysis, the public page, a pathway's health check. No query of its
    own: it is a subquery of the caller's."""
    municipality_id = getattr(municipality, "pk", municipality)
    areas = ServiceArea.objects.filter(service_id=OuterRef("pk")).filter(
        Q(municipality_id=municipality_id) | Q(country__municipalities__id=municipality_id)
    )
    return Q(municipality_id=municipality_id) | Q(Exists(areas))


def area_scope(access: Access, organisation) -> AreaScope:
    """Where this person may say that the organisation's services work (strom/directory/areas.py), in one
    query: the organisation's grants and national appointments."""
    from strom.accounts.models import OrganisationArea

    granted = OrganisationArea.objects.active().filter(organisation_id=organisation.pk)
    places = list(granted.values_list("municipality_id", "country_id"))
    works_in = {str(m) for m, _c in places if m} | ({str(organisation.municipality_id)} - {"None"})
    return AreaScope(
        access=access,
        organisation_id=str(organisation.pk),
        works_in=frozenset(works_in),
        appointed=frozenset(c for _m, c in places if c),
    )


def stored_areas(service) -> list[ServiceArea]:
    return [] if service._state.adding else list(_areas().filter(service_id=service.pk))


@dataclass(frozen=True)
class DirectoryFilter:
    need: str = ""
    language: str = ""
    municipality: str = ""
    organisation: str = ""
    age_group: str = ""
    available_24_7: bool = False
    unconditional: bool = False  # confirmed by the provider: an unanswered part never counts as yes
    presumed_victims: bool = False  # confirmed open to presumed and potential victims
    special_need: str = ""
    families: bool = False
    availability: str = ""  # "existing", "potential" or "" for both
    free_capacity: bool = False
    text: str = ""


def services_visible_to(access: Access, directory_filter: DirectoryFilter | None = None) -> QuerySet[Service]:
    """Active services, with what lists show prefetched."""
    return _with_details(active_services_for(access, directory_filter))


def active_services_for(access: Access, directory_filter: DirectoryFilter | None = None) -> QuerySet[Service]:
    """The same services without prefetching, for callers that prefetch their own way (exports)."""
    if not can.can_view_directory(access):
        return Service.objects.none()
    services = Service.objects.filter(status=Service.Status.ACTIVE)
    return apply_filter(services, directory_filter or DirectoryFilter())


def apply_filter(services: QuerySet[Service], f: DirectoryFilter) -> QuerySet[Service]:
    if f.need:
        services = services.filter(
            Exists(Service.needs.through.objects.filter(service_id=OuterRef("pk"), needterm_id=f.need))
        )
    if f.language:
        services = services.filter(
            Exists(ServiceLanguage.objects.filter(service_id=OuterRef("pk"), code=f.language))
        )
    if f.municipality:
        services = services.filter(serving(f.municipality))
    if f.organisation:
        services = services.filter(organisation_id=f.organisation)
    if f.age_group in AGE_GROUP_FIELDS:
        services = services.filter(**{AGE_GROUP_FIELDS[f.age_group]: True})
    if f.available_24_7:
        services = services.filter(available_24_7=True)
    if f.unconditional:
        services = services.filter(is_unconditional=True)
    if f.presumed_victims:
        services = services.filter(open_to_presumed_victims=True)
    if f.special_need in SpecialNeed.values:
        services = services.filter(special_needs__contains=f.special_need)
    if f.families:
        services = services.filter(serves_families=True)
    if f.availability in Availability.values:
        services = services.filter(availability=f.availability)
    if f.free_capacity:
        services = services.filter(capacity_free__gt=0)
    if f.text:
        services = services.filter(
            Q(name__icontains=f.text)
            | Q(description__icontains=f.text)
            | Q(organisation__name__icontains=f.text)
        )
    return services


def get_service_for(access: Access, service_id, *, for_write: bool = False) -> Service:
    service = (
        _with_details(Service.objects.filter(pk=service_id)).first()
        if can.can_view_directory(access)
        else None
    )
    allowed = service is not None and (
        can.can_edit_service(access, service)
        if for_write
        else service.status == Service.Status.ACTIVE or can.can_edit_service(access, service)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="directory.service", object_id=service_id)
    return service


# --- Locations as pages and the API show them ------------------------------------------------------


@dataclass(frozen=True)
class ShownLocation:
    """A location as a page or the API shows it. A confidential one (a shelter) keeps its name and its
    flag; its street, postal code, town and coordinates are left out unless `revealed`.

    The town is left out too: the municipality is already shown with the service, and in a rural
    municipality the village alone can narrow a shelter down to a few houses."""

    id: object
    organisation_id: object
    municipality_id: object
    name: str
    is_confidential: bool
    revealed: bool = False
    address_1: str = ""
    postal_code: str = ""
    city: str = ""
    latitude: object = None
    longitude: object = None

    @property
    def address_withheld(self) -> bool:
        return self.is_confidential and not self.revealed


def shown_location(location: Location, *, reveal: bool = False) -> ShownLocation:
    base = ShownLocation(
        id=location.pk,
        organisation_id=location.organisation_id,
        municipality_id=location.municipality_id,
        name=location.name,
        is_confidential=location.is_confidential,
    )
    if location.is_confidential and not reveal:
        return base
    return replace(
        base,
        revealed=location.is_confidential,
        address_1=location.address_1,
        postal_code=location.postal_code,
        city=location.city,
        latitude=location.latitude,
        longitude=location.longitude,
    )


def listed_locations(service) -> list[ShownLocation]:
    """For lists (the service list, API lists, matching): every location, a confidential one by its
    name only, whoever asks. A list is never where someone asked for one shelter's address."""
    return [shown_location(location) for location in service.locations.all()]


def visible_locations(access, service) -> tuple[list[ShownLocation], list[Location]]:
    """For the page or API call about this one service: every location, confidential addresses revealed
    only to those allowed (security.md 10). Also returns the confidential locations revealed: the caller
    records each read (actions.record_confidential_reads) in the same transaction, before responding."""
    shown, revealed = [], []
    # Read afresh (not from a prefetch), so that the caller's transaction holds the read itself.
    for location in service.locations.select_related("organisation").order_by("name"):
        reveal = location.is_confidential and can.can_see_confidential(access, location)
        shown.append(shown_location(location, reveal=reveal))
        if reveal:
            revealed.append(location)
    return shown, revealed


def confidential_locations_of(access, services: QuerySet[Service]) -> list[Location]:
    """The confidential locations of these services that an authorised export would reveal."""
    locations = Location.objects.filter(
        is_confidential=True,
        pk__in=Service.locations.through.objects.filter(service__in=services).values("location_id"),
    ).select_related("organisation")
    return [location for location in locations if can.can_see_confidential(access, location)]


def needs() -> QuerySet[NeedTerm]:
    return NeedTerm.objects.all()


# --- Matching -----------------------------------------------------------------------------------

# Candidates ranked in the database, then scored in Python: the work stays bounded. Distance only
# breaks ties and drops what lies outside the radius, so a search near a place takes more candidates.
CANDIDATES_PER_RESULT = 2
CANDIDATES_NEAR = 60


@dataclass
class Match:
    service: Service
    score: float
    needs_met: list[str] = field(default_factory=list)
    needs_missing: list[str] = field(default_factory=list)
    distance_km: float | None = None
    language_fit: bool | None = None
    free_places: int | None = None
    unconditional: bool | None = None  # None: not answered yet by the provider


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), good to a few metres at these scales."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _bounding_box(near: tuple[float, float], radius_km: float) -> Q:
    lat, lon = near
    dlat = radius_km / 111.0
    dlon = radius_km / max(1e-6, 111.0 * math.cos(math.radians(lat)))
    return Q(
        is_confidential=False,
        map_latitude__gte=lat - dlat,
        map_latitude__lte=lat + dlat,
        map_longitude__gte=lon - dlon,
        map_longitude__lte=lon + dlon,
    )


def match_services(
    needs: list[str],
    *,
    language: str = "",
    age_group: str = "",
    gender: str = "",
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    municipality=None,
    limit: int = 20,
) -> list[Match]:
    """Services that meet at least one of the needs, best first, each with the reasons for its place.

    Ranking: more needs met first; then the person's language; then free places; then unconditional
    help (confirmed by the provider: not answered ranks with "no", never with "yes"); then distance. A
    narrow ranking query picks the candidates; three more fetch what the reasons need. The query count
    does not depend on the number of services. A provider that could offer the help only if asked is
    not matched: a match is someone to refer a person to today.
    """
    wanted = list(dict.fromkeys(needs))
    positions = dict(NeedTerm.objects.filter(code__in=wanted).values_list("code", "position"))
    bits = {code: 1 << positions[code] for code in wanted if code in positions}
    services = Service.objects.annotate(wanted_bits=F("need_mask").bitand(sum(bits.values()))).filter(
        wanted_bits__gt=0, status=Service.Status.ACTIVE, availability=Availability.EXISTING
    )
    if municipality is not None:
        services = services.filter(serving(municipality))
    if age_group in AGE_GROUP_FIELDS:
        services = services.filter(**{AGE_GROUP_FIELDS[age_group]: True})
    if gender in GENDER_FIELDS:
        services = services.filter(**{GENDER_FIELDS[gender]: True})
    if near is not None and radius_km:
        nearby = Location.objects.filter(_bounding_box(near, radius_km)).values("services")
        services = services.filter(pk__in=nearby)
    # (mask & bit) / bit is 1 when the need is met, 0 when not: plain integer arithmetic in every database.
    met = sum((F("need_mask").bitand(bit) / Value(bit) for bit in bits.values()), Value(0))
    speaks = Case(When(language_codes__contains=f" {language} ", then=1), default=0) if language else Value(0)
    ranked = list(
        services.annotate(met=met, speaks=speaks)
        .order_by(
            "-met",
            "-speaks",
            F("capacity_free").desc(nulls_last=True),
            # PostgreSQL sorts NULL first in a descending order: unknown must not come before "yes".
            F("is_unconditional").desc(nulls_last=True),
            "name",
        )
        .values_list("pk", "speaks")[: CANDIDATES_NEAR if near is not None else CANDIDATES_PER_RESULT * limit]
    )
    ids = [pk for pk, _speaks in ranked]
    by_id = (
        Service.objects.select_related("organisation")
        .only("name", "capacity_free", "is_unconditional", "organisation__name")
        .in_bulk(ids)
    )
    offered: dict = {}
    for service_id, code in Service.needs.through.objects.filter(service_id__in=ids).values_list(
        "service_id", "needterm_id"
    ):
        offered.setdefault(service_id, set()).add(code)
    places: dict = {}
    if near is not None:
        located = Location.objects.filter(
            services__in=ids, is_confidential=False, map_latitude__isnull=False, map_longitude__isnull=False
        )
        for service_id, lat, lon in located.values_list("services", "map_latitude", "map_longitude"):
            places.setdefault(service_id, []).append((float(lat), float(lon)))
    matches = [
        _score(
            by_id[pk],
            wanted,
            offered.get(pk, set()),
            bool(speaks_it) if language else None,
            places.get(pk),
            near,
        )
        for pk, speaks_it in ranked
    ]
    if near is not None and radius_km:
        matches = [m for m in matches if m.distance_km is not None and m.distance_km <= radius_km]
    matches.sort(
        key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else math.inf, m.service.name)
    )
    return matches[:limit]


def _score(service: Service, wanted, offered: set, speaks: bool | None, places, near) -> Match:
    met = [code for code in wanted if code in offered]
    distances = [distance_km(near, place) for place in places or []] if near is not None else []
    distance = min(distances) if distances else None
    score = 10.0 * len(met) / max(1, len(wanted))
    score += 3.0 if speaks else 0.0
    score += 2.0 if (service.capacity_free or 0) > 0 else 0.0
    score += 1.0 if service.is_unconditional is True else 0.0
    if distance is not None:
        score += max(0.0, 1.0 - distance / 100.0)
    return Match(
        service=service,
        score=round(score, 3),
        needs_met=met,
        needs_missing=[code for code in wanted if code not in offered],
        distance_km=round(distance, 1) if distance is not None else None,
        language_fit=speaks,
        free_places=service.capacity_free,
        unconditional=service.is_unconditional,
    )


# --- What a person may list services for --------------------------------------------------------


def editable_organisations(access: Access):
    """Organisations whose services the person may list: their own with the directory permission where
    it works somewhere, and for a municipality's coordinators every active organisation that works in
    that municipality (based there, granted, or appointed nationally)."""
    from strom.accounts.models import Organisation
    from strom.accounts.queries import organisations_serving
    from strom.accounts.roles import Perm

    editing = access.organisations_with(Perm.EDIT_DIRECTORY)
    own = Q(pk__in=[org for org in editing if access.works_in.get(org)])
    managed = access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)
    if managed:
        own |= Q(pk__in=organisations_serving(managed).values("pk"))
    return Organisation.objects.filter(own, is_active=True).order_by("name")


def editable_municipalities(access: Access):
    from strom.accounts.models import Municipality
    from strom.accounts.roles import Perm

    # Where the person's organisations work (their own municipality, grants, national appointments).
    served = set().union(
        *(access.works_in.get(org, frozenset()) for org in access.organisations_with(Perm.EDIT_DIRECTORY))
    )
    ids = (served | access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)) - {None}
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def coordinated_municipalities(access: Access):
    """Municipalities whose directory the person manages: each has its page of organisations that
    serve it."""
    from strom.accounts.queries import municipalities_user_grants_in

    return municipalities_user_grants_in(access)


def organisations_to_filter_by(access: Access):
    """Organisations with active services, and the person's own (with none yet, they still find
    their own listings, empty, rather than every service)."""
    from strom.accounts.models import Organisation

    own = [seat.organisation_id for seat in access.seats]
    return (
        Organisation.objects.filter(Q(services__status=Service.Status.ACTIVE) | Q(pk__in=own))
        .distinct()
        .order_by("name")
    )


def own_municipality_id(access: Access) -> str:
    """The municipality of the person's first seat that has one (seats come ordered by organisation
    name), or "" for someone who works only nationally: what a choice of municipality starts at."""
    return next((seat.municipality_id for seat in access.seats if seat.municipality_id), "")


def municipalities_with_services():
    from strom.accounts.models import Municipality

    # A municipality that a service of elsewhere serves (a national hotline) has services too.
    areas = ServiceArea.objects.filter(service__status=Service.Status.ACTIVE)
    return (
        Municipality.objects.filter(
            Q(services__status=Service.Status.ACTIVE)
            | Q(pk__in=areas.filter(municipality__isnull=False).values("municipality_id"))
            | Q(country_id__in=areas.filter(country__isnull=False).values("country_id"))
        )
        .distinct()
        .order_by("name")
    )


def _publicly_reachable() -> Q:
    """A phone number, a web page, an e-mail address or a street address that is not confidential:
    a listing without any of them tells a person in need that help exists but not how to get it."""
    public_address = Location.objects.filter(services=OuterRef("pk"), is_confidential=False).exclude(
        address_1=""
    )
    return ~Q(phone="") | ~Q(url="") | ~Q(email="") | Exists(public_address)


def public_services(municipality) -> QuerySet[Service]:
    """What the public page shows: active services working in the municipality (listed there, or
    serving it from elsewhere: a national hotline) that a person can reach and that are offered today
    (a provider that could offer help only if asked is for coordinators). Confidential locations are
    removed by the caller through public_locations()."""
    return _with_details(
        Service.objects.filter(
            _publicly_reachable(),
            serving(municipality),
            status=Service.Status.ACTIVE,
            availability=Availability.EXISTING,
        )
    ).order_by("-is_helpline", "name")


def is_publicly_reachable(service: Service) -> bool:
    """The same rule as the public page's, for one service whose locations are prefetched."""
    return bool(service.phone or service.url or service.email) or any(
        location.address_1 and not location.is_confidential for location in service.locations.all()
    )


def public_locations(service) -> list[Location]:
    return [location for location in service.locations.all() if not location.is_confidential]


def municipality_at_public_address(country: str, slug: str):
    """The municipality of /help/<country>/<slug>/ (strom/directory/public_address.py), or 404. Case
    does not matter: people type the address from a poster."""
    from django.http import Http404

    from strom.accounts.models import Municipality

    places = Municipality.objects.select_related("country")
    found = places.filter(country_id=country.upper(), slug=slug.lower()).first()
    if found is None:
        raise Http404
    return found


def municipalities_to_share(access: Access):
    """The municipalities of the person's seats, whose public help page they are shown to share. A
    national or platform organisation has none: a national coordinator leaves a municipality's page
    to its coordinator (its address is /help/<country>/<name>/ all the same)."""
    from strom.accounts.models import Municipality

    ids = {seat.municipality_id for seat in access.seats if seat.municipality_id}
    return Municipality.objects.filter(pk__in=ids).select_related("country").order_by("name") if ids else []


def locations_visible_to(access: Access) -> QuerySet[Location]:
    """Locations a person may look up: every non-confidential one, and the confidential ones whose
    address they may see (the same rule as can_see_confidential, in SQL). Lists built from this still
    leave every confidential address out (listed_locations); only a detail reveals it."""
    from strom.accounts.roles import Perm

    if not can.can_view_directory(access):
        return Location.objects.none()
    own = access.organisations_with(Perm.SEE_CONFIDENTIAL_LOCATIONS)
    managed = access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)
    return Location.objects.filter(
        Q(is_confidential=False) | Q(organisation_id__in=own) | Q(municipality_id__in=managed)
    ).select_related("organisation", "municipality")


def get_location_for(access: Access, location_id, *, for_write: bool = False) -> Location:
    location = locations_visible_to(access).filter(pk=location_id).first()
    allowed = location is not None and (
        not for_write or can.can_edit_for(access, location.organisation_id, location.municipality_id)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="directory.location", object_id=location_id)
    return location


def gap_facts(municipality) -> list:
    """The facts gap analysis needs about the active services working in a municipality (3 queries):
    those listed there, and those serving it from elsewhere, a national service in every municipality
    of its country."""
    from strom.directory.gaps import AREA, LISTED, NATIONAL, ServiceFacts

    here = municipality.pk
    national = ServiceArea.objects.filter(service_id=OuterRef("pk"), country_id=municipality.country_id)
    services = (
        Service.objects.filter(serving(municipality), status=Service.Status.ACTIVE)
        .annotate(national=Exists(national))
        .select_related("organisation")
        .prefetch_related(Prefetch("needs", queryset=NeedTerm.objects.only("code")), "languages")
    )
    return [
        ServiceFacts(
            organisation=service.organisation.name,
            needs=frozenset(need.code for need in service.needs.all()),
            unconditional=service.is_unconditional,
            children=service.serves_children or service.serves_unaccompanied_children,
            languages=frozenset(language.code for language in service.languages.all()),
            unaccompanied=service.serves_unaccompanied_children,
            men=service.serves_men,
            places_total=service.capacity_total,
            places_free=service.capacity_free,
            reach=NATIONAL if service.national else LISTED if service.municipality_id == here else AREA,
            presumed_victims=service.open_to_presumed_victims,
            potential=service.availability == Availability.POTENTIAL,
        )
        for service in services
    ]


def gap_municipalities(access: Access):
    """Municipalities whose gaps the person may look at: those of their organisations, or of their
    country for national coordinators."""
    from strom.accounts.models import Municipality
    from strom.accounts.roles import Perm

    own = {seat.municipality_id for seat in access.seats} - {None}
    countries = access.countries_with(Perm.VIEW_NATIONAL_STATISTICS)
    return Municipality.objects.filter(Q(pk__in=own) | Q(country_id__in=countries)).order_by("name")
