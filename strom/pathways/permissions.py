"""Who may see and change a municipality's referral mechanism. Pure predicates over an Access snapshot.

Reading is open to every member of the municipality's organisations and to the national coordinators
of its country: everyone in the chain must know who does what. Changing it is for the municipality's
coordinators. A signed agreement itself goes only to its parties and those coordinators.
"""

from strom.accounts.access import Access
from strom.accounts.roles import Perm


def can_view_pathways_of(access: Access, municipality_id, country_code: str) -> bool:
    member = any(seat.municipality_id == str(municipality_id) for seat in access.seats)
    return member or country_code in access.countries_with(Perm.VIEW_COUNTRY_PATHWAYS)


def can_edit_pathways_of(access: Access, municipality_id) -> bool:
    return str(municipality_id) in access.municipalities_with(Perm.EDIT_PATHWAYS)


def can_read_agreement_document(access: Access, municipality_id, party_ids) -> bool:
    party_member = any(seat.organisation_id in {str(p) for p in party_ids} for seat in access.seats)
    return party_member or can_edit_pathways_of(access, municipality_id)


def can_edit_national_mechanism(access: Access, country_code: str) -> bool:
    return country_code in access.countries_with(Perm.MANAGE_NATIONAL_MECHANISM)


def can_view_national_mechanism(access: Access, country_code: str) -> bool:
    return any(seat.country_code == country_code for seat in access.seats)
