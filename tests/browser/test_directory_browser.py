import pytest

from strom.accounts.roles import Role
from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in


def _service(organisation, name, needs, languages=("lv",), **fields):
    service = Service.objects.create(
        organisation=organisation, municipality=organisation.municipality, name=name, **fields
    )
    service.needs.set(NeedTerm.objects.filter(code__in=needs))
    ServiceLanguage.objects.bulk_create([ServiceLanguage(service=service, code=c) for c in languages])
    service.refresh_codes()
    return service


@pytest.fixture
def listed(world):
    sync_need_terms(NeedTerm)
    shelter = _service(
        world.ngo,
        "Harbour shelter",
        ["accommodation", "safety_protection"],
        ("lv", "ru"),
        capacity_total=4,
        capacity_free=1,
        available_24_7=True,
    )
    shelter.locations.add(
        Location.objects.create(
            organisation=world.ngo,
            municipality=world.ngo.municipality,
            name="House",
            address_1="Hidden yard 3",
            is_confidential=True,
        )
    )
    _service(world.social, "Benefits desk", ["financial_assistance"], phone="+371 6000 0000")
    _service(
        world.ngo,
        "Helpline",
        ["counselling_information"],
        ("lv", "en"),
        is_helpline=True,
        available_24_7=True,
        phone="+371 8000 0001",
    )
    return world


def _clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.django_db(transaction=True)
def test_it_filters_the_directory_in_place(page, listed):
    sign_in(page, listed[Role.CASEWORKER])
    page.goto("/directory/")
    assert page.locator(".service-card").count() == 3
    _clean(page)
    page.evaluate("window.stromNoReload = true")
    page.select_option("#id_need", "accommodation")
    page.get_by_role("heading", name="1 service").wait_for()
    assert page.evaluate("window.stromNoReload") is True
    assert "need=accommodation" in page.url  # the filtered list can be bookmarked and shared
    assert page.locator(".service-card h3").all_inner_texts() == ["Harbour shelter"]
    assert "Hidden yard 3" not in page.content()
    save_screenshot(page, "directory")


@pytest.mark.django_db(transaction=True)
def test_it_shows_service_pages_forms_and_gaps_without_accessibility_problems(page, listed):
    sign_in(page, listed[Role.COORDINATOR])
    shelter = Service.objects.get(name="Harbour shelter")
    for path in [
        f"/directory/services/{shelter.pk}/",
        f"/directory/services/{shelter.pk}/edit/",
        "/directory/services/new/",
        "/directory/gaps/",
    ]:
        assert page.goto(path).ok, path
        _clean(page)
    save_screenshot(page, "gaps")
    page.goto(f"/directory/services/{shelter.pk}/")
    assert page.get_by_text("Hidden yard 3").is_visible()  # the coordinator may see it
    page.fill("#id_capacity_free", "3")
    page.get_by_role("button", name="Update free places").click()
    page.get_by_text("3 of 4 places free").first.wait_for()
    save_screenshot(page, "service-detail")


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_public_help_page_with_a_quick_exit(page, listed, settings, live_server):
    settings.STROM_QUICK_EXIT_URL = f"{live_server.url}/healthz"
    page.goto(f"/help/{listed.ngo.municipality.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Where to get help"
    assert "Hidden yard 3" not in page.content()
    assert page.get_by_text("+371 8000 0001").is_visible()
    _clean(page)
    save_screenshot(page, "public-help")
    page.select_option("#language-select", "ru")
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    _clean(page)
    page.get_by_role("link", name="Быстрый выход").click()
    page.wait_for_url("**/healthz")
    page.go_back()
    assert "/help/" not in page.url  # the help page is gone from the history


@pytest.mark.django_db(transaction=True)
def test_it_checks_and_imports_an_hsds_file_in_the_browser(page, listed):
    from strom.accounts.models import Municipality
    from strom.directory.hsds import exporting
    from tests.factories import MembershipFactory, OrganisationFactory

    empty = Municipality.objects.create(country=listed.ngo.country, name="Emptyville")
    MembershipFactory(
        user=listed[Role.COORDINATOR],
        organisation=OrganisationFactory(municipality=empty),
        role=Role.COORDINATOR,
    )
    package = exporting.zip_package(
        exporting.tabular_package(Service.objects.filter(municipality=listed.ngo.municipality))
    )
    sign_in(page, listed[Role.COORDINATOR])
    page.goto("/directory/hsds/import/")
    _clean(page)
    page.select_option("#id_municipality", label="Emptyville")
    page.set_input_files(
        "#id_file", files=[{"name": "directory.zip", "mimeType": "application/zip", "buffer": package}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Every row is valid").wait_for()
    _clean(page)
    save_screenshot(page, "import-checked")
    page.get_by_role("button", name="Import now").click()
    page.get_by_text("Imported: 3 services").wait_for()
    _clean(page)
    assert Service.objects.filter(municipality=empty).count() == 3
