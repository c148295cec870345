"""Reads for the local referral mechanism. Anything outside a person's reach answers 404."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from strom.accounts.access import Access
from strom.accounts.models import Country, Municipality, Organisation
from strom.accounts.queries import organisations_serving
from strom.accounts.roles import Perm
from strom.core.access import refuse
from strom.directory.models import Availability, NeedTerm, Service
from strom.directory.queries import serving
from strom.pathways import health
from strom.pathways import permissions as can
from strom.pathways.models import (
    PHASE_ORDER,
    Agreement,
    Audience,
    NationalMechanism,
    Pathway,
    PathwayVersion,
    Stage,
    Step,
)
from strom.pathways.structure import PathwayData, from_draft, from_snapshot

# Needs that only children have; an adults' pathway is not faulted for leaving them out. Education is
# not among them: since need taxonomy 2026.2 it covers the children of adult victims too.
CHILD_ONLY_NEEDS = frozenset({"child_protection"})


def _visible_municipalities(access: Access) -> Q:
    member_of = {seat.municipality_id for seat in access.seats if seat.municipality_id}
    countries = access.countries_with(Perm.VIEW_COUNTRY_PATHWAYS)
    return Q(municipality_id__in=member_of) | Q(municipality__country_id__in=countries)


def pathways_visible_to(access: Access) -> QuerySet[Pathway]:
    latest = PathwayVersion.objects.filter(pathway=OuterRef("pk"))
    return (
        Pathway.objects.filter(_visible_municipalities(access))
        .select_related("municipality", "municipality__country")
        .annotate(has_version=Exists(latest))
        .order_by("municipality__country__name", "municipality__name", "audience")
    )


def editable_municipalities(access: Access) -> QuerySet[Municipality]:
    ids = access.municipalities_with(Perm.EDIT_PATHWAYS)
    return Municipality.objects.filter(pk__in=ids).select_related("country")


def get_pathway_for(access: Access, pathway_id, *, for_write: bool = False) -> Pathway:
    pathway = (
        Pathway.objects.select_related("municipality", "municipality__country").filter(pk=pathway_id).first()
    )
    allowed = pathway is not None and (
        can.can_edit_pathways_of(access, pathway.municipality_id)
        if for_write
        else can.can_view_pathways_of(access, pathway.municipality_id, pathway.municipality.country_id)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="pathways.pathway", object_id=pathway_id)
    return pathway


def get_stage_for(access: Access, stage_id) -> Stage:
    stage = Stage.objects.select_related("pathway", "pathway__municipality").filter(pk=stage_id).first()
    if stage is None or not can.can_edit_pathways_of(access, stage.pathway.municipality_id):
        raise refuse(actor=access.user, object_type="pathways.stage", object_id=stage_id)
    return stage


def get_step_for(access: Access, step_id) -> Step:
    """Steps are only ever opened to be changed: reading goes through the pathway."""
    step = (
        Step.objects.select_related("stage", "stage__pathway", "stage__pathway__municipality")
        .filter(pk=step_id)
        .first()
    )
    if step is None or not can.can_edit_pathways_of(access, step.stage.pathway.municipality_id):
        raise refuse(actor=access.user, object_type="pathways.step", object_id=step_id)
    return step


def get_version_for(access: Access, pathway_id, number: int) -> PathwayVersion:
    pathway = get_pathway_for(access, pathway_id)
    version = pathway.versions.select_related("published_by").filter(number=number).first()
    if version is None:
        raise refuse(
            actor=access.user, object_type="pathways.pathwayversion", object_id=f"{pathway_id}/{number}"
        )
    version.pathway = pathway
    return version


def latest_version(pathway: Pathway) -> PathwayVersion | None:
    return pathway.versions.select_related("published_by").order_by("-number").first()


def latest_numbers(pathway_ids) -> dict:
    """The latest published version number of each pathway, in one query."""
    from django.db.models import Max

    rows = (
        PathwayVersion.objects.filter(pathway_id__in=pathway_ids)
        .values("pathway_id")
        .annotate(n=Max("number"))
    )
    return {row["pathway_id"]: row["n"] for row in rows}


def versions_of(pathway: Pathway) -> QuerySet[PathwayVersion]:
    return pathway.versions.select_related("published_by").order_by("-number")


def draft_of(pathway: Pathway) -> PathwayData:
    return from_draft(pathway)


def version_data(version: PathwayVersion) -> PathwayData:
    return from_snapshot(version.snapshot)


def templates_and_sources(access: Access) -> QuerySet[PathwayVersion]:
    """Published pathways a coordinator may copy: the latest version of every pathway they can read."""
    newest = (
        PathwayVersion.objects.filter(pathway=OuterRef("pathway")).order_by("-number").values("number")[:1]
    )
    return (
        PathwayVersion.objects.filter(pathway__in=pathways_visible_to(access).values("pk"))
        .filter(number=newest)
        .select_related("pathway", "pathway__municipality")
        .order_by("pathway__municipality__name", "pathway__audience")
    )


def partner_organisations(municipality: Municipality) -> QuerySet[Organisation]:
    """Who can take on a step or sign an agreement: the active organisations that work in the
    municipality (based there, granted by its coordinators, or appointed for its whole country). A
    national organisation without an appointment, such as the platform's operator, does not."""
    return organisations_serving([municipality.pk]).order_by("name")


