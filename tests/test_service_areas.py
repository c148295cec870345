"""Issue 9: where a service works. A national service (a helpline, a national NGO's shelter) counts as
a provider in each municipality it serves, in gap analysis, matching, the directory, a pathway's health
check and the public page; a service may serve several municipalities (a region). Only places where the
organisation works may be named, and a whole country only with a national appointment."""

import pytest
from django.test import Client
from django.urls import reverse

from strom.accounts.access import get_access
from strom.accounts.actions import do_create_api_token
from strom.accounts.models import OrganisationArea
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory import gaps
from strom.directory.areas import where_it_works
from strom.directory.models import NeedTerm, Service, ServiceArea
from strom.directory.public_address import address_of
from strom.directory.queries import (
    DirectoryFilter,
    gap_facts,
    match_services,
    public_services,
    services_visible_to,
)
from strom.directory.taxonomy import sync_need_terms
from tests.factories import MunicipalityFactory, OrganisationFactory, make_member

NEED = "legal_assistance"
HOTLINE = "National test hotline"


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)


@pytest.fixture
def places(world):
    """A: the home municipality, where the national service is listed; B: another municipality of the
    same country; C: a municipality of another country."""
    town = MunicipalityFactory(country=world.ngo.country, name="Kaimiņciems")
    office = OrganisationFactory(name="Kaimiņciems Administration", municipality=town)
    make_member(office, Role.COORDINATOR, username="neighbour")
    return world.ngo.municipality, town, world.other.municipality


def neighbour():
    """The coordinator of B."""
    from strom.accounts.models import User

    return User.objects.get(username="neighbour")


def appoint_nationally(world):
    return OrganisationArea.objects.create(
        organisation=world.national,
        country=world.national.country,
        granted_by=world[Role.NATIONAL_COORDINATOR],
    )


def make_service(organisation, municipality, name, needs=(NEED,), **fields):
    service = Service.objects.create(
        organisation=organisation, municipality=municipality, name=name, **fields
    )
    service.needs.set(NeedTerm.objects.filter(code__in=needs))
    service.refresh_codes()
    return service


@pytest.fixture
def hotline(world, needs, places):
    """A national helpline listed in A and serving the whole country."""
    appoint_nationally(world)
    service = make_service(
        world.national, places[0], HOTLINE, is_helpline=True, available_24_7=True, phone="+371 8000 0000"
    )
    ServiceArea.objects.create(service=service, country=world.national.country)
    return service


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='test', days=1)[1]}")


def public_page(municipality) -> str:
    return Client().get(address_of(municipality).path).content.decode()


# --- A national service counts in each municipality it serves ------------------------------------


def test_it_counts_a_national_service_as_a_provider_in_gap_analysis(world, signed_in, hotline, places):
    _a, b, c = places
    response = signed_in(world[Role.NATIONAL_COORDINATOR]).get(
        reverse("directory:gap_analysis"), {"municipality": b.pk}
    )
    row = next(row for row in response.context["rows"] if row["need"] == NeedTerm.objects.get(pk=NEED).name)
    assert gaps.NONE not in [str(flag) for flag in row["flags"]]
    assert ("Test National Office", 1) in row["by_organisation"]
    (provider,) = response.context["organisations"]
    assert provider.reach == "national"
    assert "national" in response.content.decode()
    assert [facts.reach for facts in gap_facts(b)] == [gaps.NATIONAL]
    assert gap_facts(c) == []


def test_it_matches_a_national_service_in_each_municipality_of_its_country(world, hotline, places):
    _a, b, c = places
    assert [m.service.name for m in match_services([NEED], municipality=b)] == [HOTLINE]
    assert match_services([NEED], municipality=c.pk) == []
    found = api(world[Role.CASEWORKER]).get("/api/v1/services/match", {"needs": NEED, "municipality": b.pk})
    assert [m["service"]["name"] for m in found.json()] == [HOTLINE]
    assert found.json()[0]["service"]["service_areas"] == [
        {"municipality": None, "country": "LV", "name": ""}
    ]


