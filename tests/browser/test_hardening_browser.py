"""The pages the hardening added, used in a real browser on a phone: granting and revoking who may list
services here, national appointments, and the demo outbox, each checked with axe."""

from django.core import mail
from django.urls import reverse

from strom.accounts.models import OrganisationArea
from strom.accounts.roles import Role
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in
from tests.factories import MunicipalityFactory, OrganisationFactory


def test_it_grants_and_revokes_an_organisation_serving_the_municipality_on_a_phone(world, phone_page):
    based_elsewhere = OrganisationFactory(
        name="Riverside Outreach",
        country=world.ngo.country,
        municipality=MunicipalityFactory(country=world.ngo.country, name="Upesciems"),
    )
    home = world.municipal.municipality
    sign_in(phone_page, world[Role.COORDINATOR])
    phone_page.goto(reverse("accounts:serving_organisations", args=[home.pk]))
    phone_page.select_option("#id_organisation", str(based_elsewhere.pk))
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_selector("text=Stop Riverside Outreach listing services here")
    assert OrganisationArea.objects.filter(organisation=based_elsewhere, revoked_at=None).exists()
    assert blocking_violations(phone_page) == []

    revoke = phone_page.get_by_role("button", name="Stop Riverside Outreach listing services here")
    box = revoke.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # within the phone's width
    save_screenshot(phone_page, "serving-organisations-phone")
    revoke.click()
    phone_page.wait_for_selector("text=No organisation based elsewhere serves this municipality yet.")
    assert not OrganisationArea.objects.filter(organisation=based_elsewhere, revoked_at=None).exists()


def test_it_appoints_a_national_organisation_without_accessibility_problems(world, page):
    sign_in(page, world[Role.NATIONAL_COORDINATOR])
    page.goto(reverse("accounts:national_organisations", args=[world.national.country_id]))
    assert blocking_violations(page) == []
    page.select_option("#id_organisation", str(world.national.pk))
    page.click("main form button[type=submit]")
    page.wait_for_selector(f"text=End the appointment of {world.national.name}")
    assert blocking_violations(page) == []


def test_it_lists_the_demo_e_mails_in_the_outbox_without_signing_in(world, page, settings):
    settings.EMAIL_BACKEND = "strom.core.outbox.OutboxBackend"
    mail.send_mail("Invitation to Strom", "Open http://testserver/x to join.", None, ["a@example.invalid"])
    page.goto(reverse("core:demo_outbox"))
    page.wait_for_selector("text=Invitation to Strom")
    assert blocking_violations(page) == []
