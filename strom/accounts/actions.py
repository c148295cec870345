"""Writes. Each action re-checks its predicate, runs in one transaction and writes its audit event.

Pages, the API and management commands call these; none of them writes accounts data directly.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from strom.accounts import otp
from strom.accounts import permissions as can
from strom.accounts.access import forget_access, get_access
from strom.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Municipality,
    Organisation,
    OrganisationArea,
    User,
    new_security_stamp,
)
from strom.accounts.roles import Role
from strom.accounts.secrets import digest, new_api_token, new_invitation_secret
from strom.core.audit import Severity, log_event
from strom.core.tasks import send_email


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Municipalities and organisations (platform administrators) -------------------------------

_PLACE_ACTIONS = {
    Organisation: ("accounts.organisation.created", "accounts.organisation.updated"),
    Municipality: ("accounts.municipality.created", "accounts.municipality.updated"),
}


@transaction.atomic
def do_save_platform_record(*, actor, record: Organisation | Municipality):
    """Add or change an organisation or a municipality: platform administrators only."""
    _require(can.can_manage_platform(get_access(actor)))
    created_action, updated_action = _PLACE_ACTIONS[type(record)]
    created = record._state.adding
    record.full_clean()
    record.save()
    log_event(actor=actor, action=created_action if created else updated_action, obj=record)
    return record


# --- Invitations --------------------------------------------------------------------------------


def invitation_link(secret: str) -> str:
    return settings.STROM_BASE_URL.rstrip("/") + reverse("accounts:open_invitation", args=[secret])


@transaction.atomic
def do_invite(*, actor, organisation: Organisation, role: str, email: str, language: str) -> Invitation:
    _require(can.can_invite_role(get_access(actor), organisation, role))
    return _create_invitation(
        actor=actor, organisation=organisation, role=role, email=email, language=language
    )[0]


@transaction.atomic
def do_invite_first_platform_admin(*, organisation: Organisation, email: str, language: str) -> str:
    """For a new installation, run from the command line by whoever operates the servers: the only
    invitation without an inviting user. Returns the link, which the operator hands over in person."""
    return _create_invitation(
        actor=None,
        organisation=organisation,
        role=Role.PLATFORM_ADMIN,
        email=email,
        language=language,
        send=False,
    )[1]


def _create_invitation(*, actor, organisation, role, email, language, send=True) -> tuple[Invitation, str]:
    secret = new_invitation_secret()
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        email=email,
        token_digest=digest(secret),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.STROM_INVITATION_DAYS),
    )
    log_event(actor=actor, action="accounts.invitation.created", obj=invitation, details={"role": role})
    link = invitation_link(secret)
    if send:
        with translation.override(language):
            context = {
                "invitation": invitation,
                "inviter": actor.display_name,
                "link": link,
                "days": settings.STROM_INVITATION_DAYS,
            }
            subject = _("You are invited to join %(organisation)s on Strom") % {
                "organisation": organisation.name
            }
            body = render_to_string("accounts/email/invitation.txt", context)
        transaction.on_commit(lambda: send_email(email, subject, body))
    return invitation, link


@transaction.atomic
def do_revoke_invitation(*, actor, invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    _require(can.can_revoke_invitation(get_access(actor), invitation))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_event(actor=actor, action="accounts.invitation.revoked", obj=invitation)


def find_pending_invitation(secret: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organisation").filter(token_digest=digest(secret)).first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None
    return invitation


@transaction.atomic
def do_accept_invitation(*, secret: str, user: User) -> Membership:
    """Accept with an existing account: adds the membership. The invitation works once."""
    invitation = find_pending_invitation(secret)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more."), code="invalid_invitation")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("This invitation link is not valid any more."), code="invalid_invitation")
    membership = Membership.objects.active().filter(
        user=user, organisation=invitation.organisation, role=invitation.role
    ).first() or Membership.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log_event(
        actor=user, action="accounts.invitation.accepted", obj=invitation, details={"role": invitation.role}
    )
    forget_access(user)
    return membership


@transaction.atomic
def do_register_from_invitation(
    *, secret: str, username: str, first_name: str, last_name: str, password: str, language: str
) -> User:
    invitation = find_pending_invitation(secret)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more."), code="invalid_invitation")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=invitation.email,
        preferred_language=language,
    )
    user.set_password(password)
    user.save()
    log_event(actor=user, action="accounts.user.registered", obj=user, organisation=invitation.organisation)
    do_accept_invitation(secret=secret, user=user)
    return user


# --- Memberships and accounts -------------------------------------------------------------------


@transaction.atomic
def do_end_membership(*, actor, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _require(can.can_end_membership(get_access(actor), membership))
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    log_event(
        actor=actor, action="accounts.membership.ended", obj=membership, details={"role": membership.role}
    )


def _end_all_sessions_and_tokens(user: User) -> int:
    """Rotate the security stamp (every session's auth hash stops matching) and revoke every token."""
    user.security_stamp = new_security_stamp()
    user.save(update_fields=["security_stamp"])
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def do_set_user_active(*, actor, user: User, active: bool) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    _require(can.can_change_user_status(get_access(actor), user))
    user.is_active = active
    user.save(update_fields=["is_active"])
    revoked = _end_all_sessions_and_tokens(user) if not active else 0
    log_event(
        actor=actor,
        action="accounts.user.reactivated" if active else "accounts.user.deactivated",
        obj=user,
        severity=Severity.NOTICE,
        details={"tokens_revoked": revoked},
    )


@transaction.atomic
def do_set_password(*, actor, user: User, password: str, reason: str) -> None:
    """Change or reset a password: every other session ends (the auth hash changes) and every API
    token is revoked. The caller keeps its own session with update_session_auth_hash if it should."""
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _end_all_sessions_and_tokens(user)
    log_event(actor=actor, action=f"auth.password.{reason}", obj=user, details={"tokens_revoked": revoked})


@transaction.atomic
def do_sign_out_everywhere(*, actor) -> None:
    revoked = _end_all_sessions_and_tokens(actor)
    log_event(
        actor=actor, action="auth.signed_out_everywhere", obj=actor, details={"tokens_revoked": revoked}
    )


@transaction.atomic
def do_set_language(*, actor, language: str) -> None:
    if language in dict(settings.LANGUAGES) and actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])


