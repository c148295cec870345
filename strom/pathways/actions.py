"""Writes to the local referral mechanism. Each re-checks its predicate and writes one audit event."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strom.accounts.access import get_access
from strom.accounts.reading_watch import SensitiveKind, note_sensitive_read
from strom.core.audit import log_event
from strom.directory.models import NeedTerm
from strom.pathways import permissions as can
from strom.pathways import queries
from strom.pathways.blueprints import BLUEPRINTS, IDENTIFYING, IDENTIFYING_DEFAULT
from strom.pathways.country_rules import cite, instruments_of
from strom.pathways.models import (
    PHASE_ORDER,
    Agreement,
    NationalMechanism,
    Pathway,
    PathwayVersion,
    Stage,
    Step,
)
from strom.pathways.structure import PathwayData, from_draft, from_snapshot, to_snapshot


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _log(actor, action: str, obj, municipality_id, details=None) -> None:
    """The event goes to the organisation the person acts for in the municipality (for coordinators,
    the coordinating one), so that it shows on that organisation's audit page."""
    from strom.accounts.models import Organisation
    from strom.accounts.roles import Perm, permissions_for

    local = [s for s in get_access(actor).seats if s.municipality_id == str(municipality_id)]
    coordinating = [s for s in local if Perm.EDIT_PATHWAYS in permissions_for(s.role)]
    ids = [s.organisation_id for s in coordinating or local]
    organisation = Organisation.objects.filter(pk__in=ids).order_by("name").first()
    log_event(actor=actor, action=action, obj=obj, organisation=organisation, details=details)


def _touch(pathway_id) -> None:
    Pathway.objects.filter(pk=pathway_id).update(draft_changed_at=timezone.now())


class OrganisationFinder:
    """Finds the organisation for a step in the target municipality: the same one if it may take part
    there, otherwise the first of the same kind (local before national), otherwise none."""

    def __init__(self, municipality):
        self.partners = list(queries.partner_organisations(municipality))
        self.by_id = {str(o.pk): o for o in self.partners}

    def of_kind(self, kind, *, municipal=True):
        """With municipal=False, only an organisation that is not the municipality's own (for the
        decisions that belong to the state)."""
        fitting = [o for o in self.partners if o.kind == kind and (municipal or not o.is_municipal)]
        local = [o for o in fitting if o.municipality_id]
        national = [o for o in fitting if not o.municipality_id]
        return (local + national or [None])[0]

    def resolve(self, ref, kind_of, *, municipal=True):
        if ref is None:
            return None
        same = self.by_id.get(ref.id)
        if same is not None and (municipal or not same.is_municipal):
            return same
        return self.of_kind(kind_of.get(ref.id), municipal=municipal)


def needs_by_code() -> dict[str, NeedTerm]:
    return {need.code: need for need in NeedTerm.objects.all()}


@transaction.atomic
def do_create_pathway(
    *, actor, municipality, audience: str, source: PathwayVersion | None = None, language: str | None = None
) -> Pathway:
    """A new draft from the shipped template for the audience, in the language the coordinator
    chooses, or from a published pathway of another municipality (copied, then the municipality's own
    to adapt, in the language it was written in)."""
    _require(can.can_edit_pathways_of(get_access(actor), municipality.pk))
    if source is not None:
        _require(source.pathway.audience == audience)
        queries.get_pathway_for(get_access(actor), source.pathway_id)  # the source must be readable too
    if Pathway.objects.filter(municipality=municipality, audience=audience).exists():
        raise ValidationError(_("This municipality already has a pathway for this group."))
    blueprint = BLUEPRINTS[audience]
    if source is not None:
        language = source.pathway.language
    language = language if language in dict(settings.LANGUAGES) else translation.get_language()
    with translation.override(language):
        pathway = Pathway.objects.create(
            municipality=municipality,
            audience=audience,
            language=language,
            title=str(blueprint.title) if source is None else source.snapshot["title"],
        )
    organisations = OrganisationFinder(municipality)
    needs = needs_by_code()
    if source is None:
        with translation.override(language):
            fill_from_blueprint(
                pathway,
                blueprint,
                organisations,
                needs,
                queries.national_mechanism_of(municipality.country_id),
            )
    else:
        _fill_from_version(pathway, from_snapshot(source.snapshot), organisations, needs)
    _log(
        actor,
        "pathways.pathway.created",
        pathway,
        municipality.pk,
        {"audience": audience, "copied": source is not None},
    )
    return pathway


