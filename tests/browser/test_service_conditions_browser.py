"""A service's conditions in a real browser (issue 9): answering them on the form, reading them on the
service's page, the public page and the gap page, each without accessibility problems."""

import pytest

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm, Service, ServiceLanguage
from strom.directory.public_address import address_of
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in


def _clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.fixture
def shelters(world):
    sync_need_terms(NeedTerm)
    conditional = Service.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name="Harbour shelter",
        phone="+371 2000 0002",
        independent_of_cooperation=True,
        open_to_presumed_victims=False,
        conditions=["legal_stay"],
        time_limit_days=60,
        is_free=True,
        funding=["state_programme"],
        special_needs=["pregnancy"],
        exploitation_experience=["labour"],
    )
    conditional.needs.set(NeedTerm.objects.filter(code="accommodation"))
    asked = Service.objects.create(
        organisation=world.social,
        municipality=world.ngo.municipality,
        name="Lawyer on request",
        phone="+371 2000 0003",
        availability="potential",
    )
    asked.needs.set(NeedTerm.objects.filter(code="legal_assistance"))
    for service in (conditional, asked):
        ServiceLanguage.objects.create(service=service, code="lv")
        service.refresh_codes()
    return conditional


@pytest.mark.django_db(transaction=True)
def test_it_answers_the_conditions_on_the_form_and_shows_them_plainly(page, world, shelters):
    sign_in(page, world[Role.SERVICE_PROVIDER])
    page.goto(f"/directory/services/{shelters.pk}/edit/")
    conditions = page.get_by_role("group", name="Conditions", exact=True)
    conditions.get_by_role("radio", name="Not answered yet by the provider").first.check()
    _clean(page)
    save_screenshot(page, "service-conditions-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Who can get this help").wait_for()
    shelters.refresh_from_db()
    assert shelters.independent_of_cooperation is None  # the answer was taken back
    assert page.get_by_text("Help without cooperating with the police: not answered yet").is_visible()
    assert page.get_by_text("Only after formal identification", exact=True).is_visible()  # the badge
    assert page.get_by_text("Only for people who stay in the country legally.").is_visible()
    _clean(page)
    save_screenshot(page, "service-conditions-detail")


@pytest.mark.django_db(transaction=True)
def test_it_shows_only_confirmed_conditions_on_the_public_page(page, world, shelters):
    page.goto(address_of(world.ngo.municipality).path)
    card = page.locator(".card", has_text="Harbour shelter")
    assert card.get_by_text("Free of charge.").is_visible()
    assert card.get_by_text("Help for at most 60 days.").is_visible()
    assert "Lawyer on request" not in page.content()  # offered only if asked: not public
    _clean(page)
    save_screenshot(page, "public-help-conditions")


@pytest.mark.django_db(transaction=True)
def test_it_names_whom_to_ask_on_the_gap_page(page, world, shelters):
    sign_in(page, world[Role.COORDINATOR])
    page.goto("/directory/gaps/")
    assert page.get_by_text("Could be offered if asked by Testupe Social Service").first.is_visible()
    assert page.get_by_text(
        "Only after formal identification: nothing for presumed victims"
    ).first.is_visible()
    _clean(page)
