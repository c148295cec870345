"""May this person do this to that service? Pure predicates over an Access snapshot."""

from strom.accounts.access import Access
from strom.accounts.roles import Perm


def can_view_directory(access: Access) -> bool:
    return bool(access.seats)


def can_edit_for(access: Access, organisation_id, municipality_id) -> bool:
    """Staff of the providing organisation with the directory permission, or the municipality's
    coordinators."""
    return Perm.EDIT_DIRECTORY in access.perms_in(organisation_id) or str(
        municipality_id
    ) in access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)


def can_edit_service(access: Access, service) -> bool:
    return can_edit_for(access, service.organisation_id, service.municipality_id)


def can_see_confidential(access: Access, location) -> bool:
    """A shelter's address: only the providing organisation and the municipality's coordinators."""
    if not location.is_confidential:
        return True
    member = any(seat.organisation_id == str(location.organisation_id) for seat in access.seats)
    return member or str(location.municipality_id) in access.municipalities_with(
        Perm.MANAGE_MUNICIPAL_DIRECTORY
    )
