"""A pathway is written in one language (issue 10): the template is filled in the language the
coordinator chooses (by default the municipality's country's), a copy keeps its source's, the API does
the same, the demo's municipalities get their pathways in their country's language, and the pages mark
the pathway's texts with its language where the page is in another, so that a screen reader pronounces
them right."""

import re
import typing
from dataclasses import fields

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import Country, Municipality
from strom.accounts.roles import Role
from strom.pathways import actions
from strom.pathways.blueprints import ADULTS, BLUEPRINTS, CHILDREN
from strom.pathways.models import Agreement, Audience, Pathway, PathwayVersion, Step
from tests.factories import MembershipFactory, OrganisationFactory
from tests.pathway_objects import published_chain


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def _step_titles(blueprint, language: str) -> set[str]:
    return {_in(language, item.title) for items in blueprint.steps.values() for item in items}


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='t', days=1)[1]}")


def _new_page(client, **data):
    return client.post(reverse("pathways:pathway_new"), {"source": "", **data})


def _selected_language(page: str) -> str:
    select = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


# --- Creating a pathway in a language ------------------------------------------------------------


def test_it_fills_the_template_in_latvian_when_the_coordinator_chooses_it_on_an_english_page(
    world, signed_in
):
    client = signed_in(world[Role.COORDINATOR])
    response = _new_page(
        client, municipality=world.municipal.municipality_id, audience=Audience.ADULTS, language="lv"
    )
    pathway = Pathway.objects.get()
    assert response.status_code == 302
    assert pathway.language == "lv"
    assert pathway.title == _in("lv", ADULTS.title) != _in("en", ADULTS.title)
    titles = set(Step.objects.filter(stage__pathway=pathway).values_list("title", flat=True))
    assert titles == _step_titles(ADULTS, "lv")
    assert not titles & _step_titles(ADULTS, "en")
    # The page the coordinator comes back to is still in English.
    assert "Health check" in client.get(response["Location"]).content.decode()


def test_it_fills_the_childrens_template_in_estonian_through_the_action(world):
    pathway = actions.do_create_pathway(
        actor=world[Role.COORDINATOR],
        municipality=world.municipal.municipality,
        audience=Audience.CHILDREN,
        language="et",
    )
    assert pathway.language == "et" and pathway.title == _in("et", CHILDREN.title)
    titles = set(Step.objects.filter(stage__pathway=pathway).values_list("title", flat=True))
    assert titles == _step_titles(CHILDREN, "et")


def test_it_offers_the_language_of_the_municipalitys_country_first(world, signed_in):
    page = signed_in(world[Role.COORDINATOR]).get(reverse("pathways:pathway_new")).content.decode()
    assert _selected_language(page) == "lv"
    outsider = signed_in(world["outsider"]).get(reverse("pathways:pathway_new")).content.decode()
    assert _selected_language(outsider) == "et"


def test_it_offers_the_coordinators_own_language_where_strom_lacks_the_countrys(world, signed_in):
    norway, _created = Country.objects.get_or_create(code="NO", defaults={"name": "Norway"})
    town = Municipality.objects.create(country=norway, name="Fjordby")
    office = OrganisationFactory(municipality=town, kind=world.municipal.kind, name="Fjordby Administration")
    coordinator = world["outsider"]
    coordinator.memberships.all().delete()
    MembershipFactory(user=coordinator, organisation=office, role=Role.COORDINATOR)
    client = signed_in(coordinator)
    assert _selected_language(client.get(reverse("pathways:pathway_new")).content.decode()) == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert _selected_language(client.get(reverse("pathways:pathway_new")).content.decode()) == "ru"


