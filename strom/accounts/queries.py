"""Reads. Anything outside the user's reach answers 404, the same as an id that does not exist."""

from django.db.models import Count, Prefetch, Q, QuerySet

from strom.accounts import permissions as can
from strom.accounts.access import Access
from strom.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Municipality,
    Organisation,
    OrganisationArea,
    User,
)
from strom.accounts.roles import Perm
from strom.core.access import refuse
from strom.core.ids import is_uuid


def organisations_visible_to(access: Access) -> QuerySet[Organisation]:
    """Platform administrators see every organisation; national coordinators those of their country;
    everyone else the organisations they belong to."""
    base = Organisation.objects.select_related("country", "municipality")
    if can.can_manage_platform(access):
        return base.all()
    own = Q(pk__in=[seat.organisation_id for seat in access.seats])
    countries = access.countries_with(Perm.VIEW_NATIONAL_STATISTICS)
    if countries:
        own |= Q(country_id__in=countries, is_active=True)
    return base.filter(own)


def own_organisations(access: Access) -> QuerySet[Organisation]:
    """The organisations the user is a member of (a national coordinator's wider view not included)."""
    return Organisation.objects.select_related("country", "municipality").filter(
        pk__in=[seat.organisation_id for seat in access.seats]
    )


def require_platform_admin(access: Access, object_type: str, object_id: str = "list") -> None:
    if not can.can_manage_platform(access):
        raise refuse(actor=access.user, object_type=object_type, object_id=object_id)


def organisations_for_platform_admin(access: Access) -> QuerySet[Organisation]:
    require_platform_admin(access, "accounts.organisation")
    return Organisation.objects.select_related("country", "municipality").order_by("country__name", "name")


def municipalities_for_platform_admin(access: Access) -> QuerySet[Municipality]:
    require_platform_admin(access, "accounts.municipality")
    return (
        Municipality.objects.select_related("country")
        .annotate(organisation_count=Count("organisations"))
        .order_by("country__name", "name")
    )


def get_organisation_for(access: Access, organisation_id) -> Organisation:
    organisation = (
        organisations_visible_to(access).filter(pk=organisation_id).first()
        if is_uuid(organisation_id)
        else None
    )
    if organisation is None:
        raise refuse(actor=access.user, object_type="accounts.organisation", object_id=organisation_id)
    return organisation


def get_organisation_for_members(access: Access, organisation_id) -> Organisation:
    organisation = get_organisation_for(access, organisation_id)
    if not can.can_see_members(access, organisation):
        raise refuse(actor=access.user, object_type="accounts.organisation", object_id=organisation_id)
    return organisation


def organisations_user_can_invite_into(access: Access) -> QuerySet[Organisation]:
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


def get_membership_for(access: Access, membership_id, *, for_write: bool = False) -> Membership:
    membership = (
        Membership.objects.active().select_related("organisation", "user").filter(pk=membership_id).first()
        if is_uuid(membership_id)
        else None
    )
    allowed = membership is not None and (
        can.can_end_membership(access, membership)
        if for_write
        else can.can_see_members(access, membership.organisation)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="accounts.membership", object_id=membership_id)
    return membership


def get_invitation_for(access: Access, invitation_id, *, for_write: bool = False) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
        if is_uuid(invitation_id)
        else None
    )
    allowed = invitation is not None and (
        can.can_revoke_invitation(access, invitation)
        if for_write
        else can.can_invite_into(access, invitation.organisation)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="accounts.invitation", object_id=invitation_id)
    return invitation


def users_for_platform_admin(access: Access, search: str = "") -> QuerySet[User]:
    require_platform_admin(access, "accounts.user")
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.active().select_related("organisation"))
    )
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return users


def get_user_for_platform_admin(access: Access, user_id) -> User:
    target = User.objects.filter(pk=user_id).first() if is_uuid(user_id) else None
    if target is None or not can.can_manage_platform(access):
        raise refuse(actor=access.user, object_type="accounts.user", object_id=user_id)
    return target


def tokens_of(access: Access) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=access.user_id)


def get_token_for(access: Access, token_id) -> ApiToken:
    token = (
        ApiToken.objects.filter(pk=token_id, user_id=access.user_id).first() if is_uuid(token_id) else None
    )
    if token is None:
        raise refuse(actor=access.user, object_type="accounts.apitoken", object_id=token_id)
    return token


