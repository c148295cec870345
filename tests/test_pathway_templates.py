"""The shipped pathway templates: who decides, whom each step serves, what it covers and cites."""

import pytest

from strom.accounts.models import MAY_BE_MUNICIPAL_KINDS, Organisation, OrganisationArea
from strom.accounts.roles import Role
from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms, taxonomy
from strom.pathways import actions
from strom.pathways.blueprints import (
    ADULTS,
    BLUEPRINTS,
    CHILDREN,
    IDENTIFYING,
    IDENTIFYING_DEFAULT,
    Blueprint,
    StepBlueprint,
)
from strom.pathways.country_rules import coe
from strom.pathways.models import (
    Audience,
    Decision,
    Handover,
    NationalMechanism,
    Pathway,
    Phase,
    Stage,
    Step,
)
from tests.factories import OrganisationFactory

Kind = Organisation.Kind
TEMPLATES = list(BLUEPRINTS.values())
DECISIONS = [decision for decision in Decision if decision != Decision.NONE]

RG_TITLE = "Decision on reasonable grounds by the competent authority"
IDENTIFICATION_TITLE = "Formal identification by the competent authority"
REFLECTION_TITLE = "Request the reflection period from the migration authority"
SCREENING_TITLE = "Preliminary screening with the operational indicators"
CRIME_REPORT_TITLE = "Report the crime, only if the person agrees"
CHILD_INTERVIEW_TITLE = "A child-friendly interview, with the guardian present"
OUTBOUND = {
    Audience.ADULTS: ["Safe return and reintegration, if the person wishes"],
    Audience.CHILDREN: ["Family tracing and return, only in the child's best interests"],
}
INBOUND = {
    Audience.ADULTS: [
        "Contact the embassy or the referral mechanism abroad",
        "Meet the person on arrival",
        "A safe place to stay after the return",
        "Replace missing identity documents",
        "Register the place of residence",
        "Reintegration in the home municipality",
    ],
    Audience.CHILDREN: [
        "Contact the authorities abroad about the child's return",
        "Child protection meets the child on arrival",
        "Reintegration of the child at home or in care",
    ],
}


def _id(value):
    return getattr(value, "audience", None) or str(value)


def _by_title(blueprint: Blueprint) -> dict[str, StepBlueprint]:
    return {str(step.title): step for step in blueprint.all_steps()}


def _create(world, audience, **rules) -> Pathway:
    """A pathway from the template in the world's home municipality (Latvia), under these rules."""
    sync_need_terms(NeedTerm)
    if rules:
        NationalMechanism.objects.create(
            country=world.municipal.country, focal_point="Test focal point", **rules
        )
    return actions.do_create_pathway(
        actor=world[Role.COORDINATOR], municipality=world.municipal.municipality, audience=audience
    )


def _national(world, kind, name) -> Organisation:
    """An organisation of the state, appointed for the whole country."""
    organisation = OrganisationFactory(
        name=name, kind=kind, municipality=None, country=world.municipal.country
    )
    OrganisationArea.objects.create(
        organisation=organisation,
        country=world.municipal.country,
        granted_by=world[Role.NATIONAL_COORDINATOR],
    )
    return organisation


# --- Who decides ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(MAY_BE_MUNICIPAL_KINDS))
@pytest.mark.parametrize("blueprint", TEMPLATES, ids=_id)
def test_it_gives_no_decision_of_the_state_to_a_kind_that_may_be_municipal(blueprint, kind):
    deciding = [step for step in blueprint.all_steps() if step.decision]
    assert deciding
    for step in deciding:
        assert kind not in (step.responsible, step.backup), step.title
    assert IDENTIFYING_DEFAULT not in MAY_BE_MUNICIPAL_KINDS


@pytest.mark.parametrize(
    "decision, title",
    [
        (Decision.REASONABLE_GROUNDS, RG_TITLE),
        (Decision.IDENTIFICATION, IDENTIFICATION_TITLE),
        (Decision.STAY, REFLECTION_TITLE),
    ],
)
@pytest.mark.parametrize("blueprint", TEMPLATES, ids=_id)
def test_it_has_each_decision_of_the_state_at_its_own_step(blueprint, decision, title):
    assert [str(step.title) for step in blueprint.all_steps() if step.decision == decision] == [title]
    assert {step.decision for step in blueprint.all_steps()} >= set(DECISIONS)


