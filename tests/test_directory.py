from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from strom.accounts.access import get_access
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
from strom.directory.public_address import address_of
from strom.directory.queries import DirectoryFilter, match_services, services_visible_to
from strom.directory.taxonomy import sync_need_terms

CANARY = "Hidden lane 13 (canary)"


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)
    return {term.code: term for term in NeedTerm.objects.all()}


def make_service(organisation, needs_codes=(), languages=(), **fields):
    service = Service.objects.create(
        organisation=organisation,
        municipality=fields.pop("municipality", organisation.municipality),
        **{"name": fields.pop("name", "Test service"), **fields},
    )
    service.needs.set(NeedTerm.objects.filter(code__in=needs_codes))
    ServiceLanguage.objects.bulk_create([ServiceLanguage(service=service, code=code) for code in languages])
    service.refresh_codes()
    return service


@pytest.fixture
def shelter(world, needs):
    service = make_service(
        world.ngo,
        ["accommodation", "safety_protection"],
        ["lv", "ru"],
        name="Test shelter",
        capacity_total=6,
        capacity_free=2,
        available_24_7=True,
    )
    service.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="Shelter house",
            address_1=CANARY,
            is_confidential=True,
            latitude=Decimal("56.95"),
            longitude=Decimal("24.10"),
        )
    )
    return service


# --- Confidential addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        (Role.SERVICE_PROVIDER, True),  # the providing organisation
        (Role.COORDINATOR, True),  # the municipality's coordinator
        (Role.CASEWORKER, False),  # a partner in the same municipality
        (Role.TRAINER, False),  # the providing organisation, but a role without need to know
        (Role.NATIONAL_COORDINATOR, False),
        (Role.PLATFORM_ADMIN, False),
        ("outsider", False),
    ],
)
def test_it_shows_a_confidential_address_only_to_the_provider_and_the_coordinators(
    world, signed_in, shelter, person, sees
):
    client = signed_in(world[person])
    detail = client.get(reverse("directory:service_detail", args=[shelter.pk])).content.decode()
    listing = client.get(reverse("directory:service_list")).content.decode()
    partial = client.get(reverse("directory:service_list"), HTTP_HX_REQUEST="true").content.decode()
    assert (CANARY in detail) is sees
    assert CANARY not in listing  # a list never shows a confidential address, only that there is one
    assert CANARY not in partial
    assert shelter.name in listing and "Shelter house" in listing


def test_it_never_shows_a_confidential_address_on_the_public_page(world, shelter, needs):
    Service.objects.filter(pk=shelter.pk).update(phone="+371 6000 0101")  # reachable, so listed
    open_office = make_service(world.ngo, ["counselling_information"], name="Open office")
    open_office.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="Office",
            address_1="Open street 1",
        )
    )
    page = Client().get(address_of(world.ngo.municipality).path)
    body = page.content.decode()
    assert page.status_code == 200
    assert CANARY not in body
    assert "Open street 1" in body
    assert shelter.name in body  # the service is listed, without its address
    assert "data-quick-exit" in body
    assert 'href="tel:112"' in body  # the emergency number, whatever the municipality lists


@pytest.mark.parametrize(
    ("contact", "listed"),
    [
        ({}, False),
        ({"phone": "+371 6000 0102"}, True),
        ({"url": "https://help.example.invalid"}, True),
        ({"email": "desk@example.invalid"}, True),
    ],
)
def test_it_shows_publicly_only_a_service_a_person_can_reach(
    world, signed_in, shelter, needs, contact, listed
):
    """The shelter has only a confidential address: without a phone, a web page or an e-mail address
    the public page would promise help nobody can find; its provider is told why it is missing."""
    Service.objects.filter(pk=shelter.pk).update(**contact)
    public = Client().get(address_of(world.ngo.municipality).path).content.decode()
    detail = signed_in(world[Role.SERVICE_PROVIDER]).get(
        reverse("directory:service_detail", args=[shelter.pk])
    )
    assert (shelter.name in public) is listed
    assert ("This service is not on the public help page" in detail.content.decode()) is not listed


def test_it_shows_publicly_a_service_reached_at_its_public_address(world, needs):
    office = make_service(world.ngo, ["counselling_information"], name="Walk-in office")
    office.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="Office",
            address_1="Open street 2",
        )
    )
    public = Client().get(address_of(world.ngo.municipality).path).content.decode()
    assert "Walk-in office" in public and "Open street 2" in public


def test_it_answers_404_for_the_public_page_of_an_unknown_municipality(db):
    import uuid

    assert Client().get(reverse("help:public_help_by_id", args=[uuid.uuid4()])).status_code == 404


# --- The list and its filters --------------------------------------------------------------------


