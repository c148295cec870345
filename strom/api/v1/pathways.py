"""The local referral mechanism over the API: the same queries, predicates and actions as the pages."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from strom.api.v1.paging import LimitOffset, Paged
from strom.api.v1.schemas import Code, ErrorOut
from strom.core.access import refuse
from strom.core.text import DESCRIPTION_MAX
from strom.pathways import actions, queries
from strom.pathways.country_rules import language_of
from strom.pathways.forms import AgreementForm, StepForm
from strom.pathways.models import Agreement, Pathway, Step
from strom.pathways.structure import PathwayData

router = Router(tags=["pathways"])


class OrgRefOut(Schema):
    id: UUID
    name: str


class StepOut(Schema):
    id: UUID
    title: str
    description: str
    responsible: OrgRefOut | None
    backup: OrgRefOut | None
    contact_function: str
    contact_phone: str
    contact_reachable_24_7: bool
    requires_24_7: bool
    max_response_hours: int | None
    needs: list[str]
    for_adults: bool
    for_children: bool
    for_nationals: bool
    for_foreign_nationals: bool
    handover: str
    decision: str
    legal_basis: str


class StageOut(Schema):
    phase: str
    note: str
    steps: list[StepOut]


class ProblemOut(Schema):
    code: str
    severity: str
    message: str
    step: UUID | None
    agreement: UUID | None
    need: str | None


class PathwaySummaryOut(Schema):
    id: UUID
    municipality: UUID
    municipality_name: str
    audience: str
    title: str
    language: str = Field(description="The language the pathway's texts are written in.")
    published_version: int | None


class PathwayOut(PathwaySummaryOut):
    draft: list[StageOut]
    health: list[ProblemOut]


class VersionOut(Schema):
    pathway: UUID
    number: int
    published_at: datetime
    note: str
    stages: list[StageOut]


class AgreementOut(Schema):
    id: UUID
    municipality: UUID
    title: str
    parties: list[OrgRefOut]
    steps: list[UUID]
    needs: list[str]
    signed_on: date | None
    valid_from: date | None
    valid_until: date | None
    status: str
    has_document: bool


def _stages(data: PathwayData) -> list[dict]:
    from dataclasses import asdict

    return [asdict(stage) for stage in data.stages]


def _summary(pathway: Pathway, number: int | None) -> dict:
    return {
        "id": pathway.pk,
        "municipality": pathway.municipality_id,
        "municipality_name": pathway.municipality.name,
        "audience": pathway.audience,
        "title": pathway.title,
        "language": pathway.language,
        "published_version": number,
    }


@router.get(
    "/pathways", response={200: list[PathwaySummaryOut], 404: ErrorOut}, summary="Pathways within reach"
)
@paginate(LimitOffset)
def pathway_list(request: HttpRequest):
    pathways = queries.pathways_visible_to(request.access).order_by(
        "municipality__country__name", "municipality__name", "audience", "pk"
    )
    return Paged(pathways, build_page=_summaries)


def _summaries(pathways: list[Pathway]) -> list[dict]:
    latest = queries.latest_numbers([p.pk for p in pathways])
    return [_summary(pathway, latest.get(pathway.pk)) for pathway in pathways]


@router.get(
    "/pathways/{pathway_id}",
    response={200: PathwayOut, 404: ErrorOut},
    summary="A pathway's draft and health",
)
def pathway_detail(request: HttpRequest, pathway_id: UUID):
    return _pathway_out(queries.get_pathway_for(request.access, pathway_id))


def _pathway_out(pathway: Pathway) -> dict:
    data = queries.draft_of(pathway)
    latest = queries.latest_version(pathway)
    problems = [
        {
            "code": p.code,
            "severity": p.severity,
            "message": p.message,
            "step": p.step_id,
            "agreement": p.agreement_id,
            "need": p.need,
        }
        for p in queries.health_of(pathway, data)
    ]
    return {
        **_summary(pathway, latest.number if latest else None),
        "draft": _stages(data),
        "health": problems,
    }


Language = Literal["en", "et", "lv", "lt", "ru"]  # settings.LANGUAGES (tests/test_pathway_language.py)


class PathwayIn(Schema):
    municipality: UUID
    audience: Literal["adults", "children"]
    source: UUID | None = Field(
        None,
        description="A pathway whose latest published version is copied instead of Strom's template; "
        "the copy keeps the language it was written in.",
    )
    language: Language | None = Field(
        None,
        description="The language to fill the template's texts in; by default the official language "
        "of the municipality's country, where Strom has it, else the caller's.",
    )


@router.post(
    "/pathways",
    response={201: PathwayOut, 400: ErrorOut, 404: ErrorOut},
    summary="Start a pathway from a template or a copy",
)
def pathway_create(request: HttpRequest, payload: PathwayIn):
    municipality = queries.editable_municipalities(request.access).filter(pk=payload.municipality).first()
    if municipality is None:
        raise refuse(actor=request.auth, object_type="pathways.pathway", object_id="new")
    source = None
    if payload.source is not None:
        source = queries.templates_and_sources(request.access).filter(pathway_id=payload.source).first()
        if source is None:
            raise refuse(actor=request.auth, object_type="pathways.pathway", object_id=payload.source)
        if source.pathway.audience != payload.audience:
            raise HttpError(400, _("Choose a pathway for the same group, or the template."))
    fallback = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    try:
        pathway = actions.do_create_pathway(
            actor=request.auth,
            municipality=municipality,
            audience=payload.audience,
            source=source,
            language=payload.language or language_of(municipality.country_id, fallback),
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    return 201, _pathway_out(queries.get_pathway_for(request.access, pathway.pk))


@router.get(
    "/pathways/{pathway_id}/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    summary="A published version",
)
def version_detail(request: HttpRequest, pathway_id: UUID, number: int):
    version = queries.get_version_for(request.access, pathway_id, number)
    return {
        "pathway": version.pathway_id,
        "number": version.number,
        "published_at": version.published_at,
        "note": version.note,
        "stages": _stages(queries.version_data(version)),
    }


@router.post(
    "/pathways/{pathway_id}/versions",
    response={201: VersionOut, 400: ErrorOut, 404: ErrorOut},
    summary="Publish the draft",
)
def pathway_publish(request: HttpRequest, pathway_id: UUID, note: str = Query("", max_length=300)):
    """Publish the draft as the next version; `note` says what changed (at most 300 characters)."""
    pathway = queries.get_pathway_for(request.access, pathway_id, for_write=True)
    try:
        version = actions.do_publish_pathway(actor=request.auth, pathway=pathway, note=note)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error
    return 201, {
        "pathway": pathway.pk,
        "number": version.number,
        "published_at": version.published_at,
        "note": version.note,
        "stages": _stages(queries.version_data(version)),
    }


def _agreement_out(agreement: Agreement) -> dict:
    return {
        "id": agreement.pk,
        "municipality": agreement.municipality_id,
        "title": agreement.title,
        "parties": [{"id": p.pk, "name": p.name} for p in agreement.parties.all()],
        "steps": [s.pk for s in agreement.steps.all()],
        "needs": [n.code for n in agreement.needs.all()],
        "signed_on": agreement.signed_on,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "status": agreement.effective_status(),
        "has_document": bool(agreement.document),
    }


@router.get(
    "/agreements", response={200: list[AgreementOut], 404: ErrorOut}, summary="Agreements within reach"
)
@paginate(LimitOffset)
def agreement_list(request: HttpRequest):
    agreements = queries.agreements_visible_to(request.access).prefetch_related("steps", "needs")
    return Paged(agreements.order_by("municipality__name", "title", "pk"), _agreement_out)


@router.get(
    "/agreements/{agreement_id}", response={200: AgreementOut, 404: ErrorOut}, summary="One agreement"
)
def agreement_detail(request: HttpRequest, agreement_id: UUID):
    return _agreement_out(queries.get_agreement_for(request.access, agreement_id))


# --- Editing the draft and the agreements: validated by the pages' own forms --------------------


class StepIn(Schema):
    pathway: UUID
    phase: Literal["identification", "first_assistance", "long_term", "return", "proceedings"]
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    position: int = Field(0, ge=0, le=1000)
    responsible: UUID | None = None
    backup: UUID | None = None
    contact_function: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    contact_reachable_24_7: bool = False
    requires_24_7: bool = False
    max_response_hours: int | None = Field(None, ge=0, le=8760)
    needs: list[Code] = Field([], max_length=100)
    for_adults: bool = True
    for_children: bool = False
    for_nationals: bool = True
    for_foreign_nationals: bool = True
    handover: Literal["", "national", "transnational"] = ""
    decision: Literal["", "reasonable_grounds", "identification", "stay"] = ""
    legal_basis: str = Field("", max_length=300)


class StepSavedOut(StepOut):
    pathway: UUID
    phase: str


def _form_errors(form) -> HttpError:
    """One readable line per field, in the caller's language, as the page would show them."""
    lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
    return HttpError(400, " ".join(lines))


