"""A service's conditions (issue 9): the two parts of "unconditional", the other conditions, cost and
funding, the facts a caseworker needs, and whether it is offered today or only if asked.

The rule under test everywhere: what the provider has not answered is never shown as a promise."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from strom.accounts.access import get_access
from strom.accounts.models import OrganisationArea
from strom.accounts.roles import Role
from strom.directory import conditions
from strom.directory.gaps import NO_UNCONDITIONAL, NONE, ONLY_IDENTIFIED, SINGLE, ServiceFacts, gap_matrix
from strom.directory.hsds import applying, exporting, mapping, reading
from strom.directory.models import Service, ServiceArea
from strom.directory.public_address import address_of
from strom.directory.queries import DirectoryFilter, match_services, services_visible_to
from tests.factories import MunicipalityFactory
from tests.test_directory import make_service, needs, service_form  # noqa: F401 (needs is a fixture)
from tests.test_directory_api import api

# What a page may say only when the provider confirmed it.
PROMISES = ("Free of charge", "No cooperation with the police needed", "No formal identification needed")
UNANSWERED = "not answered yet by the provider"


def public_page(client, municipality) -> str:
    return client.get(address_of(municipality).path).content.decode()


def answered(service, **answers) -> Service:
    for name, value in answers.items():
        setattr(service, name, value)
    service.save()
    return service


@pytest.fixture
def reachable(world, needs):  # noqa: F811
    """A service with a phone number (so the public page shows it) that has answered nothing yet."""
    return make_service(world.ngo, ["accommodation"], ["lv"], name="Night shelter", phone="+371 2000 0001")


# --- Unknown conditions are never shown as a promise ----------------------------------------------


def test_it_promises_nothing_on_the_public_page_that_the_provider_has_not_confirmed(client, reachable):
    body = public_page(client, reachable.municipality)
    assert "Night shelter" in body
    assert not any(promise in body for promise in PROMISES)
    assert "Help is free" not in body  # the page no longer says it of every service

    answered(reachable, independent_of_cooperation=True, open_to_presumed_victims=True, is_free=True)
    body = public_page(client, reachable.municipality)
    assert all(promise in body for promise in PROMISES)


def test_it_says_on_the_services_page_what_the_provider_has_not_answered(world, signed_in, reachable):
    client = signed_in(world[Role.CASEWORKER])
    url = reverse("directory:service_detail", args=[reachable.pk])
    body = client.get(url).content.decode()
    assert body.count(UNANSWERED) == 3  # cooperation, identification, cost
    assert ">Unconditional<" not in body and ">Free<" not in body
    assert not any(promise in body for promise in PROMISES)

    answered(reachable, independent_of_cooperation=True, open_to_presumed_victims=True, is_free=True)
    body = client.get(url).content.decode()
    assert UNANSWERED not in body
    assert ">Unconditional<" in body and ">Free<" in body
    assert all(promise in body for promise in PROMISES)


def test_it_calls_help_unconditional_only_when_both_parts_are_confirmed_and_nothing_else_applies(reachable):
    assert reachable.is_unconditional is None
    assert answered(reachable, independent_of_cooperation=True).is_unconditional is None
    assert answered(reachable, open_to_presumed_victims=True).is_unconditional is True
    assert answered(reachable, time_limit_days=60).is_unconditional is False
    assert answered(reachable, time_limit_days=None, conditions=["legal_stay"]).is_unconditional is False


def test_it_lists_every_restriction_in_plain_words_on_both_pages(world, signed_in, client, reachable):
    answered(
        reachable,
        independent_of_cooperation=False,
        open_to_presumed_victims=False,
        conditions=["legal_stay", "declared_residence"],
        time_limit_days=60,
        conditions_note="Pets are welcome.",
        is_free=False,
    )
    restrictions = [
        "Only for people who cooperate with the police or take part in criminal proceedings.",
        "Only for people formally identified as victims of trafficking.",
        "Only for people who stay in the country legally.",
        "Only for people with a declared residence in the municipality.",
        "Help for at most 60 days.",
        "Pets are welcome.",
        "Not free: there may be a charge.",
    ]
    public = public_page(client, reachable.municipality)
    detail = signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_detail", args=[reachable.pk]))
    for text in restrictions:
        assert text in public and text in detail.content.decode(), text
    badges = ["Needs cooperation with authorities", "Only after formal identification", "Conditions apply"]
    assert all(badge in detail.content.decode() for badge in badges)


@pytest.mark.parametrize(
    ("answers", "kinds"),
    [
        ({}, [conditions.UNKNOWN, conditions.UNKNOWN]),
        (
            {"independent_of_cooperation": True, "open_to_presumed_victims": False},
            [conditions.PROMISE, conditions.RESTRICTION],
        ),
        (
            {"conditions": ["health_insurance"], "time_limit_days": 1, "conditions_note": "Call first."},
            [
                conditions.UNKNOWN,
                conditions.UNKNOWN,
                conditions.RESTRICTION,
                conditions.RESTRICTION,
                conditions.NOTE,
            ],
        ),
    ],
)
def test_it_states_each_answer_with_its_kind(answers, kinds):
    service = Service(**answers)
    assert [statement.kind for statement in conditions.access_statements(service)] == kinds
    assert all(s.kind != conditions.UNKNOWN for s in conditions.public_access_statements(service))


def test_it_keeps_a_service_offered_only_if_asked_off_the_public_page(world, signed_in, client, reachable):
    answered(reachable, availability="potential")
    assert "Night shelter" not in public_page(client, reachable.municipality)
    body = (
        signed_in(world[Role.SERVICE_PROVIDER])
        .get(reverse("directory:service_detail", args=[reachable.pk]))
        .content.decode()
    )
    assert "Could be offered if asked" in body
    assert "it gives no phone number" not in body  # the reason it is not public is another


# --- The form --------------------------------------------------------------------------------------


def test_it_saves_the_answers_and_the_facts_from_the_form(world, signed_in, needs):  # noqa: F811
    data = service_form(
        world.ngo,
        world.ngo.municipality,
        independent_of_cooperation="false",
        open_to_presumed_victims="unknown",
        is_free="true",
        conditions=["legal_stay", "health_insurance"],
        time_limit_days="60",
        conditions_note="Bring any papers you have.",
        funding=["project", "donors"],
        serves_families="on",
        special_needs=["pregnancy"],
        exploitation_experience=["labour", "begging"],
    )
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Day centre")
    assert (service.independent_of_cooperation, service.open_to_presumed_victims, service.is_free) == (
        False,
        None,
        True,
    )
    assert service.conditions == ["health_insurance", "legal_stay"]
    assert (service.time_limit_days, service.conditions_note) == (60, "Bring any papers you have.")
    assert service.funding == ["donors", "project"] and service.serves_families
    assert service.special_needs == ["pregnancy"] and service.exploitation_experience == ["begging", "labour"]
    assert service.availability == "existing"  # not sent: offered today
    assert service.is_unconditional is False


def test_it_starts_a_new_service_unanswered(world, signed_in, needs):  # noqa: F811
    body = signed_in(world[Role.SERVICE_PROVIDER]).get(reverse("directory:service_new")).content.decode()
    for name in ("independent_of_cooperation", "open_to_presumed_victims", "is_free"):
        assert f'name="{name}" value="unknown" id="id_{name}_2" checked' in body, name
        assert f'name="{name}" value="true" id="id_{name}_0" checked' not in body


def test_it_keeps_a_service_offered_only_if_asked_when_the_form_does_not_send_it(world, signed_in, reachable):
    answered(reachable, availability="potential")
    data = service_form(world.ngo, world.ngo.municipality, name="Night shelter")
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(
        reverse("directory:service_edit", args=[reachable.pk]), data
    )
    assert response.status_code == 302
    reachable.refresh_from_db()
    assert reachable.availability == "potential"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_limit_days": "0"}, "time_limit_days"),
        ({"time_limit_days": "forever"}, "time_limit_days"),
        ({"conditions": ["flying"]}, "conditions"),
        ({"funding": ["lottery"]}, "funding"),
        ({"special_needs": ["x"]}, "special_needs"),
        ({"exploitation_experience": ["x"]}, "exploitation_experience"),
        ({"availability": "someday"}, "availability"),
        ({"conditions_note": "x" * 301}, "conditions_note"),
    ],
)
def test_it_refuses_a_bad_answer_and_saves_nothing(world, signed_in, needs, overrides, field):  # noqa: F811
    data = service_form(world.ngo, world.ngo.municipality, **overrides)
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Service.objects.exists()


# --- Filters and matching --------------------------------------------------------------------------


@pytest.fixture
def answers(world, needs):  # noqa: F811
    return {
        "confirmed": make_service(
            world.ngo,
            ["accommodation"],
            name="Confirmed",
            independent_of_cooperation=True,
            open_to_presumed_victims=True,
            serves_families=True,
            special_needs=["pregnancy", "disability"],
        ),
        "unknown": make_service(world.ngo, ["accommodation"], name="Unknown"),
        "identified_only": make_service(
            world.social,
            ["accommodation"],
            name="Identified only",
            independent_of_cooperation=True,
            open_to_presumed_victims=False,
            special_needs=["addiction"],
        ),
        "presumed_with_conditions": make_service(
            world.social,
            ["accommodation"],
            name="Presumed, 60 days",
            independent_of_cooperation=True,
            open_to_presumed_victims=True,
            time_limit_days=60,
        ),
        "potential": make_service(
            world.municipal,
            ["accommodation"],
            name="If asked",
            independent_of_cooperation=True,
            open_to_presumed_victims=True,
            availability="potential",
        ),
    }


@pytest.mark.parametrize(
    ("directory_filter", "expected"),
    [
        (DirectoryFilter(unconditional=True), {"confirmed", "potential"}),
        (DirectoryFilter(presumed_victims=True), {"confirmed", "presumed_with_conditions", "potential"}),
        (DirectoryFilter(special_need="pregnancy"), {"confirmed"}),
        (DirectoryFilter(special_need="addiction"), {"identified_only"}),
        (DirectoryFilter(special_need="no_such_need"), None),
        (DirectoryFilter(families=True), {"confirmed"}),
        (DirectoryFilter(availability="potential"), {"potential"}),
        (DirectoryFilter(availability="existing", unconditional=True), {"confirmed"}),
    ],
)
def test_it_filters_on_confirmed_answers_only(world, answers, directory_filter, expected):
    names = {s.name for s in services_visible_to(get_access(world[Role.CASEWORKER]), directory_filter)}
    if expected is None:  # an unknown code filters nothing out, like an unknown need
        expected = set(answers)
    assert names == {answers[key].name for key in expected}


def test_it_filters_through_the_page(world, signed_in, answers):
    response = signed_in(world[Role.CASEWORKER]).get(
        reverse("directory:service_list"), {"presumed_victims": "on", "special_need": "pregnancy"}
    )
    assert [service.name for service, _locations in response.context["rows"]] == ["Confirmed"]


def test_it_never_ranks_an_unanswered_service_like_a_confirmed_one_and_never_matches_one_only_if_asked(
    world, answers
):
    matches = match_services(["accommodation"])
    by_name = {match.service.name: match for match in matches}
    assert "If asked" not in by_name
    assert matches[0].service.name == "Confirmed"
    assert (by_name["Confirmed"].unconditional, by_name["Unknown"].unconditional) == (True, None)
    assert by_name["Unknown"].score < by_name["Confirmed"].score
    assert by_name["Unknown"].score == by_name["Identified only"].score


# --- Gap analysis ---------------------------------------------------------------------------------


def _facts(organisation, **fields):
    return ServiceFacts(
        organisation, frozenset({"accommodation"}), children=True, unaccompanied=True, **fields
    )


@pytest.mark.parametrize(
    ("services", "present", "absent"),
    [
        # Every provider helps only after formal identification: nothing for presumed victims.
        (
            [_facts("A", presumed_victims=False), _facts("B", presumed_victims=False)],
            {ONLY_IDENTIFIED, NO_UNCONDITIONAL},
            set(),
        ),
        # One has not answered: not known to be a gap, so not flagged as one.
        ([_facts("A", presumed_victims=False), _facts("B")], {NO_UNCONDITIONAL}, {ONLY_IDENTIFIED}),
        ([_facts("A", presumed_victims=False), _facts("B", presumed_victims=True)], set(), {ONLY_IDENTIFIED}),
        # Unconditional only when a provider confirmed it: unanswered is no unconditional provider.
        ([_facts("A"), _facts("B")], {NO_UNCONDITIONAL}, {ONLY_IDENTIFIED}),
        ([_facts("A"), _facts("B", unconditional=True)], set(), {NO_UNCONDITIONAL}),
        ([_facts("A", unconditional=False), _facts("B", unconditional=True)], set(), {NO_UNCONDITIONAL}),
        # A provider that could offer it only if asked is no provider.
        ([_facts("A", unconditional=True, potential=True)], {NONE}, {NO_UNCONDITIONAL}),
        ([_facts("A"), _facts("B", unconditional=True, potential=True)], {SINGLE, NO_UNCONDITIONAL}, set()),
    ],
)
def test_it_finds_the_gaps_of_conditions(services, present, absent):
    (row,) = gap_matrix(["accommodation"], services).rows
    assert present <= set(row.flags)
    assert not absent & set(row.flags)


@pytest.mark.parametrize(
    ("services", "counted", "organisations", "could_offer"),
    [
        ([_facts("A", potential=True)], {}, [], ["A"]),
        ([_facts("A"), _facts("B", potential=True)], {"A": 1}, ["A"], ["B"]),
        # An organisation that provides it today is not also someone to ask.
        ([_facts("A"), _facts("A", potential=True)], {"A": 1}, ["A"], []),
        ([_facts("B", potential=True), _facts("A", potential=True)], {}, [], ["A", "B"]),
    ],
)
def test_it_names_whom_to_ask_without_counting_them_as_providers(
    services, counted, organisations, could_offer
):
    matrix = gap_matrix(["accommodation"], services)
    (row,) = matrix.rows
    assert (row.services_by_organisation, matrix.organisations, row.could_offer) == (
        counted,
        organisations,
        could_offer,
    )


def test_it_shows_the_new_flag_and_whom_to_ask_on_the_gap_page_and_in_the_csv(world, signed_in, needs):  # noqa: F811
    make_service(world.ngo, ["accommodation"], name="Shelter", open_to_presumed_victims=False)
    make_service(world.social, ["legal_assistance"], name="Lawyer if asked", availability="potential")
    client = signed_in(world[Role.COORDINATOR])
    body = client.get(reverse("directory:gap_analysis")).content.decode()
    assert "Only after formal identification: nothing for presumed victims" in body
    assert "Could be offered if asked by Testupe Social Service" in body
    assert "No provider confirmed unconditional help" in body
    csv_text = client.get(reverse("directory:gap_analysis_csv")).content.decode()
    assert "Could be offered if asked by" in csv_text.splitlines()[0]
    legal = next(line for line in csv_text.splitlines() if line.startswith("Legal assistance"))
    assert "No provider" in legal and "Testupe Social Service" in legal


# --- API -------------------------------------------------------------------------------------------


def api_payload(world, **overrides):
    return {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality_id),
        "name": "Advice line",
        "needs": ["counselling_information"],
        **overrides,
    }


NEW_FACTS = {
    "independent_of_cooperation": True,
    "open_to_presumed_victims": False,
    "conditions": ["declared_residence", "referral_by_authority"],
    "time_limit_days": 60,
    "conditions_note": "Call first.",
    "is_free": True,
    "funding": ["municipality", "state_programme"],
    "serves_families": True,
    "special_needs": ["disability", "mental_health"],
    "exploitation_experience": ["forced_marriage", "sexual"],
    "availability": "potential",
}


def test_it_carries_every_new_fact_through_the_api(world, needs):  # noqa: F811
    client = api(world[Role.SERVICE_PROVIDER])
    created = client.post(
        "/api/v1/services", api_payload(world, **NEW_FACTS), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    shown = client.get(f"/api/v1/services/{created.json()['id']}").json()
    assert {name: shown[name] for name in NEW_FACTS} == NEW_FACTS
    assert shown["is_unconditional"] is False


def test_it_answers_null_for_what_is_not_answered_and_keeps_availability_when_left_out(world, needs):  # noqa: F811
    client = api(world[Role.SERVICE_PROVIDER])
    created = client.post(
        "/api/v1/services", api_payload(world, availability="potential"), content_type="application/json"
    ).json()
    assert [created[name] for name in ("independent_of_cooperation", "is_unconditional", "is_free")] == [
        None,
        None,
        None,
    ]
    changed = client.put(
        f"/api/v1/services/{created['id']}", api_payload(world), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["availability"] == "potential"


@pytest.mark.parametrize(
    "overrides",
    [
        {"conditions": ["flying"]},
        {"funding": ["lottery"]},
        {"special_needs": ["x"]},
        {"exploitation_experience": ["x"]},
        {"availability": "someday"},
        {"time_limit_days": 0},
        {"conditions_note": "x" * 301},
        {"is_free": "perhaps"},
    ],
)
def test_it_refuses_an_unknown_code_over_the_api_and_saves_nothing(world, needs, overrides):  # noqa: F811
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", api_payload(world, **overrides), content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert not Service.objects.exists()


# --- HSDS ------------------------------------------------------------------------------------------


@pytest.fixture
def exported(world, needs):  # noqa: F811
    service = make_service(
        world.ngo, ["accommodation"], name="Shelter", **NEW_FACTS | {"availability": "existing"}
    )
    return service, exporting.export_directory(Service.objects.filter(pk=service.pk))


def test_it_exports_the_conditions_in_hsdss_own_shapes(exported):
    _service, document = exported
    (service,) = document["services"]
    assert service["eligibility_description"].startswith(
        "Help does not depend on cooperating with the police"
    )
    assert (
        "Required: declared residence in the municipality; referral by an authority."
        in (service["eligibility_description"])
    )
    assert [row["source"] for row in service["funding"]] == ["Municipality", "State programme"]
    assert service["cost_options"][0]["amount"] == 0
    values = {a["taxonomy_term"]["code"]: a.get("value") for a in service["attributes"]}
    assert values["conditions"] == "declared_residence referral_by_authority"
    assert values["open_to_presumed_victims"] == "false"


def test_it_exports_no_cost_option_while_nobody_answered(world, needs):  # noqa: F811
    service = make_service(world.ngo, ["accommodation"], name="Unknown")
    (document,) = exporting.export_services(Service.objects.filter(pk=service.pk))
    assert document["cost_options"] == []
    values = {a["taxonomy_term"]["code"]: a.get("value") for a in document["attributes"]}
    assert values["independent_of_cooperation"] == "" and values["open_to_presumed_victims"] == ""


def _attribute(service: dict, code: str) -> tuple[int, dict]:
    return next((i, a) for i, a in enumerate(service["attributes"]) if a["taxonomy_term"]["code"] == code)


@pytest.mark.parametrize(
    ("code", "value", "says"),
    [
        ("conditions", "legal_stay flying", '"flying" is not a code of "Other conditions"'),
        ("special_needs", "pregnancy;", "is not a code"),
        ("exploitation_experience", "sexual organ_trade", '"organ_trade"'),
        ("availability", "tomorrow", "one of the codes"),
        ("independent_of_cooperation", "perhaps", "true, false, or empty"),
        ("time_limit_days", "sixty", "whole number"),
    ],
)
def test_it_refuses_an_unknown_code_in_an_import_by_row_and_field(world, exported, code, value, says):
    _service, document = exported
    index, attribute = _attribute(document["services"][0], code)
    attribute["value"] = value
    empty = MunicipalityFactory(country=world.ngo.country, name="Tukšupe")
    plan = reading.plan_import(json.dumps(document), empty)
    assert [(p.row, p.field) for p in plan.problems] == [(1, f"attributes[{index}].value")]
    assert says in plan.problems[0].message


def test_it_refuses_a_funding_source_it_does_not_know(world, exported):
    _service, document = exported
    document["services"][0]["funding"][1]["source"] = "Lottery"
    plan = reading.plan_import(document, MunicipalityFactory(country=world.ngo.country, name="Tukšupe"))
    assert [(p.row, p.field) for p in plan.problems] == [(1, "funding[1].source")]
    assert "not a funding source" in plan.problems[0].message


def test_it_reads_an_old_strom_file_the_way_the_migration_read_the_database(world, needs):  # noqa: F811
    """A 2026.1 export said "unconditional" and "free" with boxes that started ticked: "true" becomes
    unknown, "false" stays, and its "Free of charge" cost option says no more than the box did."""

    def old_service(number, unconditional, free):
        sid = f"ac148810-d857-441c-9679-408f346de1{number:02d}"
        terms = {code: mapping.term_id(mapping.PROPERTIES, code) for code in ("is_unconditional", "is_free")}
        return {
            "id": sid,
            "name": f"Old {number}",
            "status": "active",
            "organization_id": str(world.ngo.pk),
            "cost_options": [{"id": f"1fdf4d39-3d80-484d-9f92-a8ffa08621{number:02d}", "amount": 0}],
            "attributes": [
                {
                    "id": f"5eb06b9b-4e6b-43a6-8f2c-2d5b0e8c8d{number:02d}",
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": terms[code],
                    "taxonomy_term": {
                        "id": terms[code],
                        "code": code,
                        "name": code,
                        "description": "",
                        "taxonomy": mapping.PROPERTIES,
                    },
                    "value": value,
                }
                for code, value in (("is_unconditional", unconditional), ("is_free", free))
            ],
        }

    home = world.ngo.municipality
    plan = reading.plan_import([old_service(1, "true", "true"), old_service(2, "false", "false")], home)
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=home)
    ticked, unticked = Service.objects.get(name="Old 1"), Service.objects.get(name="Old 2")
    assert (ticked.independent_of_cooperation, ticked.is_free, ticked.is_unconditional) == (None, None, None)
    assert (unticked.independent_of_cooperation, unticked.is_free, unticked.is_unconditional) == (
        False,
        False,
        False,
    )


def test_it_reads_conditions_in_words_and_no_cost_from_a_file_from_elsewhere(world, needs):  # noqa: F811
    service = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Night line",
        "status": "active",
        "organization": {
            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "name": "Elsewhere",
            "description": "",
        },
        "eligibility_description": "Adults living in the county.",
        "funding": [{"id": "3e1f7c0a-9d0e-4a51-8f3b-0c2a9d7e1f11", "source": "donors"}],
    }
    home = world.ngo.municipality
    plan = reading.plan_import([service], home)
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=home)
    imported = Service.objects.get(name="Night line")
    assert (imported.conditions_note, imported.is_free, imported.funding) == (
        "Adults living in the county.",
        None,
        ["donors"],
    )


@pytest.fixture
def regional(world, needs):  # noqa: F811
    """A helpline of the Testupe administration that also serves Ezermala, where it works too."""
    ezermala = MunicipalityFactory(country=world.ngo.country, name="Ezermala")
    helpline = make_service(world.municipal, ["counselling_information"], name="Helpline")
    ServiceArea.objects.create(service=helpline, municipality=ezermala, name="Vidzeme")
    return helpline, ezermala


def test_it_names_each_area_by_a_urn_that_survives_a_rename(world, regional):
    helpline, ezermala = regional
    (document,) = exporting.export_services(Service.objects.filter(pk=helpline.pk))
    listing, area = document["service_areas"]
    assert listing == {"id": listing["id"], "service_id": str(helpline.pk), "name": "Testupe"}
    assert (area["name"], area["description"], area["uri"]) == (
        "Vidzeme",
        "Ezermala",
        "urn:strom:municipality:lv:ezermala",
    )
    ezermala.name = "Ezermalas novads"
    ezermala.save()
    (document,) = exporting.export_services(Service.objects.filter(pk=helpline.pk))
    area = document["service_areas"][1]
    assert (area["description"], area["uri"]) == ("Ezermalas novads", "urn:strom:municipality:lv:ezermala")


def test_it_refuses_an_area_where_the_organisation_does_not_work(world, regional):
    """The same rule as the page's form: the Testupe administration does not work in Ezermala."""
    helpline, _ezermala = regional
    document = exporting.export_directory(Service.objects.filter(pk=helpline.pk))
    ServiceArea.objects.all().delete()
    coordinator = world[Role.COORDINATOR]
    plan = reading.plan_import(document, helpline.municipality, actor=coordinator)
    assert [(p.row, p.field) for p in plan.problems] == [(1, "service_areas")]
    assert "Ezermala" in plan.problems[0].message
    assert not reading.plan_import(document, helpline.municipality).problems  # the dry run without a person
    with pytest.raises(ValidationError, match="Ezermala"):
        applying.apply_import(
            reading.plan_import(document, helpline.municipality),
            actor=coordinator,
            municipality=helpline.municipality,
        )
    assert not ServiceArea.objects.exists()