@pytest.fixture
def catalogue(world, needs):
    return {
        "shelter": make_service(
            world.ngo,
            ["accommodation"],
            ["lv"],
            name="Night shelter",
            available_24_7=True,
            capacity_total=5,
            capacity_free=0,
            independent_of_cooperation=False,
        ),
        "children": make_service(
            world.social,
            ["child_protection"],
            ["ru"],
            name="Child desk",
            serves_adults=False,
            serves_children=True,
        ),
        "advice": make_service(
            world.ngo,
            ["counselling_information", "accommodation"],
            ["en", "lv"],
            name="Advice centre",
            capacity_total=3,
            capacity_free=2,
            independent_of_cooperation=True,
            open_to_presumed_victims=True,
        ),
        "closed": make_service(world.ngo, ["accommodation"], ["lv"], name="Closed office", status="inactive"),
    }


@pytest.mark.parametrize(
    ("directory_filter", "expected"),
    [
        (DirectoryFilter(), {"shelter", "children", "advice"}),
        (DirectoryFilter(need="accommodation"), {"shelter", "advice"}),
        (DirectoryFilter(language="ru"), {"children"}),
        (DirectoryFilter(age_group="child"), {"children"}),
        (DirectoryFilter(available_24_7=True), {"shelter"}),
        # Only what the provider confirmed: the child desk has not answered, the shelter said no.
        (DirectoryFilter(unconditional=True), {"advice"}),
        (DirectoryFilter(free_capacity=True), {"advice"}),
        (DirectoryFilter(text="advice"), {"advice"}),
        (DirectoryFilter(need="accommodation", language="en"), {"advice"}),
    ],
)
def test_it_filters_the_directory(world, catalogue, directory_filter, expected):
    services = services_visible_to(get_access(world[Role.CASEWORKER]), directory_filter)
    names = {service.name for service in services}
    assert names == {catalogue[key].name for key in expected}


def test_it_filters_through_the_page(world, signed_in, catalogue):
    response = signed_in(world[Role.CASEWORKER]).get(
        reverse("directory:service_list"), {"need": "accommodation", "free_capacity": "on"}
    )
    assert [service.name for service, _locations in response.context["rows"]] == ["Advice centre"]


def test_it_shows_nothing_to_someone_without_an_organisation(world, catalogue):
    from tests.factories import UserFactory

    assert not services_visible_to(get_access(UserFactory())).exists()


def test_it_keeps_the_list_to_a_fixed_number_of_queries(
    world, signed_in, needs, django_assert_max_num_queries
):
    client = signed_in(world[Role.CASEWORKER])
    make_service(world.ngo, ["accommodation"], ["lv"])
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("directory:service_list"))
    for n in range(20):
        make_service(world.ngo, ["accommodation", "interpretation"], ["lv", "en"], name=f"Service {n}")
    with django_assert_max_num_queries(16) as many:
        client.get(reverse("directory:service_list"))
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Editing -------------------------------------------------------------------------------------


def service_form(organisation, municipality, **overrides):
    data = {
        "organisation": str(organisation.pk),
        "municipality": str(municipality.pk),
        "name": "Day centre",
        "description": "",
        "status": "active",
        "needs": ["counselling_information", "interpretation"],
        "languages": ["lv", "uk"],
        "serves_adults": "on",
        "serves_women": "on",
        "serves_men": "on",
        "independent_of_cooperation": "true",
        "open_to_presumed_victims": "true",
        "is_free": "true",
        "capacity_total": "10",
        "capacity_free": "4",
        "location-name": "Day centre building",
        "location-address_1": "Centre street 2",
        "location-city": "Testupe",
    }
    data.update(overrides)
    return data


def test_it_lets_a_provider_list_their_own_service(world, signed_in, needs):
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(
        reverse("directory:service_new"), service_form(world.ngo, world.ngo.municipality)
    )
    service = Service.objects.get(name="Day centre")
    assert response["Location"] == reverse("directory:service_detail", args=[service.pk])
    assert {n.code for n in service.needs.all()} == {"counselling_information", "interpretation"}
    assert sorted(service.languages.values_list("code", flat=True)) == ["lv", "uk"]
    assert service.locations.get().address_1 == "Centre street 2"
    assert service.capacity_updated_at is not None
    assert AuditEvent.objects.filter(action="directory.service.created", organisation=world.ngo).exists()


@pytest.mark.parametrize(
    ("confidential", "name"),
    [(False, "Centre street 2"), (True, "Confidential location")],
)
def test_it_takes_a_location_without_a_name_and_never_names_a_shelter_by_its_street(
    world, signed_in, needs, confidential, name
):
    """The location's name is optional. A shelter's name shows in every member's list, so it is never
    its street: only the detail page shows that, to those who may see it."""
    form = service_form(world.ngo, world.ngo.municipality, **{"location-name": ""})
    if confidential:
        form["location-is_confidential"] = "on"
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), form)
    assert response.status_code == 302
    location = Service.objects.get(name="Day centre").locations.get()
    assert (location.name, location.address_1) == (name, "Centre street 2")


