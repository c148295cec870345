from dataclasses import dataclass

from django.db.models import Q, QuerySet

from strom.accounts import permissions as can
from strom.accounts.access import Access
from strom.accounts.models import Membership, Organisation
from strom.core.access import refuse
from strom.core.models import AuditEvent

# Platform administrators see how the platform is run (sign-ins, accounts, organisations, tokens,
# refused access), never the work done inside an organisation.
PLATFORM_ACTION_PREFIXES = ("auth.", "accounts.", "access.", "audit.")


AUDIT_LIST_FIELDS = (
    "seq",
    "created_at",
    "action",
    "severity",
    "object_type",
    "object_id",
    "details",  # ids that name an object since removed (a deleted step's pathway)
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "organisation__name",
)


@dataclass(frozen=True)
class AuditScope:
    organisation: Organisation | None  # None: the platform view
    choices: tuple[Organisation, ...]


def audit_scope_for(access: Access, organisation_id: str | None) -> AuditScope:
    organisations = tuple(
        organisation
        for organisation in Organisation.objects.filter(pk__in=[s.organisation_id for s in access.seats])
        if can.can_view_organisation_audit(access, organisation)
    )
    if organisation_id:
        chosen = next((o for o in organisations if str(o.pk) == organisation_id), None)
        if chosen is None:
            raise refuse(actor=access.user, object_type="core.auditevent", object_id=organisation_id)
        return AuditScope(chosen, organisations)
    if can.can_view_platform_audit(access):
        return AuditScope(None, organisations)
    if organisations:
        return AuditScope(organisations[0], organisations)
    raise refuse(actor=access.user, object_type="core.auditevent", object_id="list")


def _organisation_events(organisation) -> Q:
    """What happened in the organisation, and the sign-in events of its members (successes, failures,
    lockouts), so that a coordinator notices when a colleague's account is under attack."""
    member_ids = list(
        Membership.objects.active().filter(organisation=organisation).values_list("user_id", flat=True)
    )
    about_members = Q(action__startswith="auth.") & (
        Q(actor_id__in=member_ids)
        | Q(object_type="accounts.user", object_id__in=[str(pk) for pk in member_ids])
    )
    return Q(organisation=organisation) | about_members


def audit_events_in(scope: AuditScope) -> QuerySet[AuditEvent]:
    # Only the names shown on the page: never load password hashes or stamps to render a list.
    events = (
        AuditEvent.objects.select_related("actor", "organisation").only(*AUDIT_LIST_FIELDS).order_by("-seq")
    )
    if scope.organisation is not None:
        return events.filter(_organisation_events(scope.organisation))
    platform = Q()
    for prefix in PLATFORM_ACTION_PREFIXES:
        platform |= Q(action__startswith=prefix)
    return events.filter(platform)
