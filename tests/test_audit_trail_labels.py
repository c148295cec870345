"""The audit trail in words: each event's action by its label, its object by name with a link where the
viewer may open it; never an action code, a model label or an id, and the same queries however many
events the page shows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strom.accounts.access import get_access
from strom.accounts.actions import do_end_membership
from strom.accounts.models import Membership
from strom.accounts.roles import Role
from strom.core.audit import log_event
from strom.core.models import AuditEvent
from strom.directory.models import NeedTerm, Service
from strom.pathways import actions
from strom.pathways.models import Agreement, Audience, NationalMechanism, Step
from strom.site.audit_rows import audit_rows
from tests.pathway_objects import published_chain

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE = re.compile(r"\b(?:pathways|directory|accounts|auth|access|core)\.[a-z_]+(?:\.[a-z_]+)?\b")


@pytest.fixture
def chain(world):
    return published_chain(world)


def _rows(html: str) -> dict[str, tuple[str, str]]:
    """{action label: (object cell's text, the object's link or "")} for each row of the trail (the
    newest row wins when a label repeats)."""
    found = {}
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    for row in reversed(re.findall(r"<tr>(.*?)</tr>", body, re.S)):
        cells = re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, re.S)
        by_label = dict(cells)
        link = re.search(r'href="([^"]+)"', by_label["Object"])
        text = re.sub(r"<[^>]+>", "", by_label["Object"]).strip()
        found[by_label["Action"].strip()] = (text, link.group(1) if link else "")
    return found


def _visible_text(html: str) -> str:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.sub(r"<[^>]+>", " ", body)


def _pathway_work(world, chain) -> dict:
    """The coordinator's referral-mechanism work: every pathways action the trail names."""
    coordinator = world[Role.COORDINATOR]
    step = chain.shelter_step
    step.title = "A safe place tonight"
    actions.do_save_step(actor=coordinator, step=step, needs=list(step.needs.all()))
    gone = Step(stage=step.stage, title="A step to remove", position=100)
    actions.do_save_step(actor=coordinator, step=gone, needs=[])
    actions.do_delete_step(actor=coordinator, step=gone)
    added = Step(stage=step.stage, title="Night interpreter", position=99)
    actions.do_save_step(
        actor=coordinator, step=added, needs=list(NeedTerm.objects.filter(code="interpretation"))
    )
    agreement = Agreement(
        municipality=world.municipal.municipality,
        title="Shelter memorandum",
        status=Agreement.Status.ACTIVE,
        valid_until=timezone.localdate() + timedelta(days=300),
    )
    parties = [world.ngo, world.social]
    actions.do_save_agreement(actor=coordinator, agreement=agreement, parties=parties, steps=[], needs=[])
    agreement.title = "Shelter memorandum, second edition"
    actions.do_save_agreement(actor=coordinator, agreement=agreement, parties=parties, steps=[], needs=[])
    actions.record_document_read(actor=coordinator, agreement=agreement)
    actions.do_save_stage_note(actor=coordinator, stage=step.stage, note="Call the shelter first.")
    mechanism = NationalMechanism.objects.create(country_id="LV", focal_point="Test focal point")
    log_event(
        actor=world[Role.NATIONAL_COORDINATOR],
        action="pathways.national_mechanism.updated",
        obj=mechanism,
        organisation=world.municipal,
    )
    return {"step": step, "added": added, "agreement": agreement}


def test_it_names_every_pathways_event_and_links_to_its_object(world, signed_in, chain):
    made = _pathway_work(world, chain)
    pathway_url = reverse("pathways:pathway_detail", args=[chain.pathway.pk])

    html = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit")).content.decode()

    rows = _rows(html)
    assert rows["Pathway created"] == (chain.pathway.title, pathway_url)
    assert rows["Pathway published"] == (chain.pathway.title, pathway_url)
    assert rows["Step changed"] == (
        "A safe place tonight",
        reverse("pathways:step_edit", args=[made["step"].pk]),
    )
    assert rows["Step added to a pathway"] == (
        "Night interpreter",
        reverse("pathways:step_edit", args=[made["added"].pk]),
    )
    assert rows["Step removed from a pathway"] == (f"A removed step of “{chain.pathway.title}”", pathway_url)
    agreement_url = reverse("pathways:agreement_detail", args=[made["agreement"].pk])
    for label in [
        "Cooperation agreement recorded",
        "Cooperation agreement changed",
        "Signed agreement opened",
    ]:
        assert rows[label] == ("Shelter memorandum, second edition", agreement_url), label
    assert rows["National referral mechanism changed"] == (
        "National referral mechanism of Latvia",
        reverse("pathways:national_mechanism", args=["LV"]),
    )
    stage = made["step"].stage
    assert rows["Stage note changed"] == (
        f"{stage.get_phase_display()}: {chain.pathway.title}",
        f"{pathway_url}#stage-{stage.phase}",
    )
    text = _visible_text(html)
    assert not UUID.search(text)
    assert not CODE.search(text), CODE.search(text)


