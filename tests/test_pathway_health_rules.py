"""The health check's rules of issue 10: the hand-over to the national referral mechanism, the country's
rules, decisions that no municipality may take, and coverage counted only for the people a step or a
service serves. Table-driven on the pure function; the wiring through queries and the page after."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from strom.accounts.roles import Role
from strom.pathways import health
from strom.pathways.structure import OrgRef, PathwayData, StageData, StepData

TODAY = date(2026, 12, 1)
NGO = OrgRef("ngo", "Test Shelter Association")
SOCIAL = OrgRef("social", "Testupe Social Service")
POLICE = OrgRef("police", "Test State Police")
MIGRATION = OrgRef("migration", "Test Migration Board")
TAXONOMY = (("accommodation", "Safe accommodation"), ("residence_status", "Residence status and permits"))
BOTH = frozenset({"accommodation", "residence_status"})


def _step(step_id, title, **changes) -> StepData:
    values = {
        "id": step_id,
        "title": title,
        "responsible": NGO,
        "backup": SOCIAL,
        "contact_function": "Duty desk",
        "contact_phone": "+371 6000 0001",
        "contact_reachable_24_7": True,
    }
    values.update(changes)
    return StepData(**values)


# A clean adults' pathway: the state decides on reasonable grounds and takes over (NRM), the NGO gives a
# safe place tonight with the municipal social service as backup, the state decides on a stay.
CLEAN = {
    "grounds": _step(
        "grounds",
        "Decide on reasonable grounds",
        responsible=POLICE,
        backup=MIGRATION,
        decision="reasonable_grounds",
        handover="national",
    ),
    "shelter": _step("shelter", "A safe place tonight", needs=("accommodation",), requires_24_7=True),
    "stay": _step(
        "stay",
        "Grant the reflection period",
        responsible=MIGRATION,
        backup=POLICE,
        decision="stay",
        needs=("residence_status",),
    ),
}


def _pathway(audience="adults", **step_changes) -> PathwayData:
    steps = {key: replace(step, **step_changes.get(key, {})) for key, step in CLEAN.items()}
    stages = (
        StageData("identification", steps=(steps["grounds"],)),
        StageData("first_assistance", steps=(steps["shelter"],)),
        StageData("return", steps=(steps["stay"],)),
    )
    return PathwayData("Test chain", audience, OrgRef("m", "Testupe"), stages)


def _context(**changes) -> health.Context:
    everyone = {health.WOMEN: frozenset({"ngo"}), health.MEN: frozenset({"ngo"})}
    values = {
        "today": TODAY,
        "taxonomy": TAXONOMY,
        "agreements": (
            health.AgreementFacts(
                id="a1",
                title="Memorandum",
                party_ids=frozenset({"ngo", "social", "police", "migration"}),
                step_ids=frozenset(CLEAN),
                needs=frozenset(),
                in_force=True,
                valid_until=TODAY + timedelta(days=400),
            ),
        ),
        "needs_in_directory": BOTH,
        "needs_in_directory_by_gender": {health.WOMEN: BOTH, health.MEN: BOTH},
        "unconditional_accommodation": frozenset({"ngo"}),
        "unconditional_accommodation_by_gender": everyone,
        "municipal_organisations": frozenset({"social"}),
    }
    values.update(changes)
    return health.Context(**values)


def _found(problems) -> list[tuple[str, str, str, str]]:
    return [(p.severity, p.code, p.step_id or p.need or "", p.message) for p in problems]


def test_it_finds_nothing_in_a_clean_pathway_with_a_municipal_backup_where_nobody_decides():
    assert health.check(_pathway(), _context()) == []


WOMEN_ONLY = {health.WOMEN: BOTH, health.MEN: frozenset({"residence_status"})}


@pytest.mark.parametrize(
    ("audience", "step_changes", "context_changes", "expected"),
    [
        pytest.param(
            "adults",
            {"grounds": {"handover": "transnational"}},
            {},
            [
                (
                    health.ERROR,
                    "no_nrm_handover",
                    "",
                    "No step hands the person over to the national referral mechanism, which decides on "
                    "reasonable grounds and identifies.",
                )
            ],
            id="no hand-over to the NRM",
        ),
        pytest.param(
            "adults",
            {"grounds": {"responsible": SOCIAL}},
            {},
            [
                (
                    health.ERROR,
                    "municipal_decision",
                    "grounds",
                    "A municipal organisation cannot take this decision: choose the competent authority.",
                )
            ],
            id="municipal organisation responsible for a decision",
        ),
        pytest.param(
            "adults",
            {"stay": {"backup": SOCIAL}},
            {},
            [
                (
                    health.ERROR,
                    "municipal_decision",
                    "stay",
                    "A municipal organisation cannot take this decision: choose the competent authority.",
                )
            ],
            id="municipal organisation as backup of a decision",
        ),
        pytest.param(
            "adults",
            {"shelter": {"for_nationals": False}},
            {},
            [
                (
                    health.WARNING,
                    "need_without_step",
                    "accommodation",
                    "No step covers the need “Safe accommodation” for nationals.",
                )
            ],
            id="need covered only by a step for foreign nationals",
        ),
        pytest.param(
            "adults",
            {"stay": {"for_foreign_nationals": False}},
            {},
            [
                (
                    health.WARNING,
                    "need_without_step",
                    "residence_status",
                    "No step covers the need “Residence status and permits” for foreign nationals.",
                )
            ],
            id="need covered only by a step for nationals",
        ),
        pytest.param(
            "adults",
            {"stay": {"for_nationals": False}},
            {},
            [],
            id="a residence permit is a need of foreign nationals only",
        ),
        pytest.param(
            "adults",
            {"stay": {"for_adults": False, "for_children": True}},
            {},
            [
                (
                    health.WARNING,
                    "need_without_step",
                    "residence_status",
                    "No step covers the need “Residence status and permits” for adults.",
                )
            ],
            id="need covered only by a children's step on an adults' pathway",
        ),
        pytest.param(
            "adults",
            {"stay": {"needs": ()}},
            {},
            [
                (
                    health.WARNING,
                    "need_without_step",
                    "residence_status",
                    "No step covers the need “Residence status and permits”.",
                )
            ],
            id="need covered by no step at all",
        ),
        pytest.param(
            "adults",
            {},
            {
                "needs_in_directory_by_gender": WOMEN_ONLY,
                "unconditional_accommodation_by_gender": {
                    health.WOMEN: frozenset({"ngo"}),
                    health.MEN: frozenset(),
                },
            },
            [
                (
                    health.ERROR,
                    "no_unconditional_accommodation",
                    "accommodation",
                    "No step leads to safe accommodation for men that does not depend on cooperating "
                    "with the police.",
                ),
                (
                    health.WARNING,
                    "need_without_service",
                    "accommodation",
                    "No service in the directory meets the need “Safe accommodation” for men.",
                ),
            ],
            id="accommodation only for women",
        ),
        pytest.param(
            "adults",
            {},
            {
                "unconditional_accommodation_by_gender": {
                    health.WOMEN: frozenset(),
                    health.MEN: frozenset({"ngo"}),
                }
            },
            [
                (
                    health.ERROR,
                    "no_unconditional_accommodation",
                    "accommodation",
                    "No step leads to safe accommodation for women that does not depend on cooperating "
                    "with the police.",
                ),
            ],
            id="unconditional accommodation only for men",
        ),
        pytest.param(
            "adults",
            {"shelter": {"for_adults": False, "for_children": True}},
            {},
            [
                (
                    health.ERROR,
                    "no_unconditional_accommodation",
                    "accommodation",
                    "No step leads to safe accommodation that does not depend on cooperating with the "
                    "police.",
                ),
                (
                    health.WARNING,
                    "need_without_step",
                    "accommodation",
                    "No step covers the need “Safe accommodation” for adults.",
                ),
            ],
            id="the only shelter step is for children",
        ),
        pytest.param(
            "adults",
            {},
            {"national_rules_missing": ("the reflection period", "the national hotline")},
            [
                (
                    health.WARNING,
                    "national_rules_missing",
                    "",
                    "The country's rules are not filled in: the reflection period, the national hotline.",
                )
            ],
            id="country rules missing",
        ),
        pytest.param(
            "adults",
            {},
            {"national_rules_unverified": ("identification",)},
            [
                (
                    health.NOTICE,
                    "national_rules_unverified",
                    "",
                    "These rules of the country are not yet checked against their source: identification.",
                )
            ],
            id="country rules not checked against their source",
        ),
    ],
)
def test_it_finds_each_new_problem(audience, step_changes, context_changes, expected):
    problems = health.check(_pathway(audience, **step_changes), _context(**context_changes))
    assert _found(problems) == expected


def test_it_counts_a_childrens_pathway_only_with_steps_for_children():
    children = {"for_adults": False, "for_children": True}
    for_children = _pathway("children", **{key: children for key in CLEAN})
    assert health.check(for_children, _context()) == []
    for_adults = _pathway("children")
    codes = {(p.code, p.need, p.details.get("group")) for p in health.check(for_adults, _context())}
    assert codes == {
        ("need_without_step", "accommodation", "children"),
        ("need_without_step", "residence_status", "children"),
        ("no_unconditional_accommodation", "accommodation", None),
    }


def test_it_lists_every_problem_most_serious_first():
    problems = health.check(
        _pathway(grounds={"handover": "", "responsible": SOCIAL}, shelter={"for_nationals": False}),
        _context(
            national_rules_missing=("the national hotline",), national_rules_unverified=("identification",)
        ),
    )
    severities = [p.severity for p in problems]
    assert severities == sorted(severities, key=health.SEVERITY_ORDER.get)
    assert [p.code for p in problems] == [
        "no_nrm_handover",
        "municipal_decision",
        "national_rules_missing",
        "need_without_step",
        "national_rules_unverified",
    ]


GROUP_FLAGS = ("for_adults", "for_children", "for_nationals", "for_foreign_nationals")
_flags = st.fixed_dictionaries({flag: st.booleans() for flag in GROUP_FLAGS})


@given(
    audience=st.sampled_from(["adults", "children"]),
    flags=st.fixed_dictionaries({key: _flags for key in CLEAN}),
    widened=st.sampled_from(list(CLEAN)),
    flag=st.sampled_from(GROUP_FLAGS),
)
def test_it_never_finds_a_new_gap_when_a_step_serves_more_people(audience, flags, widened, flag):
    def gaps(step_flags) -> set[tuple[str, str | None, str | None]]:
        return {
            (p.code, p.need, p.step_id) for p in health.check(_pathway(audience, **step_flags), _context())
        }

    wider = {**flags, widened: {**flags[widened], flag: True}}
    assert gaps(wider) <= gaps(flags)
    everyone = {key: dict.fromkeys(GROUP_FLAGS, True) for key in CLEAN}
    assert gaps(everyone) == set()


# --- Through the queries and the page ------------------------------------------------------------


@pytest.fixture
def chain(world):
    from tests.pathway_objects import published_chain

    return published_chain(world)


def _codes_of(pathway) -> set[tuple[str, str | None]]:
    from strom.pathways import queries

    return {(p.code, p.details.get("gender")) for p in queries.health_of(pathway)}


def test_it_warns_on_the_page_that_the_countrys_rules_are_missing_and_links_to_them(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    page = client.get(reverse("pathways:pathway_detail", args=[chain.pathway.pk]))
    (problem, fix) = next(
        (p, fix) for p, fix in page.context["problems"] if p.code == "national_rules_missing"
    )
    assert problem.severity == health.WARNING
    assert problem.message.startswith("The country's rules are not filled in: the national referral")
    assert escape(problem.message) in page.content.decode()
    assert fix == (reverse("pathways:national_mechanism", args=["LV"]), "See the country's rules")
    assert client.get(fix[0]).status_code == 200
    # The adults' template hands over to the national referral mechanism.
    assert "no_nrm_handover" not in {p.code for p, _fix in page.context["problems"]}


def test_it_asks_to_check_rules_that_are_filled_in_but_not_verified(world, chain):
    from strom.pathways.models import NationalMechanism, ReflectionFor

    NationalMechanism.objects.create(
        country_id="LV",
        focal_point="Test national focal point",
        identifying_authority="Test State Police",
        reflection_for=ReflectionFor.EVERYONE,
        reflection_days=30,
        programme_name="Test state programme",
        hotline_phone="+371 8000 0000",
        identification_verified=True,
        reflection_verified=True,
        programme_verified=True,
    )
    from strom.pathways import queries

    problems = {p.code: p for p in queries.health_of(chain.pathway)}
    assert "national_rules_missing" not in problems
    assert problems["national_rules_unverified"].details["unverified"] == (
        "the instruments that bind the country",
    )


def test_it_flags_a_municipal_organisation_on_a_decision_step_of_the_draft(world, signed_in, chain):
    from strom.pathways.models import Step

    step = chain.shelter_step
    Step.objects.filter(pk=step.pk).update(decision="stay")  # as a step saved before issue 10 could be
    page = signed_in(world[Role.COORDINATOR]).get(reverse("pathways:pathway_detail", args=[chain.pathway.pk]))
    found = [(p.severity, fix) for p, fix in page.context["problems"] if p.code == "municipal_decision"]
    assert found == [(health.ERROR, (reverse("pathways:step_edit", args=[step.pk]), "Edit the step"))]


def test_it_counts_a_shelter_only_for_women_for_women_only(world, chain):
    from strom.directory.models import Service

    assert not _codes_of(chain.pathway) & {
        ("need_without_service", "man"),
        ("no_unconditional_accommodation", "man"),
    }
    Service.objects.filter(name="Test shelter").update(serves_men=False)
    codes = _codes_of(chain.pathway)
    assert {("need_without_service", "man"), ("no_unconditional_accommodation", "man")} <= codes
    assert ("no_unconditional_accommodation", None) not in codes
    assert ("no_unconditional_accommodation", "woman") not in codes


def test_it_counts_only_services_for_children_on_a_childrens_pathway(world, chain):
    from strom.directory.models import Service
    from strom.pathways import queries
    from strom.pathways.actions import do_create_pathway
    from strom.pathways.models import Audience

    children = do_create_pathway(
        actor=world[Role.COORDINATOR], municipality=world.municipal.municipality, audience=Audience.CHILDREN
    )
    assert "accommodation" not in queries.health_context(children).needs_in_directory
    Service.objects.filter(name="Test shelter").update(serves_unaccompanied_children=True)
    assert "accommodation" in queries.health_context(children).needs_in_directory


def test_it_reads_the_context_in_the_same_queries_however_many_steps_and_services(world, chain):
    from strom.directory.models import NeedTerm, Service
    from strom.pathways import queries
    from strom.pathways.models import Step
    from strom.pathways.structure import from_draft

    def count() -> int:
        data = from_draft(chain.pathway)
        with CaptureQueriesContext(connection) as captured:
            queries.health_context(chain.pathway, data)
        return len(captured)

    before = count()
    stage = chain.shelter_step.stage
    accommodation = NeedTerm.objects.filter(code="accommodation")
    for number in range(8):
        step = Step.objects.create(
            stage=stage, title=f"Extra {number}", responsible=world.social, backup=world.ngo, decision="stay"
        )
        step.needs.set(accommodation)
        service = Service.objects.create(
            organisation=world.ngo, municipality=world.ngo.municipality, name=f"Extra shelter {number}"
        )
        service.needs.set(accommodation)
    assert count() == before