# --- Health check -------------------------------------------------------------------------------


def _agreement_facts(municipality_id, today) -> tuple[health.AgreementFacts, ...]:
    agreements = Agreement.objects.filter(municipality_id=municipality_id).prefetch_related(
        "parties", "steps", "needs"
    )
    return tuple(
        health.AgreementFacts(
            id=str(agreement.pk),
            title=agreement.title,
            party_ids=frozenset(str(p.pk) for p in agreement.parties.all()),
            step_ids=frozenset(str(s.pk) for s in agreement.steps.all()),
            needs=frozenset(n.code for n in agreement.needs.all()),
            in_force=agreement.is_in_force(today),
            valid_until=agreement.valid_until,
        )
        for agreement in agreements
    )


def health_context(pathway: Pathway) -> health.Context:
    today = timezone.localdate()
    # Services working in the municipality, a national shelter or hotline among them (issue 9).
    # A help that could only be offered if asked is no one to refer a person to today.
    services = Service.objects.filter(
        serving(pathway.municipality_id), status=Service.Status.ACTIVE, availability=Availability.EXISTING
    )
    met = set(
        Service.needs.through.objects.filter(service__in=services).values_list("needterm_id", flat=True)
    )
    shelters = services.filter(is_unconditional=True, needs__code=health.ACCOMMODATION)
    skip = CHILD_ONLY_NEEDS if pathway.audience == Audience.ADULTS else frozenset()
    taxonomy = tuple((need.code, need.name) for need in NeedTerm.objects.all() if need.code not in skip)
    return health.Context(
        today=today,
        taxonomy=taxonomy,
        agreements=_agreement_facts(pathway.municipality_id, today),
        needs_in_directory=frozenset(met),
        unconditional_accommodation=frozenset(
            str(o) for o in shelters.values_list("organisation_id", flat=True)
        ),
    )


def health_of(pathway: Pathway, data: PathwayData | None = None) -> list[health.Problem]:
    return health.check(data or from_draft(pathway), health_context(pathway))


# --- Agreements ---------------------------------------------------------------------------------


def agreements_visible_to(access: Access) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(_visible_municipalities(access))
        .select_related("municipality")
        .prefetch_related(Prefetch("parties", queryset=Organisation.objects.order_by("name")))
        .order_by("municipality__name", "title")
    )


def get_agreement_for(access: Access, agreement_id, *, for_write: bool = False) -> Agreement:
    agreement = (
        Agreement.objects.select_related("municipality")
        .prefetch_related("parties", "steps", "steps__stage", "needs")
        .filter(pk=agreement_id)
        .first()
    )
    allowed = agreement is not None and (
        can.can_edit_pathways_of(access, agreement.municipality_id)
        if for_write
        else can.can_view_pathways_of(access, agreement.municipality_id, agreement.municipality.country_id)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="pathways.agreement", object_id=agreement_id)
    return agreement


def may_read_document(access: Access, agreement: Agreement) -> bool:
    party_ids = [party.pk for party in agreement.parties.all()]
    return can.can_read_agreement_document(access, agreement.municipality_id, party_ids)


def get_agreement_document_for(access: Access, agreement_id) -> Agreement:
    agreement = get_agreement_for(access, agreement_id)
    if not agreement.document or not may_read_document(access, agreement):
        raise refuse(actor=access.user, object_type="pathways.agreement.document", object_id=agreement_id)
    return agreement


def steps_of_municipality(municipality_id) -> QuerySet[Step]:
    """In pathway order: the group, then the stages as the referral phases follow each other."""
    from django.db.models import Case, IntegerField, Value, When

    phase_order = Case(
        *(When(stage__phase=phase, then=Value(index)) for index, phase in enumerate(PHASE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Step.objects.filter(stage__pathway__municipality_id=municipality_id)
        .select_related("stage", "stage__pathway")
        .annotate(phase_order=phase_order)
        .order_by("stage__pathway__audience", "phase_order", "position", "title")
    )


# --- National referral mechanism ----------------------------------------------------------------


def get_country_for(access: Access, country_code: str, *, for_write: bool = False) -> Country:
    country = Country.objects.filter(pk=country_code.upper()).first()
    allowed = country is not None and (
        can.can_edit_national_mechanism(access, country.pk)
        if for_write
        else can.can_view_national_mechanism(access, country.pk)
    )
    if not allowed:
        raise refuse(actor=access.user, object_type="accounts.country", object_id=country_code)
    return country


def countries_of(access: Access) -> list[Country]:
    codes = {seat.country_code for seat in access.seats}
    return list(Country.objects.filter(pk__in=codes))


def national_mechanism(country: Country) -> NationalMechanism | None:
    return NationalMechanism.objects.filter(country=country).first()
