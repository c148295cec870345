"""Predicates: may this person do this to that? Pure functions over an Access snapshot, no queries."""

from strom.accounts.access import Access
from strom.accounts.roles import COORDINATOR_INVITABLE_ROLES, Perm


def can_manage_platform(access: Access) -> bool:
    return access.has_perm(Perm.MANAGE_PLATFORM)


def can_invite_into(access: Access, organisation) -> bool:
    if not organisation.is_active:
        return False
    return can_manage_platform(access) or Perm.INVITE_MEMBERS in access.perms_in(organisation.pk)


def invitable_roles(access: Access, organisation) -> list[str]:
    if can_manage_platform(access):
        from strom.accounts.roles import Role

        return list(Role.values)
    if Perm.INVITE_MEMBERS in access.perms_in(organisation.pk):
        return list(COORDINATOR_INVITABLE_ROLES)
    return []


def can_invite_role(access: Access, organisation, role: str) -> bool:
    return can_invite_into(access, organisation) and role in invitable_roles(access, organisation)


def can_see_members(access: Access, organisation) -> bool:
    return can_manage_platform(access) or Perm.VIEW_ORGANISATION in access.perms_in(organisation.pk)


def can_end_membership(access: Access, membership) -> bool:
    if str(membership.user_id) == access.user_id or membership.ended_at is not None:
        return False
    return can_manage_platform(access) or Perm.MANAGE_MEMBERS in access.perms_in(membership.organisation_id)


def can_revoke_invitation(access: Access, invitation) -> bool:
    return invitation.status == invitation.Status.PENDING and can_invite_into(access, invitation.organisation)


def can_change_user_status(access: Access, user) -> bool:
    return can_manage_platform(access) and str(user.pk) != access.user_id


def can_view_organisation_audit(access: Access, organisation) -> bool:
    return Perm.VIEW_ORGANISATION_AUDIT in access.perms_in(organisation.pk)


def can_view_platform_audit(access: Access) -> bool:
    return access.has_perm(Perm.VIEW_PLATFORM_AUDIT)


# --- Where organisations may list services (issue 7) --------------------------------------------


def can_grant_in_municipality(access: Access, municipality_id) -> bool:
    """The municipality's coordinators record which organisations serve it."""
    return str(municipality_id) in access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)


def can_appoint_nationally(access: Access, country_code: str) -> bool:
    return country_code in access.countries_with(Perm.APPOINT_NATIONAL_ORGANISATIONS)


def can_revoke_area(access: Access, area) -> bool:
    if area.revoked_at is not None:
        return False
    if area.country_id is not None:
        return can_appoint_nationally(access, area.country_id)
    return can_grant_in_municipality(access, area.municipality_id)
