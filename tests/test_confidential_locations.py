"""Confidential addresses (shelters), security.md 10 and 18: seen only by those who need to know, only
where someone asked for that one location, each read audited in the read's own transaction, and never
carried into another municipality by an import."""

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from pypdf import PdfReader

from strom.accounts.access import get_access
from strom.accounts.actions import do_create_api_token
from strom.accounts.models import Municipality
from strom.accounts.roles import Role
from strom.core.access import PUBLIC, access_level
from strom.core.models import AuditEvent
from strom.directory.hsds import applying, exporting, reading
from strom.directory.models import DirectoryImport, Location, NeedTerm, Service
from strom.directory.permissions import can_see_confidential
from strom.directory.queries import locations_visible_to
from tests.factories import MembershipFactory, OrganisationFactory, make_member
from tests.test_url_walk import _objects_of_the_home_organisation, _walk

CANARY_STREET = "Canary street 4242-XYZ"
CANARY_POSTAL = "LV-9424"
CANARY_LAT, CANARY_LON = Decimal("56.424242"), Decimal("24.424242")
# Every form the canary could take in a response: the street, the postal code, the coordinates as the
# database, JSON and a map would write them.
CANARIES = (CANARY_STREET, "4242-XYZ", CANARY_POSTAL, "424242", "56.42424", "24.42424")
READ = "directory.location.confidential_read"


def make_confidential(location: Location) -> Location:
    location.address_1 = CANARY_STREET
    location.postal_code = CANARY_POSTAL
    location.city = "Canaryville"
    location.latitude, location.longitude = CANARY_LAT, CANARY_LON
    location.is_confidential = True
    location.save()
    return location


@pytest.fixture
def objects(world):
    """One object per URL parameter (the URL walk's), the shelter's location carrying the canary, the
    shelter meeting a need so that matching finds it, and a published pathway for the card."""
    found = _objects_of_the_home_organisation(world)
    make_confidential(Location.objects.get(pk=found["location_id"]))
    shelter = Service.objects.get(pk=found["service_id"])
    shelter.needs.set(NeedTerm.objects.filter(code__in=["accommodation", "safety_protection"]))
    shelter.refresh_codes()
    return found


@pytest.fixture
def ngo_caseworker(world):
    return make_member(world.ngo, Role.CASEWORKER, username="ngo.caseworker")


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=user, name='test', days=1)[1]}")


