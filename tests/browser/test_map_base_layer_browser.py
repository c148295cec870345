"""The service map's offline base layer in a real browser: the Baltic Sea region's countries, borders and
coastline come from the app's own static files, with no request to any other host; tiles, when a server is
set, cover them and leave them as the fallback; and the count under the map is the number of pins drawn."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from strom.accounts.demo import PERSONAS
from strom.accounts.models import User
from strom.accounts.otp import format_backup_code
from strom.accounts.roles import Role
from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in
from tests.browser.test_map_browser import PLACES, drawn_pins, locate
from tests.test_directory import make_service

BASE_LAYER = (
    Path(__file__).resolve().parents[2] / "strom/static/vendor/world-atlas-2.0.2/baltic-countries.geojson"
)
BASE_PATHS = ".leaflet-base-pane svg path"
FAKE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens on port 9


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def services_with_a_second_address_and_some_off_the_map(world):
    for name, need, place, address, lat, lon in PLACES:
        service = make_service(world.ngo, [need], ["lv"], name=name)
        locate(service, place, address, lat, lon)
        if name == "Legal clinic":
            locate(service, "Branch", "Skolas iela 1", "56.9300", "24.0600")
    shelter = make_service(world.ngo, ["accommodation"], ["lv"], name="Night shelter")
    locate(shelter, "Safe house", "Hidden lane 3", "56.9700", "24.1500", confidential=True)
    make_service(world.ngo, ["interpretation"], ["en"], name="Phone only")


@pytest.mark.django_db(transaction=True)
def test_it_draws_the_offline_base_layer_and_asks_no_other_host(page, world, live_server, settings):
    settings.STROM_MAP_TILE_URL = ""
    sync_need_terms(NeedTerm)  # browser tests' flushes empty the taxonomy table
    services_with_a_second_address_and_some_off_the_map(world)
    sign_in(page, world[Role.CASEWORKER])
    urls = record_requests(page)

    page.goto("/directory/map/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    page.locator(BASE_PATHS).first.wait_for(state="attached")

    features = json.loads(BASE_LAYER.read_text(encoding="utf-8"))["features"]
    assert page.locator(BASE_PATHS).count() == len(features)  # one SVG path per country or line set
    box = page.locator("#service-map").bounding_box()
    assert box and box["width"] > 600 and box["height"] > 300
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator("[data-map-notice]").inner_text() == ""  # the base layer is the background

    # The count under the map is what the map draws: 4 services, 5 pins, and 2 not on the map.
    assert drawn_pins(page) == 5
    heading = page.get_by_role("heading", name="4 services on the map")
    assert heading.is_visible()
    assert "so the map has 5 pins." in page.locator("[data-map-pins]").inner_text()
    assert (
        page.locator("[data-map-not-shown]")
        .inner_text()
        .startswith("2 services that match these filters are not on the map")
    )

    requested = [url for url in urls if not url.startswith("data:")]  # inline images ask no host
    assert any(url.endswith("/baltic-countries.geojson") for url in requested)
    assert {origin(url) for url in requested} == {live_server.url}, requested
    problems = blocking_violations(page)
    assert problems == [], problems


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_base_layer_under_tiles_that_fail(page, world, live_server, settings):
    settings.STROM_MAP_TILE_URL = FAKE_TILES
    sync_need_terms(NeedTerm)
    name, need, place, address, lat, lon = PLACES[0]
    locate(make_service(world.ngo, [need], ["lv"], name=name), place, address, lat, lon)
    sign_in(page, world[Role.CASEWORKER])
    urls = record_requests(page)

    page.goto("/directory/map/")
    notice = page.get_by_role("status").filter(has_text="The detailed map could not be loaded")
    notice.wait_for()
    assert "shows only country borders and coastlines" in notice.inner_text()
    assert page.locator(BASE_PATHS).count() > 10
    assert drawn_pins(page) == 1
    # The CSP let the browser ask the tile server (a blocked request is never made), and no one else.
    tiles = [url for url in urls if origin(url) == "http://127.0.0.1:9"]
    assert tiles and all(re.fullmatch(r"http://127\.0\.0\.1:9/\d+/\d+/\d+\.png", url) for url in tiles)
    assert {origin(url) for url in urls if not url.startswith("data:")} == {
        live_server.url,
        "http://127.0.0.1:9",
    }


@pytest.mark.django_db(transaction=True)
def test_it_says_so_when_the_base_layer_cannot_load(page, world, settings):
    settings.STROM_MAP_TILE_URL = ""
    sync_need_terms(NeedTerm)
    name, need, place, address, lat, lon = PLACES[0]
    locate(make_service(world.ngo, [need], ["lv"], name=name), place, address, lat, lon)
    sign_in(page, world[Role.CASEWORKER])
    page.route("**/baltic-countries.geojson", lambda route: route.fulfill(status=404, body="gone"))
    page.goto("/directory/map/")
    notice = page.get_by_role("status").filter(has_text="The map background could not be loaded")
    notice.wait_for()
    assert "The list below the map has the same services." in notice.inner_text()
    assert drawn_pins(page) == 1
    assert page.locator(BASE_PATHS).count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_demo_coordinator_the_baltic_region_in_latvian(browser, live_server, settings):
    settings.STROM_MAP_TILE_URL = ""
    sync_need_terms(NeedTerm)
    call_command("load_demo", "--quiet-personas")
    persona = next(p for p in PERSONAS if p.username == "coordinator")
    User.objects.filter(username=persona.username).update(preferred_language="lv")  # set at sign-in
    sizes = [  # the picture in the docs is the desktop one; the phone is checked the same way
        ("map-offline-base-layer", {"viewport": {"width": 1280, "height": 900}}),
        ("", {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}),
    ]
    for n, (name, options) in enumerate(sizes):
        context = browser.new_context(base_url=live_server.url, **options)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/sign-in/")
        page.fill("#id_username", persona.username)
        page.fill("#id_password", persona.password)
        page.click("main button[type=submit]")
        page.wait_for_url("**/two-factor/")
        page.fill("#id_code", format_backup_code(persona.backup_codes[n]))
        page.click("main form:not(.inline-form) button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        urls = record_requests(page)
        page.goto("/directory/map/")
        assert page.locator("html").get_attribute("lang") == "lv"
        page.locator(".leaflet-marker-icon").first.wait_for()
        page.locator(BASE_PATHS).first.wait_for(state="attached")
        pins = page.locator("#service-map").get_attribute("data-pins")
        assert drawn_pins(page) == int(pins) > 0
        assert {origin(url) for url in urls if not url.startswith("data:")} == {live_server.url}
        names = page.locator(".map-country-label").all_inner_texts()
        assert {"Latvija", "Igaunija", "Lietuva"} <= set(names), names  # CLDR's names, in Latvian
        page.evaluate("window.scrollTo(0, document.querySelector('[data-map-wrap]').offsetTop - 16)")
        # Leaflet marks the map while it animates a zoom: wait until it is still, before the picture.
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        problems = blocking_violations(page)
        assert problems == [], problems
        if name:
            save_screenshot(page, name, full_page=False)
        context.close()
