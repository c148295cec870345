"""Country rules as data (issue 10): the national coordinator keeps them with their sources, the national
page and the pathway page show them in plain words, and the demo ships them for Latvia, Estonia and
Lithuania, marking what nobody has checked against its source."""

import re

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from strom.accounts.models import Organisation
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.pathways import actions
from strom.pathways.country_rules import Group, Reflection, missing_rules, reflection_for
from strom.pathways.demo import MECHANISMS
from strom.pathways.models import Audience, Decision, NationalMechanism, ReflectionFor, Step
from tests.factories import OrganisationFactory, make_member

Kind = Organisation.Kind

RULES = {
    "focal_point": "Test focal point",
    "phone": "+371 6700 0009",
    "emergency_number": "112",
    "hotline_name": "Test hotline",
    "hotline_phone": "+371 6700 0010",
    "identifying_authority": "Test police or a test commission",
    "identifying_kind": Kind.POLICE,
    "identification_source": "Test regulation on identification, section 2",
    "reflection_for": ReflectionFor.NON_EU_NATIONALS,
    "reflection_days": "30",
    "reflection_start": "recognition as a victim",
    "reflection_granted_by": "Test migration office",
    "reflection_source": "Test immigration law, section 9",
    "reflection_verified": "on",
    "programme_name": "Test rehabilitation programme",
    "programme_days": "180",
    "programme_source": "Test programme rules",
    "programme_verified": "on",
    "bound_by_directive": "True",
    "bound_by_convention": "True",
    "instruments_source": "Test treaty list",
    "instruments_verified": "on",
}
EDIT = reverse("pathways:national_mechanism_edit", args=["LV"])
PAGE = reverse("pathways:national_mechanism", args=["LV"])


def _rules(country, **changes) -> NationalMechanism:
    values = {
        key: value
        for key, value in RULES.items()
        if key not in ("reflection_verified", "programme_verified", "instruments_verified")
    }
    values.update(reflection_days=30, programme_days=180, bound_by_directive=True, bound_by_convention=True)
    values.update(changes)
    return NationalMechanism.objects.create(country=country, **values)


def _reflection_line(page: str, group: str) -> str:
    found = re.search(rf'<dd data-group="{group}">(.*?)</dd>', page, re.S)
    assert found, group
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


# --- the national coordinator fills in the rules -------------------------------------------------


def test_it_lets_the_national_coordinator_save_the_country_rules_with_an_audit_line(world, signed_in):
    response = signed_in(world[Role.NATIONAL_COORDINATOR]).post(EDIT, RULES)
    assert response.status_code == 302
    rules = NationalMechanism.objects.get(country_id="LV")
    assert rules.reflection_for == ReflectionFor.NON_EU_NATIONALS and rules.reflection_days == 30
    assert rules.identifying_kind == Kind.POLICE and not rules.identification_verified
    assert rules.reflection_verified and rules.programme_days == 180 and rules.bound_by_directive
    event = AuditEvent.objects.get(action="pathways.national_mechanism.created")
    assert event.actor_id == world[Role.NATIONAL_COORDINATOR].pk


def test_it_records_that_a_country_is_not_bound_by_the_directive(world, signed_in):
    data = {**RULES, "bound_by_directive": "False", "instruments_source": "Protocol No 22 to the treaties"}
    assert signed_in(world[Role.NATIONAL_COORDINATOR]).post(EDIT, data).status_code == 302
    rules = NationalMechanism.objects.get(country_id="LV")
    assert rules.bound_by_directive is False and rules.bound_by_convention is True
    page = signed_in(world[Role.CASEWORKER]).get(PAGE).content.decode()
    assert "is not bound by Directive 2011/36/EU: templates and cards do not cite it" in page