@pytest.mark.parametrize("blueprint", TEMPLATES, ids=_id)
def test_it_lets_only_the_identifying_authority_decide_on_victim_status(blueprint):
    steps = _by_title(blueprint)
    for title in (RG_TITLE, IDENTIFICATION_TITLE):
        assert steps[title].responsible == IDENTIFYING
        assert steps[title].backup not in MAY_BE_MUNICIPAL_KINDS
    assert steps[RG_TITLE].handover == Handover.NATIONAL
    # Whatever names the identifying authority takes a decision; nothing else stands in for it.
    assert all(
        step.decision for step in blueprint.all_steps() if IDENTIFYING in (step.responsible, step.backup)
    )
    reflection = steps[REFLECTION_TITLE]
    assert (reflection.responsible, reflection.backup) == (Kind.MIGRATION, Kind.BORDER_GUARD)


def test_it_screens_in_the_municipality_without_deciding():
    screening = _by_title(ADULTS)[SCREENING_TITLE]
    assert screening.decision == Decision.NONE
    assert screening.responsible == Kind.MUNICIPAL_SOCIAL_SERVICES
    phase_of = {str(s.title): phase for phase, steps in ADULTS.steps.items() for s in steps}
    assert (
        phase_of[SCREENING_TITLE]
        == phase_of[RG_TITLE]
        == phase_of[IDENTIFICATION_TITLE]
        == Phase.IDENTIFICATION
    )
    order = [str(s.title) for s in ADULTS.steps[Phase.IDENTIFICATION]]
    assert order.index(SCREENING_TITLE) < order.index(RG_TITLE) < order.index(IDENTIFICATION_TITLE)
    nrm = [s for s in ADULTS.steps[Phase.IDENTIFICATION] if s.responsible == Kind.MUNICIPAL_ADMINISTRATION]
    assert [(s.handover, s.decision) for s in nrm] == [(Handover.NATIONAL, Decision.NONE)]


