"""Roles are sets of permissions, defined here and nowhere else.

A permission names something a person may do. Predicates, queries and actions ask for a permission
(`get_access(user).perms_in(organisation_id)`, `access.has_perm(Perm.X)`), never for a role, so that
changing what a role may do is a one-line change in this file.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Anti-trafficking coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    TRAINER = "trainer", _("Trainer")
    ANALYST = "analyst", _("Analyst")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class Perm(models.TextChoices):
    # Organisation life
    VIEW_ORGANISATION = "view_organisation", _("See the organisation and its members")
    INVITE_MEMBERS = "invite_members", _("Invite people into the organisation")
    MANAGE_MEMBERS = "manage_members", _("End memberships in the organisation")
    VIEW_ORGANISATION_AUDIT = "view_organisation_audit", _("Read the organisation's audit trail")
    # Case work (the cases and referrals apps build on these)
    READ_CASES = "read_cases", _("Read case records of the organisation")
    EDIT_CASES = "edit_cases", _("Create and edit case records")
    VIEW_MUNICIPAL_CASE_LIST = (
        "view_municipal_case_list",
        _("See the municipality's case list without identifying data"),
    )
    RECEIVE_REFERRALS = "receive_referrals", _("Receive and answer referrals")
    # Shared work of the municipality
    EDIT_DIRECTORY = "edit_directory", _("Edit the organisation's services in the directory")
    MANAGE_MUNICIPAL_DIRECTORY = (
        "manage_municipal_directory",
        _("Edit every service of the municipality and see its confidential addresses"),
    )
    SEE_CONFIDENTIAL_LOCATIONS = (
        "see_confidential_locations",
        _("See the confidential addresses of the organisation's shelters"),
    )
    RECEIVE_READING_ALERTS = (
        "receive_reading_alerts",
        _("Be told when an account reads unusually many sensitive records"),
    )
    EDIT_PATHWAYS = "edit_pathways", _("Edit the local referral mechanism")
    VIEW_COUNTRY_PATHWAYS = (
        "view_country_pathways",
        _("See the referral mechanisms of every municipality in the country"),
    )
    MANAGE_NATIONAL_MECHANISM = (
        "manage_national_mechanism",
        _("Keep the contacts of the national referral mechanism up to date"),
    )
    APPOINT_NATIONAL_ORGANISATIONS = (
        "appoint_national_organisations",
        _("Appoint organisations that may list services in every municipality of the country"),
    )
    RUN_TRAINING = "run_training", _("Run training sessions")
    VIEW_STATISTICS = "view_statistics", _("See anonymised statistics")
    VIEW_NATIONAL_STATISTICS = "view_national_statistics", _("See national statistics")
    # Platform
    MANAGE_PLATFORM = "manage_platform", _("Manage organisations and user accounts")
    VIEW_PLATFORM_AUDIT = "view_platform_audit", _("Read the platform audit trail")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.VIEW_ORGANISATION,
            Perm.INVITE_MEMBERS,
            Perm.MANAGE_MEMBERS,
            Perm.VIEW_ORGANISATION_AUDIT,
            Perm.READ_CASES,
            Perm.EDIT_CASES,
            Perm.VIEW_MUNICIPAL_CASE_LIST,
            Perm.RECEIVE_REFERRALS,
            Perm.EDIT_DIRECTORY,
            Perm.MANAGE_MUNICIPAL_DIRECTORY,
            Perm.SEE_CONFIDENTIAL_LOCATIONS,
            Perm.RECEIVE_READING_ALERTS,
            Perm.EDIT_PATHWAYS,
            Perm.VIEW_STATISTICS,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            Perm.VIEW_ORGANISATION,
            Perm.READ_CASES,
            Perm.EDIT_CASES,
            Perm.RECEIVE_REFERRALS,
            Perm.SEE_CONFIDENTIAL_LOCATIONS,
            Perm.VIEW_STATISTICS,
        }
    ),
    Role.SERVICE_PROVIDER: frozenset(
        {
            Perm.VIEW_ORGANISATION,
            Perm.RECEIVE_REFERRALS,
            Perm.EDIT_DIRECTORY,
            Perm.SEE_CONFIDENTIAL_LOCATIONS,
            Perm.VIEW_STATISTICS,
        }
    ),
    Role.TRAINER: frozenset({Perm.VIEW_ORGANISATION, Perm.RUN_TRAINING}),
    Role.ANALYST: frozenset({Perm.VIEW_ORGANISATION, Perm.VIEW_STATISTICS}),
    Role.NATIONAL_COORDINATOR: frozenset(
        {
            Perm.VIEW_ORGANISATION,
            Perm.VIEW_STATISTICS,
            Perm.VIEW_NATIONAL_STATISTICS,
            Perm.VIEW_COUNTRY_PATHWAYS,
            Perm.MANAGE_NATIONAL_MECHANISM,
            Perm.APPOINT_NATIONAL_ORGANISATIONS,
        }
    ),
    # Separation of duties (security.md 11): administrators manage accounts, never case data.
    Role.PLATFORM_ADMIN: frozenset({Perm.VIEW_ORGANISATION, Perm.MANAGE_PLATFORM, Perm.VIEW_PLATFORM_AUDIT}),
}

CASE_DATA_PERMISSIONS = frozenset({Perm.READ_CASES, Perm.EDIT_CASES, Perm.RECEIVE_REFERRALS})

# Roles a coordinator may hand out inside their own organisation. National coordinators and
# platform administrators are appointed by a platform administrator.
COORDINATOR_INVITABLE_ROLES = (
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.SERVICE_PROVIDER,
    Role.TRAINER,
    Role.ANALYST,
)


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_reaching_case_data() -> set[str]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if perms & CASE_DATA_PERMISSIONS}