# --- Where organisations may list services (issue 7) --------------------------------------------


def organisations_working_in(municipality, organisation_ids) -> set:
    """Which of these organisations may list services in the municipality: those based there, those
    its coordinators granted, and those appointed for its whole country (one query)."""
    granted = OrganisationArea.objects.active().filter(
        Q(municipality=municipality) | Q(country_id=municipality.country_id)
    )
    return set(
        Organisation.objects.filter(pk__in=list(organisation_ids))
        .filter(Q(municipality=municipality) | Q(pk__in=granted.values("organisation_id")))
        .values_list("pk", flat=True)
    )


def organisations_serving(municipality_ids) -> QuerySet[Organisation]:
    """The active organisations that work in any of these municipalities: based there, granted by its
    coordinators, or appointed for its whole country (`Access.works_in` tells the same for one's own)."""
    ids = [str(pk) for pk in municipality_ids]
    granted = OrganisationArea.objects.active().filter(
        Q(municipality_id__in=ids) | Q(country__municipalities__id__in=ids)
    )
    return Organisation.objects.filter(
        Q(municipality_id__in=ids) | Q(pk__in=granted.values("organisation_id")), is_active=True
    )


def organisation_works_in(organisation, municipality) -> bool:
    return organisation.pk in organisations_working_in(municipality, [organisation.pk])


def get_municipality_for_grants(access: Access, municipality_id) -> Municipality:
    """A municipality whose coordinators the user is among; 404 for any other."""
    municipality = (
        Municipality.objects.select_related("country").filter(pk=municipality_id).first()
        if is_uuid(municipality_id)
        else None
    )
    if municipality is None or not can.can_grant_in_municipality(access, municipality.pk):
        raise refuse(actor=access.user, object_type="accounts.municipality", object_id=municipality_id)
    return municipality


def get_country_for_appointments(access: Access, country_code):
    from strom.accounts.models import Country

    country = Country.objects.filter(pk=str(country_code)[:2]).first()
    if country is None or not can.can_appoint_nationally(access, country.pk):
        raise refuse(actor=access.user, object_type="accounts.country", object_id=country_code)
    return country


def municipalities_user_grants_in(access: Access) -> QuerySet[Municipality]:
    ids = access.municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY)
    return Municipality.objects.filter(pk__in=ids).select_related("country").order_by("name")


def countries_user_appoints_in(access: Access):
    from strom.accounts.models import Country

    return Country.objects.filter(pk__in=access.countries_with(Perm.APPOINT_NATIONAL_ORGANISATIONS))


def areas_granted_in(municipality) -> QuerySet[OrganisationArea]:
    return (
        OrganisationArea.objects.active()
        .filter(municipality=municipality)
        .select_related("organisation__municipality", "granted_by")
        .order_by("organisation__name")
    )


def national_appointments_in(country) -> QuerySet[OrganisationArea]:
    return (
        OrganisationArea.objects.active()
        .filter(country=country)
        .select_related("organisation__municipality", "granted_by")
        .order_by("organisation__name")
    )


def organisations_grantable_in(municipality) -> QuerySet[Organisation]:
    """Active organisations of the country that do not yet work in the municipality."""
    working = OrganisationArea.objects.active().filter(
        Q(municipality=municipality) | Q(country_id=municipality.country_id)
    )
    return (
        Organisation.objects.filter(country_id=municipality.country_id, is_active=True)
        .exclude(municipality=municipality)
        .exclude(pk__in=working.values("organisation_id"))
        .select_related("municipality")
        .order_by("name")
    )


def organisations_appointable_in(country) -> QuerySet[Organisation]:
    appointed = OrganisationArea.objects.active().filter(country=country)
    return (
        Organisation.objects.filter(country=country, is_active=True)
        .exclude(pk__in=appointed.values("organisation_id"))
        .select_related("municipality")
        .order_by("name")
    )


def get_area_for(access: Access, area_id) -> OrganisationArea:
    """A grant the user may revoke; 404 for any other."""
    area = (
        OrganisationArea.objects.select_related("organisation").filter(pk=area_id).first()
        if is_uuid(area_id)
        else None
    )
    if area is None or not can.can_revoke_area(access, area):
        raise refuse(actor=access.user, object_type="accounts.organisation_area", object_id=area_id)
    return area
