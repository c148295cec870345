"""The demo as a newcomer meets it: every persona signs in with the printed password and a printed
backup code, and lands on a home page without serious accessibility problems."""

import pytest
from django.core.management import call_command

from strom.accounts.demo import PERSONAS
from strom.accounts.otp import format_backup_code
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot


@pytest.mark.django_db(transaction=True)
def test_it_lets_every_demo_persona_sign_in_with_a_printed_backup_code(browser, live_server):
    call_command("load_demo", "--quiet-personas")
    for persona in PERSONAS:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.goto("/accounts/sign-in/")
        page.fill("#id_username", persona.username)
        page.fill("#id_password", persona.password)
        page.click("main button[type=submit]")
        page.wait_for_url("**/two-factor/")
        page.fill("#id_code", format_backup_code(persona.backup_codes[0]))
        page.click("main form:not(.inline-form) button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        assert page.locator("h1").inner_text(), persona.username
        assert blocking_violations(page) == [], persona.username
        if persona.username == "coordinator":
            save_screenshot(page, "home-coordinator")
            page.goto("/audit/")
            save_screenshot(page, "audit-trail")
        context.close()