def test_it_links_a_partner_to_the_pathway_rather_than_the_step_form(world, signed_in, chain):
    """A caseworker of the social service reads the same names, but may not edit the step."""
    log_event(
        actor=world[Role.COORDINATOR],
        action="pathways.step.updated",
        obj=chain.shelter_step,
        organisation=world.municipal,
    )
    event = AuditEvent.objects.get(action="pathways.step.updated")
    [row] = audit_rows(get_access(world[Role.CASEWORKER]), [event])
    assert (row.object_name, row.object_url) == (
        chain.shelter_step.title,
        reverse("pathways:pathway_detail", args=[chain.pathway.pk]),
    )


def test_it_names_no_object_the_viewer_may_not_see(world, signed_in, chain):
    other = actions.do_create_pathway(
        actor=world["outsider"], municipality=world.other.municipality, audience=Audience.ADULTS
    )
    other.title = "Muujärve's own pathway"
    other.save(update_fields=["title"])
    log_event(
        actor=world[Role.COORDINATOR],
        action="pathways.pathway.created",
        obj=other,
        organisation=world.municipal,
    )

    html = signed_in(world[Role.COORDINATOR]).get(reverse("site:audit")).content.decode()

    assert _rows(html)["Pathway created"] == ("Pathway", "")  # what kind of thing, not which
    assert "Muujärve&#x27;s own pathway" not in html and "Muujärve's own pathway" not in html
    assert reverse("pathways:pathway_detail", args=[other.pk]) not in html


def test_it_keeps_other_apps_events_readable(world, signed_in):
    coordinator = world[Role.COORDINATOR]
    service = Service.objects.create(
        organisation=world.municipal, municipality=world.municipal.municipality, name="Test day centre"
    )
    log_event(
        actor=coordinator, action="directory.service.created", obj=service, organisation=world.municipal
    )
    do_end_membership(actor=coordinator, membership=Membership.objects.get(user=world[Role.ANALYST]))
    log_event(actor=coordinator, action="test.unlabelled_work", organisation=world.municipal)

    html = signed_in(coordinator).get(reverse("site:audit")).content.decode()

    rows = _rows(html)
    assert rows["Service added to the directory"] == (
        "Test day centre",
        reverse("directory:service_detail", args=[service.pk]),
    )
    analyst = world[Role.ANALYST].display_name
    assert rows["Membership ended"][0] == f"{analyst}, Analyst in Testupe Administration"
    assert rows["Other event"] == ("", "")
    assert "test.unlabelled_work" not in html
    assert not CODE.search(_visible_text(html))


def test_it_reads_the_trail_in_the_same_queries_however_many_named_events(world, signed_in, chain):
    coordinator = world[Role.COORDINATOR]
    client = signed_in(coordinator)
    steps = list(Step.objects.filter(stage__pathway=chain.pathway))

    def add_events(count: int) -> None:
        for n in range(count):
            step = steps[n % len(steps)]
            log_event(
                actor=coordinator, action="pathways.step.updated", obj=step, organisation=world.municipal
            )
            log_event(
                actor=coordinator,
                action="pathways.pathway.published",
                obj=chain.pathway,
                organisation=world.municipal,
            )

    add_events(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("site:audit")).status_code == 200
    add_events(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("site:audit"))
    assert len(response.context["rows"]) > 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_names_accounts_objects_without_e_mail_addresses(world, signed_in):
    from strom.accounts.actions import do_create_api_token, do_invite
    from strom.accounts.models import OrganisationArea
    from strom.directory.models import Location

    coordinator = world[Role.COORDINATOR]
    do_invite(
        actor=coordinator,
        organisation=world.municipal,
        role=Role.ANALYST,
        email="new.colleague@example.invalid",
        language="en",
    )
    do_create_api_token(actor=coordinator, name="Spreadsheet sync", days=5)
    area = OrganisationArea.objects.create(
        organisation=world.ngo, municipality=world.municipal.municipality, granted_by=coordinator
    )
    location = Location.objects.create(
        organisation=world.municipal, municipality=world.municipal.municipality, name="Test day centre hall"
    )
    for action, obj in [
        ("accounts.organisation_area.granted", area),
        ("accounts.organisation.updated", world.social),
        ("accounts.municipality.updated", world.municipal.municipality),
        ("directory.location.created", location),
    ]:
        log_event(actor=coordinator, action=action, obj=obj, organisation=world.municipal)

    html = signed_in(coordinator).get(reverse("site:audit")).content.decode()

    rows = _rows(html)
    assert rows["Invitation sent"] == (
        "Invitation as Analyst in Testupe Administration",
        reverse("accounts:members", args=[world.municipal.pk]),
    )
    assert rows["API token created"] == ("Spreadsheet sync", reverse("accounts:api_tokens"))
    assert rows["Organisation recorded as serving a municipality"] == (
        "Test Shelter Association in Testupe",
        "",
    )
    assert rows["Organisation changed"][0] == "Testupe Social Service"
    assert rows["Municipality changed"] == ("Testupe", "")
    assert rows["Location added"] == ("Test day centre hall", "")
    assert rows["Password accepted"] == (coordinator.display_name, "")
    assert "new.colleague@example.invalid" not in html
    assert not UUID.search(_visible_text(html))
