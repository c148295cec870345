"""What accounts adds to the rest of Strom: its pages, their place in the navigation and on the home
page, the demo's places, organisations and personas, and the labels of its audit events."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.accounts.roles import Perm
from strom.core.registry import AppContributions, NavEntry, Task, TaskEntry, UrlMount, audit_objects_from


def _seat(access, organisation_id: str):
    return next((s for s in access.seats if s.organisation_id == organisation_id), None)


def _serving_organisations_task(access, organisation_id: str) -> list[Task]:
    seat = _seat(access, organisation_id)
    if Perm.MANAGE_MUNICIPAL_DIRECTORY not in access.perms_in(organisation_id) or not (
        seat is not None and seat.municipality_id
    ):
        return []
    return [
        Task(
            _("Say which organisations serve your municipality"),
            _("Organisations based elsewhere list services here only once you have recorded it."),
            reverse("accounts:serving_organisations", args=[seat.municipality_id]),
        )
    ]


def _national_organisations_task(access, organisation_id: str) -> list[Task]:
    if Perm.APPOINT_NATIONAL_ORGANISATIONS not in access.perms_in(organisation_id):
        return []
    return [
        Task(
            _("Appoint organisations for the whole country"),
            _("A national helpline, for example, may then list its services in every municipality."),
            reverse("accounts:national_organisations", args=[_seat(access, organisation_id).country_code]),
        )
    ]


def _members_task(access, organisation_id: str) -> list[Task]:
    perms = access.perms_in(organisation_id)
    if Perm.INVITE_MEMBERS in perms:
        return [
            Task(
                _("Invite your colleagues"),
                _("Send an invitation link; each colleague sets a password and a second factor."),
                reverse("accounts:members", args=[organisation_id]),
            )
        ]
    if Perm.VIEW_ORGANISATION in perms:
        return [
            Task(
                _("See who is in your organisation"),
                _("The members of your organisation and their roles."),
                reverse("accounts:members", args=[organisation_id]),
            )
        ]
    return []


def _platform_tasks(access, organisation_id: str) -> list[Task]:
    return [
        Task(
            _("Manage organisations"),
            _("Add the organisations of a municipality or a country, or change them."),
            reverse("accounts:platform_organisations"),
        ),
        Task(
            _("Manage user accounts"),
            _("Deactivate an account at once when someone leaves; all their sessions end."),
            reverse("accounts:platform_users"),
        ),
    ]


def _sees_an_organisation(access) -> bool:
    return any(Perm.VIEW_ORGANISATION in access.perms_in(s.organisation_id) for s in access.seats)


def _load_demo(demo: dict) -> bool:
    from strom.accounts.demo import load_accounts_demo

    return load_accounts_demo(demo)


def _url_walk_objects(world, canary: str) -> dict:
    """Objects of the test world's home municipality for the URL walk (tests/test_url_walk.py)."""
    from strom.accounts.actions import do_create_api_token, do_invite
    from strom.accounts.models import Membership, OrganisationArea
    from strom.accounts.roles import Role

    invitation = do_invite(
        actor=world[Role.COORDINATOR],
        organisation=world.municipal,
        role=Role.ANALYST,
        email="pending.colleague@example.invalid",
        language="en",
    )
    token, _secret = do_create_api_token(actor=world[Role.COORDINATOR], name="coordinator's", days=5)
    area = OrganisationArea.objects.create(
        organisation=world.national,
        municipality=world.municipal.municipality,
        granted_by=world[Role.COORDINATOR],
    )
    return {
        "country_code": world.municipal.country_id,
        "municipality_id": world.municipal.municipality_id,
        "area_id": area.pk,
        "organisation_id": world.municipal.pk,
        "membership_id": Membership.objects.get(user=world[Role.ANALYST]).pk,
        "invitation_id": invitation.pk,
        "token_id": token.pk,
        "user_id": world[Role.COORDINATOR].pk,
    }


