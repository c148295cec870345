"""The local referral mechanism over the API: the same queries, predicates and actions as the pages."""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from strom.pathways import actions, queries
from strom.pathways.models import Agreement, Pathway
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
        "published_version": number,
    }


@router.get("/pathways", response=list[PathwaySummaryOut])
def pathway_list(request: HttpRequest):
    pathways = list(queries.pathways_visible_to(request.auth))
    latest = queries.latest_numbers([p.pk for p in pathways])
    return [_summary(pathway, latest.get(pathway.pk)) for pathway in pathways]


@router.get("/pathways/{pathway_id}", response=PathwayOut)
def pathway_detail(request: HttpRequest, pathway_id: UUID):
    pathway = queries.get_pathway_for_user(request.auth, pathway_id)
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


@router.get("/pathways/{pathway_id}/versions/{number}", response=VersionOut)
def version_detail(request: HttpRequest, pathway_id: UUID, number: int):
    version = queries.get_version_for_user(request.auth, pathway_id, number)
    return {
        "pathway": version.pathway_id,
        "number": version.number,
        "published_at": version.published_at,
        "note": version.note,
        "stages": _stages(queries.version_data(version)),
    }


@router.post("/pathways/{pathway_id}/versions", response={201: VersionOut})
def pathway_publish(request: HttpRequest, pathway_id: UUID, note: str = ""):
    """Publish the draft as the next version; `note` says what changed (at most 300 characters)."""
    pathway = queries.get_pathway_for_user(request.auth, pathway_id, for_write=True)
    try:
        version = actions.do_publish_pathway(actor=request.auth, pathway=pathway, note=note[:300])
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
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


@router.get("/agreements", response=list[AgreementOut])
def agreement_list(request: HttpRequest):
    agreements = queries.agreements_visible_to(request.auth).prefetch_related("steps", "needs")
    return [_agreement_out(agreement) for agreement in agreements]


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def agreement_detail(request: HttpRequest, agreement_id: UUID):
    return _agreement_out(queries.get_agreement_for_user(request.auth, agreement_id))