@pytest.mark.parametrize(
    "blueprint, title, responsible, backup",
    [
        (ADULTS, "Assess the risks and agree a safety plan", Kind.NGO, Kind.MUNICIPAL_SOCIAL_SERVICES),
        (
            ADULTS,
            "Long-term or social housing",
            Kind.MUNICIPAL_SOCIAL_SERVICES,
            Kind.MUNICIPAL_ADMINISTRATION,
        ),
        (
            ADULTS,
            "Take over when the state programme ends",
            Kind.MUNICIPAL_SOCIAL_SERVICES,
            Kind.MUNICIPAL_ADMINISTRATION,
        ),
        (ADULTS, "Recover unpaid wages", Kind.LABOUR_INSPECTORATE, Kind.TRADE_UNION),
        (
            ADULTS,
            "Contact the embassy or the referral mechanism abroad",
            Kind.MUNICIPAL_ADMINISTRATION,
            Kind.NGO,
        ),
        (
            CHILDREN,
            "Appoint a guardian or representative for the child",
            Kind.GUARDIANSHIP_AUTHORITY,
            Kind.CHILD_PROTECTION,
        ),
        (CHILDREN, "If the child goes missing, alert the police at once", Kind.POLICE, Kind.CHILD_PROTECTION),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)
def test_it_gives_each_step_to_the_body_that_does_it(blueprint, title, responsible, backup):
    step = _by_title(blueprint)[title]
    assert (step.responsible, step.backup) == (responsible, backup)


def test_it_lets_the_police_into_the_safety_plan_only_with_consent():
    step = _by_title(ADULTS)["Assess the risks and agree a safety plan"]
    assert Kind.POLICE not in (step.responsible, step.backup)
    assert "police join only if the person agrees" in str(step.description)


def test_it_answers_a_missing_child_at_any_hour():
    step = _by_title(CHILDREN)["If the child goes missing, alert the police at once"]
    assert step.requires_24_7 and step.max_response_hours == 1


def test_it_assigns_identification_to_the_kind_the_country_names(world):
    agency = _national(world, Kind.STATE_VICTIM_SUPPORT, "Test State Victim Support Board")
    police = _national(world, Kind.POLICE, "Test State Police")
    migration = _national(world, Kind.MIGRATION, "Test Migration Board")
    pathway = _create(world, Audience.ADULTS, identifying_kind=Kind.STATE_VICTIM_SUPPORT)
    steps = {step.title: step for step in Step.objects.filter(stage__pathway=pathway)}
    assert steps[RG_TITLE].responsible == steps[IDENTIFICATION_TITLE].responsible == agency
    assert police not in (steps[RG_TITLE].responsible, steps[IDENTIFICATION_TITLE].responsible)
    assert steps[REFLECTION_TITLE].responsible == migration
    assert {step.decision for step in steps.values()} >= set(DECISIONS)
    for step in steps.values():
        step.clean()  # the model's own rule: no municipal organisation decides
        if step.decision:
            assert not any(o and o.is_municipal for o in (step.responsible, step.backup)), step.title


@pytest.mark.parametrize("audience", [Audience.ADULTS, Audience.CHILDREN])
def test_it_leaves_a_decision_empty_where_only_municipal_organisations_exist(world, audience):
    home = world.municipal.municipality
    for kind in (Kind.CHILD_PROTECTION, Kind.GUARDIANSHIP_AUTHORITY, Kind.EDUCATION):
        OrganisationFactory(name=f"Testupe {kind.label}", kind=kind, municipality=home)
    Organisation.objects.filter(pk=world.ngo.pk).update(is_active=False)
    pathway = _create(world, audience)
    steps = Step.objects.filter(stage__pathway=pathway)
    deciding = steps.exclude(decision="")
    assert deciding.count() == 3
    assert not deciding.exclude(responsible=None).exists() and not deciding.exclude(backup=None).exists()
    # The municipality's own organisations do take the steps that are theirs.
    assert steps.filter(decision="", responsible__kind__in=MAY_BE_MUNICIPAL_KINDS).exists()


def test_it_never_fills_a_decision_with_a_municipal_organisation_of_the_named_kind(world):
    """Even a (hand-made) template that names a kind which may be municipal gets, for a decision, only
    an organisation of the state of that kind, or nobody."""
    home = world.municipal.municipality
    OrganisationFactory(name="Testupe Child Protection", kind=Kind.CHILD_PROTECTION, municipality=home)
    deciding = StepBlueprint(
        "Decide",
        "A test decision.",
        Kind.CHILD_PROTECTION,
        Kind.MUNICIPAL_SOCIAL_SERVICES,
        "Desk",
        24,
        decision=Decision.STAY,
    )
    assisting = StepBlueprint("Assist", "A test step.", Kind.CHILD_PROTECTION, None, "Desk", 24)
    blueprint = Blueprint(Audience.CHILDREN, "Test", steps={Phase.IDENTIFICATION: (deciding, assisting)})

    def fill(audience):
        pathway = Pathway.objects.create(municipality=home, audience=audience, title="Test")
        actions.fill_from_blueprint(pathway, blueprint, actions.OrganisationFinder(home), {}, None)
        return {step.title: step for step in Step.objects.filter(stage__pathway=pathway)}

    first = fill(Audience.CHILDREN)
    assert (first["Decide"].responsible, first["Decide"].backup) == (None, None)
    assert first["Assist"].responsible.municipality == home

    agency = _national(world, Kind.CHILD_PROTECTION, "Test State Child Rights Agency")
    second = fill(Audience.ADULTS)
    assert (second["Decide"].responsible, second["Decide"].backup) == (agency, None)


# --- Country rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rules, absent, present",
    [
        ({"bound_by_directive": False}, ("Directive 2011/36/EU",), "CoE"),
        ({"bound_by_convention": False}, ("CoE",), "Directive 2011/36/EU"),
        ({"bound_by_directive": False, "bound_by_convention": False}, ("Directive", "CoE"), "TRM-EU"),
    ],
)
@pytest.mark.parametrize("audience", [Audience.ADULTS, Audience.CHILDREN])
def test_it_cites_only_the_instruments_that_bind_the_country(world, audience, rules, absent, present):
    pathway = _create(world, audience, **rules)
    texts = [
        *Step.objects.filter(stage__pathway=pathway).values_list("legal_basis", flat=True),
        *Stage.objects.filter(pathway=pathway).values_list("note", flat=True),
    ]
    assert not [text for text in texts if any(instrument in text for instrument in absent)]
    assert any(present in text for text in texts)
    written = Step.objects.filter(stage__pathway=pathway).values_list("title", "description")
    assert not [pair for pair in written if any("CoE" in t or "Directive" in t for t in pair)]


def test_it_tells_first_assistance_to_start_with_identification_where_the_directive_binds(world):
    pathway = _create(world, Audience.ADULTS, bound_by_convention=False)
    note = Stage.objects.get(pathway=pathway, phase=Phase.FIRST_ASSISTANCE).note
    assert "as soon as there are reasonable grounds" in note and "Art. 11(2)" in note


# --- Whom a step serves, what it covers ------------------------------------------------------------