def _step_out(step: Step) -> dict:
    def ref(org):
        return {"id": org.pk, "name": org.name} if org else None

    return {
        **{
            name: getattr(step, name)
            for name in StepOut.model_fields
            if name not in {"responsible", "backup", "needs", "id"}
        },
        "id": step.pk,
        "responsible": ref(step.responsible),
        "backup": ref(step.backup),
        "needs": sorted(n.code for n in step.needs.all()),
        "pathway": step.stage.pathway_id,
        "phase": step.stage.phase,
    }


def _save_step(request, step: Step, payload: StepIn) -> Step:
    data = payload.dict(exclude={"pathway", "phase"})
    data["responsible"] = str(data["responsible"] or "")
    data["backup"] = str(data["backup"] or "")
    if data["max_response_hours"] is None:
        data["max_response_hours"] = ""
    form = StepForm(
        data=data, instance=step, partners=queries.partner_organisations(step.stage.pathway.municipality)
    )
    if not form.is_valid():
        raise _form_errors(form)
    return actions.do_save_step(actor=request.auth, step=form.instance, needs=form.cleaned_data["needs"])


@router.post(
    "/steps", response={201: StepSavedOut, 400: ErrorOut, 404: ErrorOut}, summary="Add a step to a draft"
)
def step_create(request: HttpRequest, payload: StepIn):
    pathway = queries.get_pathway_for(request.access, payload.pathway, for_write=True)
    stage = pathway.stages.filter(phase=payload.phase).first()
    if stage is None:
        raise HttpError(400, "The pathway has no such stage.")
    stage.pathway = pathway
    step = _save_step(request, Step(stage=stage), payload)
    return 201, _step_out(step)


