"""Every API list is paged in the database (issue 7, item 12): one page costs the same number of
queries with 10 rows as with 100, reads its rows with LIMIT, and builds only the items it returns."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.api.v1 import accounts as accounts_api
from strom.api.v1 import directory as directory_api
from strom.api.v1 import pathways as pathways_api
from strom.api.v1.api import api
from strom.directory.hsds import mapping
from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from strom.pathways.models import Agreement, Audience, Pathway
from tests.factories import MunicipalityFactory, OrganisationFactory

PAGE = 5


def add_services(world, n: int) -> None:
    need = NeedTerm.objects.get(code="accommodation")
    for number in range(n):
        service = Service.objects.create(
            organisation=world.ngo, municipality=world.ngo.municipality, name=f"Service {number:03d}"
        )
        service.needs.set([need])
        ServiceLanguage.objects.create(service=service, code="lv")
        service.locations.add(add_location(world, number))


def add_location(world, number: int) -> Location:
    return Location.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name=f"Place {number:03d}",
        city="Testupe",
    )


def add_locations(world, n: int) -> None:
    for number in range(n):
        add_location(world, number)


def add_organisations(world, n: int) -> None:
    for _ in range(n):
        OrganisationFactory(country=world.ngo.country, municipality=world.ngo.municipality)


def add_pathways(world, n: int) -> None:
    for _ in range(n):
        municipality = MunicipalityFactory(country=world.ngo.country)
        Pathway.objects.create(municipality=municipality, audience=Audience.ADULTS, title="Test pathway")


def add_agreements(world, n: int) -> None:
    need = NeedTerm.objects.get(code="accommodation")
    for number in range(n):
        agreement = Agreement.objects.create(
            municipality=world.municipal.municipality,
            title=f"Test memorandum {number:03d}",
            status=Agreement.Status.ACTIVE,
            valid_until=date(2999, 1, 1),
        )
        agreement.parties.set([world.ngo, world.social])
        agreement.needs.set([need])


@dataclass(frozen=True)
class ListEndpoint:
    path: str
    person: str
    add: Callable  # add(world, n): n more rows the person sees in this list
    table: str  # the table whose rows the list pages through
    builder: tuple  # (module, name): the function that builds one item
    paging: str = f"limit={PAGE}&offset=0"

    def __str__(self):
        return self.path


ENDPOINTS = [
    ListEndpoint(
        "/api/v1/services",
        Role.COORDINATOR,
        add_services,
        "directory_service",
        (directory_api, "_service_out"),
    ),
    ListEndpoint(
        "/api/v1/locations",
        Role.COORDINATOR,
        add_locations,
        "directory_location",
        (directory_api, "_location_out"),
    ),
    ListEndpoint(
        "/api/v1/organisations",
        Role.PLATFORM_ADMIN,
        add_organisations,
        "accounts_organisation",
        (accounts_api, "_organisation_out"),
    ),
    ListEndpoint(
        "/api/v1/pathways",
        Role.NATIONAL_COORDINATOR,
        add_pathways,
        "pathways_pathway",
        (pathways_api, "_summary"),
    ),
    ListEndpoint(
        "/api/v1/agreements",
        Role.COORDINATOR,
        add_agreements,
        "pathways_agreement",
        (pathways_api, "_agreement_out"),
    ),
    ListEndpoint(
        "/api/v1/hsds/services",
        Role.COORDINATOR,
        add_services,
        "directory_service",
        (mapping, "service_to_hsds"),
        f"page=1&per_page={PAGE}",
    ),
    ListEndpoint(
        "/api/v1/hsds/organizations",
        Role.PLATFORM_ADMIN,
        add_organisations,
        "accounts_organisation",
        (mapping, "organization_to_hsds"),
        f"page=1&per_page={PAGE}",
    ),
]

# Lists whose length does not depend on what people store, each with the reason.
FIXED_SIZE = {
    "/api/v1/services/match": "ranked in bounded queries, at most `limit` (100) results",
    "/api/v1/hsds/taxonomies": "the two taxonomies Strom ships",
    "/api/v1/hsds/taxonomy_terms": "the terms of the shipped need taxonomy and property list",
}


def count_calls(monkeypatch, module, name) -> list:
    """Wraps the item builder so that the test sees how many items a request built."""
    calls, real = [], getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def items_of(body: dict) -> list:
    return body["items"] if "items" in body else body["contents"]


def total_of(body: dict) -> int:
    return body["count"] if "count" in body else body["total_items"]


def page_rows_selects(queries: list[dict], table: str) -> list[str]:
    """The SELECTs that read the listed rows themselves (not counting them)."""
    pattern = re.compile(rf'^SELECT .* FROM "{table}"( |$)', re.DOTALL)
    return [q["sql"] for q in queries if pattern.match(q["sql"]) and "COUNT(" not in q["sql"]]


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='t', days=1)[1]}")


@pytest.fixture
def get_page(world):
    sync_need_terms(NeedTerm)

    def get(endpoint: ListEndpoint):
        client = token_client(world[endpoint.person])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{endpoint.path}?{endpoint.paging}")
        assert response.status_code == 200, response.content
        return response.json(), captured.captured_queries

    return get


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_reads_and_builds_one_page_whatever_the_size_of_the_list(world, get_page, monkeypatch, endpoint):
    endpoint.add(world, 10)
    small_body, small = get_page(endpoint)
    endpoint.add(world, 90)
    built = count_calls(monkeypatch, *endpoint.builder)
    body, large = get_page(endpoint)
    assert len(items_of(small_body)) == len(items_of(body)) == PAGE
    assert total_of(body) >= 100
    assert len(built) == PAGE
    assert len(large) == len(small)
    rows = page_rows_selects(large, endpoint.table)
    assert rows and all(" LIMIT " in sql for sql in rows)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.paging.startswith("limit")], ids=str)
def test_it_refuses_a_page_larger_than_a_hundred(world, get_page, endpoint):
    """Without a ceiling, ?limit=1000000 would build the whole list again."""
    client = token_client(world[endpoint.person])
    assert client.get(f"{endpoint.path}?limit=100").status_code == 200
    assert client.get(f"{endpoint.path}?limit=101").status_code == 422


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.paging.startswith("limit")], ids=str)
def test_it_refuses_an_offset_beyond_what_the_database_can_count(world, get_page, endpoint):
    """An offset past 2**63 once reached SQLite as "datatype mismatch": a 500 found by the fuzzer."""
    client = token_client(world[endpoint.person])
    assert client.get(f"{endpoint.path}?offset=1000000000").status_code == 200
    assert client.get(f"{endpoint.path}?offset=59406392894180229120").status_code == 422


def test_it_keeps_the_hsds_pages_to_a_hundred_items(world, get_page):
    add_organisations(world, 105)
    body = token_client(world[Role.PLATFORM_ADMIN]).get("/api/v1/hsds/organizations?per_page=1000").json()
    assert (body["size"], body["total_pages"]) == (100, 2)


def test_it_gives_every_row_once_over_the_pages(world, get_page):
    """Paging in the database needs a fixed order: rows with the same name are not lost or repeated."""
    need = NeedTerm.objects.get(code="accommodation")
    for _ in range(12):
        Service.objects.create(
            organisation=world.ngo, municipality=world.ngo.municipality, name="Same name"
        ).needs.set([need])
    client = token_client(world[Role.COORDINATOR])
    seen = []
    for offset in range(0, 12, PAGE):
        page = client.get(f"/api/v1/services?limit={PAGE}&offset={offset}").json()
        seen += [item["id"] for item in page["items"]]
    assert sorted(seen) == sorted(str(pk) for pk in Service.objects.values_list("pk", flat=True))


def test_it_checks_every_list_of_the_api():
    """A new list endpoint must join ENDPOINTS (or FIXED_SIZE, with its reason)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    lists = set()
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        answer = operation["responses"][200]["content"]["application/json"]["schema"]
        if parameters & {"limit", "page", "per_page"} or answer.get("type") == "array":
            lists.add(path)
    assert lists == {endpoint.path for endpoint in ENDPOINTS} | set(FIXED_SIZE)