contributions = AppContributions(
    urls=(UrlMount("accounts/", "strom.accounts.urls"),),
    navigation=(
        NavEntry(30, _("Organisations"), "accounts:my_organisations", _sees_an_organisation),
        NavEntry(
            40,
            _("Platform"),
            "accounts:platform_organisations",
            lambda access: access.has_perm(Perm.MANAGE_PLATFORM),
        ),
        NavEntry(90, _("Account security"), "accounts:security", lambda access: True),
    ),
    tasks=(
        TaskEntry(15, _serving_organisations_task),
        TaskEntry(20, _national_organisations_task),
        TaskEntry(40, _members_task),
    ),
    platform_tasks=(TaskEntry(10, _platform_tasks),),
    demo=_load_demo,
    # Signing in, the second-factor steps, and pages for people who are not signed in at all.
    # Adding a name here is a security decision: say why in the pull request.
    public_pages=frozenset(
        {
            "accounts:sign_in",
            "accounts:sign_out",
            "accounts:two_factor",
            "accounts:two_factor_setup",
            "accounts:password_reset",
            "accounts:password_reset_done",
            "accounts:password_reset_confirm",
            "accounts:open_password_reset",  # the e-mailed link: moves its secret into the session at once
            "accounts:password_reset_complete",
            "accounts:set_language",
            "accounts:open_invitation",
            "accounts:accept_invitation",
        }
    ),
    url_walk_objects=_url_walk_objects,
    audit_objects=audit_objects_from(
        "strom.accounts.audit_objects",
        (
            "accounts.user",
            "accounts.organisation",
            "accounts.municipality",
            "accounts.membership",
            "accounts.invitation",
            "accounts.apitoken",
            "accounts.organisationarea",
        ),
    ),
    audit_labels={
        "accounts.invitation.accepted": _("Invitation accepted"),
        "accounts.invitation.created": _("Invitation sent"),
        "accounts.invitation.revoked": _("Invitation withdrawn"),
        "accounts.membership.ended": _("Membership ended"),
        "accounts.municipality.created": _("Municipality added"),
        "accounts.municipality.updated": _("Municipality changed"),
        "accounts.national_appointment.granted": _("Organisation appointed to serve the whole country"),
        "accounts.national_appointment.revoked": _("National appointment of an organisation ended"),
        "accounts.organisation_area.granted": _("Organisation recorded as serving a municipality"),
        "accounts.organisation_area.revoked": _("Organisation no longer serves a municipality"),
        "accounts.organisation.created": _("Organisation added"),
        "accounts.organisation.updated": _("Organisation changed"),
        "accounts.user.deactivated": _("Account deactivated"),
        "accounts.user.reactivated": _("Account reactivated"),
        "accounts.user.registered": _("Account created from an invitation"),
        "auth.api_token.created": _("API token created"),
        "auth.api_token.revoked": _("API token revoked"),
        "auth.lockout": _("Username locked after failed sign-ins"),
        "auth.password.changed": _("Password changed"),
        "auth.password.reset": _("Password reset"),
        "auth.second_factor.backup_codes_replaced": _("New backup codes made"),
        "auth.second_factor.enrolled": _("Second factor set up"),
        "auth.second_factor.enrolment_failed": _("Wrong code while setting up the second factor"),
        "auth.session.expired": _("Session ended by its time limit"),
        "auth.sign_in.failed": _("Failed sign-in"),
        "auth.sign_in.password_accepted": _("Password accepted"),
        "auth.sign_in.second_factor_accepted": _("Signed in with the second factor"),
        "auth.sign_in.second_factor_failed": _("Wrong second-factor code"),
        "auth.signed_out": _("Signed out"),
        "auth.signed_out_everywhere": _("Signed out on every device"),
        "security.unusual_reading.detected": _("Unusually many sensitive records read in a short time"),
    },
)