def test_it_shows_a_national_hotline_on_the_public_page_beside_112(hotline, places):
    _a, b, c = places
    page = public_page(b)
    assert f"National hotline: {HOTLINE}" in page
    assert page.index("112") < page.index(f"National hotline: {HOTLINE}") < page.index("Call for help")
    assert "Whole of Latvia" in page
    assert HOTLINE not in public_page(c)
    assert list(public_services(c)) == []


def test_it_finds_a_national_service_through_the_directory_filter(world, signed_in, hotline, places):
    _a, b, c = places
    access = get_access(world[Role.CASEWORKER])
    assert [s.name for s in services_visible_to(access, DirectoryFilter(municipality=str(b.pk)))] == [HOTLINE]
    assert not services_visible_to(access, DirectoryFilter(municipality=str(c.pk))).exists()
    page = signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_list"), {"municipality": b.pk})
    assert [service.name for service, _locations in page.context["rows"]] == [HOTLINE]
    assert "Works in: Whole of Latvia" in page.content.decode()
    offered = {choice[0] for choice in page.context["form"].fields["municipality"].choices}
    assert str(b.pk) in offered


def test_it_counts_a_national_service_in_a_pathways_health_check(world, hotline, places):
    from strom.pathways import actions as pathway_actions
    from strom.pathways.models import Audience
    from strom.pathways.queries import health_context

    _a, b, _c = places
    coordinator = neighbour()
    pathway = pathway_actions.do_create_pathway(actor=coordinator, municipality=b, audience=Audience.ADULTS)
    assert NEED in health_context(pathway).needs_in_directory


def test_it_counts_a_service_in_each_municipality_of_its_region_and_nowhere_else(world, needs, places):
    a, b, _c = places
    c_lv = MunicipalityFactory(country=world.ngo.country, name="Lejasciems")
    d_lv = MunicipalityFactory(country=world.ngo.country, name="Tāliene")
    service = make_service(world.ngo, a, "Regional legal aid")
    for place in (b, c_lv):
        ServiceArea.objects.create(service=service, municipality=place, name="Vidzeme")
    assert [f.reach for f in gap_facts(a)] == [gaps.LISTED]
    assert [f.reach for f in gap_facts(b)] == [gaps.AREA]
    assert [m.service.name for m in match_services([NEED], municipality=c_lv)] == ["Regional legal aid"]
    assert gap_facts(d_lv) == [] and match_services([NEED], municipality=d_lv) == []
    service = services_visible_to(get_access(world[Role.CASEWORKER])).get()
    assert where_it_works(service) == "Testupe, Kaimiņciems, Lejasciems (Vidzeme)"


def test_it_marks_a_provider_that_serves_here_from_elsewhere_in_the_gap_download(
    world, signed_in, needs, places
):
    a, b, _c = places
    service = make_service(world.ngo, a, "Regional legal aid")
    ServiceArea.objects.create(service=service, municipality=b)
    coordinator = neighbour()
    response = signed_in(coordinator).get(reverse("directory:gap_analysis_csv"), {"municipality": b.pk})
    header = response.content.decode().splitlines()[0]
    assert "Test Shelter Association (serves here from elsewhere)" in header


# --- Setting areas on the page and over the API ----------------------------------------------------


def form_data(organisation, municipality, **overrides):
    return {
        "organisation": str(organisation.pk),
        "municipality": str(municipality.pk),
        "name": "Legal aid",
        "status": "active",
        "needs": [NEED],
        "languages": ["lv"],
        "serves_adults": "on",
        "availability": "existing",
        "area_scope": "own",
        **overrides,
    }


def payload(organisation, municipality, **overrides):
    return {
        "organisation": str(organisation.pk),
        "municipality": str(municipality.pk),
        "name": "Legal aid",
        "needs": [NEED],
        "phone": "+371 6000 0123",
        **overrides,
    }