@pytest.mark.parametrize("audience", [Audience.ADULTS, Audience.CHILDREN])
def test_it_marks_each_return_step_for_the_people_it_serves(world, audience):
    pathway = _create(world, audience)
    returns = Step.objects.filter(stage__pathway=pathway, stage__phase=Phase.RETURN)
    served = {s.title: (s.for_nationals, s.for_foreign_nationals) for s in returns}
    assert served == {
        **{title: (False, True) for title in OUTBOUND[audience]},
        **{title: (True, False) for title in INBOUND[audience]},
    }
    handovers = {s.title: s.handover for s in returns}
    assert handovers[OUTBOUND[audience][0]] == handovers[INBOUND[audience][0]] == Handover.TRANSNATIONAL


def test_it_brings_a_national_home_with_every_need_of_a_return_covered():
    inbound = [s for s in ADULTS.steps[Phase.RETURN] if not s.for_foreign_nationals]
    assert {"return_reintegration", "accommodation", "identity_documents", "travel_accompaniment"} <= {
        need for step in inbound for need in step.needs
    }
    assert Kind.EMBASSY not in {kind for step in inbound for kind in (step.responsible, step.backup)}


@pytest.mark.parametrize(
    "audience, title, needs",
    [
        (Audience.ADULTS, REFLECTION_TITLE, {"residence_status"}),
        (Audience.CHILDREN, REFLECTION_TITLE, {"residence_status"}),
        (Audience.ADULTS, CRIME_REPORT_TITLE, {"legal_assistance"}),
        (Audience.CHILDREN, CHILD_INTERVIEW_TITLE, {"legal_assistance"}),
        (Audience.ADULTS, "Debt and financial counselling", {"debt_counselling"}),
        (Audience.ADULTS, "Recover unpaid wages", {"compensation"}),
        (Audience.ADULTS, "Long-term or social housing", {"accommodation"}),
    ],
)
def test_it_maps_each_step_to_the_needs_it_meets(world, audience, title, needs):
    pathway = _create(world, audience)
    step = Step.objects.get(stage__pathway=pathway, title=title)
    assert set(step.needs.values_list("code", flat=True)) == needs


@pytest.mark.parametrize("blueprint", TEMPLATES, ids=_id)
def test_it_uses_only_need_codes_of_the_taxonomy(blueprint):
    codes = {term["code"] for term in taxonomy()["terms"]}
    assert {need for step in blueprint.all_steps() for need in step.needs} <= codes


# --- Legal bases and the card ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "blueprint, title, citation",
    [
        (
            ADULTS,
            "Non-punishment for offences committed under compulsion",
            "CoE Convention CETS 197, Art. 26",
        ),
        (ADULTS, "Non-punishment for offences committed under compulsion", "Directive 2011/36/EU, Art. 8"),
        (ADULTS, "Claim compensation from the offender or the state", "CoE Convention CETS 197, Art. 15"),
        (ADULTS, "Claim compensation from the offender or the state", "Directive 2011/36/EU, Art. 17"),
        (
            CHILDREN,
            "Appoint a guardian or representative for the child",
            "Directive 2011/36/EU, Art. 14(2), 15(1)",
        ),
        (CHILDREN, "Age assessment, only when the age is in doubt", "CoE Convention CETS 197, Art. 10(3)"),
        (CHILDREN, "Age assessment, only when the age is in doubt", "Directive 2011/36/EU, Art. 13(2)"),
        (
            CHILDREN,
            "Best-interests assessment and a durable solution",
            "Directive 2011/36/EU, Art. 14(1), 16(2)",
        ),
        (CHILDREN, CHILD_INTERVIEW_TITLE, "Directive 2011/36/EU, Art. 15(3)-(4)"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_it_cites_the_article_each_step_rests_on(blueprint, title, citation):
    assert citation in [c.text for c in _by_title(blueprint)[title].legal_basis]


def test_it_no_longer_grounds_the_child_interview_on_article_11():
    interview = _by_title(CHILDREN)[CHILD_INTERVIEW_TITLE]
    assert "Directive 2011/36/EU, Art. 11(3)" not in [c.text for c in interview.legal_basis]
    assert coe("Art. 12(6)") in interview.legal_basis


@pytest.mark.parametrize("blueprint", TEMPLATES, ids=_id)
def test_it_keeps_titles_unique_and_short_enough_for_the_card(blueprint):
    titles = [str(step.title) for step in blueprint.all_steps()]
    assert len(titles) == len(set(titles))
    assert max(len(title) for title in titles) <= 61  # about 60: the card and the diagram wrap, never cut
    assert all(str(step.description).count(". ") == 0 for step in blueprint.all_steps())  # one sentence
    assert all(str(step.contact_function) for step in blueprint.all_steps())