def test_it_imports_an_area_where_the_organisation_works(world, regional):
    helpline, ezermala = regional
    OrganisationArea.objects.create(
        organisation=world.municipal, municipality=ezermala, granted_by=world[Role.COORDINATOR]
    )
    document = exporting.export_directory(Service.objects.filter(pk=helpline.pk))
    ServiceArea.objects.all().delete()
    plan = reading.plan_import(document, helpline.municipality, actor=world[Role.COORDINATOR])
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=helpline.municipality)
    assert list(ServiceArea.objects.values_list("service__name", "municipality__name", "name")) == [
        ("Helpline", "Ezermala", "Vidzeme")
    ]


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("urn:strom:municipality:lv:nowhere", "No municipality in Strom has this address."),
        ("urn:strom:country:zz", "No country in Strom has this code."),
        ("urn:strom:planet:earth", "not an area Strom knows"),
    ],
)
def test_it_refuses_an_area_strom_does_not_have(world, regional, uri, says):
    helpline, _ezermala = regional
    document = exporting.export_directory(Service.objects.filter(pk=helpline.pk))
    document["services"][0]["service_areas"][1]["uri"] = uri
    plan = reading.plan_import(document, helpline.municipality)
    assert [(p.row, p.field) for p in plan.problems] == [(1, "service_areas[1].uri")]
    assert says in plan.problems[0].message