def test_it_shows_the_form_in_groups_with_legends(world, signed_in):
    page = signed_in(world[Role.NATIONAL_COORDINATOR]).get(EDIT).content.decode()
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    for legend in (
        "National referral mechanism and contacts",
        "Emergency number and national hotline",
        "Identification",
        "Recovery and reflection period",
        "State assistance programme",
        "International instruments",
    ):
        assert legend in legends


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reflection_days": ""}, "reflection_days", "Enter how many days the reflection period lasts."),
        (
            {"reflection_for": ReflectionFor.NOBODY},
            "reflection_days",
            "The law has no reflection period: leave the days empty.",
        ),
        (
            {"reflection_for": ""},
            "reflection_for",
            "Choose whom the law grants the reflection period, or that it has none.",
        ),
        ({"identification_source": ""}, "identification_source", "Name the source of these rules"),
        ({"reflection_source": ""}, "reflection_source", "Name the source of these rules"),
        ({"programme_source": ""}, "programme_source", "Name the source of these rules"),
        ({"programme_name": ""}, "programme_name", "Name the state assistance programme."),
        (
            {"instruments_source": ""},
            "instruments_source",
            "Name the source that says which instruments bind the country.",
        ),
        ({"reflection_days": "forty"}, "reflection_days", "Enter a whole number."),
    ],
)
def test_it_refuses_bad_rules_with_a_clear_message_and_changes_nothing(
    world, signed_in, changes, field, message
):
    before = model_to_dict(_rules(world.national.country, reflection_source="Kept source"))
    response = signed_in(world[Role.NATIONAL_COORDINATOR]).post(EDIT, {**RULES, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    assert model_to_dict(NationalMechanism.objects.get(country_id="LV")) == before
    assert not AuditEvent.objects.filter(action__startswith="pathways.national_mechanism").exists()


def test_it_accepts_a_law_without_a_reflection_period_and_says_so_for_everyone(world, signed_in):
    data = {**RULES, "reflection_for": ReflectionFor.NOBODY, "reflection_days": ""}
    assert signed_in(world[Role.NATIONAL_COORDINATOR]).post(EDIT, data).status_code == 302
    page = signed_in(world[Role.CASEWORKER]).get(PAGE).content.decode()
    assert "The law has no recovery and reflection period." in page


def test_it_needs_no_source_where_no_rule_is_stated(world, signed_in):
    """The contacts alone are enough to save: a rule left empty needs no source."""
    data = {"focal_point": "Test focal point", "phone": "+371 6700 0009"}
    assert signed_in(world[Role.NATIONAL_COORDINATOR]).post(EDIT, data).status_code == 302
    rules = NationalMechanism.objects.get(country_id="LV")
    assert rules.emergency_number == "112" and rules.bound_by_convention and not rules.reflection_for


def test_it_hides_the_edit_page_from_everyone_but_the_countrys_national_coordinator(world, signed_in):
    elsewhere = OrganisationFactory(kind=Kind.OTHER, municipality=None, country=world.other.country)
    other_national = make_member(elsewhere, Role.NATIONAL_COORDINATOR, username="national-elsewhere")
    for user in (other_national, world["outsider"], world[Role.COORDINATOR], world[Role.CASEWORKER]):
        client = signed_in(user)
        assert client.get(EDIT).status_code == 404
        assert client.post(EDIT, RULES).status_code == 404
    # The other country's national coordinator does not even read Latvia's page.
    assert signed_in(other_national).get(PAGE).status_code == 404
    assert not NationalMechanism.objects.exists()


def test_it_sends_an_anonymous_visitor_to_sign_in_and_refuses_other_methods(world, client, signed_in):
    assert client.get(EDIT).status_code == 302 and client.get(PAGE).status_code == 302
    assert signed_in(world[Role.NATIONAL_COORDINATOR]).put(EDIT).status_code == 405
    assert signed_in(world[Role.CASEWORKER]).post(PAGE).status_code == 405


# --- the national page ---------------------------------------------------------------------------


def test_it_shows_each_rule_in_plain_words_with_its_source_and_what_is_unchecked(world, signed_in):
    _rules(world.national.country, reflection_verified=True, programme_verified=True)
    page = signed_in(world[Role.CASEWORKER]).get(PAGE).content.decode()
    assert "Reasonable grounds and formal identification are decided by:" in page
    assert "Test police or a test commission" in page
    assert "Test regulation on identification, section 2" in page
    assert "Test immigration law, section 9" in page and "Test programme rules" in page
    assert "It lasts up to 180 days." in page
    assert "Latvia is bound by Directive 2011/36/EU: templates and cards cite it." in page
    assert _reflection_line(page, Group.EU_CITIZENS) == "None applies"
    assert _reflection_line(page, Group.OTHER_FOREIGNERS) == "30 days"
    # Identification and the instruments are not checked; the reflection period and programme are.
    assert page.count('badge--warning">not yet checked against the source') == 2


def test_it_says_what_the_national_coordinator_has_not_filled_in(world, signed_in):
    NationalMechanism.objects.create(country=world.national.country, focal_point="Test focal point")
    page = signed_in(world[Role.CASEWORKER]).get(PAGE).content.decode()
    assert "Not filled in yet:" in page
    for item in missing_rules(NationalMechanism(country=world.national.country)):
        assert item in page


# --- the pathway page ----------------------------------------------------------------------------


def _pathway_page(world, signed_in) -> str:
    pathway = actions.do_create_pathway(
        actor=world[Role.COORDINATOR], municipality=world.municipal.municipality, audience=Audience.ADULTS
    )
    response = signed_in(world[Role.CASEWORKER]).get(reverse("pathways:pathway_detail", args=[pathway.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_says_no_reflection_period_applies_to_an_eu_citizen_on_a_latvian_pathway(world, signed_in):
    _rules(world.national.country)  # Latvia: non-EU nationals only, 30 days
    page = _pathway_page(world, signed_in)
    assert _reflection_line(page, Group.EU_CITIZENS).startswith("None applies")
    assert _reflection_line(page, Group.NATIONALS).startswith("None applies")
    non_eu = _reflection_line(page, Group.OTHER_FOREIGNERS)
    assert non_eu.startswith("30 days, granted by Test migration office, from recognition as a victim"), (
        non_eu
    )
    assert "not yet checked against the source" in non_eu
    assert "Test rehabilitation programme" in page and "up to 180 days" in page
    assert "Test police or a test commission" in page and 'href="tel:+371 6700 0010"' in page
    assert reverse("pathways:national_mechanism", args=["LV"]) in page


def test_it_says_the_rules_are_not_filled_in_on_a_pathway_of_a_country_without_them(world, signed_in):
    page = _pathway_page(world, signed_in)
    for group in Group.ALL:
        assert _reflection_line(page, group) == "Not filled in by the national coordinator"
    assert 'href="tel:112"' in page


# --- the pure rules ------------------------------------------------------------------------------

# Whom each answer grants the reflection period: (nationals, EU citizens, other foreigners).
GRANTED = {
    ReflectionFor.EVERYONE: (True, True, True),
    ReflectionFor.FOREIGN_NATIONALS: (False, True, True),
    ReflectionFor.NON_EU_NATIONALS: (False, False, True),
    ReflectionFor.NOBODY: (False, False, False),
}


@pytest.mark.parametrize("granted_to", list(ReflectionFor))
@pytest.mark.parametrize("index", range(3))
def test_it_grants_the_reflection_period_by_group_as_the_table_says(granted_to, index):
    group = Group.ALL[index]
    rules = NationalMechanism(
        reflection_for=granted_to,
        reflection_days=None if granted_to == ReflectionFor.NOBODY else 45,
        reflection_granted_by="Test office",
        reflection_start="reasonable grounds",
        reflection_verified=True,
    )
    expected = (
        Reflection(group, True, 45, "Test office", "reasonable grounds", True)
        if GRANTED[granted_to][index]
        else Reflection(group, False, verified=True)
    )
    assert reflection_for(rules, group) == expected


@pytest.mark.parametrize("rules", [None, NationalMechanism()])
def test_it_tells_nothing_about_the_reflection_period_where_the_rules_are_empty(rules):
    assert [reflection_for(rules, group) for group in Group.ALL] == [Reflection(g, None) for g in Group.ALL]


def test_it_lists_every_missing_rule_of_an_empty_mechanism():
    assert missing_rules(NationalMechanism()) == [
        "who decides on reasonable grounds and identifies",
        "the reflection period",
        "the state assistance programme",
        "the national hotline",
    ]
    assert missing_rules(None) == ["the national referral mechanism and the country's rules"]
    assert missing_rules(NationalMechanism(reflection_for=ReflectionFor.NOBODY)) == [
        "who decides on reasonable grounds and identifies",
        "the state assistance programme",
        "the national hotline",
    ]


# --- the demo ------------------------------------------------------------------------------------

SOURCED = {
    "identification": ("identifying_authority", "identification_source", "identification_verified"),
    "reflection": ("reflection_for", "reflection_source", "reflection_verified"),
    "programme": ("programme_name", "programme_source", "programme_verified"),
    "instruments": ("instruments_source", "instruments_source", "instruments_verified"),
}
# What the demo could not check against a source it has read (docs/pathways.md, "Country rules").
UNCHECKED = {
    "LV": {"identification", "reflection"},
    "EE": {"reflection"},
    "LT": {"identification", "reflection", "programme"},
}


def test_it_fills_the_three_countries_rules_in_the_demo_each_with_a_source(db):
    call_command("load_demo", "--quiet-personas")
    for code in ("LV", "EE", "LT"):
        rules = NationalMechanism.objects.get(country_id=code)
        assert missing_rules(rules) == [], code
        assert rules.bound_by_directive and rules.bound_by_convention and rules.emergency_number == "112"
        for group, (filled, source, verified) in SOURCED.items():
            assert getattr(rules, filled) and getattr(rules, source), (code, group)
            assert getattr(rules, verified) == (group not in UNCHECKED[code]), (code, group)
    latvia = NationalMechanism.objects.get(country_id="LV")
    assert latvia.reflection_for == ReflectionFor.NON_EU_NATIONALS and latvia.programme_days == 180
    assert "marta.lv" in latvia.programme_source
    estonia = NationalMechanism.objects.get(country_id="EE")
    assert estonia.identifying_kind == Kind.STATE_VICTIM_SUPPORT and estonia.programme_presumed_days == 60
    assert "state.gov" in estonia.programme_source and "state.gov" in estonia.identification_source


def test_it_fills_the_new_rules_into_a_database_loaded_before_and_changes_nothing_the_second_time(db):
    call_command("load_demo", "--quiet-personas")
    # An older demo: the mechanisms had only their contacts, and a coordinator changed one of them.
    contacts = {
        "focal_point",
        "phone",
        "email",
        "available_24_7",
        "transnational_contact",
        "transnational_phone",
    }
    blank = {
        field.name: field.get_default()
        for field in NationalMechanism._meta.fields
        if field.name in MECHANISMS["LV"] and field.name not in contacts
    }
    NationalMechanism.objects.update(**blank)
    NationalMechanism.objects.filter(country_id="LV").update(phone="+371 6700 0099")
    call_command("load_demo", "--quiet-personas")
    latvia = NationalMechanism.objects.get(country_id="LV")
    assert latvia.phone == "+371 6700 0099"  # what the coordinator wrote stays
    assert latvia.reflection_for == ReflectionFor.NON_EU_NATIONALS and latvia.programme_verified
    assert latvia.hotline_phone == MECHANISMS["LV"]["hotline_phone"]
    filled = {m.pk: model_to_dict(m) | {"updated_at": m.updated_at} for m in NationalMechanism.objects.all()}
    call_command("load_demo", "--quiet-personas")
    again = {m.pk: model_to_dict(m) | {"updated_at": m.updated_at} for m in NationalMechanism.objects.all()}
    assert again == filled


def test_it_gives_the_states_decisions_in_the_demo_pathways_to_national_authorities(db):
    call_command("load_demo", "--quiet-personas")
    decisions = Step.objects.exclude(decision=Decision.NONE).select_related("responsible", "backup")
    assert {step.decision for step in decisions} >= {Decision.STAY}
    for step in decisions:
        for organisation in (step.responsible, step.backup):
            assert organisation is None or not organisation.is_municipal, (step.title, organisation)
        assert step.responsible is not None, step.title
    estonian = decisions.filter(stage__pathway__municipality__country_id="EE")
    identifying = estonian.filter(decision__in=[Decision.REASONABLE_GROUNDS, Decision.IDENTIFICATION])
    assert {step.responsible.kind for step in identifying} <= {Kind.STATE_VICTIM_SUPPORT}
    stays = decisions.filter(decision=Decision.STAY)
    assert {step.responsible.kind for step in stays} == {Kind.MIGRATION}
