"""Version comparison and the audit trail on a phone: every changed field as "before → after" with no
sideways scrolling, the trail's objects by name with links, and axe-core finds nothing serious."""

import pytest
from django.urls import reverse

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms
from strom.pathways import actions
from strom.pathways.models import Handover
from tests.browser.axe import blocking_violations
from tests.browser.conftest import save_screenshot, sign_in
from tests.pathway_objects import published_chain


def _no_sideways_scrolling(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: scrollWidth, innerWidth = {widths}"


@pytest.mark.django_db(transaction=True)
def test_it_shows_differences_and_the_trail_on_a_phone(phone_page, world):
    sync_need_terms(NeedTerm)  # a transactional test starts without the taxonomy's data migration
    chain = published_chain(world)
    coordinator = world[Role.COORDINATOR]
    step = chain.shelter_step
    step.title = "A safe place tonight, with an interpreter when needed"
    step.responsible, step.backup = world.social, None
    step.max_response_hours, step.handover = 72, Handover.NATIONAL
    actions.do_save_step(
        actor=coordinator, step=step, needs=list(NeedTerm.objects.filter(code="accommodation"))
    )
    actions.do_publish_pathway(actor=coordinator, pathway=chain.pathway, note="taken over")
    page = phone_page
    sign_in(page, coordinator)

    page.goto(reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=1&to=2")
    responsible = page.locator(".change-values dd").filter(has_text="Test Shelter Association")
    spoken = " ".join(responsible.text_content().split())  # what a screen reader reads, hidden words too
    assert spoken == "before: Test Shelter Association → after: Testupe Social Service"
    _no_sideways_scrolling(page)
    assert blocking_violations(page) == []
    save_screenshot(page, "version-compare-phone")

    page.goto(reverse("site:audit"))
    link = page.get_by_role("link", name="A safe place tonight, with an interpreter when needed").first
    assert link.get_attribute("href") == reverse("pathways:step_edit", args=[step.pk])
    _no_sideways_scrolling(page)
    assert blocking_violations(page) == []
    save_screenshot(page, "audit-trail-phone")
    link.click()
    page.wait_for_url(f"**{reverse('pathways:step_edit', args=[step.pk])}")
    assert page.input_value("#id_title") == "A safe place tonight, with an interpreter when needed"
