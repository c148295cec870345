"""Accounts' objects as the audit trail names them (contributions' `audit_objects`): people by their
names, organisations and places by theirs, memberships and invitations by organisation and role,
never an e-mail address. The trail's page already limits events to the viewer's organisations (or
the platform's own events), so every name here is one the viewer's page may show; links go only to
pages the viewer may open."""

from django.urls import reverse
from django.utils.translation import gettext as _

from strom.accounts import permissions as can
from strom.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Municipality,
    Organisation,
    OrganisationArea,
    User,
)
from strom.core.registry import AuditObject, object_uuids


def _members_url(access, organisation) -> str | None:
    if can.can_see_members(access, organisation):
        return reverse("accounts:members", args=[organisation.pk])
    return None


def users(access, events) -> dict[str, AuditObject]:
    people = User.objects.filter(pk__in=object_uuids(events)).only(
        "id", "username", "first_name", "last_name"
    )
    return {str(user.pk): AuditObject(user.display_name) for user in people}


def organisations(access, events) -> dict[str, AuditObject]:
    found = {}
    for organisation in Organisation.objects.filter(pk__in=object_uuids(events)).only("id", "name"):
        if can.can_manage_platform(access):
            url = reverse("accounts:platform_organisation_edit", args=[organisation.pk])
        else:
            url = _members_url(access, organisation)
        found[str(organisation.pk)] = AuditObject(organisation.name, url)
    return found


def municipalities(access, events) -> dict[str, AuditObject]:
    places = Municipality.objects.filter(pk__in=object_uuids(events)).only("id", "name")
    return {str(place.pk): AuditObject(place.name) for place in places}


def memberships(access, events) -> dict[str, AuditObject]:
    found = {}
    rows = Membership.objects.filter(pk__in=object_uuids(events)).select_related("user", "organisation")
    for membership in rows:
        name = _("%(person)s, %(role)s in %(organisation)s") % {
            "person": membership.user.display_name,
            "role": membership.get_role_display(),
            "organisation": membership.organisation.name,
        }
        found[str(membership.pk)] = AuditObject(name, _members_url(access, membership.organisation))
    return found


def invitations(access, events) -> dict[str, AuditObject]:
    found = {}
    for invitation in Invitation.objects.filter(pk__in=object_uuids(events)).select_related("organisation"):
        name = _("Invitation as %(role)s in %(organisation)s") % {
            "role": invitation.get_role_display(),
            "organisation": invitation.organisation.name,
        }
        found[str(invitation.pk)] = AuditObject(name, _members_url(access, invitation.organisation))
    return found


def api_tokens(access, events) -> dict[str, AuditObject]:
    found = {}
    for token in ApiToken.objects.filter(pk__in=object_uuids(events)).only("id", "name", "user_id"):
        own = str(token.user_id) == access.user_id
        found[str(token.pk)] = AuditObject(token.name, reverse("accounts:api_tokens") if own else None)
    return found


def areas(access, events) -> dict[str, AuditObject]:
    found = {}
    rows = OrganisationArea.objects.filter(pk__in=object_uuids(events)).select_related(
        "organisation", "municipality", "country"
    )
    for area in rows:
        where = area.municipality.name if area.municipality else area.country.display_name
        name = _("%(organisation)s in %(place)s") % {"organisation": area.organisation.name, "place": where}
        found[str(area.pk)] = AuditObject(name)
    return found


AUDIT_OBJECTS = {
    "accounts.user": users,
    "accounts.organisation": organisations,
    "accounts.municipality": municipalities,
    "accounts.membership": memberships,
    "accounts.invitation": invitations,
    "accounts.apitoken": api_tokens,
    "accounts.organisationarea": areas,
}