def test_it_lets_the_coordinator_list_a_partners_service_in_the_municipality(world, signed_in, needs):
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("directory:service_new"), service_form(world.social, world.municipal.municipality)
    )
    assert response.status_code == 302
    assert Service.objects.get(name="Day centre").organisation == world.social


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity_free": "11"}, "capacity_free"),
        ({"name": ""}, "name"),
        ({"needs": []}, "needs"),
        ({"serves_adults": ""}, "serves_adults"),
        ({"languages": ["xx"]}, "languages"),
        ({"location-latitude": "56.9"}, "longitude"),
        ({"location-latitude": "99", "location-longitude": "24"}, "latitude"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_saves_nothing(world, signed_in, needs, overrides, field):
    data = service_form(world.ngo, world.ngo.municipality, **overrides)
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200
    errors = {**response.context["form"].errors, **response.context["location_form"].errors}
    assert field in errors
    assert not Service.objects.exists() and not Location.objects.exists()


def test_it_does_not_let_a_provider_list_in_another_municipality(world, signed_in, needs):
    data = service_form(world.ngo, world.other.municipality)
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    assert response.status_code == 200 and "municipality" in response.context["form"].errors
    assert not Service.objects.exists()


@pytest.mark.parametrize("person", [Role.CASEWORKER, Role.TRAINER, "outsider", Role.PLATFORM_ADMIN])
def test_it_answers_404_to_people_who_may_not_edit_a_service(world, signed_in, shelter, person):
    client = signed_in(world[person])
    assert client.get(reverse("directory:service_edit", args=[shelter.pk])).status_code == 404
    assert (
        client.post(reverse("directory:update_capacity", args=[shelter.pk]), {"capacity_free": 0}).status_code
        == 404
    )
    assert client.post(reverse("directory:confirm_listing", args=[shelter.pk])).status_code == 404
    shelter.refresh_from_db()
    assert shelter.capacity_free == 2


def test_it_updates_free_places_in_place_for_htmx(world, signed_in, shelter):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:update_capacity", args=[shelter.pk]),
        {"capacity_free": "5"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'id="capacity"' in body and "<html" not in body
    assert "5 of 6 places free" in body
    shelter.refresh_from_db()
    assert shelter.capacity_free == 5 and shelter.capacity_updated_at is not None


def test_it_refuses_more_free_places_than_places_in_all(world, signed_in, shelter):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:update_capacity", args=[shelter.pk]),
        {"capacity_free": "7"},
        HTTP_HX_REQUEST="true",
    )
    assert "cannot be more free places" in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.capacity_free == 2


def test_it_records_that_a_listing_was_confirmed(world, signed_in, shelter):
    Service.objects.filter(pk=shelter.pk).update(last_verified_at="2026-01-01T00:00:00Z")
    signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:confirm_listing", args=[shelter.pk]))
    shelter.refresh_from_db()
    assert shelter.last_verified_at.year == 2026 and shelter.last_verified_at.month > 1
    assert AuditEvent.objects.filter(action="directory.service.confirmed").exists()


# --- Matching ------------------------------------------------------------------------------------


def test_it_ranks_a_service_meeting_all_needs_in_the_right_language_first(world, needs):
    some = make_service(
        world.ngo, ["accommodation"], ["lv"], name="Some needs", capacity_total=3, capacity_free=3
    )
    every = make_service(world.social, ["accommodation", "interpretation"], ["uk"], name="Every need")
    wrong_language = make_service(
        world.ngo, ["accommodation", "interpretation"], ["lv"], name="Wrong language"
    )
    make_service(world.ngo, ["family_support"], ["uk"], name="Unrelated")

    matches = match_services(["accommodation", "interpretation"], language="uk")
    assert [m.service for m in matches] == [every, wrong_language, some]
    assert matches[0].needs_met == ["accommodation", "interpretation"] and matches[0].language_fit is True
    assert matches[2].needs_missing == ["interpretation"]


def test_it_filters_matches_by_age_group_and_distance(world, needs):
    near = make_service(world.ngo, ["accommodation"], name="Near", serves_children=True)
    near.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="N",
            latitude=Decimal("56.95"),
            longitude=Decimal("24.10"),
        )
    )
    far = make_service(world.ngo, ["accommodation"], name="Far", serves_children=True)
    far.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="F",
            latitude=Decimal("58.38"),
            longitude=Decimal("26.72"),
        )
    )
    make_service(world.ngo, ["accommodation"], name="Adults only")

    matches = match_services(["accommodation"], age_group="child", near=(56.96, 24.11), radius_km=50)
    assert [m.service.name for m in matches] == ["Near"]
    assert 0 < matches[0].distance_km < 2


def test_it_matches_in_a_fixed_number_of_queries(world, needs, django_assert_max_num_queries):
    for n in range(5):
        make_service(world.ngo, ["accommodation"], ["lv"], name=f"A{n}")
    with django_assert_max_num_queries(4) as few:
        match_services(["accommodation"], language="lv")
    for n in range(40):
        make_service(world.ngo, ["accommodation", "interpretation"], ["lv", "en"], name=f"B{n}")
    with django_assert_max_num_queries(4) as many:
        match_services(["accommodation", "interpretation"], language="lv")
    assert len(many.captured_queries) == len(few.captured_queries)