def readable_text(response) -> tuple[str, str]:
    """(kind, text): the body as text, with zip members (XLSX, HSDS packages) and PDF text added."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [body.decode("utf-8", "replace")]
    kind = "text"
    if body[:2] == b"PK":
        kind = "zip"
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
            kind = "xlsx" if any(name.startswith("xl/") for name in names) else "zip"
            parts += [archive.read(name).decode("utf-8", "replace") for name in names]
    elif body[:4] == b"%PDF":
        kind = "pdf"
        parts += [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    elif "csv" in response.get("Content-Type", ""):
        kind = "csv"
    elif "json" in response.get("Content-Type", ""):
        kind = "json"
    elif "html" in response.get("Content-Type", ""):
        kind = "html"
    return kind, "\n".join(parts)


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


# --- Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        (Role.COORDINATOR, True),  # the municipality's coordinator
        ("ngo_caseworker", True),  # a caseworker of the providing organisation
        (Role.SERVICE_PROVIDER, True),  # service staff of the providing organisation
        (Role.TRAINER, False),  # the providing organisation, but no need to know
        (Role.CASEWORKER, False),  # another organisation of the municipality
        (Role.ANALYST, False),
        (Role.NATIONAL_COORDINATOR, False),
        (Role.PLATFORM_ADMIN, False),
        ("outsider", False),
    ],
)
def test_it_lets_only_those_who_need_to_know_see_a_confidential_address(
    world, objects, ngo_caseworker, person, sees
):
    user = ngo_caseworker if person == "ngo_caseworker" else world[person]
    location = Location.objects.get(pk=objects["location_id"])
    assert can_see_confidential(get_access(user), location) is sees
    assert locations_visible_to(get_access(user)).filter(pk=location.pk).exists() is sees


# --- The canary never reaches the outsider or the trainer ------------------------------------------


def _walk_every_get(world, page, user, objects) -> dict[str, str]:
    """GET every URL of the site and the API with the home organisation's objects, as `user`; the
    kinds of what came back by path, and the paths that leaked the canary."""
    token = api(user)
    parameter = re.compile(r"<(?:\w+:)?(\w+)>")
    home = world.ngo.municipality.pk
    extra = f"?municipality={home}&needs=accommodation&need=accommodation&size=a4"
    kinds, leaks = {}, []
    for name, route, callback in _walk(get_resolver()):
        if name in {"accounts:sign_out", "accounts:sign_out_everywhere"} or access_level(callback) == PUBLIC:
            continue
        path = "/" + parameter.sub(lambda m: str(objects[m.group(1)]), route)
        client = token if path.startswith("/api/") else page
        for candidate in (path, path + extra):
            response = client.get(candidate)
            kind, text = readable_text(response)
            kinds[candidate] = f"{response.status_code} {kind}"
            leaks += [f"{candidate} ({name}): {canary}" for canary in leaked(text)]
        if name == "directory:service_list":
            _kind, text = readable_text(page.get(path + extra, HTTP_HX_REQUEST="true"))
            leaks += [f"{path} (htmx): {canary}" for canary in leaked(text)]
    return {"kinds": kinds, "leaks": leaks}


@pytest.mark.parametrize("person", [Role.TRAINER, "outsider"])
def test_it_never_gives_the_canary_to_the_trainer_or_the_outsider_in_any_form(
    world, objects, signed_in, person
):
    walked = _walk_every_get(world, signed_in(world[person]), world[person], objects)
    assert walked["leaks"] == []
    answered = set(walked["kinds"].values())
    # The walk did reach the forms an address could leak through (for the trainer, who is a member).
    if person == Role.TRAINER:
        assert {"200 html", "200 json", "200 pdf", "200 xlsx", "200 zip", "200 csv"} <= answered, answered
    assert not AuditEvent.objects.filter(action=READ).exists()


def test_it_never_prints_a_confidential_address_on_the_card(world, objects):
    from strom.pathways.card import render_card
    from strom.pathways.models import PathwayVersion

    version = PathwayVersion.objects.get(number=objects["number"], pathway_id=objects["pathway_id"])
    for size in ("a4", "pocket"):
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render_card(version, size=size))).pages
        )
        assert text and leaked(text) == []


@pytest.mark.parametrize("person", [Role.COORDINATOR, "ngo_caseworker"])
def test_it_shows_no_confidential_address_in_lists_even_to_those_who_may_see_it(
    world, objects, ngo_caseworker, signed_in, person
):
    user = ngo_caseworker if person == "ngo_caseworker" else world[person]
    page = signed_in(user)
    token = api(user)
    lists = {
        "page": page.get(reverse("directory:service_list")),
        "htmx": page.get(reverse("directory:service_list"), HTTP_HX_REQUEST="true"),
        "map": page.get(reverse("directory:service_map")),
        "map.json": page.get(reverse("directory:service_map_data")),
        "api services": token.get("/api/v1/services"),
        "api locations": token.get("/api/v1/locations"),
        "api match": token.get("/api/v1/services/match?needs=accommodation"),
        "hsds services": token.get("/api/v1/hsds/services"),
    }
    for name, response in lists.items():
        assert response.status_code == 200, name
        assert leaked(readable_text(response)[1]) == [], name
    listing = lists["page"].content.decode()
    assert "Shelter house" in listing and "confidential address" in listing  # it exists, by name
    items = lists["api locations"].json()["items"]
    shelter = next(item for item in items if item["id"] == str(objects["location_id"]))
    assert shelter["is_confidential"] and shelter["address_1"] == "" and shelter["latitude"] is None
    assert not AuditEvent.objects.filter(action=READ).exists()  # nothing was revealed, nothing to record


# --- Those who need to know see it, and each read is audited --------------------------------------


@pytest.mark.parametrize("person", [Role.COORDINATOR, "ngo_caseworker"])
def test_it_shows_the_address_on_the_detail_page_with_one_audit_event_per_read(
    world, objects, ngo_caseworker, signed_in, person
):
    user = ngo_caseworker if person == "ngo_caseworker" else world[person]
    client = signed_in(user)
    url = reverse("directory:service_detail", args=[objects["service_id"]])
    for reads in (1, 2):
        body = client.get(url).content.decode()
        assert CANARY_STREET in body and CANARY_POSTAL in body
        events = AuditEvent.objects.filter(action=READ)
        assert events.count() == reads
    event = events.order_by("-seq").first()
    assert (event.actor, event.object_type, event.object_id) == (
        user,
        "directory.location",
        str(objects["location_id"]),
    )
    assert event.organisation == world.ngo and event.details == {"channel": "page"}


def test_it_audits_each_read_through_the_api(world, objects):
    client = api(world[Role.SERVICE_PROVIDER])
    service = client.get(f"/api/v1/services/{objects['service_id']}").json()
    assert service["locations"][0]["address_1"] == CANARY_STREET
    location = client.get(f"/api/v1/locations/{objects['location_id']}").json()
    assert (location["postal_code"], location["latitude"]) == (CANARY_POSTAL, "56.424242")
    hsds_service = client.get(f"/api/v1/hsds/services/{objects['service_id']}").content.decode()
    assert CANARY_STREET in hsds_service
    events = AuditEvent.objects.filter(action=READ)
    assert [e.details for e in events.order_by("seq")] == [{"channel": "api"}] * 3
    assert set(events.values_list("object_id", flat=True)) == {str(objects["location_id"])}


def test_it_answers_404_for_a_confidential_location_to_those_who_may_not_see_it(world, objects):
    for person in (Role.TRAINER, Role.CASEWORKER, "outsider"):
        response = api(world[person]).get(f"/api/v1/locations/{objects['location_id']}")
        assert response.status_code == 404, person
        assert leaked(response.content.decode()) == []


def test_it_writes_one_event_with_the_count_for_an_authorised_export(world, objects, signed_in):
    second = Location.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Second house", is_confidential=True
    )
    Service.objects.get(pk=objects["service_id"]).locations.add(second)
    client = signed_in(world[Role.COORDINATOR])
    url = reverse("directory:export_zip") + f"?municipality={world.ngo.municipality.pk}"
    assert CANARY_STREET in readable_text(client.get(url))[1]
    event = AuditEvent.objects.get(action=READ)
    assert event.details == {"channel": "export", "count": 2} and event.actor == world[Role.COORDINATOR]


def _refuse_read_events_in_the_database():
    """A real failure of the audit write: the database itself refuses the read event."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION strom_test_refuse_read() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.action = '{READ}' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER strom_test_refuse_read BEFORE INSERT ON core_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION strom_test_refuse_read()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER strom_test_refuse_read BEFORE INSERT ON core_auditevent "
                f"WHEN NEW.action = '{READ}' BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            )


