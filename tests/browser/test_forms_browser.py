"""Forms in a real browser: the error summary takes focus and its links move focus to the fields; the
language filter hides what does not match; the free-places badge follows the box."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.django_db(transaction=True)
def test_it_focuses_the_error_summary_and_its_links_move_to_the_fields(page, world):
    sync_need_terms(NeedTerm)
    sign_in(page, world[Role.SERVICE_PROVIDER])
    page.goto(reverse("directory:service_new"))
    page.fill("#id_capacity_total", "3")
    page.fill("#id_capacity_free", "4")
    page.click("form.service-form button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert page.title().startswith("Error:")
    assert _focused_id(page) == "error-summary"
    _clean(page)
    save_screenshot(page, "form-error-summary", full_page=False)
    page.click("[data-error-summary] a[href='#id_name']")
    assert _focused_id(page) == "id_name"
    assert page.locator("label[for=id_name]").is_visible()
    page.click("[data-error-summary] a[href='#id_languages_0']")
    assert _focused_id(page) == "id_languages_0"
    page.click("[data-error-summary] a[href='#id_capacity_free']")
    assert _focused_id(page) == "id_capacity_free"
    assert page.get_attribute("#id_capacity_free", "aria-invalid") == "true"
    assert not Service.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_filters_the_languages_and_says_how_many_show(page, world):
    sync_need_terms(NeedTerm)
    sign_in(page, world[Role.SERVICE_PROVIDER])
    page.goto(reverse("directory:service_new"))
    search = page.get_by_label("Find a language")
    assert search.is_visible()
    choices = page.locator("#id_languages_choices label.choice")
    total = choices.count()
    assert total == 183
    search.fill("latv")
    assert [
        label.inner_text() for label in page.locator("#id_languages_choices label.choice:visible").all()
    ] == ["Latviešu (Latvian)"]
    page.locator("#id_languages_count").filter(has_text="1 of 183").wait_for()
    search.press("Enter")  # filters, never sends the form
    assert page.url.endswith(reverse("directory:service_new"))
    search.fill("русск")  # the autonym works as well as the reader's name
    assert page.locator("#id_languages_choices label.choice:visible").all_inner_texts() == [
        "Русский (Russian)"
    ]
    search.fill("Ukrainian")
    page.locator("#id_languages_choices label.choice:visible").first.click()
    search.fill("zzzz")
    assert page.locator("#id_languages_choices label.choice:visible").count() == 0
    page.locator("#id_languages_count").filter(has_text="Nothing matches").wait_for()
    search.fill("")
    assert page.locator("#id_languages_choices label.choice:visible").count() == total
    assert page.is_checked("input[name=languages][value=uk]")
    search.fill("lietuv")
    _clean(page)
    save_screenshot(page, "form-language-filter", full_page=False)


@pytest.mark.django_db(transaction=True)
def test_it_shows_every_language_without_javascript(browser, live_server, world):
    sync_need_terms(NeedTerm)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, world[Role.SERVICE_PROVIDER])
        page.goto(reverse("directory:service_new"))
        assert not page.locator("#id_languages_filter").is_visible()
        assert page.locator("#id_languages_choices label.choice:visible").count() == 183
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_it_updates_the_badge_with_the_free_places_box(page, world):
    shelter = Service.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Harbour shelter", capacity_total=6
    )
    shelter.capacity_free = 2
    shelter.save()
    ServiceLanguage.objects.create(service=shelter, code="lv")
    sign_in(page, world[Role.SERVICE_PROVIDER])
    page.goto(reverse("directory:service_detail", args=[shelter.pk]))
    badges = page.locator("#service-badges")
    assert "2 of 6 places free" in badges.inner_text()
    page.evaluate("window.stromNoReload = true")
    page.fill("#id_capacity_free", "5")
    page.click("#capacity-submit")
    page.locator("#capacity").get_by_text("The free places have been updated.").wait_for()
    assert page.evaluate("window.stromNoReload") is True
    assert "5 of 6 places free" in badges.inner_text()
    assert _focused_id(page) == "capacity-submit"
    page.fill("#id_capacity_free", "9")
    page.click("#capacity-submit")
    page.locator("#id_capacity_free_error").wait_for()
    # htmx moves focus once the swapped part has settled, a moment after the error is in the page.
    expect(page.locator("#id_capacity_free")).to_be_focused()
    assert "5 of 6 places free" in badges.inner_text()
    _clean(page)