def fill_from_blueprint(pathway, blueprint, organisations, needs, rules: NationalMechanism | None) -> None:
    """Copies the template into the pathway in the active language, following the country's rules:
    only the instruments that bind the country are cited, the identifying steps go to the kind of
    authority that identifies there, and no decision of the state goes to a municipal organisation."""
    instruments = instruments_of(rules)
    identifying_kind = (rules.identifying_kind if rules else "") or IDENTIFYING_DEFAULT
    for phase in PHASE_ORDER:
        notes = [str(note.text) for note in blueprint.notes.get(phase, ()) if note.instrument in instruments]
        stage = Stage.objects.create(pathway=pathway, phase=phase, note="\n\n".join(notes))
        for position, item in enumerate(blueprint.steps.get(phase, ())):
            may_be_municipal = not item.decision
            responsible_kind = identifying_kind if item.responsible == IDENTIFYING else item.responsible
            backup_kind = identifying_kind if item.backup == IDENTIFYING else item.backup
            step = Step.objects.create(
                stage=stage,
                position=position,
                title=str(item.title),
                description=str(item.description),
                responsible=organisations.of_kind(responsible_kind, municipal=may_be_municipal),
                backup=organisations.of_kind(backup_kind, municipal=may_be_municipal)
                if backup_kind
                else None,
                contact_function=str(item.contact_function),
                requires_24_7=item.requires_24_7,
                max_response_hours=item.max_response_hours,
                for_adults=blueprint.audience == "adults",
                for_children=blueprint.audience == "children",
                for_nationals=item.for_nationals,
                for_foreign_nationals=item.for_foreign_nationals,
                handover=item.handover,
                decision=item.decision,
                legal_basis=cite(item.legal_basis, instruments),
            )
            step.needs.set([needs[code] for code in item.needs if code in needs])


def _fill_from_version(pathway, data: PathwayData, organisations, needs) -> None:
    from strom.accounts.models import Organisation

    named = {org.id for org in data.organisations()}
    kind_of = {
        str(pk): kind for pk, kind in Organisation.objects.filter(pk__in=named).values_list("pk", "kind")
    }
    stages = {stage.phase: stage for stage in data.stages}
    for phase in PHASE_ORDER:
        source = stages.get(phase)
        stage = Stage.objects.create(pathway=pathway, phase=phase, note=source.note if source else "")
        for position, item in enumerate(source.steps if source else ()):
            step = Step.objects.create(
                stage=stage,
                position=position,
                title=item.title,
                description=item.description,
                responsible=organisations.resolve(item.responsible, kind_of, municipal=not item.decision),
                backup=organisations.resolve(item.backup, kind_of, municipal=not item.decision),
                contact_function=item.contact_function,
                # Phone numbers belong to the other municipality: the coordinator fills in their own.
                requires_24_7=item.requires_24_7,
                max_response_hours=item.max_response_hours,
                for_adults=item.for_adults,
                for_children=item.for_children,
                for_nationals=item.for_nationals,
                for_foreign_nationals=item.for_foreign_nationals,
                handover=item.handover,
                decision=item.decision,
                legal_basis=item.legal_basis,
            )
            step.needs.set([needs[code] for code in item.needs if code in needs])


@transaction.atomic
def do_save_step(*, actor, step: Step, needs) -> Step:
    pathway_id = step.stage.pathway_id
    kept = set()  # organisations the step already names stay valid (StepForm)
    if not step._state.adding:
        stored = Step.objects.select_for_update().select_related("stage__pathway").get(pk=step.pk)
        _require(stored.stage.pathway_id == pathway_id)
        kept = {str(pk) for pk in (stored.responsible_id, stored.backup_id) if pk}
    municipality_id = Pathway.objects.values_list("municipality_id", flat=True).get(pk=pathway_id)
    _require(can.can_edit_pathways_of(get_access(actor), municipality_id))
    partners = kept | {
        str(pk)
        for pk in queries.partner_organisations(step.stage.pathway.municipality).values_list("pk", flat=True)
    }
    for org_id in (step.responsible_id, step.backup_id):
        _require(org_id is None or str(org_id) in partners)
    created = step._state.adding
    step.full_clean()
    step.save()
    step.needs.set(needs)
    _touch(pathway_id)
    _log(
        actor,
        "pathways.step.created" if created else "pathways.step.updated",
        step,
        municipality_id,
        {"pathway": str(pathway_id), "needs": len(needs)},
    )
    return step


@transaction.atomic
def do_delete_step(*, actor, step: Step) -> None:
    stored = Step.objects.select_for_update().select_related("stage__pathway").get(pk=step.pk)
    _require(can.can_edit_pathways_of(get_access(actor), stored.stage.pathway.municipality_id))
    _log(
        actor,
        "pathways.step.deleted",
        stored,
        stored.stage.pathway.municipality_id,
        {"pathway": str(stored.stage.pathway_id)},
    )
    pathway_id = stored.stage.pathway_id
    stored.delete()
    _touch(pathway_id)


