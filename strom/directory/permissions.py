"""May this person do this to that service? Pure predicates over an Access snapshot."""

from strom.accounts.access import Access
from strom.accounts.roles import Perm


def can_view_directory(access: Access) -> bool:
    return bool(access.seats)


def can_edit_for(access: Access, organisation_id, municipality_id) -> bool:
    """Staff of the providing organisation with the directory permission, in a municipality where the
    organisation works (its own, one whose coordinators granted it, or its country's if appointed
    nationally); or the municipality's coordinators. Revoking a grant ends the first at once."""
    staff = Perm.EDIT_DIRECTORY in access.perms_in(organisation_id)
    if staff and access.organisation_works_in(organisation_id, municipality_id):
        return True
    return str(municipality_id) in access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)


def can_edit_service(access: Access, service) -> bool:
    return can_edit_for(access, service.organisation_id, service.municipality_id)


def can_add_service_area(
    access: Access, organisation_id, municipality_id, *, organisation_works_there
) -> bool:
    """A service may be said to work in a further municipality only where its organisation works and
    where the person could list the organisation's services themselves (issue 9)."""
    return organisation_works_there and can_edit_for(access, organisation_id, municipality_id)


def can_serve_whole_country(access: Access, country_code, *, appointed) -> bool:
    """A whole country: for an organisation appointed nationally there, or by that country's national
    coordinator, who could appoint it."""
    return appointed or country_code in access.countries_with(Perm.APPOINT_NATIONAL_ORGANISATIONS)


def can_see_confidential(access: Access, location) -> bool:
    """A shelter's address (security.md 10): the municipality's coordinators, and the staff of the
    providing organisation whose role needs it (caseworkers, service staff). Being a member is not
    enough: a trainer or an analyst of the same organisation never sees it."""
    if not location.is_confidential:
        return True
    if str(location.municipality_id) in access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY):
        return True
    return Perm.SEE_CONFIDENTIAL_LOCATIONS in access.perms_in(location.organisation_id)
