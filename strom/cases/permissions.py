"""Who may do what with a case: pure predicates on the Access snapshot (no queries, no raising).

- The lead organisation's caseworkers (a seat there that may read case records) see the case and its
  facts; with the right to edit case records there, they change it.
- The municipality's coordinators see the case list: codes, tracks and non-identifying facts.
- Identifying data only for the case's own caseworkers, who must still hold a seat in the lead
  organisation that may read case records: a coordinator reads it only as a caseworker on the case.
- Analysts, platform administrators (separation of duties, security.md 11) and everyone else: nothing.
"""

from strom.accounts.access import Access
from strom.accounts.roles import Perm


def can_work_on_cases_of(access: Access, organisation_id) -> bool:
    return Perm.EDIT_CASES in access.perms_in(organisation_id)


def can_read_case(access: Access, lead_organisation_id, municipality_id) -> bool:
    return Perm.READ_CASES in access.perms_in(lead_organisation_id) or str(
        municipality_id
    ) in access.municipalities_with(Perm.VIEW_MUNICIPAL_CASE_LIST)


def can_edit_case(access: Access, lead_organisation_id) -> bool:
    return can_work_on_cases_of(access, lead_organisation_id)


def is_caseworker_on(access: Access, lead_organisation_id, caseworker_ids) -> bool:
    """`caseworker_ids`: the ids of the users assigned to the case."""
    return (
        access.user_id is not None
        and access.user_id in {str(pk) for pk in caseworker_ids}
        and Perm.READ_CASES in access.perms_in(lead_organisation_id)
    )


def can_read_identity(access: Access, lead_organisation_id, caseworker_ids) -> bool:
    return is_caseworker_on(access, lead_organisation_id, caseworker_ids)


def can_edit_identity(access: Access, lead_organisation_id, caseworker_ids) -> bool:
    return is_caseworker_on(access, lead_organisation_id, caseworker_ids) and can_work_on_cases_of(
        access, lead_organisation_id
    )