def test_it_refuses_a_language_strom_is_not_translated_into_and_creates_nothing(world, signed_in):
    client = signed_in(world[Role.COORDINATOR])
    response = _new_page(
        client, municipality=world.municipal.municipality_id, audience=Audience.ADULTS, language="de"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Pathway.objects.exists()


def test_it_keeps_the_language_of_the_pathway_it_copies(world, signed_in):
    source = actions.do_create_pathway(
        actor=world[Role.COORDINATOR],
        municipality=world.municipal.municipality,
        audience=Audience.ADULTS,
        language="lv",
    )
    version = actions.do_publish_pathway(actor=world[Role.COORDINATOR], pathway=source, note="")
    town = Municipality.objects.create(country=world.municipal.country, name="Copyville")
    office = OrganisationFactory(municipality=town, kind=world.social.kind, name="Copyville Social Service")
    MembershipFactory(user=world[Role.COORDINATOR], organisation=office, role=Role.COORDINATOR)
    client = signed_in(world[Role.COORDINATOR])
    page = client.get(reverse("pathways:pathway_new")).content.decode()
    assert "(v1, Latvian)" in page  # the copy's language is shown before it is chosen
    _new_page(client, municipality=town.pk, audience=Audience.ADULTS, source=version.pk, language="en")
    copy = Pathway.objects.get(municipality=town)
    assert copy.language == "lv" and copy.title == source.title
    assert set(Step.objects.filter(stage__pathway=copy).values_list("title", flat=True)) == _step_titles(
        ADULTS, "lv"
    )


# --- The API -------------------------------------------------------------------------------------


def test_it_lists_every_language_of_the_site_in_the_apis_choice():
    from strom.api.v1.pathways import Language

    assert set(typing.get_args(Language)) == {code for code, _name in settings.LANGUAGES}


def test_it_creates_a_pathway_over_the_api_in_the_language_asked_for(world):
    coordinator = _api(world[Role.COORDINATOR])
    body = {"municipality": str(world.municipal.municipality_id), "audience": "children", "language": "et"}
    created = coordinator.post("/api/v1/pathways", body, content_type="application/json")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["language"] == "et" and answer["title"] == _in("et", CHILDREN.title)
    titles = {step["title"] for stage in answer["draft"] for step in stage["steps"]}
    assert titles == _step_titles(CHILDREN, "et")
    assert {"decision"} <= set(answer["draft"][0]["steps"][0])
    listed = coordinator.get("/api/v1/pathways").json()["items"]
    assert [item["language"] for item in listed] == ["et"]


def test_it_writes_an_api_pathway_in_the_countrys_language_when_none_is_asked_for(world):
    body = {"municipality": str(world.municipal.municipality_id), "audience": "adults"}
    created = _api(world[Role.COORDINATOR]).post("/api/v1/pathways", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["language"] == "lv" and created.json()["title"] == _in("lv", ADULTS.title)


def test_it_refuses_over_the_api_an_unknown_language_another_municipality_and_a_second_pathway(world):
    coordinator = _api(world[Role.COORDINATOR])
    home = str(world.municipal.municipality_id)
    unknown = {"municipality": home, "audience": "adults", "language": "de"}
    assert coordinator.post("/api/v1/pathways", unknown, content_type="application/json").status_code == 422
    away = {"municipality": str(world.other.municipality_id), "audience": "adults", "language": "et"}
    assert coordinator.post("/api/v1/pathways", away, content_type="application/json").status_code == 404
    assert not Pathway.objects.exists()
    first = {"municipality": home, "audience": "adults", "language": "lv"}
    assert coordinator.post("/api/v1/pathways", first, content_type="application/json").status_code == 201
    second = coordinator.post("/api/v1/pathways", first, content_type="application/json")
    assert second.status_code == 400 and "already has a pathway" in second.json()["detail"]
    assert (
        _api(world[Role.CASEWORKER])
        .post("/api/v1/pathways", {**first, "audience": "children"}, content_type="application/json")
        .status_code
        == 404
    )
    assert Pathway.objects.count() == 1


def test_it_copies_over_the_api_in_the_sources_language_and_only_for_the_same_group(world):
    chain = published_chain(world)  # in English, the language active when it was made
    town = Municipality.objects.create(country=world.municipal.country, name="Copyville")
    OrganisationFactory(municipality=town, kind=world.social.kind, name="Copyville Social Service")
    MembershipFactory(
        user=world[Role.COORDINATOR],
        organisation=OrganisationFactory(
            municipality=town, kind=world.municipal.kind, name="Copyville Office"
        ),
        role=Role.COORDINATOR,
    )
    coordinator = _api(world[Role.COORDINATOR])
    body = {"municipality": str(town.pk), "audience": "children", "source": str(chain.pathway.pk)}
    mismatch = coordinator.post("/api/v1/pathways", body, content_type="application/json")
    assert mismatch.status_code == 400
    copied = coordinator.post(
        "/api/v1/pathways", {**body, "audience": "adults", "language": "lv"}, content_type="application/json"
    )
    assert copied.status_code == 201 and copied.json()["language"] == "en"
    assert copied.json()["title"] == chain.pathway.title


def test_it_takes_the_decision_of_a_step_over_the_api_and_refuses_it_to_a_municipal_organisation(
    world,
):
    chain = published_chain(world)
    coordinator = _api(world[Role.COORDINATOR])
    body = {
        "pathway": str(chain.pathway.pk),
        "phase": "first_assistance",
        "title": "Request the reflection period",
        "responsible": str(world.social.pk),
        "decision": "stay",
    }
    refused = coordinator.post("/api/v1/steps", body, content_type="application/json")
    assert refused.status_code == 400 and "responsible" in refused.json()["detail"]
    assert not Step.objects.filter(title="Request the reflection period").exists()
    created = coordinator.post(
        "/api/v1/steps", {**body, "responsible": None}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["decision"] == "stay"
    unknown = {**body, "responsible": None, "decision": "asylum"}
    assert coordinator.post("/api/v1/steps", unknown, content_type="application/json").status_code == 422


# --- The lang attribute --------------------------------------------------------------------------


@pytest.fixture
def latvian_chain(world):
    """The published chain with its texts in Latvian (written on a Latvian page)."""
    with translation.override("lv"):
        chain = published_chain(world)
    chain.pathway.language = "lv"
    chain.pathway.save(update_fields=["language"])
    return chain


def _page(client, name, *args, language="en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_it_marks_a_latvian_pathways_texts_as_latvian_on_an_english_page(world, signed_in, latvian_chain):
    pathway = latvian_chain.pathway
    step = latvian_chain.shelter_step
    client = signed_in(world[Role.COORDINATOR])
    detail = _page(client, "pathways:pathway_detail", pathway.pk)
    assert '<html lang="en">' in detail
    assert f'<h1 lang="lv">{pathway.title}</h1>' in detail
    assert f'lang="lv">{step.title}</a>' in detail
    assert re.search(r'<p class="small" lang="lv">[^<]+</p>', detail)  # the stage note
    assert f'<span lang="lv">{step.contact_function}</span>' in detail
    version = _page(client, "pathways:version_detail", pathway.pk, 1)
    assert f'<strong lang="lv">{step.title}</strong>' in version
    assert f'<span lang="lv">{pathway.title}</span>' in version  # inside "…, version 1"
    assert 'lang="lv"' in _page(client, "pathways:version_list", pathway.pk)
    assert f'lang="lv">{pathway.title}</a>' in _page(client, "pathways:pathway_list")
    form = _page(client, "pathways:step_edit", step.pk)
    assert re.search(r'<input type="text" name="title"[^>]* lang="lv"', form)
    assert re.search(r'<textarea name="description"[^>]* lang="lv"', form)


def test_it_adds_no_lang_where_the_page_is_in_the_pathways_language(world, signed_in, latvian_chain):
    pathway = latvian_chain.pathway
    client = signed_in(world[Role.COORDINATOR])
    for name, args in [
        ("pathways:pathway_detail", [pathway.pk]),
        ("pathways:version_detail", [pathway.pk, 1]),
        ("pathways:version_list", [pathway.pk]),
        ("pathways:step_edit", [latvian_chain.shelter_step.pk]),
    ]:
        page = _page(client, name, *args, language="lv")
        assert '<html lang="lv">' in page
        # Only the page itself and the language menu's own entry say lv.
        assert page.count('lang="lv"') == 2, name
    english = _page(client, "pathways:pathway_detail", pathway.pk)
    assert english.count('lang="lv"') > 5


def test_it_marks_nothing_on_an_english_pathway_viewed_in_english(world, signed_in):
    chain = published_chain(world)
    page = _page(signed_in(world[Role.COORDINATOR]), "pathways:pathway_detail", chain.pathway.pk)
    assert page.count(' lang="') == 1 + len(settings.LANGUAGES)  # the page and the language menu


# --- The demo ------------------------------------------------------------------------------------

# Words of English that Estonian, Latvian and Lithuanian do not have: a text containing one of them was
# left in English (a missing translation), whatever message it came from.
ENGLISH_WORDS = re.compile(r"\b(the|of|and|with|for|only|whether)\b", re.IGNORECASE)
LANGUAGE_OF = {"LV": "lv", "EE": "et", "LT": "lt"}


def _english_template_texts() -> set[str]:
    """Every text of every template, and of the demo's own messages, as it reads in English."""
    from strom.pathways import demo

    lazy = [blueprint.title for blueprint in BLUEPRINTS.values()]
    for blueprint in BLUEPRINTS.values():
        lazy += [note.text for notes in blueprint.notes.values() for note in notes]
        for items in blueprint.steps.values():
            for item in items:
                lazy += [getattr(item, f.name) for f in fields(item)]
    lazy += [value for value in vars(demo).values() if isinstance(value, Promise)]
    citations = [
        c for blueprint in BLUEPRINTS.values() for step in blueprint.all_steps() for c in step.legal_basis
    ]
    with translation.override("en"):
        cited = {citation.text for citation in citations}
        return cited | {str(text) for text in lazy if isinstance(text, Promise)}


def _pathway_texts(pathway: Pathway) -> list[str]:
    texts = [pathway.title]
    for stage in pathway.stages.all():
        texts += [part for part in stage.note.split("\n\n") if part]
    for step in Step.objects.filter(stage__pathway=pathway):
        texts += [step.title, step.description, step.contact_function, step.legal_basis]
    for version in PathwayVersion.objects.filter(pathway=pathway):
        texts += [version.note, version.snapshot["title"]]
    texts += list(Agreement.objects.filter(municipality=pathway.municipality).values_list("title", flat=True))
    return [text for text in texts if text]


def test_it_writes_no_demo_pathway_text_in_english_for_a_latvian_estonian_or_lithuanian_municipality(db):
    call_command("load_demo", "--quiet-personas")
    english = _english_template_texts()
    pathways = Pathway.objects.filter(municipality__country_id__in=LANGUAGE_OF).select_related("municipality")
    assert pathways.count() >= 4  # Lithuania's demo municipalities show a directory, not a pathway
    for pathway in pathways:
        assert pathway.language == LANGUAGE_OF[pathway.municipality.country_id]
        for text in _pathway_texts(pathway):
            where = f"{pathway.municipality.name}: {text!r}"
            assert text not in english, where
            assert not any(len(sentence) > 20 and sentence in text for sentence in english), where
            assert not ENGLISH_WORDS.search(text), where


def test_it_writes_the_demo_services_in_their_countrys_language(db):
    from strom.directory.models import Service

    call_command("load_demo", "--quiet-personas")
    written = [
        f.name
        for f in Service._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices
    ]
    services = Service.objects.filter(municipality__country_id__in=LANGUAGE_OF)
    assert {"LV", "EE", "LT"} <= set(services.values_list("municipality__country_id", flat=True))
    for service in services:
        for name in written:
            value = getattr(service, name)
            assert not (isinstance(value, str) and ENGLISH_WORDS.search(value)), (service.name, name, value)