def test_it_imports_a_whole_country_for_an_organisation_appointed_nationally(world, needs):  # noqa: F811
    helpline = make_service(world.municipal, ["counselling_information"], name="National line")
    ServiceArea.objects.create(service=helpline, country_id="LV")
    document = exporting.export_directory(Service.objects.filter(pk=helpline.pk))
    assert document["services"][0]["service_areas"][1]["uri"] == "urn:strom:country:lv"
    empty = MunicipalityFactory(country=world.ngo.country, name="Tukšupe")
    coordinator = world[Role.COORDINATOR]
    assert reading.plan_import(document, empty, actor=coordinator).problems  # not appointed: refused
    OrganisationArea.objects.create(organisation=world.municipal, country_id="LV", granted_by=coordinator)
    plan = reading.plan_import(document, empty, actor=coordinator)
    assert plan.problems == []
    applying.apply_import(plan, actor=coordinator, municipality=empty)
    imported = Service.objects.get(municipality=empty)
    assert list(imported.areas.values_list("country_id", "municipality", "name")) == [("LV", None, "")]


# --- The migration ---------------------------------------------------------------------------------

BEFORE = [("directory", "0006_need_taxonomy_2026_2")]
AFTER = [("directory", "0007_service_areas_conditions_and_facts")]


@pytest.mark.django_db(transaction=True)
def test_it_turns_an_old_ticked_box_into_unknown_and_keeps_a_no(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Old = apps.get_model("directory", "Service")
    place = {"organisation_id": world.ngo.pk, "municipality_id": world.ngo.municipality_id}
    Old.objects.create(name="Ticked", is_unconditional=True, is_free=True, **place)
    Old.objects.create(name="Unticked", is_unconditional=False, is_free=False, **place)
    Old.objects.create(name="Mixed", is_unconditional=True, is_free=False, **place)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    New = MigrationExecutor(connection).loader.project_state(AFTER).apps.get_model("directory", "Service")
    found = {
        s.name: (s.independent_of_cooperation, s.open_to_presumed_victims, s.is_unconditional, s.is_free)
        for s in New.objects.all()
    }
    assert found == {
        "Ticked": (None, None, None, None),
        "Unticked": (False, None, False, False),
        "Mixed": (None, None, None, False),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_directory_lists_help_offered_today_before_what_could_be_offered_if_asked(world, signed_in):
    from tests.test_directory import make_service

    make_service(world.ngo, name="A on request", availability="potential")
    make_service(world.ngo, name="B today")
    page = signed_in(world[Role.COORDINATOR]).get(reverse("directory:service_list"))
    names = [service.name for service, _locations in page.context["rows"]]
    assert names.index("B today") < names.index("A on request")
