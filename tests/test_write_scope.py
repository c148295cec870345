"""Issue 7, item 1: an organisation writes services only where it works.

Its own municipality counts by itself; elsewhere only where a coordinator of that municipality has
recorded that the organisation serves it, or across a country where a national coordinator has
appointed it. The same rule holds on the pages, the API and the HSDS import.
"""

import pytest
from django.test import Client
from django.urls import reverse

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import OrganisationArea
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.models import Location, NeedTerm, Service
from strom.directory.public_address import address_of
from strom.directory.taxonomy import sync_need_terms
from tests.factories import MunicipalityFactory, OrganisationFactory, make_member

PLANTED = "24/7 helpline (planted)"


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='test', days=1)[1]}")


def service_payload(organisation, municipality, **overrides):
    return {
        "organisation": str(organisation.pk),
        "municipality": str(municipality.pk),
        "name": PLANTED,
        "needs": ["counselling_information"],
        "is_helpline": True,
        "available_24_7": True,
        "phone": "+371 6000 0999",  # a planted helpline names a number to call: it would be shown publicly
        **overrides,
    }


def post_service(user, organisation, municipality):
    return api(user).post(
        "/api/v1/services", service_payload(organisation, municipality), content_type="application/json"
    )


def public_page(municipality) -> str:
    return Client().get(address_of(municipality).path).content.decode()


def test_it_refuses_a_provider_publishing_into_another_country(world, needs):
    away = world.other.municipality
    response = post_service(world[Role.SERVICE_PROVIDER], world.ngo, away)
    assert response.status_code == 404
    assert not Service.objects.exists()
    assert PLANTED not in public_page(away)


@pytest.fixture
def neighbour(world):
    """A second municipality in the home country, with its own coordinator."""
    town = MunicipalityFactory(country=world.ngo.country, name="Kaimiņciems")
    office = OrganisationFactory(name="Kaimiņciems Administration", municipality=town)
    return town, make_member(office, Role.COORDINATOR, username="neighbour")


def grant(client, municipality, organisation):
    return client.post(
        reverse("accounts:serving_organisations", args=[municipality.pk]), {"organisation": organisation.pk}
    )


# --- The probe, over the API, the page and the location endpoints --------------------------------


def test_it_refuses_the_page_form_into_another_country(world, signed_in, needs):
    away = world.other.municipality
    data = {
        "organisation": str(world.ngo.pk),
        "municipality": str(away.pk),
        "name": PLANTED,
        "status": "active",
        "needs": ["counselling_information"],
        "serves_adults": "on",
    }
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200 and "municipality" in response.context["form"].errors
    assert not Service.objects.exists()
    assert PLANTED not in public_page(away)


def test_it_offers_a_provider_only_the_municipalities_where_the_organisation_works(
    world, signed_in, needs, neighbour
):
    town, _coordinator = neighbour
    client = signed_in(world[Role.SERVICE_PROVIDER])
    offered = client.get(reverse("directory:service_new")).context["form"].fields["municipality"].queryset
    assert list(offered) == [world.ngo.municipality]
    OrganisationArea.objects.create(organisation=world.ngo, municipality=town, granted_by=neighbour[1])
    offered = client.get(reverse("directory:service_new")).context["form"].fields["municipality"].queryset
    assert set(offered) == {world.ngo.municipality, town}


