"""Issue 9 in a real browser: saying where a service works, and seeing a national service where it
serves (the gaps page, the public page), with no accessibility problem."""

import pytest

from strom.accounts.models import OrganisationArea
from strom.accounts.roles import Role
from strom.directory.models import NeedTerm, Service, ServiceArea
from strom.directory.public_address import address_of
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in
from tests.factories import MunicipalityFactory, make_member


def _clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.django_db(transaction=True)
def test_it_says_where_a_service_works_and_shows_it_where_it_serves(page, world):
    sync_need_terms(NeedTerm)
    home = world.ngo.municipality
    town = MunicipalityFactory(country=home.country, name="Kaimiņciems")
    OrganisationArea.objects.create(
        organisation=world.national, country=home.country, granted_by=world[Role.NATIONAL_COORDINATOR]
    )
    provider = make_member(world.national, Role.SERVICE_PROVIDER, username="national_provider")
    hotline = Service.objects.create(
        organisation=world.national,
        municipality=home,
        name="National test hotline",
        is_helpline=True,
        available_24_7=True,
        phone="+371 8000 0000",
    )
    hotline.needs.set(NeedTerm.objects.filter(code="counselling_information"))
    ServiceArea.objects.create(service=hotline, country=home.country)

    sign_in(page, provider)
    page.goto("/directory/services/new/")
    page.get_by_label("In these municipalities too").check()
    _clean(page)
    page.select_option("#id_municipality", str(home.pk))
    page.fill("#id_name", "Regional legal aid")
    page.get_by_label("Legal assistance and representation", exact=True).check()
    page.check("input[name=languages][value=lv]")
    page.get_by_label("Kaimiņciems").check()
    page.fill("#id_area_name", "Vidzeme")
    page.locator("#service-areas").scroll_into_view_if_needed()
    save_screenshot(page, "service-areas-form", full_page=False)
    page.click("form.service-form button[type=submit]")
    page.get_by_text("Where it works:").wait_for()
    assert "Testupe, Kaimiņciems (Vidzeme)" in page.locator(".service-areas").inner_text()
    _clean(page)
    save_screenshot(page, "service-areas-detail")

    page.goto(address_of(town).path)
    notice = page.locator(".national-hotline")
    assert "National hotline: National test hotline" in notice.inner_text()
    assert page.get_by_text("Whole of Latvia").count() >= 1
    _clean(page)
    save_screenshot(page, "public-help-national-hotline")

    page.context.clear_cookies()
    sign_in(page, world[Role.NATIONAL_COORDINATOR])
    page.goto(f"/directory/gaps/?municipality={town.pk}")
    assert page.locator("thead .badge", has_text="national").count() == 1
    _clean(page)
