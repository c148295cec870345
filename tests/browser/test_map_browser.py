"""The service map in a real browser, with no tile server configured: the markers stand on the offline
base layer (tests/browser/test_map_base_layer_browser.py tests it), and the list below the map has every
service on the map."""

from decimal import Decimal

import pytest

from strom.accounts.roles import Role
from strom.directory.models import Location, NeedTerm
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in
from tests.test_directory import make_service

PLACES = [
    ("Advice office", "counselling_information", "Office", "Brīvības iela 12", "56.9496", "24.1052"),
    ("Child desk", "child_protection", "Social office", "Ostas iela 5", "56.9622", "24.1321"),
    ("Legal clinic", "legal_assistance", "Clinic", "Tirgus laukums 2", "56.9430", "24.0920"),
    ("Interpreting line", "interpretation", "Call centre", "Dzirnavu iela 40", "56.9551", "24.1263"),
]


def drawn_pins(page) -> int:
    """The pins on the map, a numbered pin (several too close to tell apart) counting for all it holds."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
            .reduce((sum, pin) => sum + Number(pin.dataset.count), 0)"""
    )


def locate(service, name, address, lat, lon, *, confidential=False):
    service.locations.add(
        Location.objects.create(
            organisation=service.organisation,
            municipality=service.municipality,
            name=name,
            address_1=address,
            city="Testupe",
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            is_confidential=confidential,
        )
    )


@pytest.mark.django_db(transaction=True)
def test_it_shows_markers_and_the_list_below_and_groups_pins_too_close_to_tell_apart(page, world, settings):
    settings.STROM_MAP_TILE_URL = ""
    sync_need_terms(NeedTerm)  # browser tests' flushes empty the taxonomy table
    for name, need, place, address, lat, lon in PLACES:
        organisation = world.social if name == "Child desk" else world.ngo
        locate(make_service(organisation, [need], ["lv"], name=name), place, address, lat, lon)
    shelter = make_service(world.ngo, ["accommodation"], ["lv"], name="Night shelter")
    locate(shelter, "Safe house", "Hidden lane 3 (canary)", "56.9700", "24.1500", confidential=True)
    make_service(world.ngo, ["interpretation"], ["en"], name="Phone only")

    sign_in(page, world[Role.SERVICE_PROVIDER])  # the shelter's own staff: still no confidential marker
    page.goto("/directory/")
    page.get_by_role("link", name="Map", exact=True).click()
    page.wait_for_url("**/directory/map/")

    names = sorted(name for name, *_rest in PLACES)
    markers = page.locator(".leaflet-marker-pane .leaflet-marker-icon")
    markers.first.wait_for()
    assert page.get_by_role("region", name="Map of the services").is_visible()
    # Zoomed out to show the region, the four places in one town are one pin numbered 4.
    assert markers.count() == 1 and drawn_pins(page) == len(PLACES)
    assert markers.first.get_attribute("aria-label") == "Services here: 4"
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator("[data-map-notice]").inner_text() == ""  # the offline base layer is the background

    table = page.get_by_role("table", name="4 services on the map")
    assert table.get_by_role("row").count() == len(PLACES) + 1
    for name, _need, _place, address, _lat, _lon in PLACES:
        assert table.get_by_role("link", name=name).is_visible()
        assert address in table.inner_text()
    body = page.content()
    assert "Hidden lane 3" not in body and "Safe house" not in body and "Night shelter" not in body

    markers.first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert sorted(popup.get_by_role("link").all_inner_texts()) == names
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Close"
    # axe measures contrast as drawn: let the popup finish fading in, then check the page with it open.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    problems = blocking_violations(page)
    assert problems == [], problems
    save_screenshot(page, "service-map")

    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')")

    # Closer in, the places are apart: one pin each, named by its service, one link in its popup.
    for _ in range(4):
        before = page.locator("#service-map").get_attribute("data-zoom")
        page.get_by_role("button", name="Zoom in").click()
        # A click while Leaflet still animates the last zoom is dropped: wait for this one to end.
        settled = "before => document.querySelector('#service-map').getAttribute('data-zoom') !== before"
        page.wait_for_function(settled, arg=before)
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-pane img').length === 4")
    assert drawn_pins(page) == len(PLACES)
    assert sorted(markers.evaluate_all("icons => icons.map(icon => icon.alt)")) == names
    markers.first.focus()
    page.keyboard.press("Enter")
    popup.wait_for()
    assert popup.get_by_role("link").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_lets_keyboard_users_skip_the_map(page, world, settings):
    settings.STROM_MAP_TILE_URL = ""
    sync_need_terms(NeedTerm)
    name, need, place, address, lat, lon = PLACES[0]
    locate(make_service(world.ngo, [need], ["lv"], name=name), place, address, lat, lon)
    sign_in(page, world[Role.CASEWORKER])
    page.goto("/directory/map/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    skip = page.get_by_role("link", name="Skip the map and go to the list of services")
    skip.focus()
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "map-list"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == name


@pytest.mark.django_db(transaction=True)
def test_it_falls_back_to_the_offline_base_layer_when_tiles_fail(page, world, settings):
    settings.STROM_MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens on port 9
    sync_need_terms(NeedTerm)
    name, need, place, address, lat, lon = PLACES[0]
    locate(make_service(world.ngo, [need], ["lv"], name=name), place, address, lat, lon)
    sign_in(page, world[Role.CASEWORKER])
    page.goto("/directory/map/")
    page.get_by_role("status").filter(has_text="The detailed map could not be loaded").wait_for()
    assert page.locator(".leaflet-base-pane svg path").count() > 10
    assert page.locator(".leaflet-marker-pane .leaflet-marker-icon").count() == 1
    assert page.get_by_role("table").get_by_role("link", name=name).is_visible()