@router.put(
    "/steps/{uuid:step_id}",
    response={200: StepSavedOut, 400: ErrorOut, 404: ErrorOut},
    summary="Change a step",
)
def step_update(request: HttpRequest, step_id: UUID, payload: StepIn):
    step = queries.get_step_for(request.access, step_id)
    if payload.pathway != step.stage.pathway_id or payload.phase != step.stage.phase:
        raise HttpError(400, "A step stays in its pathway and stage; add a new one elsewhere instead.")
    return _step_out(_save_step(request, step, payload))


@router.delete(
    "/steps/{uuid:step_id}", response={204: None, 404: ErrorOut}, summary="Remove a step from a draft"
)
def step_delete(request: HttpRequest, step_id: UUID):
    actions.do_delete_step(actor=request.auth, step=queries.get_step_for(request.access, step_id))
    return 204, None


class AgreementIn(Schema):
    municipality: UUID
    title: str = Field(min_length=1, max_length=200)
    parties: list[UUID] = Field(max_length=100)
    steps: list[UUID] = Field([], max_length=500)
    needs: list[Code] = Field([], max_length=100)
    signed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    status: Literal["draft", "active", "terminated"] = "draft"


def _save_agreement(request, agreement: Agreement, payload: AgreementIn) -> Agreement:
    data = payload.dict(exclude={"municipality"})
    data["parties"] = [str(p) for p in data["parties"]]
    data["steps"] = [str(s) for s in data["steps"]]
    for name in ("signed_on", "valid_from", "valid_until"):
        data[name] = data[name].isoformat() if data[name] else ""
    form = AgreementForm(
        data=data,
        instance=agreement,
        partners=queries.partner_organisations(agreement.municipality),
        steps=queries.steps_of_municipality(agreement.municipality_id),
    )
    if not form.is_valid():
        raise _form_errors(form)
    clean = form.cleaned_data
    try:
        return actions.do_save_agreement(
            actor=request.auth,
            agreement=form.instance,
            parties=list(clean["parties"]),
            steps=list(clean["steps"]),
            needs=list(clean["needs"]),
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from error


@router.post(
    "/agreements", response={201: AgreementOut, 400: ErrorOut, 404: ErrorOut}, summary="Record an agreement"
)
def agreement_create(request: HttpRequest, payload: AgreementIn):
    municipality = queries.editable_municipalities(request.access).filter(pk=payload.municipality).first()
    if municipality is None:
        raise refuse(actor=request.auth, object_type="pathways.agreement", object_id="new")
    agreement = _save_agreement(request, Agreement(municipality=municipality), payload)
    return 201, _agreement_out(queries.get_agreement_for(request.access, agreement.pk))


@router.put(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, 400: ErrorOut, 404: ErrorOut},
    summary="Change an agreement",
)
def agreement_update(request: HttpRequest, agreement_id: UUID, payload: AgreementIn):
    agreement = queries.get_agreement_for(request.access, agreement_id, for_write=True)
    if payload.municipality != agreement.municipality_id:
        raise HttpError(400, "An agreement stays in its municipality.")
    _save_agreement(request, agreement, payload)
    return _agreement_out(queries.get_agreement_for(request.access, agreement_id))
