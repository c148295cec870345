"""Comparing two published versions of a pathway: each changed field of a step with its old and new
value, in words a coordinator reads (names, yes or no, hours or days, labels), never codes or ids."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm
from strom.pathways import actions
from strom.pathways.models import Handover, Phase, Step
from strom.pathways.structure import (
    FieldChange,
    OrgRef,
    PathwayData,
    StageData,
    StepData,
    compare,
)
from tests.pathway_objects import published_chain

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NGO = OrgRef("org-ngo", "Test Shelter Association")
SOCIAL = OrgRef("org-social", "Testupe Social Service")


def _pathway(*stages: StageData) -> PathwayData:
    return PathwayData(title="Adults", audience="adults", municipality=OrgRef("m", "Testupe"), stages=stages)


def test_it_gives_the_old_and_new_value_of_each_changed_field_as_plain_data():
    before = StepData(id="s1", title="Safe place tonight", responsible=NGO, needs=("accommodation",))
    after = StepData(
        id="s1",
        title="Safe place tonight",
        responsible=SOCIAL,
        needs=("accommodation", "interpretation"),
        requires_24_7=True,
        max_response_hours=72,
        handover="national",
    )
    older = _pathway(StageData(Phase.FIRST_ASSISTANCE, steps=(before,)))
    newer = _pathway(StageData(Phase.LONG_TERM, steps=(after,)))

    [change] = compare(older, newer)

    assert change.kind == "changed" and change.phase == Phase.LONG_TERM
    assert change.changes == (
        FieldChange("phase", Phase.FIRST_ASSISTANCE, Phase.LONG_TERM),
        FieldChange("responsible", NGO, SOCIAL),
        FieldChange("requires_24_7", False, True),
        FieldChange("max_response_hours", None, 72),
        FieldChange("needs", ("accommodation",), ("accommodation", "interpretation")),
        FieldChange("handover", "", "national"),
    )
    assert change.fields == (
        "phase",
        "responsible",
        "requires_24_7",
        "max_response_hours",
        "needs",
        "handover",
    )


def test_it_lists_added_and_removed_steps_without_field_values():
    kept = StepData(id="s1", title="Kept")
    older = _pathway(StageData(Phase.IDENTIFICATION, steps=(kept, StepData(id="s2", title="Gone"))))
    newer = _pathway(StageData(Phase.IDENTIFICATION, steps=(kept, StepData(id="s3", title="New"))))

    changes = compare(older, newer)

    assert [(c.kind, c.title, c.changes) for c in changes] == [("added", "New", ()), ("removed", "Gone", ())]
    assert compare(newer, newer) == []


# --- the page -------------------------------------------------------------------------------------


@pytest.fixture
def chain(world):
    return published_chain(world)


def _form(step: Step, **changes) -> dict:
    data = {
        "title": step.title,
        "description": step.description,
        "position": step.position,
        "responsible": str(step.responsible_id or ""),
        "backup": str(step.backup_id or ""),
        "contact_function": step.contact_function,
        "contact_phone": step.contact_phone,
        "max_response_hours": step.max_response_hours or "",
        "needs": [n.code for n in step.needs.all()],
        "for_adults": "on" if step.for_adults else None,
        "for_children": "on" if step.for_children else None,
        "for_nationals": "on" if step.for_nationals else None,
        "for_foreign_nationals": "on" if step.for_foreign_nationals else None,
        "contact_reachable_24_7": "on" if step.contact_reachable_24_7 else None,
        "requires_24_7": "on" if step.requires_24_7 else None,
        "handover": step.handover,
        "decision": step.decision,
        "legal_basis": step.legal_basis,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _changed_shelter_step(world, client, chain) -> None:
    """Version 2: the shelter step as the NGO runs it; version 3: the social service takes it over."""
    coordinator = world[Role.COORDINATOR]
    step = chain.shelter_step
    step.responsible = world.ngo
    step.backup = None
    step.requires_24_7 = True
    step.max_response_hours = 2
    step.handover = Handover.NONE
    step.save()
    step.needs.set(NeedTerm.objects.filter(code="accommodation"))
    actions.do_publish_pathway(actor=coordinator, pathway=chain.pathway, note="before")
    step.refresh_from_db()
    response = client.post(
        reverse("pathways:step_edit", args=[step.pk]),
        _form(
            step,
            responsible=str(world.social.pk),
            requires_24_7=None,
            max_response_hours=72,
            needs=["accommodation", "interpretation"],
            handover=Handover.NATIONAL,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    actions.do_publish_pathway(actor=coordinator, pathway=chain.pathway, note="after")


def _before_and_after(html: str) -> dict[str, tuple[str, str]]:
    """{field label: (old value, new value)} as the page shows them."""
    pairs = re.findall(
        r"<dt>(.*?)</dt>\s*<dd>.*?<del[^>]*>(.*?)</del>.*?<ins[^>]*>(.*?)</ins></dd>", html, re.S
    )
    return {label.strip(): (old, new) for label, old, new in pairs}


def test_it_shows_the_coordinator_each_changed_field_before_and_after(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    _changed_shelter_step(world, client, chain)

    response = client.get(reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=2&to=3")

    assert response.status_code == 200
    html = response.content.decode()
    shown = _before_and_after(html)
    assert shown == {
        "Responsible organisation": ("Test Shelter Association", "Testupe Social Service"),
        "Must be reachable at any hour": ("yes", "no"),
        "Maximum response time (hours)": ("2 hours", "3 days"),
        "Needs covered": (
            "Safe accommodation / shelter",
            "Safe accommodation / shelter, Translation and interpretation",
        ),
        "Hand-over": ("Stays local", "Passes to the national referral mechanism"),
    }
    listing = html[html.index('class="change-list"') :]
    assert not UUID.search(listing)
    assert "<table" not in listing  # stacked label and values: nothing to scroll sideways on a phone
    assert "interpretation," not in listing and '"national"' not in listing


def test_it_names_the_needs_in_the_readers_language(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    _changed_shelter_step(world, client, chain)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lv"

    html = client.get(reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=2&to=3")

    assert "Rakstiskā un mutiskā tulkošana" in html.content.decode()


def test_it_marks_text_written_in_the_pathways_language(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    step = chain.shelter_step
    client.post(reverse("pathways:step_edit", args=[step.pk]), _form(step, title="Drošs patvērums"))
    chain.pathway.language = "lv"
    chain.pathway.save(update_fields=["language"])
    actions.do_publish_pathway(actor=world[Role.COORDINATOR], pathway=chain.pathway, note="renamed")

    html = client.get(reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=1&to=2")

    assert '<ins lang="lv">Drošs patvērums</ins>' in html.content.decode()


def test_it_answers_404_to_the_outsider(world, signed_in, chain):
    response = signed_in(world["outsider"]).get(
        reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=1&to=1"
    )
    assert response.status_code == 404
