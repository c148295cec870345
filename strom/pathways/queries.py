"""Reads for the local referral mechanism. Anything outside a person's reach answers 404."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from strom.accounts.access import Access
from strom.accounts.models import Country, Municipality, Organisation
from strom.accounts.queries import organisations_serving
from strom.accounts.roles import Perm
from strom.core.access import refuse
from strom.core.text import other_language
from strom.directory.models import Availability, NeedTerm, Service
from strom.directory.queries import serving
from strom.pathways import country_rules, health
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


def need_names() -> dict[str, str]:
    """The need taxonomy's names in the active language, by code, in one query (for comparisons)."""
    return {need.code: need.name for need in NeedTerm.objects.all()}


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


def _directory_coverage(pathway: Pathway) -> dict:
    """What the directory offers the pathway's age group, for anyone and per gender, in one query: the
    needs met, and the organisations with an unconditional service meeting the need for accommodation.
    A shelter only for women does not cover men, and a service only for adults does not cover children."""
    # Services working in the municipality, a national shelter or hotline among them (issue 9).
    # A help that could only be offered if asked is no one to refer a person to today.
    services = Service.objects.filter(
        serving(pathway.municipality_id), status=Service.Status.ACTIVE, availability=Availability.EXISTING
    )
    if pathway.audience == Audience.CHILDREN:
        services = services.filter(Q(serves_children=True) | Q(serves_unaccompanied_children=True))
    else:
        services = services.filter(serves_adults=True)
    rows = Service.needs.through.objects.filter(service__in=services).values_list(
        "needterm_id",
        "service__organisation_id",
        "service__is_unconditional",
        "service__serves_women",
        "service__serves_men",
    )
    met: dict[str | None, set[str]] = {None: set(), health.WOMEN: set(), health.MEN: set()}
    shelters: dict[str | None, set[str]] = {None: set(), health.WOMEN: set(), health.MEN: set()}
    for need, organisation_id, unconditional, women, men in rows:
        served = [None] + [gender for gender, serves in ((health.WOMEN, women), (health.MEN, men)) if serves]
        for gender in served:
            met[gender].add(need)
            if need == health.ACCOMMODATION and unconditional:
                shelters[gender].add(str(organisation_id))
    return {
        "needs_in_directory": frozenset(met[None]),
        "unconditional_accommodation": frozenset(shelters[None]),
        "needs_in_directory_by_gender": {g: frozenset(met[g]) for g in health.GENDERS},
        "unconditional_accommodation_by_gender": {g: frozenset(shelters[g]) for g in health.GENDERS},
    }


def _municipal_organisations(pathway: Pathway, data: PathwayData | None) -> frozenset[str]:
    """The organisations named in the pathway's steps that belong to a municipality, in one query."""
    if data is not None:
        named = Organisation.objects.filter(pk__in=[org.id for org in data.organisations()])
    else:
        steps = Step.objects.filter(stage__pathway=pathway)
        named = Organisation.objects.filter(
            Q(pk__in=steps.values("responsible_id")) | Q(pk__in=steps.values("backup_id"))
        )
    return frozenset(str(org.pk) for org in named.only("kind", "municipality_id") if org.is_municipal)


def health_context(pathway: Pathway, data: PathwayData | None = None) -> health.Context:
    """Everything the health check reads besides the pathway itself, in a fixed number of queries."""
    today = timezone.localdate()
    skip = CHILD_ONLY_NEEDS if pathway.audience == Audience.ADULTS else frozenset()
    taxonomy = tuple((need.code, need.name) for need in NeedTerm.objects.all() if need.code not in skip)
    rules = national_mechanism_of(pathway.municipality.country_id)
    return health.Context(
        today=today,
        taxonomy=taxonomy,
        agreements=_agreement_facts(pathway.municipality_id, today),
        municipal_organisations=_municipal_organisations(pathway, data),
        national_rules_missing=tuple(country_rules.missing_rules(rules)),
        national_rules_unverified=tuple(country_rules.unverified_rules(rules)),
        **_directory_coverage(pathway),
    )


def health_of(pathway: Pathway, data: PathwayData | None = None) -> list[health.Problem]:
    data = data or from_draft(pathway)
    return health.check(data, health_context(pathway, data))


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
        .prefetch_related("parties", "steps", "steps__stage__pathway", "needs")
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
    return national_mechanism_of(country.pk)


def national_mechanism_of(country_id) -> NationalMechanism | None:
    """The country's referral mechanism and rules, or None where the national coordinator has not
    filled them in (templates, cards and the health check then say so)."""
    return NationalMechanism.objects.filter(country_id=country_id).first()


@dataclass(frozen=True)
class CountryRules:
    """What pathways/_country_rules.html shows (the pathway page, the card): the country's rules and
    the reflection period for each group of people. The national coordinator most likely writes in
    the country's language: rules_lang marks those texts for screen readers on a page in another."""

    country: Country
    rules: NationalMechanism | None
    reflections: list
    rules_lang: str


def country_rules_of(country: Country) -> CountryRules:
    """For a country the caller has already been allowed to read (its pathway or national page)."""
    rules = national_mechanism(country)
    written = country_rules.language_of(country.pk, translation.get_language() or "")
    return CountryRules(country, rules, country_rules.reflection_by_group(rules), other_language(written))
