"""The referral mechanism in a real browser: a coordinator builds a pathway from a template, fixes what
the health check flags, publishes it and downloads the card; axe-core checks every page on the way."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms
from strom.pathways.models import Agreement, Pathway, PathwayVersion, Step
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in


def _clean(page):
    problems = blocking_violations(page)
    assert problems == [], f"{page.url}: {problems}"


@pytest.mark.django_db(transaction=True)
def test_it_builds_fixes_publishes_and_prints_a_pathway(page, world):
    sync_need_terms(NeedTerm)
    sign_in(page, world[Role.COORDINATOR])
    page.goto("/pathways/")
    _clean(page)
    page.get_by_role("link", name="New pathway").click()
    page.select_option("#id_audience", "children")
    _clean(page)
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("heading", name="Health check").wait_for()
    assert page.locator("#pathway-diagram").is_visible()
    _clean(page)

    # The template leaves steps without an organisation where Testupe has none of that kind.
    pathway = Pathway.objects.get()
    problem = page.locator(".health-item").filter(has_text="No organisation is responsible").first
    problem.get_by_role("link", name="Edit the step").click()
    _clean(page)
    step_id = page.url.rstrip("/").split("/")[-2]
    page.select_option("#id_responsible", label="Test Shelter Association")
    page.get_by_role("button", name="Save the step").click()
    page.get_by_role("heading", name="Health check").wait_for()
    assert Step.objects.get(pk=step_id).responsible == world.ngo

    page.fill("#id_note", "First contact given to the shelter association")
    page.get_by_role("button", name="Publish a new version").click()
    page.get_by_text("Version 1 is published.").wait_for()
    _clean(page)
    assert PathwayVersion.objects.get(pathway=pathway).number == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Who-to-call card (A4)").click()
    with open(download.value.path(), "rb") as card:
        pdf = PdfReader(io.BytesIO(card.read()))
    assert "Who to call" in pdf.pages[0].extract_text()

    # A second version, then the history and the differences.
    page.goto(f"/pathways/{pathway.pk}/")
    page.get_by_role("button", name="Publish a new version").click()
    page.get_by_text("Version 2 is published.").wait_for()
    page.goto(f"/pathways/{pathway.pk}/versions/")
    _clean(page)
    page.get_by_role("button", name="Show the differences").click()
    page.get_by_role("heading", name="From version 1 to version 2").wait_for()
    _clean(page)


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_demo_chain_with_its_problems_and_agreements(browser, live_server):
    sync_need_terms(NeedTerm)  # a transactional test starts without the taxonomy's data migration
    call_command("load_demo", "--quiet-personas")
    from strom.accounts.models import User

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_demo(page, User.objects.get(username="coordinator"))
    kalnupe = Pathway.objects.get(municipality__name="Kalnupe")
    page.goto(f"/pathways/{kalnupe.pk}/")
    assert page.locator(".health-item").filter(has_text="no backup organisation").count() == 1
    assert page.locator(".health-item").filter(has_text="ends in").count() == 1
    assert page.locator(".health-item--error").count() == 0  # the demo has an unconditional shelter
    _clean(page)
    save_screenshot(page, "pathway-diagram")
    page.goto("/pathways/agreements/")
    _clean(page)
    save_screenshot(page, "agreements")
    ending_soon = Agreement.objects.filter(municipality__name="Kalnupe").order_by("valid_until").first()
    page.get_by_role("link", name=ending_soon.title).click()
    _clean(page)
    page.get_by_role("link", name="Edit").click()
    _clean(page)
    page.fill("#id_valid_until", "2031-12-31")
    page.set_input_files(
        "#id_document",
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    page.get_by_role("button", name="Save the agreement").click()
    page.get_by_text("The agreement has been saved.").wait_for()
    assert page.get_by_role("link", name="Download the signed PDF").is_visible()
    _clean(page)
    page.goto(f"/pathways/{kalnupe.pk}/")
    assert page.locator(".health-item").filter(has_text="ends in").count() == 0  # renewed
    page.goto("/pathways/national/LV/")
    _clean(page)
    context.close()


def sign_in_demo(page, user):
    from tests.browser.conftest import current_code

    page.goto("/accounts/sign-in/")
    page.fill("#id_username", user.username)
    from strom.accounts.demo import PERSONAS

    page.fill("#id_password", next(p.password for p in PERSONAS if p.username == user.username))
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/**")
    page.fill("#id_code", current_code(user))
    page.click("main form:not(.inline-form) button[type=submit]")
    page.wait_for_url(lambda url: "/two-factor" not in url)


@pytest.mark.django_db(transaction=True)
def test_it_draws_the_pathway_readably_on_a_phone(phone_page, world):
    from tests.pathway_objects import published_chain

    chain = published_chain(world)
    sign_in(phone_page, world[Role.CASEWORKER])
    phone_page.goto(f"/pathways/{chain.pathway.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _clean(phone_page)
    phone_page.locator("#stage-first_assistance").scroll_into_view_if_needed()
    save_screenshot(phone_page, "pathway-phone", full_page=False)