# --- Second factor ------------------------------------------------------------------------------


@transaction.atomic
def do_confirm_totp(*, actor, code: str) -> list[str] | None:
    """Confirm the pending authenticator app with a code from it; returns fresh backup codes."""
    device = otp.pending_totp_device(actor)
    if not device.verify_token(otp.normalise_code(code)):
        log_event(actor=actor, action="auth.second_factor.enrolment_failed", severity=Severity.NOTICE)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = otp.replace_backup_codes(actor)
    log_event(actor=actor, action="auth.second_factor.enrolled", obj=actor)
    return codes


@transaction.atomic
def do_regenerate_backup_codes(*, actor) -> list[str]:
    codes = otp.replace_backup_codes(actor)
    log_event(actor=actor, action="auth.second_factor.backup_codes_replaced", obj=actor)
    return codes


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def do_create_api_token(*, actor, name: str, days: int) -> tuple[ApiToken, str]:
    if not 1 <= days <= settings.STROM_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("Choose a lifetime between 1 and %(max)d days.") % {"max": settings.STROM_API_TOKEN_MAX_DAYS}
        )
    secret, prefix = new_api_token()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        digest=digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    log_event(actor=actor, action="auth.api_token.created", obj=token, details={"days": days})
    return token, secret


@transaction.atomic
def do_revoke_api_token(*, actor, token: ApiToken) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _require(str(token.user_id) == str(actor.pk))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_event(actor=actor, action="auth.api_token.revoked", obj=token)


def user_for_api_token(secret: str) -> User | None:
    """The active user behind a usable token, or None. Records when the token was last used."""
    if not secret.startswith("strom_") or len(secret) > 100:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=digest(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Where organisations may list services (issue 7) --------------------------------------------


@transaction.atomic
def do_grant_municipality(*, actor, organisation: Organisation, municipality: Municipality):
    """A coordinator records that an organisation of the country serves their municipality."""
    _require(can.can_grant_in_municipality(get_access(actor), municipality.pk))
    return record_municipality_grant(actor=actor, organisation=organisation, municipality=municipality)


def record_municipality_grant(*, actor, organisation: Organisation, municipality: Municipality):
    """The grant itself, for callers that have checked can_grant_in_municipality for the actor
    (do_grant_municipality, and the HSDS import action for the organisations its file places here)."""
    _require(organisation.is_active and organisation.country_id == municipality.country_id)
    return _record_area(
        actor=actor,
        organisation=organisation,
        action="accounts.organisation_area.granted",
        details={"municipality": str(municipality.pk)},
        municipality=municipality,
    )


def _record_area(*, actor, organisation: Organisation, action: str, details: dict, **place):
    """One active grant per organisation and place (a municipality or a country), written once."""
    # Lock the organisation: two coordinators granting at once give one grant, not an error.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    area = OrganisationArea.objects.filter(
        organisation=organisation, revoked_at__isnull=True, **place
    ).first()
    if area is not None:
        return area
    area = OrganisationArea.objects.create(organisation=organisation, granted_by=actor, **place)
    log_event(actor=actor, action=action, obj=area, details=details)
    return area


@transaction.atomic
def do_appoint_nationally(*, actor, organisation: Organisation, country):
    """A national coordinator lets an organisation list services in every municipality of the country."""
    _require(can.can_appoint_nationally(get_access(actor), country.pk))
    _require(organisation.is_active and organisation.country_id == country.pk)
    return _record_area(
        actor=actor,
        organisation=organisation,
        action="accounts.national_appointment.granted",
        details={"country": country.pk},
        country=country,
    )


@transaction.atomic
def do_revoke_area(*, actor, area) -> None:
    """Stops new writes at once (the next request's Access no longer has it). Services already listed
    stay; the municipality's coordinators can still change or withdraw them."""
    area = OrganisationArea.objects.select_for_update().get(pk=area.pk)
    _require(can.can_revoke_area(get_access(actor), area))
    area.revoked_at = timezone.now()
    area.revoked_by = actor
    area.save(update_fields=["revoked_at", "revoked_by"])
    national = area.country_id is not None
    log_event(
        actor=actor,
        action="accounts.national_appointment.revoked" if national else "accounts.organisation_area.revoked",
        obj=area,
        details={"country": area.country_id} if national else {"municipality": str(area.municipality_id)},
    )
