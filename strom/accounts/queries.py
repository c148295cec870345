"""Reads. Anything outside the user's reach answers 404, the same as an id that does not exist."""

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet

from strom.accounts import permissions as can
from strom.accounts.access import get_access
from strom.accounts.models import ApiToken, Invitation, Membership, Municipality, Organisation, User
from strom.accounts.roles import Perm
from strom.core.access import refuse


def _valid_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Platform administrators see every organisation; national coordinators those of their country;
    everyone else the organisations they belong to."""
    access = get_access(user)
    base = Organisation.objects.select_related("country", "municipality")
    if can.can_manage_platform(access):
        return base.all()
    own = Q(pk__in=[seat.organisation_id for seat in access.seats])
    countries = access.countries_with(Perm.VIEW_NATIONAL_STATISTICS)
    if countries:
        own |= Q(country_id__in=countries, is_active=True)
    return base.filter(own)


def own_organisations(user) -> QuerySet[Organisation]:
    """The organisations the user is a member of (a national coordinator's wider view not included)."""
    access = get_access(user)
    return Organisation.objects.select_related("country", "municipality").filter(
        pk__in=[seat.organisation_id for seat in access.seats]
    )


def require_platform_admin(user, object_type: str, object_id: str = "list") -> None:
    if not can.can_manage_platform(get_access(user)):
        raise refuse(actor=user, object_type=object_type, object_id=object_id)


def organisations_for_platform_admin(user) -> QuerySet[Organisation]:
    require_platform_admin(user, "accounts.organisation")
    return Organisation.objects.select_related("country", "municipality").order_by("country__name", "name")


def municipalities_for_platform_admin(user) -> QuerySet[Municipality]:
    require_platform_admin(user, "accounts.municipality")
    return (
        Municipality.objects.select_related("country")
        .annotate(organisation_count=Count("organisations"))
        .order_by("country__name", "name")
    )


def get_organisation_for_user(user, organisation_id) -> Organisation:
    organisation = (
        organisations_visible_to(user).filter(pk=organisation_id).first()
        if _valid_uuid(organisation_id)
        else None
    )
    if organisation is None:
        raise refuse(actor=user, object_type="accounts.organisation", object_id=organisation_id)
    return organisation


def get_organisation_for_members(user, organisation_id) -> Organisation:
    organisation = get_organisation_for_user(user, organisation_id)
    if not can.can_see_members(get_access(user), organisation):
        raise refuse(actor=user, object_type="accounts.organisation", object_id=organisation_id)
    return organisation


def organisations_user_can_invite_into(user) -> QuerySet[Organisation]:
    access = get_access(user)
    if can.can_manage_platform(access):
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(pk__in=access.organisations_with(Perm.INVITE_MEMBERS), is_active=True)


def members_of(organisation) -> QuerySet[Membership]:
    return Membership.objects.active().filter(organisation=organisation).select_related("user")


def pending_invitations_of(organisation) -> list[Invitation]:
    invitations = Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("organisation", "invited_by")
    return [invitation for invitation in invitations if invitation.status == Invitation.Status.PENDING]


def get_membership_for_user(user, membership_id, *, for_write: bool = False) -> Membership:
    membership = (
        Membership.objects.active().select_related("organisation", "user").filter(pk=membership_id).first()
        if _valid_uuid(membership_id)
        else None
    )
    access = get_access(user)
    allowed = membership is not None and (
        can.can_end_membership(access, membership)
        if for_write
        else can.can_see_members(access, membership.organisation)
    )
    if not allowed:
        raise refuse(actor=user, object_type="accounts.membership", object_id=membership_id)
    return membership


def get_invitation_for_user(user, invitation_id, *, for_write: bool = False) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
        if _valid_uuid(invitation_id)
        else None
    )
    access = get_access(user)
    allowed = invitation is not None and (
        can.can_revoke_invitation(access, invitation)
        if for_write
        else can.can_invite_into(access, invitation.organisation)
    )
    if not allowed:
        raise refuse(actor=user, object_type="accounts.invitation", object_id=invitation_id)
    return invitation


def users_for_platform_admin(user, search: str = "") -> QuerySet[User]:
    require_platform_admin(user, "accounts.user")
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.active().select_related("organisation"))
    )
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return users


def get_user_for_platform_admin(user, user_id) -> User:
    target = User.objects.filter(pk=user_id).first() if _valid_uuid(user_id) else None
    if target is None or not can.can_manage_platform(get_access(user)):
        raise refuse(actor=user, object_type="accounts.user", object_id=user_id)
    return target


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_token_for_user(user, token_id) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first() if _valid_uuid(token_id) else None
    if token is None:
        raise refuse(actor=user, object_type="accounts.apitoken", object_id=token_id)
    return token
