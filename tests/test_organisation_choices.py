"""Who may be chosen as "provided by", responsible or backup: only organisations that work in the
municipality (based there, granted by its coordinators, or appointed for the whole country), grouped by
kind. One posted anyway is refused by the form, on the page and through the API alike."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import Organisation, OrganisationArea
from strom.accounts.roles import Role
from strom.directory.models import NeedTerm, Service
from strom.directory.taxonomy import sync_need_terms
from strom.pathways.models import Step
from tests.factories import MunicipalityFactory, OrganisationFactory
from tests.pathway_objects import published_chain
from tests.test_form_errors import filled_service_form
from tests.test_pathways import _step_form

Kind = Organisation.Kind


@pytest.fixture
def places(world):
    """Around the home municipality: a neighbour's child protection unit granted to it, a neighbour's
    police whose grant was revoked, a national helpline appointed for the country, one that closed."""
    home = world.municipal.municipality
    neighbour = MunicipalityFactory(country=home.country, name="Kaimiņupe")
    granted = OrganisationFactory(
        name="Kaimiņupe Child Protection", kind=Kind.CHILD_PROTECTION, municipality=neighbour
    )
    revoked = OrganisationFactory(name="Kaimiņupe Police", kind=Kind.POLICE, municipality=neighbour)
    appointed = OrganisationFactory(
        name="National Helpline", kind=Kind.NGO, municipality=None, country=home.country
    )
    closed = OrganisationFactory(name="Closed Shelter", kind=Kind.NGO, municipality=home, is_active=False)
    coordinator = world[Role.COORDINATOR]
    OrganisationArea.objects.create(organisation=granted, municipality=home, granted_by=coordinator)
    OrganisationArea.objects.create(
        organisation=revoked,
        municipality=home,
        granted_by=coordinator,
        revoked_by=coordinator,
        revoked_at=timezone.now(),
    )
    OrganisationArea.objects.create(
        organisation=appointed, country=home.country, granted_by=world[Role.NATIONAL_COORDINATOR]
    )
    return {"granted": granted, "revoked": revoked, "appointed": appointed, "closed": closed}


def _options(html: str, field: str) -> dict[str, list[str]]:
    """The options of a select by optgroup label: {group: [option text]}."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    groups = {}
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S):
        groups[label] = [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", body)]
    return groups


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='test', days=1)[1]}")


# --- Pathway steps --------------------------------------------------------------------------------


def test_it_offers_for_a_step_only_organisations_that_work_in_the_municipality_by_kind(
    world, places, signed_in
):
    step = published_chain(world).shelter_step
    html = (
        signed_in(world[Role.COORDINATOR]).get(reverse("pathways:step_edit", args=[step.pk])).content.decode()
    )
    for field in ("responsible", "backup"):
        groups = _options(html, field)
        offered = {name for names in groups.values() for name in names}
        assert offered == {
            "Testupe Administration",
            "Testupe Social Service",
            "Test Shelter Association",
            "Kaimiņupe Child Protection",
            "National Helpline (national)",
        }
        assert groups["Non-governmental organisation"] == [
            "National Helpline (national)",
            "Test Shelter Association",
        ]
        assert groups["Child protection"] == ["Kaimiņupe Child Protection"]
        # The kinds come in the order of the kinds' list, not mixed.
        assert list(groups)[:2] == ["Municipal social services", "Municipal administration"]


@pytest.mark.parametrize("outside", ["revoked", "closed", "national office", "platform", "other"])
def test_it_refuses_a_step_organisation_that_does_not_work_there(world, places, signed_in, outside):
    organisation = {
        **places,
        "national office": world.national,
        "platform": world.platform,
        "other": world.other,
    }[outside]
    step = published_chain(world).shelter_step
    before = (step.responsible_id, step.backup_id)
    client = signed_in(world[Role.COORDINATOR])
    for field in ("responsible", "backup"):
        response = client.post(
            reverse("pathways:step_edit", args=[step.pk]), _step_form(step, **{field: str(organisation.pk)})
        )
        assert response.status_code == 200 and field in response.context["form"].errors
    step.refresh_from_db()
    assert (step.responsible_id, step.backup_id) == before