def test_it_saves_the_municipalities_where_the_organisation_works_and_audits_them(
    world, signed_in, needs, places
):
    a, b, _c = places
    OrganisationArea.objects.create(
        organisation=world.ngo, municipality=b, granted_by=world[Role.COORDINATOR]
    )
    client = signed_in(world[Role.SERVICE_PROVIDER])
    offered = client.get(reverse("directory:service_new")).context["form"].fields["area_municipalities"]
    assert set(offered.queryset) == {a, b}  # the listing municipality is dropped when saving
    data = form_data(
        world.ngo, a, area_scope="municipalities", area_municipalities=[b.pk], area_name="Vidzeme"
    )
    response = client.post(reverse("directory:service_new"), data)
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get()
    assert [(x.municipality, x.country, x.name) for x in service.areas.all()] == [(b, None, "Vidzeme")]
    event = AuditEvent.objects.get(action="directory.service.created")
    assert event.details["areas"] == [f"municipality:{b.pk}"]
    detail = client.get(reverse("directory:service_detail", args=[service.pk])).content.decode()
    assert "Where it works:" in detail and "Testupe, Kaimiņciems (Vidzeme)" in detail
    form = client.get(reverse("directory:service_edit", args=[service.pk])).context["form"]
    assert form.initial["area_scope"] == "municipalities"
    assert list(form.initial["area_municipalities"]) == [b.pk]
    assert form.initial["area_name"] == "Vidzeme"
    # Back to its own municipality only: the rows go.
    response = client.post(reverse("directory:service_edit", args=[service.pk]), form_data(world.ngo, a))
    assert response.status_code == 302 and not ServiceArea.objects.exists()


def test_it_lets_a_nationally_appointed_organisation_serve_the_whole_country(world, signed_in, needs, places):
    a, b, c = places
    appoint_nationally(world)
    provider = make_member(world.national, Role.SERVICE_PROVIDER, username="national_provider")
    response = signed_in(provider).post(
        reverse("directory:service_new"), form_data(world.national, b, area_scope="country")
    )
    assert response.status_code == 302
    assert list(ServiceArea.objects.values_list("country_id", "municipality")) == [("LV", None)]
    assert [m.service.name for m in match_services([NEED], municipality=a)] == ["Legal aid"]
    assert match_services([NEED], municipality=c) == []


def test_it_refuses_a_municipality_where_the_organisation_does_not_work_and_saves_nothing(
    world, signed_in, needs, places
):
    a, b, _c = places
    data = form_data(world.ngo, a, area_scope="municipalities", area_municipalities=[b.pk])
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(reverse("directory:service_new"), data)
    # Not even offered: the organisation does not work in B.
    assert response.status_code == 200 and "area_municipalities" in response.context["form"].errors
    assert not Service.objects.exists() and not ServiceArea.objects.exists()

    refused = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services",
        payload(world.ngo, a, service_areas=[{"municipality": str(b.pk)}]),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert not Service.objects.exists() and not ServiceArea.objects.exists()
    assert AuditEvent.objects.filter(action="access.refused").exists()


def test_it_names_the_municipalities_the_organisation_does_not_serve(world, signed_in, needs, places):
    """Someone who works for two organisations is offered where either works, and may name for each
    service only where its own organisation works."""
    from tests.factories import MembershipFactory

    a, b, _c = places
    appoint_nationally(world)
    both = make_member(world.national, Role.SERVICE_PROVIDER, username="two_seats")
    MembershipFactory(user=both, organisation=world.ngo, role=Role.SERVICE_PROVIDER)
    data = form_data(world.ngo, a, area_scope="municipalities", area_municipalities=[b.pk])
    response = signed_in(both).post(reverse("directory:service_new"), data)
    (error,) = response.context["form"].errors["area_municipalities"]
    assert error == (
        "Kaimiņciems: Test Shelter Association does not serve these municipalities, or you may not "
        "list its services there."
    )
    assert not Service.objects.exists() and not ServiceArea.objects.exists()
    data = form_data(world.national, a, area_scope="municipalities", area_municipalities=[b.pk])
    assert signed_in(both).post(reverse("directory:service_new"), data).status_code == 302


