import uuid
from decimal import Decimal

import pytest
from django.test import Client

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms

CANARY = "Secret yard 9 (canary)"


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='test', days=1)[1]}")


@pytest.fixture
def directory(world):
    sync_need_terms(NeedTerm)
    shelter = Service.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name="Test shelter",
        capacity_total=4,
        capacity_free=1,
    )
    shelter.needs.set(NeedTerm.objects.filter(code__in=["accommodation", "interpretation"]))
    ServiceLanguage.objects.create(service=shelter, code="uk")
    shelter.refresh_codes()
    shelter.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="House",
            address_1=CANARY,
            is_confidential=True,
            latitude=Decimal("56.9"),
            longitude=Decimal("24.1"),
        )
    )
    return shelter


def payload(world, **overrides):
    data = {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality.pk),
        "name": "Advice line",
        "needs": ["counselling_information"],
        "languages": ["lv", "ru"],
        "capacity_total": 3,
        "capacity_free": 1,
    }
    data.update(overrides)
    return data


def test_it_lists_and_shows_services_to_members(world, directory):
    client = api(world[Role.CASEWORKER])
    listing = client.get("/api/v1/services").json()
    assert listing["count"] == 1 and listing["items"][0]["needs"] == ["accommodation", "interpretation"]
    detail = client.get(f"/api/v1/services/{directory.pk}").json()
    assert detail["languages"] == ["uk"] and detail["capacity_free"] == 1


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        (Role.SERVICE_PROVIDER, True),
        (Role.COORDINATOR, True),
        (Role.CASEWORKER, False),
        (Role.TRAINER, False),
        ("outsider", False),
    ],
)
def test_it_never_sends_a_confidential_address_to_those_not_allowed(world, directory, person, sees):
    client = api(world[person])
    lists = [
        client.get("/api/v1/services").content.decode(),
        client.get("/api/v1/locations").content.decode(),
        client.get("/api/v1/services/match?needs=accommodation").content.decode(),
    ]
    detail = client.get(f"/api/v1/services/{directory.pk}").content.decode()
    assert all(CANARY not in body for body in lists)  # lists only say that there is a confidential place
    assert (CANARY in detail) is sees


def test_it_lets_a_provider_create_and_change_a_service(world, directory):
    client = api(world[Role.SERVICE_PROVIDER])
    created = client.post("/api/v1/services", payload(world), content_type="application/json")
    assert created.status_code == 201
    service_id = created.json()["id"]
    changed = client.put(
        f"/api/v1/services/{service_id}",
        payload(world, name="Advice line (evenings)"),
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Advice line (evenings)"
    assert Service.objects.get(pk=service_id).languages.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"needs": ["no_such_need"]},
        {"languages": ["xx"]},
        {"capacity_free": 9},
        {"email": "not-an-address"},
        {"name": ""},
        {"needs": []},
        {"municipality": str(uuid.uuid4())},
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(world, directory, overrides):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services", payload(world, **overrides), content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert Service.objects.count() == 1


@pytest.mark.parametrize("person", [Role.CASEWORKER, "outsider", Role.PLATFORM_ADMIN])
def test_it_answers_404_to_those_who_may_not_edit(world, directory, person):
    client = api(world[person])
    assert client.post("/api/v1/services", payload(world), content_type="application/json").status_code == 404
    response = client.put(f"/api/v1/services/{directory.pk}", payload(world), content_type="application/json")
    assert response.status_code == 404
    assert Service.objects.count() == 1


def test_it_matches_services_with_reasons(world, directory):
    response = api(world[Role.CASEWORKER]).get(
        "/api/v1/services/match?needs=accommodation&needs=interpretation&language=uk"
    )
    best = response.json()[0]
    assert best["service"]["id"] == str(directory.pk)
    assert best["needs_met"] == ["accommodation", "interpretation"] and best["language_fit"] is True
    assert best["free_places"] == 1


@pytest.mark.parametrize(
    "query", ["needs=nothing_like_it", "needs=accommodation&lat=56.9", "", "needs=accommodation&radius_km=-1"]
)
def test_it_refuses_a_bad_match_query(world, directory, query):
    assert api(world[Role.CASEWORKER]).get(f"/api/v1/services/match?{query}").status_code in (400, 422)


def test_it_lets_a_provider_add_a_location_to_their_service(world, directory):
    response = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/locations",
        {
            "organisation": str(world.ngo.pk),
            "municipality": str(world.ngo.municipality.pk),
            "name": "Annex",
            "service": str(directory.pk),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert directory.locations.filter(name="Annex").exists()
    refused = api(world["outsider"]).post(
        "/api/v1/locations",
        {
            "organisation": str(world.ngo.pk),
            "municipality": str(world.ngo.municipality.pk),
            "name": "Intruder",
        },
        content_type="application/json",
    )
    assert refused.status_code == 404 and not Location.objects.filter(name="Intruder").exists()
