"""The local referral mechanism's pages and API: templates, editing, publishing, the card."""

import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.pathways.models import Audience, Pathway, PathwayVersion, Stage, Step
from strom.pathways.structure import from_snapshot
from tests.pathway_objects import published_chain


@pytest.fixture
def chain(world):
    return published_chain(world)


def _step_form(step, **changes):
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
        "for_adults": "on",
        "for_nationals": "on",
        "for_foreign_nationals": "on",
        "handover": step.handover,
        "legal_basis": step.legal_basis,
    }
    if step.contact_reachable_24_7:
        data["contact_reachable_24_7"] = "on"
    if step.requires_24_7:
        data["requires_24_7"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_it_creates_a_pathway_from_the_childrens_template_with_the_municipalitys_organisations(
    world, signed_in
):
    client = signed_in(world[Role.COORDINATOR])
    response = client.post(
        reverse("pathways:pathway_new"),
        {
            "municipality": world.municipal.municipality_id,
            "audience": Audience.CHILDREN,
            "source": "",
            "language": "en",
        },
    )
    pathway = Pathway.objects.get(audience=Audience.CHILDREN)
    assert response.status_code == 302 and response["Location"] == reverse(
        "pathways:pathway_detail", args=[pathway.pk]
    )
    assert Stage.objects.filter(pathway=pathway).count() == 5
    steps = Step.objects.filter(stage__pathway=pathway)
    assert steps.count() == 23
    assert all(step.for_children and not step.for_adults for step in steps)
    # The template names organisations by kind: the NGO and the social service take their steps.
    assert steps.filter(responsible=world.ngo).exists() and steps.filter(backup=world.social).exists()
    # Kinds the municipality lacks (child protection, police, ...) stay open for the coordinator.
    assert steps.filter(responsible=None).exists()
    assert (
        AuditEvent.objects.filter(action="pathways.pathway.created", organisation=world.municipal).count()
        == 1
    )


def test_it_refuses_a_second_pathway_for_the_same_group_and_keeps_the_first(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    response = client.post(
        reverse("pathways:pathway_new"),
        {"municipality": world.municipal.municipality_id, "audience": Audience.ADULTS, "language": "en"},
    )
    assert response.status_code == 200
    assert "already has a pathway for this group" in response.content.decode()
    assert Pathway.objects.count() == 1


def test_it_copies_another_municipalitys_published_pathway_without_its_phone_numbers(world, signed_in, chain):
    from strom.accounts.models import Municipality
    from tests.factories import MembershipFactory, OrganisationFactory

    other = Municipality.objects.create(country=world.municipal.country, name="Copyville")
    office = OrganisationFactory(municipality=other, kind=world.social.kind, name="Copyville Social Service")
    MembershipFactory(user=world[Role.COORDINATOR], organisation=office, role=Role.COORDINATOR)
    client = signed_in(world[Role.COORDINATOR])
    client.post(
        reverse("pathways:pathway_new"),
        {"municipality": other.pk, "audience": Audience.ADULTS, "source": chain.version.pk, "language": "en"},
    )
    copy = Pathway.objects.get(municipality=other)
    copied = Step.objects.filter(stage__pathway=copy)
    assert copied.count() == Step.objects.filter(stage__pathway=chain.pathway).count()
    assert not copied.exclude(contact_phone="").exists()
    # Organisations of the source municipality are replaced by local ones of the same kind, or left empty.
    assert set(copied.values_list("responsible", flat=True)) <= {office.pk, None}


def test_it_keeps_a_published_version_frozen_when_the_draft_changes(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    step = chain.shelter_step
    before = PathwayVersion.objects.get(pk=chain.version.pk).snapshot
    response = client.post(
        reverse("pathways:step_edit", args=[step.pk]),
        _step_form(step, title="A renamed step", contact_phone="+371 6999 0000"),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.title == "A renamed step"
    assert PathwayVersion.objects.get(pk=chain.version.pk).snapshot == before
    with pytest.raises(TypeError):
        PathwayVersion.objects.filter(pk=chain.version.pk).update(note="edited")
    with pytest.raises(TypeError):
        chain.version.save()
    client.post(reverse("pathways:pathway_publish", args=[chain.pathway.pk]), {"note": "renamed"})
    second = PathwayVersion.objects.get(pathway=chain.pathway, number=2)
    titles = [s.title for _stage, s in from_snapshot(second.snapshot).all_steps()]
    assert "A renamed step" in titles
    assert "A renamed step" not in [s.title for _st, s in from_snapshot(before).all_steps()]
    compared = client.get(reverse("pathways:version_compare", args=[chain.pathway.pk]) + "?from=1&to=2")
    assert "A renamed step" in compared.content.decode() and "Contact phone" in compared.content.decode()


def test_it_rejects_an_invalid_step_and_saves_nothing(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    step = chain.shelter_step
    response = client.post(
        reverse("pathways:step_edit", args=[step.pk]),
        _step_form(step, title="", backup=str(step.responsible_id), max_response_hours="-3"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "backup", "max_response_hours"}
    step.refresh_from_db()
    assert step.title == "A safe place to stay tonight"
    assert not AuditEvent.objects.filter(action="pathways.step.updated").exists()


def test_it_refuses_an_organisation_from_another_municipality_as_responsible(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    step = chain.shelter_step
    response = client.post(
        reverse("pathways:step_edit", args=[step.pk]), _step_form(step, responsible=str(world.other.pk))
    )
    assert response.status_code == 200 and "responsible" in response.context["form"].errors
    step.refresh_from_db()
    assert step.responsible_id == world.ngo.pk


def test_it_adds_and_removes_a_step_in_the_draft(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    stage = chain.shelter_step.stage
    form = _step_form(chain.shelter_step, title="Night interpreter", needs=["interpretation"])
    client.post(reverse("pathways:step_new", args=[stage.pk]), form)
    added = Step.objects.get(title="Night interpreter")
    assert added.stage == stage and list(added.needs.values_list("code", flat=True)) == ["interpretation"]
    client.post(reverse("pathways:step_delete", args=[added.pk]))
    assert not Step.objects.filter(pk=added.pk).exists()
    assert AuditEvent.objects.filter(action="pathways.step.deleted").count() == 1


@pytest.mark.parametrize(
    "person", [Role.CASEWORKER, Role.SERVICE_PROVIDER, Role.NATIONAL_COORDINATOR, Role.ANALYST]
)
def test_it_shows_the_chain_to_partners_and_the_national_coordinator_but_not_the_edit_pages(
    world, signed_in, chain, person
):
    client = signed_in(world[person])
    page = client.get(reverse("pathways:pathway_detail", args=[chain.pathway.pk]))
    assert page.status_code == 200
    assert "A safe place to stay tonight" in page.content.decode()
    assert reverse("pathways:step_edit", args=[chain.shelter_step.pk]) not in page.content.decode()
    assert client.get(reverse("pathways:step_edit", args=[chain.shelter_step.pk])).status_code == 404
    assert client.post(reverse("pathways:pathway_publish", args=[chain.pathway.pk])).status_code == 404
    assert PathwayVersion.objects.count() == 1


def test_it_hides_the_chain_from_the_platform_administrator(world, signed_in, chain):
    client = signed_in(world[Role.PLATFORM_ADMIN])
    assert client.get(reverse("pathways:pathway_detail", args=[chain.pathway.pk])).status_code == 404
    assert client.get(reverse("pathways:pathway_list")).context["pathways"] == []


def test_it_answers_404_to_the_outsider_and_records_the_refusal(world, signed_in, chain):
    client = signed_in(world["outsider"])
    for url in [
        reverse("pathways:pathway_detail", args=[chain.pathway.pk]),
        reverse("pathways:version_detail", args=[chain.pathway.pk, 1]),
        reverse("pathways:pathway_card", args=[chain.pathway.pk]),
        reverse("pathways:agreement_detail", args=[chain.agreement.pk]),
        reverse("pathways:national_mechanism", args=["LV"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="access.refused", actor=world["outsider"]).count() == 5
    assert client.get(reverse("pathways:pathway_list")).context["pathways"] == []


def test_it_shows_the_health_check_with_a_link_to_fix_each_step(world, signed_in, chain):
    step = chain.shelter_step
    Step.objects.filter(pk=step.pk).update(backup=None)
    page = signed_in(world[Role.COORDINATOR]).get(reverse("pathways:pathway_detail", args=[chain.pathway.pk]))
    problems = [p for p, _fix in page.context["problems"] if p.step_id == str(step.pk)]
    assert [p.code for p in problems] == ["no_backup"]
    fixes = dict((p.code, fix) for p, fix in page.context["problems"] if p.step_id == str(step.pk))
    assert fixes["no_backup"][0] == reverse("pathways:step_edit", args=[step.pk])
    assert page.context["unpublished"] and page.context["unpublished"][0].fields == ("backup",)


def test_it_lists_pathways_with_a_fixed_number_of_queries(
    world, signed_in, chain, django_assert_max_num_queries
):
    client = signed_in(world[Role.NATIONAL_COORDINATOR])
    client.get(reverse("pathways:pathway_list"))
    for name in ["Second", "Third"]:
        from strom.accounts.models import Municipality

        Pathway.objects.create(
            municipality=Municipality.objects.create(country_id="LV", name=name),
            audience="adults",
            title=name,
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pathways:pathway_list"))
    assert len(response.context["pathways"]) == 3


def test_it_reads_the_draft_in_the_same_queries_however_many_steps(
    world, signed_in, chain, django_assert_num_queries
):
    from strom.pathways.structure import from_draft

    pathway = Pathway.objects.select_related("municipality").get(pk=chain.pathway.pk)
    with django_assert_num_queries(3):
        small = from_draft(pathway)
    stage = chain.shelter_step.stage
    for number in range(10):
        Step.objects.create(stage=stage, title=f"Extra {number}", responsible=world.ngo)
    with django_assert_num_queries(3):
        large = from_draft(pathway)
    assert len(large.all_steps()) == len(small.all_steps()) + 10


def test_it_prints_the_card_from_the_published_version_with_every_phone_number(world, signed_in, chain):
    client = signed_in(world[Role.CASEWORKER])
    Step.objects.filter(pk=chain.shelter_step.pk).update(contact_phone="+371 6000 7777")  # draft only
    for size in ["a4", "pocket"]:
        response = client.get(reverse("pathways:pathway_card", args=[chain.pathway.pk]) + f"?size={size}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        phones = [s.contact_phone for _stage, s in from_snapshot(chain.version.snapshot).all_steps()]
        assert all(phone in text for phone in phones), size
        assert "+371 6000 7777" not in text  # the card never shows unpublished changes


def test_it_prints_the_card_in_the_readers_language(world, signed_in, chain):
    client = signed_in(world[Role.CASEWORKER])
    client.cookies["strom_language"] = "lv"
    response = client.get(reverse("pathways:pathway_card", args=[chain.pathway.pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "112" in text and "Kam zvanīt" in text


def test_it_has_no_card_before_the_first_publication(world, signed_in):
    from strom.pathways.actions import do_create_pathway

    pathway = do_create_pathway(
        actor=world[Role.COORDINATOR], municipality=world.municipal.municipality, audience=Audience.ADULTS
    )
    assert (
        signed_in(world[Role.COORDINATOR])
        .get(reverse("pathways:pathway_card", args=[pathway.pk]))
        .status_code
        == 404
    )


def test_it_serves_the_pathway_over_the_api_with_the_pages_rules(world, chain):
    def api(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='t', days=1)[1]}")

    caseworker = api(world[Role.CASEWORKER])
    listed = caseworker.get("/api/v1/pathways").json()
    assert listed["count"] == 1
    assert [(p["id"], p["published_version"]) for p in listed["items"]] == [(str(chain.pathway.pk), 1)]
    detail = caseworker.get(f"/api/v1/pathways/{chain.pathway.pk}").json()
    assert detail["draft"][1]["steps"][0]["title"] == "A safe place to stay tonight"
    assert {"code", "severity", "message"} <= set(detail["health"][0])
    assert caseworker.get(f"/api/v1/pathways/{chain.pathway.pk}/versions/1").status_code == 200
    assert caseworker.post(f"/api/v1/pathways/{chain.pathway.pk}/versions").status_code == 404
    assert (
        api(world[Role.COORDINATOR])
        .post(f"/api/v1/pathways/{chain.pathway.pk}/versions?note=api")
        .status_code
        == 201
    )
    outsider = api(world["outsider"])
    assert outsider.get("/api/v1/pathways").json() == {"items": [], "count": 0}
    assert outsider.get(f"/api/v1/pathways/{chain.pathway.pk}").status_code == 404
    assert outsider.get(f"/api/v1/agreements/{chain.agreement.pk}").status_code == 404
    assert caseworker.get(f"/api/v1/agreements/{chain.agreement.pk}").json()["status"] == "active"


# security.md 7: lists never include what the person may not see, whatever the data.
ROLES = [
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.SERVICE_PROVIDER,
    Role.NATIONAL_COORDINATOR,
    Role.PLATFORM_ADMIN,
]
NATIONAL_ROLES = (Role.NATIONAL_COORDINATOR, Role.PLATFORM_ADMIN)


def _seat_key(seat):
    """Which organisation and role a generated seat lands on (one membership each)."""
    index, role = seat
    return (("national", index % 2) if role in NATIONAL_ROLES else ("local", index), role)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seats=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(ROLES)), max_size=3, unique_by=_seat_key),
    with_pathway=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_it_lists_only_pathways_and_agreements_within_reach(seats, with_pathway):
    with transaction.atomic():  # each example starts from an empty database
        _check_visibility(seats, with_pathway)
        transaction.set_rollback(True)


def _check_visibility(seats, with_pathway):
    from strom.accounts.access import forget_access, get_access
    from strom.accounts.models import Municipality
    from strom.accounts.roles import permissions_for
    from strom.pathways import queries
    from strom.pathways.models import Agreement
    from tests.factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory

    countries = [CountryFactory(code="LV"), CountryFactory(code="EE")]
    places = [Municipality.objects.create(country=countries[i % 2], name=f"Place {i}") for i in range(4)]
    offices = [OrganisationFactory(municipality=m, country=m.country) for m in places]
    nationals = [OrganisationFactory(municipality=None, country=c) for c in countries]
    for place, wanted in zip(places, with_pathway, strict=True):
        if wanted:
            Pathway.objects.create(municipality=place, audience="adults", title=place.name)
            Agreement.objects.create(municipality=place, title=place.name)
    user = UserFactory()
    expected = set()
    for index, role in seats:
        national = role in NATIONAL_ROLES
        organisation = nationals[index % 2] if national else offices[index]
        MembershipFactory(user=user, organisation=organisation, role=role)
        if organisation.municipality_id:
            expected.add(organisation.municipality.name)
        elif "view_country_pathways" in permissions_for(role):
            expected |= {p.name for p in places if p.country_id == organisation.country_id}
    forget_access(user)
    expected &= {p.name for p, wanted in zip(places, with_pathway, strict=True) if wanted}
    assert {p.municipality.name for p in queries.pathways_visible_to(get_access(user))} == expected
    assert {a.municipality.name for a in queries.agreements_visible_to(get_access(user))} == expected


@pytest.mark.parametrize("name", ["pathways:pathway_list", "pathways:agreement_list"])
def test_it_links_every_list_to_the_national_referral_mechanism_of_the_members_country(
    world, signed_in, name
):
    page = signed_in(world[Role.CASEWORKER]).get(reverse(name)).content.decode()
    assert reverse("pathways:national_mechanism", args=["LV"]) in page
    assert reverse("pathways:national_mechanism", args=["EE"]) not in page


def test_it_lets_the_national_coordinator_keep_the_nrm_contacts_and_nobody_else(world, signed_in):
    url = reverse("pathways:national_mechanism_edit", args=["LV"])
    data = {"focal_point": "Test focal point", "phone": "+371 6700 0009"}
    assert signed_in(world[Role.COORDINATOR]).post(url, data).status_code == 404
    assert signed_in(world[Role.NATIONAL_COORDINATOR]).post(url, data).status_code == 302
    page = signed_in(world[Role.CASEWORKER]).get(reverse("pathways:national_mechanism", args=["LV"]))
    assert "Test focal point" in page.content.decode() and "+371 6700 0009" in page.content.decode()
    assert AuditEvent.objects.filter(action="pathways.national_mechanism.created").count() == 1


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='t', days=1)[1]}")


def test_it_edits_steps_over_the_api_with_the_forms_rules(world, chain):
    coordinator = _api(world[Role.COORDINATOR])
    body = {
        "pathway": str(chain.pathway.pk),
        "phase": "long_term",
        "title": "Peer support group",
        "responsible": str(world.ngo.pk),
        "backup": str(world.social.pk),
        "contact_function": "Group facilitator",
        "contact_phone": "+371 6000 5555",
        "max_response_hours": 168,
        "needs": ["psychological_assistance"],
    }
    created = coordinator.post("/api/v1/steps", body, content_type="application/json")
    assert created.status_code == 201, created.content
    step_id = created.json()["id"]
    assert Step.objects.get(pk=step_id).stage.phase == "long_term"
    same_backup = {**body, "backup": str(world.ngo.pk)}
    refused = coordinator.put(f"/api/v1/steps/{step_id}", same_backup, content_type="application/json")
    assert refused.status_code == 400 and "backup" in refused.json()["detail"]
    foreign = {**body, "responsible": str(world.other.pk)}
    assert (
        coordinator.put(f"/api/v1/steps/{step_id}", foreign, content_type="application/json").status_code
        == 400
    )
    assert Step.objects.get(pk=step_id).responsible == world.ngo
    changed = coordinator.put(
        f"/api/v1/steps/{step_id}", {**body, "title": "Peer group"}, content_type="application/json"
    )
    assert changed.json()["title"] == "Peer group"
    outsider = _api(world["outsider"])
    assert outsider.post("/api/v1/steps", body, content_type="application/json").status_code == 404
    assert outsider.put(f"/api/v1/steps/{step_id}", body, content_type="application/json").status_code == 404
    assert outsider.delete(f"/api/v1/steps/{step_id}").status_code == 404
    assert _api(world[Role.CASEWORKER]).delete(f"/api/v1/steps/{step_id}").status_code == 404
    assert coordinator.delete(f"/api/v1/steps/{step_id}").status_code == 204
    assert not Step.objects.filter(pk=step_id).exists()


def test_it_records_agreements_over_the_api(world, chain):
    from strom.pathways.models import Agreement

    body = {
        "municipality": str(world.municipal.municipality_id),
        "title": "API memorandum",
        "parties": [str(world.ngo.pk), str(world.social.pk)],
        "steps": [str(chain.shelter_step.pk)],
        "valid_until": "2030-01-31",
        "status": "active",
    }
    coordinator = _api(world[Role.COORDINATOR])
    created = coordinator.post("/api/v1/agreements", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["steps"] == [str(chain.shelter_step.pk)]
    one_party = {**body, "parties": [str(world.ngo.pk)]}
    assert (
        coordinator.post("/api/v1/agreements", one_party, content_type="application/json").status_code == 400
    )
    outsider = _api(world["outsider"])
    assert outsider.post("/api/v1/agreements", body, content_type="application/json").status_code == 404
    agreement_id = created.json()["id"]
    ended = {**body, "status": "terminated"}
    assert (
        outsider.put(f"/api/v1/agreements/{agreement_id}", ended, content_type="application/json").status_code
        == 404
    )
    assert (
        coordinator.put(f"/api/v1/agreements/{agreement_id}", ended, content_type="application/json").json()[
            "status"
        ]
        == "terminated"
    )
    assert Agreement.objects.filter(title="API memorandum").count() == 1


def test_it_shows_a_pathway_in_the_same_number_of_queries_however_many_steps(world, signed_in, chain):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world[Role.COORDINATOR])
    url = reverse("pathways:pathway_detail", args=[chain.pathway.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for number in range(12):
        step = Step.objects.create(
            stage=chain.shelter_step.stage, title=f"Extra {number}", responsible=world.ngo
        )
        step.needs.set(chain.shelter_step.needs.all())
    assert count() == before