def test_it_reveals_nothing_when_the_audit_event_cannot_be_written(world, objects, signed_in):
    _refuse_read_events_in_the_database()
    page = signed_in(world[Role.COORDINATOR])
    page.raise_request_exception = False
    token = api(world[Role.COORDINATOR])
    token.raise_request_exception = False
    responses = [
        page.get(reverse("directory:service_detail", args=[objects["service_id"]])),
        page.get(reverse("directory:service_edit", args=[objects["service_id"]])),
        page.get(reverse("directory:export_json") + f"?municipality={world.ngo.municipality.pk}"),
        token.get(f"/api/v1/services/{objects['service_id']}"),
        token.get(f"/api/v1/locations/{objects['location_id']}"),
        token.get(f"/api/v1/hsds/services/{objects['service_id']}"),
    ]
    for response in responses:
        assert response.status_code == 500
        assert leaked(readable_text(response)[1]) == []


# --- Import: a confidential address never travels into another municipality -----------------------


def test_it_imports_a_confidential_location_without_its_address_and_says_so(
    world, objects, signed_in, django_capture_on_commit_callbacks
):
    coordinator = signed_in(world[Role.COORDINATOR])
    exported = coordinator.get(
        reverse("directory:export_zip") + f"?municipality={world.ngo.municipality.pk}"
    ).content
    assert CANARY_STREET.encode() in b"".join(
        zipfile.ZipFile(io.BytesIO(exported)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(exported)).namelist()
    )  # the coordinator's authorised export carries it...
    elsewhere = Municipality.objects.create(country=world.ngo.country, name="Elsewhere")
    MembershipFactory(
        user=world[Role.COORDINATOR],
        organisation=OrganisationFactory(municipality=elsewhere),
        role=Role.COORDINATOR,
    )
    coordinator.post(
        reverse("directory:import_start"),
        {"municipality": str(elsewhere.pk), "file": _upload("directory.zip", exported)},
    )
    job = DirectoryImport.objects.get(municipality=elsewhere)
    assert job.status == DirectoryImport.Status.CHECKED, job.problems
    preview = coordinator.get(reverse("directory:import_detail", args=[job.pk])).content.decode()
    assert "the confidential address was left out. Ask the provider for it." in preview
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("directory:import_apply", args=[job.pk]))
    arrived = Location.objects.get(municipality=elsewhere, is_confidential=True)  # ...the import does not
    assert arrived.name == "Shelter house"
    assert (arrived.address_1, arrived.postal_code, arrived.city) == ("", "", "")
    assert (arrived.latitude, arrived.longitude) == (None, None)


def test_it_keeps_the_stored_address_when_a_municipality_imports_its_own_export_again(world, objects):
    location = Location.objects.get(pk=objects["location_id"])
    home = world.ngo.municipality
    services = Service.objects.filter(municipality=home)
    document = exporting.export_directory(services, location_filter=lambda loc: True)
    plan = reading.plan_import(json.dumps(document).encode(), home)
    assert plan.problems == [] and plan.preview.confidential_left_out == 1
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=home)
    location.refresh_from_db()
    assert (location.address_1, location.latitude, location.is_confidential) == (
        CANARY_STREET,
        CANARY_LAT,
        True,
    )


def _upload(name, payload):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, payload)
