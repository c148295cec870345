"""The demo on a phone (375 x 740), in Latvian, as the demo coordinator: the column that answers the
question stays on screen (no sideways scrolling of the page), the filters fold away, the map starts
within the first screen; on a desk the filters are open, and without JavaScript they stay open."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from strom.accounts.demo import PERSONAS
from strom.accounts.models import Organisation
from strom.accounts.otp import format_backup_code
from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot

PHONE = {"width": 375, "height": 740}
DESK = {"width": 1280, "height": 900}
COORDINATOR = next(persona for persona in PERSONAS if persona.username == "coordinator")


@pytest.fixture
def demo(transactional_db):
    sync_need_terms(NeedTerm)  # browser tests' flushes empty the taxonomy table, which the gaps list
    call_command("load_demo", "--quiet-personas")


def open_as_coordinator(browser, live_server, viewport, *, backup_code=0, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        device_scale_factor=2,
        is_mobile=viewport["width"] < 600,
        has_touch=viewport["width"] < 600,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)  # the demo's pages are large, and a busy test machine is slow
    # A printed backup code, as a newcomer to the demo signs in: each works once, and two sign-ins within
    # the same 30 seconds could not share one time-based code.
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", COORDINATOR.username)
    page.fill("#id_password", COORDINATOR.password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/")
    page.fill("#id_code", format_backup_code(COORDINATOR.backup_codes[backup_code]))
    page.click("main form:not(.inline-form) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.select_option("#language-select", "lv")
    page.click(".language-form button[type=submit]")
    page.wait_for_selector("html[lang=lv]")
    return page


def assert_no_sideways_scrolling(page):
    # On a mobile viewport Chromium widens the layout (innerWidth) to fit content that overflows, so
    # both numbers are compared with the screen's width, not with each other.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [PHONE["width"], PHONE["width"]], f"{page.url}: scrollWidth, innerWidth = {widths}"


def assert_within_screen_width(locator):
    assert locator.count() > 0
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None and box["width"] > 0, locator.nth(index).inner_text()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= PHONE["width"], locator.nth(index).inner_text()


def scroll_to_top_of(page, selector):
    """Scroll so that the element starts at the top of the screen, for a screenshot of what matters."""
    page.locator(selector).evaluate("element => window.scrollBy(0, element.getBoundingClientRect().top - 8)")


def accessibility_roles(page) -> list[tuple[str, str]]:
    """(role, name) of every node in Chromium's own accessibility tree: what a screen reader gets."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    return [
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in nodes
        if not node.get("ignored")
    ]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_answer_of_every_table_on_a_phone_screen(browser, live_server, demo):
    page = open_as_coordinator(browser, live_server, PHONE)

    page.goto(reverse("directory:gap_analysis"))
    assert_no_sideways_scrolling(page)
    table = page.locator("table.gap-table")
    flags = table.locator("tbody td.gap-flags")
    assert flags.count() == table.locator("tbody tr").count() > 10
    assert_within_screen_width(flags)
    assert_within_screen_width(table.locator("tbody th[scope=row]"))
    # The gaps come first after the need, on the desk as in the cards.
    assert table.locator("thead th").nth(1).text_content() == "Nepilnības"
    # Cards for the eye, still a table for a screen reader: one row header per need, the column
    # headers, and no column name read twice (the drawn "Nepilnības:" is not in the tree).
    roles = accessibility_roles(page)
    assert ("columnheader", "Nepilnības") in roles
    assert sum(1 for role, _name in roles if role == "rowheader") == flags.count()
    assert not [name for _role, name in roles if name.strip().startswith("Nepilnības:")]
    assert blocking_violations(page) == []
    scroll_to_top_of(page, ".gap-table")
    save_screenshot(page, "phone-gap-analysis-lv", full_page=False)

    kalnupe = Organisation.objects.get(name=COORDINATOR.organisation)
    page.goto(reverse("accounts:members", args=[kalnupe.pk]))
    assert_no_sideways_scrolling(page)
    members = page.locator("#members-section table")
    assert_within_screen_width(members.locator("tbody th[scope=row]"))
    assert_within_screen_width(members.locator("tbody td:visible"))
    assert_within_screen_width(members.get_by_role("button"))
    assert blocking_violations(page) == []

    page.goto(reverse("directory:service_list"))
    assert_no_sideways_scrolling(page)
    filters = page.locator("details.filters-fold")
    assert filters.evaluate("details => details.open") is False
    assert page.get_by_role("search").is_hidden()
    assert_within_screen_width(page.locator("#results .service-card h3"))
    assert blocking_violations(page) == []
    scroll_to_top_of(page, "details.filters-fold")
    save_screenshot(page, "phone-directory-lv", full_page=False)

    page.goto(reverse("directory:service_map"))
    assert_no_sideways_scrolling(page)
    assert page.locator("details.filters-fold").evaluate("details => details.open") is False
    service_map = page.get_by_role("region", name="Pakalpojumu izvietojuma karte")
    service_map.wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    top = service_map.bounding_box()["y"]
    notice = page.locator("[data-map-notice]").inner_text()
    assert top + 100 <= PHONE["height"], f"the map starts at {top}px (notice: {notice!r})"
    assert_within_screen_width(page.locator(".map-table tbody th[scope=row]"))
    assert blocking_violations(page) == []

    # Opening the folded filters shows them, and the summary counts what is chosen.
    page.goto(reverse("directory:service_list"))
    page.locator("details.filters-fold > summary").click()
    assert page.get_by_role("search").is_visible()
    page.locator("#id_need").select_option(index=1)
    page.locator("#filters-summary .badge").filter(has_text="1").wait_for()
    assert_no_sideways_scrolling(page)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_filters_open_on_a_desk_and_without_javascript(browser, live_server, demo):
    desk = open_as_coordinator(browser, live_server, DESK)
    for url in (reverse("directory:service_list"), reverse("directory:service_map")):
        desk.goto(url + "?free_capacity=on&language=ru")
        assert desk.locator("details.filters-fold").evaluate("details => details.open") is True, url
        assert desk.get_by_role("search").is_visible()
        assert desk.locator("#filters-summary .badge").inner_text().startswith("2")
    desk.context.close()

    phone = open_as_coordinator(browser, live_server, PHONE, backup_code=1, javascript=False)
    phone.goto(reverse("directory:service_list"))
    assert phone.locator("details.filters-fold").get_attribute("open") == ""
    assert phone.get_by_role("search").is_visible()
    phone.context.close()


def test_it_folds_the_menu_on_a_phone_and_shows_it_on_a_desk(browser, live_server, demo):
    page = open_as_coordinator(browser, live_server, PHONE, backup_code=4)
    menu = page.locator(".main-nav details")
    assert menu.evaluate("details => details.open") is False
    assert page.locator(".main-nav a").first.is_visible() is False
    # The page itself starts on the first screen, not under three lines of links.
    assert page.locator("main h1").bounding_box()["y"] < PHONE["height"] / 3
    assert_no_sideways_scrolling(page)
    page.locator(".main-nav summary").click()
    assert page.locator(".main-nav a").first.is_visible()
    assert page.locator(".main-nav").get_by_role("link", name="Pakalpojumi", exact=True).is_visible()
    page.locator(".main-nav summary").click()
    assert blocking_violations(page) == []
    save_screenshot(page, "phone-home-lv", full_page=False)
    page.context.close()

    desk = open_as_coordinator(browser, live_server, DESK, backup_code=5)
    assert desk.locator(".main-nav summary").is_visible() is False
    assert desk.locator(".main-nav a").first.is_visible()
    desk.context.close()
