import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts.roles import Role
from tests.browser.axe import blocking_violations
from tests.browser.conftest import current_code, save_screenshot, sign_in
from tests.factories import TEST_PASSWORD


def _axe_clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.django_db(transaction=True)
def test_it_signs_in_through_the_second_factor_and_switches_to_latvian(page, world):
    coordinator = world[Role.COORDINATOR]
    page.goto("/")
    page.wait_for_url("**/accounts/sign-in/**")
    _axe_clean(page)
    save_screenshot(page, "sign-in")

    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-factor/**")
    _axe_clean(page)
    page.fill("#id_code", current_code(coordinator))
    page.get_by_role("button", name="Confirm", exact=True).click()

    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    _axe_clean(page)

    page.select_option("#language-select", "lv")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "lv"
    assert "Sveicināti" in page.get_by_role("heading", level=1).inner_text()
    _axe_clean(page)
    coordinator.refresh_from_db()
    assert coordinator.preferred_language == "lv"


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_wrong_second_factor_code_in_the_page(page, world):
    caseworker = world[Role.CASEWORKER]
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", caseworker.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#id_code", "000000" if current_code(caseworker) != "000000" else "111111")
    page.get_by_role("button", name="Confirm", exact=True).click()
    summary = page.locator("#error-summary")
    summary.get_by_role("link", name=re.compile("That code is not right")).wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # read first
    assert "/accounts/two-factor/" in page.url
    _axe_clean(page)


@pytest.mark.django_db(transaction=True)
def test_it_has_no_serious_accessibility_problems_on_any_signed_in_page(page, world, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    coordinator = world[Role.COORDINATOR]
    sign_in(page, coordinator)
    for path in [
        "/",
        "/accounts/security/",
        "/accounts/api-tokens/",
        "/accounts/organisations/",
        f"/accounts/organisations/{world.municipal.pk}/members/",
        "/audit/",
        "/accounts/password/change/",
    ]:
        assert page.goto(path).ok, path
        _axe_clean(page)
    page.goto(f"/accounts/organisations/{world.municipal.pk}/members/")
    save_screenshot(page, "members")
    elsewhere = [url for url in requested if not url.startswith(live_server.url)]
    assert elsewhere == [], "a page asked another site for something"
    assert any(url.endswith("htmx.min.js") for url in requested)


@pytest.mark.django_db(transaction=True)
def test_it_has_no_serious_accessibility_problems_on_the_platform_pages(page, world):
    sign_in(page, world[Role.PLATFORM_ADMIN])
    for path in [
        "/accounts/platform/organisations/",
        "/accounts/platform/organisations/new/",
        f"/accounts/platform/organisations/{world.ngo.pk}/",
        "/accounts/platform/users/",
        "/accounts/platform/municipalities/",
        "/audit/",
    ]:
        assert page.goto(path).ok, path
        _axe_clean(page)


@pytest.mark.django_db(transaction=True)
def test_it_enrols_a_new_second_factor_and_shows_backup_codes(page, world):
    newcomer = world[Role.TRAINER]
    TOTPDevice.objects.filter(user=newcomer).delete()
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", newcomer.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/two-factor/setup/**")
    _axe_clean(page)
    save_screenshot(page, "two-factor-setup")
    assert page.locator("figure.qr svg").is_visible()
    page.fill("#id_code", current_code_of_pending(newcomer))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/backup-codes/**")
    assert page.locator(".backup-codes li").count() == 10
    _axe_clean(page)


def current_code_of_pending(user) -> str:
    from django_otp.oath import totp

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key):06d}"


@pytest.mark.django_db(transaction=True)
def test_it_is_usable_on_a_phone(phone_page, world):
    sign_in(phone_page, world[Role.CASEWORKER])
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the home page scrolls sideways on a phone"
    _axe_clean(phone_page)
    save_screenshot(phone_page, "home-phone")


@pytest.mark.django_db(transaction=True)
def test_it_has_no_serious_accessibility_problems_on_the_public_pages(page, world):
    for path in [
        "/accounts/sign-in/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/invitations/not-a-real-invitation/",
        "/no-such-page/",
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).is_visible(), path
        _axe_clean(page)


@pytest.mark.django_db(transaction=True)
def test_it_lets_an_invited_colleague_create_an_account_in_the_browser(page, world, mailoutbox):
    from strom.accounts.actions import do_invite
    from strom.accounts.models import Invitation

    do_invite(
        actor=world[Role.COORDINATOR],
        organisation=world.municipal,
        role="analyst",
        email="invited.tester@example.invalid",
        language="en",
    )
    link = re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", mailoutbox[0].body).group(1)
    page.goto(link)
    page.wait_for_url("**/invitations/accept/")
    _axe_clean(page)
    save_screenshot(page, "invitation")
    page.fill("#id_username", "invited.tester")
    page.fill("#id_first_name", "Ilse")
    page.fill("#id_last_name", "Testperson")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "short")
    page.get_by_role("button", name="Create account").click()
    page.locator("#error-summary").wait_for()  # the password is refused, nothing saved
    assert Invitation.objects.get().status == Invitation.Status.PENDING
    _axe_clean(page)
    page.fill("#id_password1", "harbour-lights-in-the-evening")
    page.fill("#id_password2", "harbour-lights-in-the-evening")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/two-factor/setup/**")
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_it_ends_a_membership_in_place_with_htmx(page, world):
    sign_in(page, world[Role.COORDINATOR])
    page.goto(f"/accounts/organisations/{world.municipal.pk}/members/")
    page.evaluate("window.stromNoReload = true")
    analyst = world[Role.ANALYST].display_name
    page.get_by_role("button", name=f"End membership of {analyst}").click()
    page.get_by_text("The membership has ended.").wait_for()
    assert page.evaluate("window.stromNoReload") is True, "the page reloaded instead of swapping the table"
    assert page.get_by_role("button", name=f"End membership of {analyst}").count() == 0
    _axe_clean(page)