def test_it_refuses_the_whole_country_without_a_national_appointment(world, signed_in, needs, places):
    a, _b, _c = places
    response = signed_in(world[Role.SERVICE_PROVIDER]).post(
        reverse("directory:service_new"), form_data(world.ngo, a, area_scope="country")
    )
    errors = response.context["form"].errors["area_scope"]
    assert "appointed for the whole country" in " ".join(errors)
    assert not Service.objects.exists()
    refused = api(world[Role.SERVICE_PROVIDER]).post(
        "/api/v1/services",
        payload(world.ngo, a, service_areas=[{"country": "LV"}]),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert not Service.objects.exists() and not ServiceArea.objects.exists()


def test_it_refuses_an_area_in_another_country_with_400_over_the_api(world, needs, places):
    a, _b, c = places
    appoint_nationally(world)
    provider = make_member(world.national, Role.SERVICE_PROVIDER, username="national_provider")
    for area in (
        {"municipality": str(c.pk)},
        {"country": "EE"},
        {"municipality": str(a.pk), "country": "LV"},
    ):
        response = api(provider).post(
            "/api/v1/services",
            payload(world.national, a, service_areas=[area]),
            content_type="application/json",
        )
        assert response.status_code == 400, area
    assert not Service.objects.exists() and not ServiceArea.objects.exists()


def test_it_sets_keeps_and_clears_areas_over_the_api(world, needs, places):
    a, b, _c = places
    OrganisationArea.objects.create(
        organisation=world.ngo, municipality=b, granted_by=world[Role.COORDINATOR]
    )
    client = api(world[Role.SERVICE_PROVIDER])
    created = client.post(
        "/api/v1/services",
        payload(world.ngo, a, service_areas=[{"municipality": str(b.pk), "name": "Vidzeme"}]),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["service_areas"] == [
        {"municipality": str(b.pk), "country": None, "name": "Vidzeme"}
    ]
    url = f"/api/v1/services/{created.json()['id']}"
    kept = client.put(url, payload(world.ngo, a, name="Renamed"), content_type="application/json")
    assert kept.status_code == 200 and len(kept.json()["service_areas"]) == 1
    cleared = client.put(url, payload(world.ngo, a, service_areas=[]), content_type="application/json")
    assert cleared.json()["service_areas"] == [] and not ServiceArea.objects.exists()


def test_it_lets_a_coordinator_keep_the_areas_a_national_provider_set(world, signed_in, hotline, places):
    """The municipality's coordinator may edit a listing in the municipality; the whole country stays
    although the coordinator could not have set it."""
    a, _b, _c = places
    data = form_data(world.national, a, name="Renamed hotline", area_scope="country", is_helpline="on")
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("directory:service_edit", args=[hotline.pk]), data
    )
    assert response.status_code == 302
    hotline.refresh_from_db()
    assert hotline.name == "Renamed hotline"
    assert list(hotline.areas.values_list("country_id", flat=True)) == ["LV"]
    # A form sent without the question (a client that predates it) keeps the areas too.
    del data["area_scope"]
    response = signed_in(world[Role.COORDINATOR]).post(
        reverse("directory:service_edit", args=[hotline.pk]), data
    )
    assert response.status_code == 302
    assert list(hotline.areas.values_list("country_id", flat=True)) == ["LV"]


# --- Query counts do not grow with the data --------------------------------------------------------


def test_it_finds_national_services_in_a_fixed_number_of_queries(
    world, signed_in, hotline, places, django_assert_max_num_queries
):
    _a, b, _c = places
    client = signed_in(world[Role.NATIONAL_COORDINATOR])

    def count(call) -> int:
        with django_assert_max_num_queries(30) as captured:
            call()
        return len(captured.captured_queries)

    calls = {
        "gap facts": lambda: gap_facts(b),
        "gap page": lambda: client.get(reverse("directory:gap_analysis"), {"municipality": b.pk}),
        "list": lambda: client.get(reverse("directory:service_list"), {"municipality": b.pk}),
        "public page": lambda: public_page(b),
        "matching": lambda: match_services([NEED], municipality=b),
    }
    few = {name: count(call) for name, call in calls.items()}
    for n in range(15):
        service = make_service(
            world.national, hotline.municipality, f"National service {n}", phone="+371 6000 0001"
        )
        ServiceArea.objects.create(service=service, country=world.national.country)
    many = {name: count(call) for name, call in calls.items()}
    assert many == few
    assert len(gap_facts(b)) == 16
    assert few["gap facts"] <= 3