@transaction.atomic
def do_save_stage_note(*, actor, stage: Stage, note: str) -> Stage:
    stored = Stage.objects.select_for_update().select_related("pathway").get(pk=stage.pk)
    _require(can.can_edit_pathways_of(get_access(actor), stored.pathway.municipality_id))
    Stage.objects.filter(pk=stored.pk).update(note=note)
    _touch(stored.pathway_id)
    _log(actor, "pathways.stage.updated", stored, stored.pathway.municipality_id, {"phase": stored.phase})
    stored.note = note
    return stored


@transaction.atomic
def do_publish_pathway(*, actor, pathway: Pathway, note: str = "") -> PathwayVersion:
    """Freeze the draft as the next version. Later edits of the draft never touch it."""
    locked = Pathway.objects.select_for_update().select_related("municipality").get(pk=pathway.pk)
    _require(can.can_edit_pathways_of(get_access(actor), locked.municipality_id))
    data = from_draft(locked)
    if not any(stage.steps for stage in data.stages):
        raise ValidationError(_("Add at least one step before publishing."))
    last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PathwayVersion.objects.create(
        pathway=locked,
        number=last + 1,
        published_by=actor,
        note=note,
        snapshot=to_snapshot(data),
    )
    _log(
        actor,
        "pathways.pathway.published",
        locked,
        locked.municipality_id,
        {"version": version.number, "steps": len(data.all_steps())},
    )
    return version


# --- Agreements ---------------------------------------------------------------------------------


@transaction.atomic
def do_save_agreement(*, actor, agreement: Agreement, parties, steps, needs, document=None) -> Agreement:
    """Create or change an agreement with its parties and scope; a new signed document replaces the
    old one (the old file is removed once the change is committed)."""
    access = get_access(actor)
    stored = None
    if not agreement._state.adding:
        stored = Agreement.objects.select_for_update().get(pk=agreement.pk)
        _require(can.can_edit_pathways_of(access, stored.municipality_id))
    _require(can.can_edit_pathways_of(access, agreement.municipality_id))
    municipality = agreement.municipality
    partners = set(queries.partner_organisations(municipality).values_list("pk", flat=True))
    _require(all(party.pk in partners for party in parties))
    _require(all(step.stage.pathway.municipality_id == municipality.pk for step in steps))
    if len(parties) < 2:
        raise ValidationError(_("An agreement has at least two parties."))
    created = agreement._state.adding
    agreement.full_clean()  # before the file is written, so that invalid input leaves no file behind
    if document is not None:
        agreement.document.save(f"{uuid.uuid4()}.pdf", document, save=False)
        agreement.document_name = _safe_name(document.name)
        agreement.document_size = document.size
        if stored is not None and stored.document:
            old_file = stored.document.name
            transaction.on_commit(lambda: agreement.document.storage.delete(old_file))
    agreement.save()
    agreement.parties.set(parties)
    agreement.steps.set(steps)
    agreement.needs.set(needs)
    _log(
        actor,
        "pathways.agreement.created" if created else "pathways.agreement.updated",
        agreement,
        agreement.municipality_id,
        {
            "parties": len(parties),
            "steps": len(steps),
            "status": agreement.status,
            "document": document is not None,
        },
    )
    return agreement


def _safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to harmless characters, for the download."""
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.rsplit("/", 1)[-1])[:150]
    return stem if stem.lower().endswith(".pdf") else f"{stem or 'agreement'}.pdf"


AGREEMENT_DOCUMENT = SensitiveKind("agreement_document", gettext_lazy("signed agreements"))


@transaction.atomic
def record_document_read(*, actor, agreement: Agreement) -> None:
    """Before a signed agreement is sent: its audit event and the unusual-reading count (security.md 22)."""
    _log(actor, "pathways.agreement.document_read", agreement, agreement.municipality_id)
    note_sensitive_read(actor, AGREEMENT_DOCUMENT, municipality_id=agreement.municipality_id)


# --- National referral mechanism ----------------------------------------------------------------


def _national_organisation(actor, country_id):
    """The organisation the national coordinator acts for, so the event shows on its audit page."""
    from strom.accounts.models import Organisation
    from strom.accounts.roles import Perm, permissions_for

    ids = [
        s.organisation_id
        for s in get_access(actor).seats
        if s.country_code == country_id and Perm.MANAGE_NATIONAL_MECHANISM in permissions_for(s.role)
    ]
    return Organisation.objects.filter(pk__in=ids).order_by("name").first()


@transaction.atomic
def do_save_national_mechanism(*, actor, mechanism: NationalMechanism) -> NationalMechanism:
    _require(can.can_edit_national_mechanism(get_access(actor), mechanism.country_id))
    created = not NationalMechanism.objects.filter(pk=mechanism.pk).exists()
    mechanism.full_clean()
    mechanism.save()
    log_event(
        actor=actor,
        action="pathways.national_mechanism.created" if created else "pathways.national_mechanism.updated",
        obj=mechanism,
        organisation=_national_organisation(actor, mechanism.country_id),
        details={"country": mechanism.country_id},
    )
    return mechanism
