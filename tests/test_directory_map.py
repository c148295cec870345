"""The service map: the same services and filters as the list, a table below the map for everyone without
JavaScript or tiles, and confidential locations never plotted, not even for those who may read them."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from strom.accounts.roles import Role
from strom.core.middleware import tile_origin
from strom.directory import views_map
from strom.directory.models import Location, NeedTerm
from strom.directory.taxonomy import sync_need_terms
from tests.test_directory import make_service

CANARY = "Quiet courtyard 4 (map canary)"
CANARY_PLACE = "Safe house (map canary)"
CANARY_LAT, CANARY_LON = "56.987654", "24.123456"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"

MAP = reverse("directory:service_map")
DATA = reverse("directory:service_map_data")


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


def locate(service, name, *, address="", lat=None, lon=None, confidential=False):
    location = Location.objects.create(
        organisation=service.organisation,
        municipality=service.municipality,
        name=name,
        address_1=address,
        city="Testupe",
        latitude=Decimal(lat) if lat is not None else None,
        longitude=Decimal(lon) if lon is not None else None,
        is_confidential=confidential,
    )
    service.locations.add(location)
    return location


@pytest.fixture
def mapped(world, needs):
    """Two services on the map, a shelter whose only location is confidential, a service with both, and
    two that cannot be plotted (no location; an address without coordinates)."""
    office = make_service(world.ngo, ["counselling_information"], ["lv"], name="Advice office")
    locate(office, "Office", address="Open street 1", lat="56.950000", lon="24.100000")
    desk = make_service(world.social, ["child_protection"], ["ru"], name="Child desk", available_24_7=True)
    desk.serves_children = True
    desk.save(update_fields=["serves_children"])
    locate(desk, "Social office", address="Harbour 5", lat="56.970000", lon="24.200000")
    shelter = make_service(world.ngo, ["accommodation"], ["lv"], name="Night shelter")
    locate(shelter, CANARY_PLACE, address=CANARY, lat=CANARY_LAT, lon=CANARY_LON, confidential=True)
    both = make_service(world.ngo, ["accommodation", "counselling_information"], ["en"], name="Day centre")
    locate(both, CANARY_PLACE + " 2", address=CANARY, lat=CANARY_LAT, lon=CANARY_LON, confidential=True)
    locate(both, "Day centre hall", address="Market square 2", lat="56.960000", lon="24.150000")
    make_service(world.ngo, ["interpretation"], ["en"], name="Phone interpreters")
    walk_in = make_service(world.social, ["counselling_information"], ["lv"], name="Walk-in desk")
    locate(walk_in, "Town hall", address="Main street 9")
    return {"office": office, "desk": desk, "shelter": shelter, "both": both}


def features(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["features"]


# --- Who sees it ---------------------------------------------------------------------------------


MEMBERS = [Role.CASEWORKER, Role.SERVICE_PROVIDER, Role.COORDINATOR, Role.NATIONAL_COORDINATOR, "outsider"]
ON_THE_MAP = ["Advice office", "Child desk", "Day centre"]


@pytest.mark.parametrize("person", MEMBERS)
def test_it_shows_the_map_and_its_list_to_every_member(world, signed_in, mapped, person):
    client = signed_in(world[person])
    page = client.get(MAP)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'role="region"' in body
    assert "data-service-map" in body
    assert f'data-data-url="{DATA}"' in body
    for text in [*ON_THE_MAP, "Open street 1", "Harbour 5", "Market square 2"]:
        assert text in body
    assert [service.name for service in page.context["services"]] == ON_THE_MAP
    assert "Phone interpreters" not in body and "Town hall" not in body  # nothing to plot
    assert page["Cache-Control"] == "no-store, private"

    points = features(client.get(DATA))
    assert sorted(f["properties"]["name"] for f in points) == ON_THE_MAP
    office = next(f for f in points if f["properties"]["name"] == "Advice office")
    assert office["geometry"] == {"type": "Point", "coordinates": [24.1, 56.95]}
    assert office["properties"] == {
        "name": "Advice office",
        "organisation": world.ngo.name,
        "needs": [NeedTerm.objects.get(code="counselling_information").name],
        "url": reverse("directory:service_detail", args=[mapped["office"].pk]),
        "location": "Office",
        "lat": 56.95,
        "lon": 24.1,
    }


def test_it_sends_anonymous_visitors_to_sign_in(client, mapped):
    for url in (MAP, DATA):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_it_asks_for_the_second_factor_first(world, password_only, mapped):
    client = password_only(world[Role.CASEWORKER])
    for url in (MAP, DATA):
        response = client.get(url)
        assert response.status_code == 302
        assert "/two-factor" in response["Location"]


def test_it_answers_only_get(world, signed_in, mapped):
    client = signed_in(world[Role.CASEWORKER])
    assert client.post(MAP).status_code == 405
    assert client.post(DATA).status_code == 405


def test_it_links_the_map_from_the_directory_list(world, signed_in, mapped):
    body = signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_list")).content.decode()
    assert f'href="{MAP}"' in body


# --- Confidential locations ----------------------------------------------------------------------


@pytest.mark.parametrize("person", [Role.SERVICE_PROVIDER, Role.COORDINATOR, Role.CASEWORKER, "outsider"])
def test_it_never_plots_or_sends_a_confidential_location(world, signed_in, mapped, person):
    client = signed_in(world[person])
    page = client.get(MAP).content.decode()
    data = client.get(DATA).content.decode()
    for secret in (CANARY, CANARY_PLACE, CANARY_LAT, CANARY_LON, CANARY_LAT[:-1], CANARY_LON[:-1]):
        assert secret not in page, secret
        assert secret not in data, secret
    assert "Night shelter" not in data  # its only location is confidential: it is not on the map
    day_centre = [f for f in json.loads(data)["features"] if f["properties"]["name"] == "Day centre"]
    assert [f["properties"]["location"] for f in day_centre] == ["Day centre hall"]


def test_it_keeps_the_canary_visible_where_it_belongs(world, signed_in, mapped):
    """The canary is a real, readable address: the provider sees it on the detail page, not on the map."""
    client = signed_in(world[Role.SERVICE_PROVIDER])
    detail = client.get(reverse("directory:service_detail", args=[mapped["shelter"].pk])).content.decode()
    assert CANARY in detail
    assert CANARY not in client.get(MAP).content.decode()


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, set(ON_THE_MAP)),
        ({"need": "counselling_information"}, {"Advice office", "Day centre"}),
        ({"need": "accommodation"}, {"Day centre"}),
        ({"language": "ru"}, {"Child desk"}),
        ({"age_group": "child"}, {"Child desk"}),
        ({"available_24_7": "on"}, {"Child desk"}),
        ({"text": "advice"}, {"Advice office"}),
        ({"need": "counselling_information", "language": "en"}, {"Day centre"}),
        ({"text": "nothing like this"}, set()),
    ],
)
def test_it_filters_the_map_like_the_list(world, signed_in, mapped, query, expected):
    client = signed_in(world[Role.CASEWORKER])
    page = client.get(MAP, query)
    assert {service.name for service in page.context["services"]} == expected
    assert {f["properties"]["name"] for f in features(client.get(DATA, query))} == expected
    if expected:
        assert "data-service-map" in page.content.decode()
    else:
        assert "data-service-map" not in page.content.decode()
        assert "No service that matches these filters has an address on the map." in page.content.decode()


def test_it_passes_the_filters_on_to_the_data_and_the_list(world, signed_in, mapped):
    body = signed_in(world[Role.CASEWORKER]).get(MAP, {"need": "accommodation"}).content.decode()
    assert f'data-data-url="{DATA}?need=accommodation' in body
    assert f'href="{reverse("directory:service_list")}?need=accommodation' in body


def test_it_asks_for_narrower_filters_beyond_the_limit(world, signed_in, mapped, monkeypatch):
    monkeypatch.setattr(views_map, "MAP_LIMIT", 2)
    client = signed_in(world[Role.CASEWORKER])
    page = client.get(MAP)
    assert len(page.context["services"]) == 2
    assert "Only the first 2 services are on the map" in page.content.decode()
    assert json.loads(client.get(DATA).content)["truncated"] is True


def test_it_maps_in_a_fixed_number_of_queries(world, signed_in, needs, django_assert_max_num_queries):
    client = signed_in(world[Role.CASEWORKER])

    def add(first, last):
        for n in range(first, last):
            service = make_service(world.ngo, ["accommodation", "interpretation"], ["lv"], name=f"S {n}")
            locate(service, f"Place {n}", address=f"Street {n}", lat=f"56.{n:06d}", lon=f"24.{n:06d}")
            locate(service, f"Shelter {n}", lat="57.000000", lon="25.000000", confidential=True)

    add(0, 5)
    with django_assert_max_num_queries(16) as few_page:
        client.get(MAP)
    with django_assert_max_num_queries(16) as few_data:
        assert len(features(client.get(DATA))) == 5
    add(5, 30)
    with django_assert_max_num_queries(16) as many_page:
        client.get(MAP)
    with django_assert_max_num_queries(16) as many_data:
        assert len(features(client.get(DATA))) == 30
    assert len(many_page.captured_queries) == len(few_page.captured_queries)
    assert len(many_data.captured_queries) == len(few_data.captured_queries)


# --- Tiles and the Content Security Policy -------------------------------------------------------


def img_src(response) -> str:
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("img-src"))


def test_it_allows_no_other_image_host_without_a_tile_server(world, signed_in, mapped, settings):
    settings.STROM_MAP_TILE_URL = ""
    response = signed_in(world[Role.CASEWORKER]).get(MAP)
    assert img_src(response) == "img-src 'self' data:"
    assert response["Content-Security-Policy"] == settings.STROM_CSP
    assert 'data-tile-url=""' in response.content.decode()


def test_it_allows_exactly_the_tile_servers_origin(world, signed_in, mapped, settings):
    settings.STROM_MAP_TILE_URL = TILES
    settings.STROM_MAP_ATTRIBUTION = "&copy; Example tiles"
    client = signed_in(world[Role.CASEWORKER])
    response = client.get(MAP)
    assert img_src(response) == "img-src 'self' data: https://tiles.example.org"
    assert response["Content-Security-Policy"].replace(" https://tiles.example.org", "") == settings.STROM_CSP
    assert f'data-tile-url="{TILES}"' in response.content.decode()
    assert 'data-attribution="&amp;copy; Example tiles"' in response.content.decode()
    assert (
        img_src(client.get(reverse("directory:service_list")))
        == "img-src 'self' data: https://tiles.example.org"
    )


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        (TILES, "https://tiles.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", "https://*.tile.example.org"),
        ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
        ("https://Tiles.Example.ORG/{z}/{x}/{y}.png?key=abc", "https://tiles.example.org"),
    ],
)
def test_it_takes_the_origin_from_the_tile_url_template(template, origin):
    assert tile_origin(template) == origin


@pytest.mark.parametrize(
    "template",
    [
        "tiles.example.org/{z}/{x}/{y}.png",
        "javascript:alert(1)",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org;script-src *",
        "https://user:secret@tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org:99999/{z}/{x}/{y}.png",
        "https://{z}.example.org/{x}/{y}.png",
    ],
)
def test_it_refuses_a_tile_url_that_is_not_a_plain_origin(template):
    with pytest.raises(ImproperlyConfigured):
        tile_origin(template)


# --- The count under the map ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "on_the_map", "not_on_the_map"),
    [
        # Not on the map: the shelter (confidential only), the phone line (no location) and the walk-in
        # desk (an address without coordinates). The day centre is, by its public hall only.
        ({}, 3, 3),
        ({"need": "accommodation"}, 1, 1),
        ({"need": "interpretation"}, 0, 1),
        ({"language": "ru"}, 1, 0),
        ({"text": "nothing like this"}, 0, 0),
    ],
)
def test_it_states_exactly_the_pins_the_map_draws(
    world, signed_in, mapped, query, on_the_map, not_on_the_map
):
    # A second public address: the advice office has two pins, so pins and services differ.
    locate(mapped["office"], "Branch", address="Side street 3", lat="56.940000", lon="24.120000")
    client = signed_in(world[Role.CASEWORKER])
    page = client.get(MAP, query)
    body = " ".join(page.content.decode().split())
    pins = len(features(client.get(DATA, query)))
    services = len(page.context["services"])
    assert (services, page.context["pins"], page.context["not_on_map"]) == (
        on_the_map,
        pins,
        not_on_the_map,
    )
    assert f"{services} service{'' if services == 1 else 's'} on the map</h2>" in body
    if pins > services:
        assert f"so the map has {pins} pins." in body
        assert f'data-pins="{pins}"' in body
    else:
        assert "data-map-pins" not in body
    if not_on_the_map == 1:
        assert "1 service that matches these filters is not on the map" in body
    elif not_on_the_map:
        assert f"{not_on_the_map} services that match these filters are not on the map" in body
    else:
        assert "not on the map, because" not in body
    assert ("Every service that matches these filters is on the map." in body) == (
        bool(services) and not not_on_the_map
    )


def test_it_counts_what_is_left_off_beyond_the_limit_apart(world, signed_in, mapped, monkeypatch):
    monkeypatch.setattr(views_map, "MAP_LIMIT", 2)
    page = signed_in(world[Role.CASEWORKER]).get(MAP)
    body = page.content.decode()
    assert (len(page.context["services"]), page.context["pins"], page.context["not_on_map"]) == (2, 2, 3)
    assert "Only the first 2 services are on the map" in body
    assert "Every service that matches these filters is on the map." not in body
