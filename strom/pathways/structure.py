"""A pathway as plain data, the same whether it comes from the draft tables or a published snapshot.

The health check, the diagram, the card and the comparison of versions all read this form, so they
work alike on the draft being edited and on any version published before.
"""

from dataclasses import asdict, dataclass, field

from strom.pathways.models import PHASE_ORDER

SNAPSHOT_SCHEMA = 1


@dataclass(frozen=True)
class OrgRef:
    id: str
    name: str


@dataclass(frozen=True)
class StepData:
    id: str
    title: str
    description: str = ""
    responsible: OrgRef | None = None
    backup: OrgRef | None = None
    contact_function: str = ""
    contact_phone: str = ""
    contact_reachable_24_7: bool = False
    requires_24_7: bool = False
    max_response_hours: int | None = None
    needs: tuple[str, ...] = ()
    for_adults: bool = True
    for_children: bool = False
    for_nationals: bool = True
    for_foreign_nationals: bool = True
    handover: str = ""
    decision: str = ""
    legal_basis: str = ""


@dataclass(frozen=True)
class StageData:
    phase: str
    note: str = ""
    steps: tuple[StepData, ...] = ()


@dataclass(frozen=True)
class PathwayData:
    title: str
    audience: str
    municipality: OrgRef
    stages: tuple[StageData, ...] = field(default_factory=tuple)

    def all_steps(self) -> list[tuple[StageData, StepData]]:
        return [(stage, step) for stage in self.stages for step in stage.steps]

    def organisations(self) -> list[OrgRef]:
        """Every organisation named in a step, responsible first, in pathway order, once each."""
        seen: dict[str, OrgRef] = {}
        for _stage, step in self.all_steps():
            for org in (step.responsible, step.backup):
                if org is not None and org.id not in seen:
                    seen[org.id] = org
        return list(seen.values())


def to_snapshot(data: PathwayData) -> dict:
    snapshot = asdict(data)
    snapshot["schema"] = SNAPSHOT_SCHEMA
    return snapshot


def _org(value) -> OrgRef | None:
    return OrgRef(**value) if value else None


def from_snapshot(snapshot: dict) -> PathwayData:
    stages = []
    for stage in snapshot["stages"]:
        steps = tuple(
            StepData(
                **{
                    **step,
                    "responsible": _org(step.get("responsible")),
                    "backup": _org(step.get("backup")),
                    "needs": tuple(step.get("needs", ())),
                }
            )
            for step in stage["steps"]
        )
        stages.append(StageData(phase=stage["phase"], note=stage.get("note", ""), steps=steps))
    return PathwayData(
        title=snapshot["title"],
        audience=snapshot["audience"],
        municipality=OrgRef(**snapshot["municipality"]),
        stages=tuple(stages),
    )


def _ref(organisation) -> OrgRef | None:
    return OrgRef(str(organisation.pk), organisation.name) if organisation else None


def from_draft(pathway) -> PathwayData:
    """Read the draft in three queries, whatever its size: stages, steps with organisations, needs."""
    from django.db.models import Prefetch

    from strom.pathways.models import Step

    steps = Step.objects.select_related("responsible", "backup").prefetch_related("needs")
    stages = sorted(
        pathway.stages.prefetch_related(Prefetch("steps", queryset=steps)), key=lambda s: s.position
    )
    return PathwayData(
        title=pathway.title,
        audience=pathway.audience,
        municipality=OrgRef(str(pathway.municipality_id), pathway.municipality.name),
        stages=tuple(
            StageData(
                phase=stage.phase,
                note=stage.note,
                steps=tuple(
                    StepData(
                        id=str(step.pk),
                        title=step.title,
                        description=step.description,
                        responsible=_ref(step.responsible),
                        backup=_ref(step.backup),
                        contact_function=step.contact_function,
                        contact_phone=step.contact_phone,
                        contact_reachable_24_7=step.contact_reachable_24_7,
                        requires_24_7=step.requires_24_7,
                        max_response_hours=step.max_response_hours,
                        needs=tuple(sorted(need.code for need in step.needs.all())),
                        for_adults=step.for_adults,
                        for_children=step.for_children,
                        for_nationals=step.for_nationals,
                        for_foreign_nationals=step.for_foreign_nationals,
                        handover=step.handover,
                        decision=step.decision,
                        legal_basis=step.legal_basis,
                    )
                    for step in stage.steps.all()
                ),
            )
            for stage in stages
        ),
    )


# --- Comparing two versions -----------------------------------------------------------------------

COMPARED_FIELDS = [name for name in StepData.__dataclass_fields__ if name != "id"]


@dataclass(frozen=True)
class FieldChange:
    """One field of a step before and after, as stored: organisations as OrgRef (with their name),
    needs as taxonomy codes, hand-over and decision as their codes, the phase as its code. Turning
    these into words is the page's job (strom/pathways/templatetags/pathways.py)."""

    name: str
    before: object
    after: object


@dataclass(frozen=True)
class StepChange:
    kind: str  # "added", "removed" or "changed"
    phase: str
    title: str
    changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.name for change in self.changes)


def _field_changes(old_phase: str, old: StepData, phase: str, new: StepData) -> tuple[FieldChange, ...]:
    changes = [FieldChange("phase", old_phase, phase)] if old_phase != phase else []
    for name in COMPARED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


def compare(older: PathwayData, newer: PathwayData) -> list[StepChange]:
    """What changed from one version to the next, step by step (a step keeps its id across edits),
    with each changed field's old and new value."""
    before = {step.id: (stage.phase, step) for stage, step in older.all_steps()}
    after = {step.id: (stage.phase, step) for stage, step in newer.all_steps()}
    changes = []
    for step_id, (phase, step) in after.items():
        if step_id not in before:
            changes.append(StepChange("added", phase, step.title))
            continue
        old_phase, old = before[step_id]
        fields = _field_changes(old_phase, old, phase, step)
        if fields:
            changes.append(StepChange("changed", phase, step.title, fields))
    for step_id, (phase, step) in before.items():
        if step_id not in after:
            changes.append(StepChange("removed", phase, step.title))
    changes.sort(key=lambda change: (PHASE_ORDER.index(change.phase), change.kind, change.title))
    return changes
