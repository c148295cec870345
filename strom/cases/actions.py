"""Changes to case records. Each action re-checks its predicate, runs in one transaction and writes one
audit event whose details hold codes and counts only, never personal data.

Concurrency (security.md 28): every change of a case names the `version` it was made on, and the row
is updated only if it still has that version, in the same UPDATE that moves it on. Of two edits made on
the same version, one wins and the other gets CONFLICT and writes nothing (on PostgreSQL the second
UPDATE waits for the first to commit and then finds the version gone; SQLite lets one writer in at a
time).

The two tracks are independent: assistance never waits for identification, so either may move without
the other. "Closed" ends the assistance track; the identification status may still be recorded after it
(a decision can come late).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from strom.accounts.access import get_access
from strom.accounts.queries import organisation_works_in
from strom.cases import permissions as can
from strom.cases.models import RECORDED_ONLY_FACTS, Case, CaseIdentity, CaseTransition, new_case_code
from strom.cases.queries import caseworker_ids, lead_organisation_caseworkers
from strom.core.audit import log_event

FACT_FIELDS = (
    "age_band",
    "sex",
    "age_group",
    "nationality",
    "exploitation_country",
    "exploitation_municipality",
    "exploitation_forms",
    "came_to_light",
    # Recorded, never gating: no action, permission or transition reads them.
    *RECORDED_ONLY_FACTS,
)
IDENTITY_FIELDS = ("name", "date_of_birth", "contact_details", "document_number", "narrative")
CODE_ATTEMPTS = 20


def conflict() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this case while you were editing it. Nothing was saved: "
            "open the case again to see their changes, then make yours."
        ),
        code="conflict",
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _fresh(case: Case) -> Case:
    return Case.objects.select_related("lead_organisation", "municipality").get(pk=case.pk)


def _move_on(case: Case, version: int, **changes) -> None:
    """Apply the changes only if the case is still at `version`, and step the version; else CONFLICT."""
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise conflict()
    for name, value in changes.items():
        setattr(case, name, value)
    case.version = version + 1
    case.updated_at = now


def _check_date(occurred_on: date) -> None:
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")}, code="future")


def _check_facts(case: Case, facts: dict) -> None:
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"not facts of a case: {sorted(unknown)}")
    for name, value in facts.items():
        setattr(case, name, value)
    others = [f.name for f in Case._meta.fields if f.name not in facts]
    case.clean_fields(exclude=others)


def _check_caseworkers(organisation, users) -> list:
    users = list(users)
    if not users:
        raise ValidationError({"caseworkers": _("A case needs at least one caseworker.")}, code="required")
    allowed = lead_organisation_caseworkers(organisation.pk, [user.pk for user in users])
    if any(str(user.pk) not in allowed for user in users):
        raise ValidationError(
            {
                "caseworkers": _(
                    "Each caseworker must be a member of the lead organisation who works on cases."
                )
            },
            code="not_a_member",
        )
    return users


@transaction.atomic
def do_open_case(
    *, actor, lead_organisation, municipality=None, caseworkers=None, opened_on: date | None = None, **facts
) -> Case:
    """Open a case led by `lead_organisation` in `municipality` (by default its own), with the actor as
    its caseworker unless others are named. The code is random: nothing in it comes from the person."""
    access = get_access(actor)
    _require(can.can_work_on_cases_of(access, lead_organisation.pk))
    municipality = municipality or lead_organisation.municipality
    if municipality is None:
        raise ValidationError({"municipality": _("Choose the municipality of the case.")}, code="required")
    if municipality.pk != lead_organisation.municipality_id and not organisation_works_in(
        lead_organisation, municipality
    ):
        raise ValidationError(
            {"municipality": _("The lead organisation does not work in this municipality.")},
            code="elsewhere",
        )
    opened_on = opened_on or timezone.localdate()
    _check_date(opened_on)
    people = _check_caseworkers(lead_organisation, caseworkers if caseworkers is not None else [actor])
    case = Case(municipality=municipality, lead_organisation=lead_organisation)
    _check_facts(case, facts)
    for _attempt in range(CODE_ATTEMPTS):
        case.code = new_case_code(municipality, opened_on.year)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            if Case.objects.filter(code=case.code).exists():
                continue
            raise
    else:
        raise RuntimeError("no free case code after many attempts")
    case.caseworkers.set(people)
    CaseTransition.objects.create(
        case=case,
        track=CaseTransition.Track.ASSISTANCE,
        from_value="",
        to_value=case.assistance_phase,
        occurred_on=opened_on,
        recorded_by=actor,
    )
    log_event(
        actor=actor,
        action="cases.case.opened",
        obj=case,
        organisation=lead_organisation,
        details={"caseworkers": len(people), "phase": case.assistance_phase},
    )
    return case


def _change_track(*, actor, case, version, track, field, to, occurred_on, note, action) -> CaseTransition:
    access = get_access(actor)
    stored = _fresh(case)
    _require(can.can_edit_case(access, stored.lead_organisation_id))
    if track == CaseTransition.Track.ASSISTANCE and stored.is_closed:
        raise ValidationError(
            _("This case is closed: its assistance phase no longer changes."), code="closed"
        )
    _check_date(occurred_on)
    before = getattr(stored, field)
    if to == before:
        raise ValidationError(_("The case is already there."), code="unchanged")
    _move_on(stored, version, **{field: to})
    transition = CaseTransition.objects.create(
        case=stored,
        track=track,
        from_value=before,
        to_value=to,
        occurred_on=occurred_on,
        recorded_by=actor,
        note=note,
    )
    log_event(
        actor=actor,
        action=action,
        obj=stored,
        organisation=stored.lead_organisation,
        details={"from": before, "to": to, "on": occurred_on.isoformat()},
    )
    case.__dict__.update({field: to, "version": stored.version, "updated_at": stored.updated_at})
    return transition


@transaction.atomic
def do_change_phase(
    *, actor, case: Case, version: int, to: str, occurred_on: date, note: str = ""
) -> CaseTransition:
    """Move the assistance track, dated. A closed case stays closed."""
    if to not in Case.Phase.values:
        raise ValidationError(_("Choose an assistance phase from the list."), code="invalid_choice")
    return _change_track(
        actor=actor,
        case=case,
        version=version,
        track=CaseTransition.Track.ASSISTANCE,
        field="assistance_phase",
        to=to,
        occurred_on=occurred_on,
        note=note,
        action="cases.phase.changed",
    )


@transaction.atomic
def do_change_identification_status(
    *, actor, case: Case, version: int, to: str, occurred_on: date, note: str = ""
) -> CaseTransition:
    """Move the identification track, dated, whatever the assistance phase (also after closing)."""
    if to not in Case.Identification.values:
        raise ValidationError(_("Choose an identification status from the list."), code="invalid_choice")
    return _change_track(
        actor=actor,
        case=case,
        version=version,
        track=CaseTransition.Track.IDENTIFICATION,
        field="identification_status",
        to=to,
        occurred_on=occurred_on,
        note=note,
        action="cases.identification.changed",
    )


@transaction.atomic
def do_save_facts(*, actor, case: Case, version: int, **facts) -> Case:
    """Change the non-identifying facts. Only the named facts change."""
    access = get_access(actor)
    stored = _fresh(case)
    _require(can.can_edit_case(access, stored.lead_organisation_id))
    _check_facts(stored, facts)
    values = {name: getattr(stored, name) for name in facts}
    _move_on(stored, version, **values)
    log_event(
        actor=actor,
        action="cases.facts.saved",
        obj=stored,
        organisation=stored.lead_organisation,
        details={"fields": sorted(facts)},
    )
    for name in (*facts, "version", "updated_at"):
        setattr(case, name, getattr(stored, name))
    return stored


@transaction.atomic
def do_save_identity(*, actor, case: Case, version: int, **values) -> CaseIdentity:
    """Create or change the case's identifying data (only its caseworkers may). Also steps the case's
    version, so that two people editing the same case meet the same conflict rule."""
    unknown = set(values) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"not identifying fields of a case: {sorted(unknown)}")
    access = get_access(actor)
    stored = _fresh(case)
    _require(can.can_edit_identity(access, stored.lead_organisation_id, caseworker_ids(stored)))
    identity = CaseIdentity.objects.filter(case=stored).first() or CaseIdentity(case=stored)
    created = identity._state.adding
    for name, value in values.items():
        setattr(identity, name, value)
    identity.full_clean(exclude=["case"])
    identity.refresh_indexes()
    _move_on(stored, version)
    identity.save()
    log_event(
        actor=actor,
        action="cases.identity.saved",
        obj=stored,
        organisation=stored.lead_organisation,
        # Which fields were given, never their values.
        details={"created": created, "fields": sorted(values)},
    )
    case.__dict__.update({"version": stored.version, "updated_at": stored.updated_at})
    return identity


@transaction.atomic
def do_set_caseworkers(*, actor, case: Case, version: int, caseworkers) -> Case:
    """Name the case's caseworkers: members of the lead organisation who work on cases. Only they read
    its identifying data, so the change is audited (with their number, not their names)."""
    access = get_access(actor)
    stored = _fresh(case)
    _require(can.can_edit_case(access, stored.lead_organisation_id))
    people = _check_caseworkers(stored.lead_organisation, caseworkers)
    _move_on(stored, version)
    stored.caseworkers.set(people)
    log_event(
        actor=actor,
        action="cases.caseworkers.set",
        obj=stored,
        organisation=stored.lead_organisation,
        details={"caseworkers": len(people)},
    )
    case.__dict__.update({"version": stored.version, "updated_at": stored.updated_at})
    return stored