def test_it_refuses_a_location_in_a_municipality_where_the_organisation_does_not_work(world, needs):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/locations",
        {
            "organisation": str(world.ngo.pk),
            "municipality": str(world.other.municipality.pk),
            "name": "Annex",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Location.objects.exists()


def test_it_refuses_to_move_an_existing_service_into_another_country(world, needs):
    client = api(world[Role.SERVICE_PROVIDER])
    created = post_service(world[Role.SERVICE_PROVIDER], world.ngo, world.ngo.municipality)
    assert created.status_code == 201
    moved = client.put(
        f"/api/v1/services/{created.json()['id']}",
        service_payload(world.ngo, world.other.municipality),
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert Service.objects.get().municipality == world.ngo.municipality


# --- Granting, writing, revoking ----------------------------------------------------------------


def test_it_lets_the_organisation_write_there_once_that_municipality_grants_it_and_stops_on_revoke(
    world, signed_in, needs, neighbour
):
    town, coordinator = neighbour
    provider = world[Role.SERVICE_PROVIDER]
    assert post_service(provider, world.ngo, town).status_code == 404

    page = signed_in(coordinator)
    assert grant(page, town, world.ngo).status_code == 302
    area = OrganisationArea.objects.get(organisation=world.ngo, municipality=town, revoked_at=None)
    assert area.granted_by == coordinator
    assert AuditEvent.objects.filter(
        action="accounts.organisation_area.granted", object_id=str(area.pk)
    ).exists()

    created = post_service(provider, world.ngo, town)
    assert created.status_code == 201
    assert PLANTED in public_page(town)
    service_id = created.json()["id"]

    assert page.post(reverse("accounts:revoke_area", args=[area.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.organisation_area.revoked").exists()
    assert post_service(provider, world.ngo, town).status_code == 404
    assert Service.objects.filter(municipality=town).count() == 1
    # The listing stays; its organisation can no longer change it, the municipality's coordinator can.
    changed = service_payload(world.ngo, town, name="Changed by the provider")
    refused = api(provider).put(f"/api/v1/services/{service_id}", changed, content_type="application/json")
    assert refused.status_code == 404
    by_coordinator = service_payload(world.ngo, town, name="Kept by the coordinator")
    response = api(coordinator).put(
        f"/api/v1/services/{service_id}", by_coordinator, content_type="application/json"
    )
    assert response.status_code == 200
    assert Service.objects.get(pk=service_id).name == "Kept by the coordinator"


def test_it_lets_a_national_appointment_write_across_its_country_only(world, signed_in, needs, neighbour):
    town, _coordinator = neighbour
    provider = make_member(world.national, Role.SERVICE_PROVIDER, username="national_provider")
    assert post_service(provider, world.national, town).status_code == 404

    response = signed_in(world[Role.NATIONAL_COORDINATOR]).post(
        reverse("accounts:national_organisations", args=[world.national.country_id]),
        {"organisation": world.national.pk},
    )
    assert response.status_code == 302
    area = OrganisationArea.objects.get(organisation=world.national, revoked_at=None)
    assert (area.municipality, area.country_id) == (None, "LV")
    assert AuditEvent.objects.filter(action="accounts.national_appointment.granted").exists()

    assert post_service(provider, world.national, town).status_code == 201
    assert post_service(provider, world.national, world.ngo.municipality).status_code == 201
    assert post_service(provider, world.national, world.other.municipality).status_code == 404
    assert not Service.objects.filter(municipality=world.other.municipality).exists()


def test_it_answers_404_to_a_coordinator_granting_for_another_municipality(
    world, signed_in, needs, neighbour
):
    town, _coordinator = neighbour
    client = signed_in(world[Role.COORDINATOR])
    assert client.get(reverse("accounts:serving_organisations", args=[town.pk])).status_code == 404
    assert grant(client, town, world.ngo).status_code == 404
    assert not OrganisationArea.objects.exists()


@pytest.mark.parametrize(
    "person",
    [Role.SERVICE_PROVIDER, Role.CASEWORKER, Role.TRAINER, Role.ANALYST, Role.PLATFORM_ADMIN, "outsider"],
)
def test_it_refuses_the_grant_pages_to_other_roles(world, signed_in, person):
    home = world.ngo.municipality
    client = signed_in(world[person])
    assert client.get(reverse("accounts:serving_organisations", args=[home.pk])).status_code == 404
    assert grant(client, home, world.national).status_code == 404
    national_page = reverse("accounts:national_organisations", args=["LV"])
    assert client.get(national_page).status_code == 404
    assert client.post(national_page, {"organisation": world.national.pk}).status_code == 404
    assert not OrganisationArea.objects.exists()


@pytest.mark.parametrize("person", [Role.SERVICE_PROVIDER, Role.NATIONAL_COORDINATOR, "outsider"])
def test_it_refuses_revoking_a_municipal_grant_to_anyone_but_its_coordinators(world, signed_in, person):
    area = OrganisationArea.objects.create(
        organisation=world.national, municipality=world.ngo.municipality, granted_by=world[Role.COORDINATOR]
    )
    response = signed_in(world[person]).post(reverse("accounts:revoke_area", args=[area.pk]))
    assert response.status_code == 404
    area.refresh_from_db()
    assert area.revoked_at is None


def test_it_refuses_a_national_coordinator_appointing_in_another_country(world, signed_in):
    client = signed_in(world[Role.NATIONAL_COORDINATOR])
    page = reverse("accounts:national_organisations", args=[world.other.country_id])
    assert client.get(page).status_code == 404
    assert client.post(page, {"organisation": world.other.pk}).status_code == 404
    assert not OrganisationArea.objects.exists()


def test_it_offers_only_organisations_based_elsewhere_and_lists_the_grants(
    world, signed_in, needs, neighbour
):
    town, other_coordinator = neighbour
    home = world.ngo.municipality
    riverside = OrganisationFactory(name="Riverside Helpers", municipality=town)
    client = signed_in(world[Role.COORDINATOR])
    form = client.get(reverse("accounts:serving_organisations", args=[home.pk])).context["form"]
    # Organisations based here work here already; those of another country are not offered.
    offered = set(form.fields["organisation"].queryset)
    assert offered == {
        riverside,
        world.national,
        world.platform,
        other_coordinator.memberships.get().organisation,
    }
    assert grant(client, home, world.other).status_code == 200  # another country's: not a valid choice
    grant(client, home, riverside)
    page = client.get(reverse("accounts:serving_organisations", args=[home.pk]))
    assert [area.organisation for area in page.context["areas"]] == [riverside]
    assert riverside not in set(page.context["form"].fields["organisation"].queryset)


def test_it_refuses_a_coordinator_listing_an_organisation_that_does_not_serve_the_municipality(
    world, signed_in, needs, neighbour
):
    _town, other_coordinator = neighbour
    stranger = other_coordinator.memberships.get().organisation
    home = world.ngo.municipality
    response = api(world[Role.COORDINATOR]).post(
        "/api/v1/services", service_payload(stranger, home), content_type="application/json"
    )
    assert response.status_code == 400 and "does not serve" in response.json()["detail"]
    assert not Service.objects.exists()
    assert grant(signed_in(world[Role.COORDINATOR]), home, stranger).status_code == 302
    again = api(world[Role.COORDINATOR]).post(
        "/api/v1/services", service_payload(stranger, home), content_type="application/json"
    )
    assert again.status_code == 201


# --- The HSDS import ------------------------------------------------------------------------------


def test_it_records_the_organisations_an_import_places_in_the_municipality(world, needs, neighbour):
    """An import is its coordinator's write: organisations based elsewhere are recorded as serving the
    municipality, counted in the preview and audited, so their staff can keep the listings current."""
    from strom.directory.actions import do_import_directory
    from strom.directory.hsds import exporting, reading

    town, coordinator = neighbour
    post_service(world[Role.SERVICE_PROVIDER], world.ngo, world.ngo.municipality)
    payload = exporting.export_directory(Service.objects.filter(municipality=world.ngo.municipality))
    plan = reading.plan_import(payload, town)
    assert plan.problems == [] and plan.preview.organisations_granted == 1
    assert post_service(world[Role.SERVICE_PROVIDER], world.ngo, town).status_code == 404

    do_import_directory(actor=coordinator, municipality=town, plan=plan)
    area = OrganisationArea.objects.get(organisation=world.ngo, municipality=town, revoked_at=None)
    assert area.granted_by == coordinator
    assert AuditEvent.objects.filter(action="accounts.organisation_area.granted").count() == 1
    assert post_service(world[Role.SERVICE_PROVIDER], world.ngo, town).status_code == 201


def test_it_lets_only_the_municipalitys_coordinators_import(world, needs, neighbour):
    from django.core.exceptions import PermissionDenied

    from strom.directory.actions import do_import_directory
    from strom.directory.hsds import exporting, reading

    town, _coordinator = neighbour
    post_service(world[Role.SERVICE_PROVIDER], world.ngo, world.ngo.municipality)
    plan = reading.plan_import(exporting.export_directory(Service.objects.all()), town)
    with pytest.raises(PermissionDenied):
        do_import_directory(actor=world[Role.COORDINATOR], municipality=town, plan=plan)
    assert not OrganisationArea.objects.exists()


# --- The demo ------------------------------------------------------------------------------------


def test_it_places_every_demo_service_where_its_organisation_works(db):
    from strom.accounts.queries import organisation_works_in
    from strom.core.demo import load_demo

    load_demo()
    services = Service.objects.select_related("organisation", "municipality__country")
    assert services.exists()
    assert all(organisation_works_in(s.organisation, s.municipality) for s in services)
    assert OrganisationArea.objects.filter(country_id="LV", revoked_at=None).exists()


def test_it_lists_each_grant_with_its_own_revoke_button(world, signed_in, neighbour):
    """The pages show every organisation with a button naming it, in a list that fits a phone."""
    town, coordinator = neighbour
    client = signed_in(coordinator)
    assert grant(client, town, world.ngo).status_code == 302
    page = client.get(reverse("accounts:serving_organisations", args=[town.pk])).content.decode()
    area = OrganisationArea.objects.get(organisation=world.ngo, municipality=town)
    assert reverse("accounts:revoke_area", args=[area.pk]) in page
    assert f"Stop {world.ngo.name} listing services here" in page
    assert "<table" not in page

    national = signed_in(world[Role.NATIONAL_COORDINATOR])
    national.post(
        reverse("accounts:national_organisations", args=["LV"]), {"organisation": world.national.pk}
    )
    page = national.get(reverse("accounts:national_organisations", args=["LV"])).content.decode()
    assert f"End the appointment of {world.national.name}" in page