def test_it_takes_a_granted_or_appointed_organisation_for_a_step(world, places, signed_in):
    step = published_chain(world).shelter_step
    data = _step_form(step, responsible=str(places["granted"].pk), backup=str(places["appointed"].pk))
    response = signed_in(world[Role.COORDINATOR]).post(reverse("pathways:step_edit", args=[step.pk]), data)
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.responsible, step.backup) == (places["granted"], places["appointed"])


def test_it_keeps_a_step_editable_after_its_organisations_grant_ended(world, places, signed_in):
    step = published_chain(world).shelter_step
    Step.objects.filter(pk=step.pk).update(responsible=places["revoked"])
    step.refresh_from_db()
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("pathways:step_edit", args=[step.pk]), _step_form(step, title="Shelter, renamed")
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.responsible) == ("Shelter, renamed", places["revoked"])


def test_it_refuses_through_the_api_a_step_organisation_that_does_not_work_there(world, places):
    chain = published_chain(world)
    body = {
        "pathway": str(chain.pathway.pk),
        "phase": "long_term",
        "title": "Peer support group",
        "responsible": str(world.national.pk),
        "needs": [],
    }
    client = _api(world[Role.COORDINATOR])
    refused = client.post("/api/v1/steps", body, content_type="application/json")
    assert refused.status_code == 400 and "responsible" in refused.json()["detail"]
    same = {**body, "responsible": str(places["granted"].pk), "backup": str(places["granted"].pk)}
    refused = client.post("/api/v1/steps", same, content_type="application/json")
    assert refused.status_code == 400 and "backup" in refused.json()["detail"]
    assert not Step.objects.filter(title="Peer support group").exists()
    body["responsible"] = str(places["granted"].pk)
    assert client.post("/api/v1/steps", body, content_type="application/json").status_code == 201


# --- The service form's "provided by" -----------------------------------------------------------


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def test_it_offers_a_coordinator_only_organisations_that_work_in_the_municipality(
    world, places, signed_in, needs
):
    html = signed_in(world[Role.COORDINATOR]).get(reverse("directory:service_new")).content.decode()
    groups = _options(html, "organisation")
    assert groups["Your organisation"] == ["Testupe Administration"]
    offered = {name for names in groups.values() for name in names}
    assert offered == {
        "Testupe Administration",
        "Testupe Social Service",
        "Test Shelter Association",
        "Kaimiņupe Child Protection",
        "National Helpline",
    }
    assert groups["Non-governmental organisation"] == ["National Helpline", "Test Shelter Association"]


def test_it_offers_a_provider_their_own_organisation_only(world, signed_in, needs):
    html = signed_in(world[Role.SERVICE_PROVIDER]).get(reverse("directory:service_new")).content.decode()
    assert _options(html, "organisation") == {"Your organisation": ["Test Shelter Association"]}


def test_it_refuses_a_provider_organisation_without_a_grant_on_the_page(world, places, signed_in, needs):
    data = filled_service_form(places["revoked"], world.municipal.municipality)
    response = signed_in(world[Role.COORDINATOR]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Service.objects.exists()


def test_it_lists_a_service_for_a_granted_organisation(world, places, signed_in, needs):
    data = filled_service_form(places["granted"], world.municipal.municipality)
    response = signed_in(world[Role.COORDINATOR]).post(reverse("directory:service_new"), data)
    assert response.status_code == 302
    assert Service.objects.get().organisation == places["granted"]


def test_it_refuses_a_provider_organisation_without_a_grant_through_the_api(world, places, needs):
    body = {
        "organisation": str(places["revoked"].pk),
        "municipality": str(world.municipal.municipality_id),
        "name": "API desk",
        "needs": ["counselling_information"],
        "languages": ["lv"],
    }
    response = _api(world[Role.COORDINATOR]).post("/api/v1/services", body, content_type="application/json")
    assert response.status_code == 400
    assert not Service.objects.exists()
