"""Reads of case records, for the Access snapshot of whoever asks.

A read of one case is itself an event (security.md 18): get_case_for and get_identity_for write exactly
one audit event each, in the transaction that reads the row, and count the read for the unusual-reading
watch (security.md 22). If the event cannot be written, or the count cannot be kept, the read fails and
nothing is returned. These are the only writes in this module, and they are part of reading.
"""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from strom.accounts.access import Access
from strom.accounts.reading_watch import SensitiveKind, note_sensitive_read
from strom.accounts.roles import Perm
from strom.cases import permissions as can
from strom.cases.models import Case, CaseIdentity
from strom.core.access import refuse
from strom.core.audit import log_event
from strom.core.ids import is_uuid

CASE_RECORD = SensitiveKind("case_record", _("case records"))
CASE_IDENTITY = SensitiveKind("case_identity", _("identifying data of cases"))

CASE_READ = "cases.case.read"
IDENTITY_READ = "cases.identity.read"


def cases_visible_to(access: Access) -> QuerySet[Case]:
    """The cases the person may list: those of organisations where they may read case records, and
    those of municipalities whose case list they may see. Nobody else sees any. The list holds no
    identifying data: that lives in CaseIdentity, which only get_identity_for opens."""
    organisations = access.organisations_with(Perm.READ_CASES)
    municipalities = access.municipalities_with(Perm.VIEW_MUNICIPAL_CASE_LIST)
    if not organisations and not municipalities:
        return Case.objects.none()
    return (
        Case.objects.filter(Q(lead_organisation_id__in=organisations) | Q(municipality_id__in=municipalities))
        .select_related("municipality", "lead_organisation")
        .order_by("-created_at", "code")
    )


def caseworker_ids(case: Case) -> set[str]:
    return {str(pk) for pk in case.caseworkers.values_list("pk", flat=True)}


def get_case_for(access: Access, case_id, *, for_write: bool = False) -> Case:
    """The case, with one audit event for the read; 404 (and a refusal in the trail) for anyone outside.
    `for_write`: the person must also be allowed to change it."""
    with transaction.atomic():
        case = (
            Case.objects.select_related("municipality", "lead_organisation").filter(pk=case_id).first()
            if is_uuid(case_id)
            else None
        )
        allowed = case is not None and (
            can.can_edit_case(access, case.lead_organisation_id)
            if for_write
            else can.can_read_case(access, case.lead_organisation_id, case.municipality_id)
        )
        if allowed:
            log_event(
                actor=access.user,
                action=CASE_READ,
                obj=case,
                organisation=case.lead_organisation,
                details={"for_write": for_write},
            )
            note_sensitive_read(access.user, CASE_RECORD, organisation=case.lead_organisation)
    # Outside the read's transaction, so that the refusal stays in the trail while the 404 unwinds.
    if not allowed:
        raise refuse(actor=access.user, object_type="cases.case", object_id=case_id)
    return case


def get_identity_for(access: Access, case: Case) -> CaseIdentity | None:
    """The case's identifying data (None if the case has none), only for the case's own caseworkers,
    with one audit event for the read; 404 for everyone else, the coordinator included."""
    if not can.can_read_identity(access, case.lead_organisation_id, caseworker_ids(case)):
        raise refuse(actor=access.user, object_type="cases.identity", object_id=case.pk)
    with transaction.atomic():
        identity = CaseIdentity.objects.filter(case=case).first()
        log_event(
            actor=access.user,
            action=IDENTITY_READ,
            obj=case,
            organisation=case.lead_organisation,
            details={"has_identity": identity is not None},
        )
        note_sensitive_read(access.user, CASE_IDENTITY, organisation=case.lead_organisation)
    return identity


def transitions_of(case: Case):
    """The case's dated steps on both tracks, newest first (for the case page; the caller has read the
    case through get_case_for)."""
    return case.transitions.select_related("recorded_by").order_by("-occurred_on", "-recorded_at")


def lead_organisation_caseworkers(organisation_id, user_ids) -> set[str]:
    """Of these users, those who may work on the organisation's cases (an active seat with the right to
    edit case records)."""
    from strom.accounts.models import Membership
    from strom.accounts.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.EDIT_CASES in perms]
    return {
        str(pk)
        for pk in Membership.objects.active()
        .filter(
            organisation_id=organisation_id, user_id__in=list(user_ids), role__in=roles, user__is_active=True
        )
        .values_list("user_id", flat=True)
    }


CASE_DUPLICATE_CHECK = SensitiveKind("case_duplicate_check", _("duplicate checks of identifying data"))
DUPLICATES_CHECKED = "cases.duplicates.checked"


def possible_duplicates(
    access: Access, *, name: str = "", date_of_birth=None, document_number: str = "", exclude_case=None
) -> list[str]:
    """The codes of the cases that may be the same person: same name and date of birth, or same document
    number, among the cases the person may list (cases_visible_to), never beyond. A case outside their
    reach answers exactly as no case at all, so nobody learns that it exists.

    Only keyed blind indexes reach the database, computed by CaseIdentity.refresh_indexes, the very code
    that indexes a saved identity, so that both normalise alike (strom/core/blind_index.normalise: Unicode
    NFKC, case folded, runs of whitespace collapsed; accents are kept). The plain values never appear in
    a query. A name without a date of birth (or the reverse) matches nothing on its own.

    Codes only: a coordinator, who lists the municipality's cases but does not read their identifying
    data, gets the codes of matching cases on that list too, since preventing a second case for one
    person across the municipality's organisations is what the warning is for. Because an answer tells
    whether a guessed person is on the list, every check with something to look up writes one audit
    event (counts, never values) and counts towards the unusual-reading alert (security.md 18, 22).
    Warning only: do_save_identity never refuses a duplicate."""
    probe = CaseIdentity(name=name or "", date_of_birth=date_of_birth, document_number=document_number or "")
    probe.refresh_indexes()
    wanted = Q()
    if probe.name_and_birth_index:
        wanted |= Q(identity__name_and_birth_index=probe.name_and_birth_index)
    if probe.document_index:
        wanted |= Q(identity__document_index=probe.document_index)
    if not wanted:
        return []
    matches = cases_visible_to(access).filter(wanted)
    if exclude_case is not None:
        matches = matches.exclude(pk=getattr(exclude_case, "pk", exclude_case))
    with transaction.atomic():
        codes = sorted(matches.values_list("code", flat=True).distinct())
        log_event(
            actor=access.user,
            action=DUPLICATES_CHECKED,
            details={
                "name_and_birth": bool(probe.name_and_birth_index),
                "document": bool(probe.document_index),
                "matches": len(codes),
            },
        )
        note_sensitive_read(access.user, CASE_DUPLICATE_CHECK)
    return codes
