"""The public help page's address on the home page: copied with one click, said aloud, and plain text
to select where the clipboard cannot be used (issue 9)."""

import pytest

from strom.accounts.roles import Role
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_it_copies_the_public_address_and_says_so(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, world[Role.COORDINATOR])
        panel = page.locator(".public-address")
        address = panel.locator(".public-address__url").inner_text()
        assert address.endswith("/help/lv/testupe/")
        button = panel.get_by_role("button", name="Copy address")
        button.click()
        panel.get_by_role("status").get_by_text("Copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == address
        assert blocking_violations(page) == []
        save_screenshot(page, "public-address-home")
        page.goto("/directory/")
        assert page.locator(".public-address__url").inner_text() == address
        assert blocking_violations(page) == []
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_it_leaves_a_plain_address_without_javascript(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        # Sign in with a browser that runs scripts, then look at the home page without them.
        scripted = browser.new_context(base_url=live_server.url)
        scripted_page = scripted.new_page()
        sign_in(scripted_page, world[Role.COORDINATOR])
        context.add_cookies(scripted.cookies())
        scripted.close()
        page.goto("/")
        assert page.locator(".public-address__url").inner_text().endswith("/help/lv/testupe/")
        assert not page.get_by_role("button", name="Copy address").is_visible()
    finally:
        context.close()
