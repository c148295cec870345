"""A snapshot of what a user may do where, loaded once per request (one query for the memberships;
one more, on first use, for where the organisations that edit the directory may list services).

Queries take the snapshot, not the user: a view passes `request.access` (attach_access, run by
AccessMiddleware for pages and by the API's token check), an action calls `get_access(actor)`, which
answers from the same snapshot cached on the user."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import SimpleLazyObject

from strom.accounts.roles import Perm, permissions_for


@dataclass(frozen=True)
class Seat:
    """One active membership: a role held in an organisation."""

    membership_id: str
    organisation_id: str
    organisation_name: str
    country_code: str
    municipality_id: str | None
    role: str


@dataclass(frozen=True)
class Access:
    user_id: str | None
    seats: tuple[Seat, ...]
    # Where the seats' organisations may list services is loaded on first use (one more query, at most
    # once per request), so the many pages that never ask pay nothing for it.
    works_in_loader: Callable[[tuple[Seat, ...]], dict] | None = field(
        default=None, hash=False, compare=False, repr=False
    )
    _loaded: dict = field(default_factory=dict, hash=False, compare=False, repr=False)
    # Whom a refusal names in the audit trail (core.access.refuse). Predicates decide from the seats
    # alone and never read it.
    user: object = field(default=None, hash=False, compare=False, repr=False)

    def perms_in(self, organisation_id) -> frozenset[str]:
        perms: set[str] = set()
        for seat in self.seats:
            if seat.organisation_id == str(organisation_id):
                perms |= permissions_for(seat.role)
        return frozenset(perms)

    def has_perm(self, perm: str) -> bool:
        return any(perm in permissions_for(seat.role) for seat in self.seats)

    def organisations_with(self, perm: str) -> set[str]:
        return {seat.organisation_id for seat in self.seats if perm in permissions_for(seat.role)}

    def municipalities_with(self, perm: str) -> set[str]:
        return {
            seat.municipality_id
            for seat in self.seats
            if seat.municipality_id and perm in permissions_for(seat.role)
        }

    def countries_with(self, perm: str) -> set[str]:
        return {seat.country_code for seat in self.seats if perm in permissions_for(seat.role)}

    @property
    def works_in(self) -> dict[str, frozenset[str]]:
        """Organisation id -> the municipality ids where it may list services: its own municipality,
        those whose coordinators granted it, and every municipality of a country that appointed it
        nationally. Known for the organisations in which a seat may edit the directory."""
        if "works_in" not in self._loaded:
            loader = self.works_in_loader
            self._loaded["works_in"] = loader(self.seats) if loader is not None else {}
        return self._loaded["works_in"]

    def organisation_works_in(self, organisation_id, municipality_id) -> bool:
        return str(municipality_id) in self.works_in.get(str(organisation_id), frozenset())


NO_ACCESS = Access(user_id=None, seats=())


def get_access(user) -> Access:
    if user is None or not user.is_authenticated:
        return NO_ACCESS
    if not user.is_active:
        return Access(user_id=None, seats=(), user=user)
    cached = getattr(user, "_strom_access", None)
    if cached is not None:
        return cached
    from strom.accounts.models import Membership

    rows = (
        Membership.objects.active()
        .filter(user=user)
        .values_list(
            "id",
            "organisation_id",
            "organisation__name",
            "organisation__country_id",
            "organisation__municipality_id",
            "role",
        )
        .order_by("organisation__name", "role")
    )
    seats = tuple(
        Seat(str(mid), str(oid), name, country, str(muni) if muni else None, role)
        for mid, oid, name, country, muni, role in rows
    )
    access = Access(user_id=str(user.pk), seats=seats, works_in_loader=_where_they_work, user=user)
    user._strom_access = access
    return access


def _where_they_work(seats: tuple[Seat, ...]) -> dict[str, frozenset[str]]:
    """One query: active grants of the organisations whose seats edit the directory; a national
    appointment is joined to every municipality of its country."""
    from strom.accounts.models import OrganisationArea

    editing = {seat.organisation_id for seat in seats if Perm.EDIT_DIRECTORY in permissions_for(seat.role)}
    if not editing:
        return {}
    places: dict[str, set[str]] = {org: set() for org in editing}
    for seat in seats:
        if seat.organisation_id in editing and seat.municipality_id:
            places[seat.organisation_id].add(seat.municipality_id)
    grants = (
        OrganisationArea.objects.active()
        .filter(organisation_id__in=editing)
        .values_list("organisation_id", "municipality_id", "country__municipalities__id")
    )
    for organisation_id, municipality_id, in_country_id in grants:
        place = municipality_id or in_country_id
        if place:
            places[str(organisation_id)].add(str(place))
    return {org: frozenset(ids) for org, ids in places.items()}


def attach_access(request) -> None:
    """Give the request its snapshot as `request.access`, computed on first use (so a page that never
    asks costs no query) for whoever `request.user` is by then, and at most once per request."""
    request.access = SimpleLazyObject(lambda: get_access(request.user))


def forget_access(user) -> None:
    if hasattr(user, "_strom_access"):
        del user._strom_access
