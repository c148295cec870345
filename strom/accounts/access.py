"""A snapshot of what a user may do where, loaded once per request (one query)."""

from dataclasses import dataclass

from strom.accounts.roles import permissions_for


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


NO_ACCESS = Access(user_id=None, seats=())


def get_access(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
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
    access = Access(
        user_id=str(user.pk),
        seats=tuple(
            Seat(str(mid), str(oid), name, country, str(muni) if muni else None, role)
            for mid, oid, name, country, muni, role in rows
        ),
    )
    user._strom_access = access
    return access


def forget_access(user) -> None:
    if hasattr(user, "_strom_access"):
        del user._strom_access
