import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from strom.accounts.actions import do_create_api_token
from strom.accounts.models import Municipality
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.models import DirectoryImport, Location, NeedTerm, Service, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms

CANARY = "Quiet court 4 (canary)"


@pytest.fixture
def directory(world):
    sync_need_terms(NeedTerm)
    for name, confidential in [("Shelter", True), ("Advice", False)]:
        service = Service.objects.create(
            organisation=world.ngo, municipality=world.ngo.municipality, name=name
        )
        service.needs.set(NeedTerm.objects.filter(code__in=["accommodation", "counselling_information"]))
        ServiceLanguage.objects.create(service=service, code="lv")
        service.refresh_codes()
        service.locations.add(
            Location.objects.create(
                organisation=world.ngo,
                municipality=world.ngo.municipality,
                name=f"{name} house",
                address_1=CANARY if confidential else "Open road 1",
                is_confidential=confidential,
            )
        )
    return world


def export(client, name, municipality):
    return client.get(reverse(name) + f"?municipality={municipality.pk}")


@pytest.mark.parametrize(
    ("person", "sees"), [(Role.COORDINATOR, True), (Role.CASEWORKER, False), ("outsider", False)]
)
def test_it_exports_without_confidential_addresses_for_those_not_allowed(directory, signed_in, person, sees):
    client = signed_in(directory[person])
    municipality = directory.ngo.municipality
    document = export(client, "directory:export_json", municipality)
    assert document["Content-Disposition"].startswith("attachment")
    assert (CANARY in document.content.decode()) is sees
    package = zipfile.ZipFile(io.BytesIO(export(client, "directory:export_zip", municipality).content))
    assert (
        any(name.endswith(".csv") for name in package.namelist()) and "datapackage.json" in package.namelist()
    )
    text = "".join(package.read(name).decode() for name in package.namelist())
    assert (CANARY in text) is sees
    assert len(json.loads(document.content)["services"]) == 2


def upload(client, payload: bytes, municipality, name="directory.json"):
    return client.post(
        reverse("directory:import_start"),
        {"municipality": str(municipality.pk), "file": SimpleUploadedFile(name, payload)},
    )


def test_it_imports_an_export_into_an_empty_municipality_after_a_dry_run(
    directory, signed_in, django_capture_on_commit_callbacks
):
    coordinator = signed_in(directory[Role.COORDINATOR])
    exported = export(coordinator, "directory:export_zip", directory.ngo.municipality).content
    empty = Municipality.objects.create(country=directory.ngo.country, name="Emptyville")
    from tests.factories import MembershipFactory, OrganisationFactory

    MembershipFactory(
        user=directory[Role.COORDINATOR],
        organisation=OrganisationFactory(municipality=empty),
        role=Role.COORDINATOR,
    )
    before = Service.objects.count()
    response = upload(coordinator, exported, empty, name="directory.zip")
    job = DirectoryImport.objects.get()
    assert response["Location"] == reverse("directory:import_detail", args=[job.pk])
    assert job.status == "checked" and Service.objects.count() == before  # the dry run saved nothing
    assert "add 2 and update 0 services" in coordinator.get(response["Location"]).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("directory:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.problems
    assert sorted(Service.objects.filter(municipality=empty).values_list("name", flat=True)) == [
        "Advice",
        "Shelter",
    ]
    assert AuditEvent.objects.filter(action="directory.import.applied").count() == 1
    page = coordinator.get(reverse("directory:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "Imported: 2 services" in page.content.decode() and "<html" not in page.content.decode()


@pytest.mark.parametrize(
    "payload", [b"this is not json", b"PK\x03\x04 broken zip", b'{"services": [{"id": 1}]}']
)
def test_it_reports_a_bad_file_and_changes_nothing(directory, signed_in, payload):
    coordinator = signed_in(directory[Role.COORDINATOR])
    before = Service.objects.count(), Location.objects.count()
    response = upload(coordinator, payload, directory.municipal.municipality)
    job = DirectoryImport.objects.get()
    assert job.status == "invalid" and job.problems
    page = coordinator.get(response["Location"]).content.decode()
    assert "Nothing has been saved" in page
    assert coordinator.post(reverse("directory:import_apply", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "invalid"
    assert (Service.objects.count(), Location.objects.count()) == before


@pytest.mark.parametrize("person", [Role.CASEWORKER, Role.SERVICE_PROVIDER])
def test_it_lets_only_coordinators_import(directory, signed_in, person):
    client = signed_in(directory[person])
    assert client.get(reverse("directory:import_start")).status_code == 404
    assert upload(client, b"{}", directory.municipal.municipality).status_code == 404
    assert not DirectoryImport.objects.exists()


def test_it_lets_a_coordinator_import_only_into_their_own_municipality(directory, signed_in):
    outsider = signed_in(directory["outsider"])
    response = upload(outsider, b"{}", directory.municipal.municipality)
    assert response.status_code == 200 and "municipality" in response.context["form"].errors
    assert not DirectoryImport.objects.exists()


def test_it_shows_an_import_only_to_the_person_who_uploaded_it(directory, signed_in):
    upload(signed_in(directory[Role.COORDINATOR]), b"{}", directory.municipal.municipality)
    job = DirectoryImport.objects.get()
    outsider = signed_in(directory["outsider"])
    assert outsider.get(reverse("directory:import_detail", args=[job.pk])).status_code == 404
    assert outsider.post(reverse("directory:import_apply", args=[job.pk])).status_code == 404


def test_it_refuses_a_file_over_ten_megabytes(directory, signed_in):
    response = upload(
        signed_in(directory[Role.COORDINATOR]),
        b" " * (10 * 1024 * 1024 + 1),
        directory.municipal.municipality,
    )
    assert response.status_code == 200 and "larger than 10 MB" in response.content.decode()
    assert not DirectoryImport.objects.exists()


def test_it_serves_the_hsds_api_paths_in_pages(directory):
    token = do_create_api_token(actor=directory[Role.CASEWORKER], name="t", days=1)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = client.get("/api/v1/hsds/services?per_page=1").json()
    assert (page["total_items"], page["total_pages"], page["size"]) == (2, 2, 1)
    assert CANARY not in json.dumps(page) + json.dumps(
        client.get("/api/v1/hsds/services?page=2&per_page=1").json()
    )
    one = client.get(f"/api/v1/hsds/services/{page['contents'][0]['id']}").json()
    assert one["id"] == page["contents"][0]["id"]
    assert client.get("/api/v1/hsds/taxonomies").json()["total_items"] == 2
    assert client.get("/api/v1/hsds/taxonomy_terms").json()["total_items"] >= 15
    assert client.get("/api/v1/hsds/organizations").json()["total_items"] == 1
    assert client.get(f"/api/v1/hsds/organizations/{directory.other.pk}").status_code == 404


def test_it_keeps_an_upload_with_its_dry_run_only_for_a_coordinator_of_the_municipality(directory, signed_in):
    from django.core.exceptions import PermissionDenied

    from strom.directory.actions import do_check_directory_import

    municipality = directory.ngo.municipality
    payload = export(signed_in(directory[Role.COORDINATOR]), "directory:export_json", municipality).content
    for person in (Role.CASEWORKER, "outsider"):
        with pytest.raises(PermissionDenied):
            do_check_directory_import(
                actor=directory[person], municipality=municipality, file_name="x.json", payload=payload
            )
    assert not DirectoryImport.objects.exists()

    job = do_check_directory_import(
        actor=directory[Role.COORDINATOR], municipality=municipality, file_name="x.json", payload=payload
    )
    assert (job.status, job.kind, job.created_by) == ("checked", "json", directory[Role.COORDINATOR])


def test_it_queues_a_checked_import_once_and_only_for_its_uploader(directory, signed_in):
    from strom.directory.actions import do_check_directory_import, do_queue_directory_import

    coordinator = directory[Role.COORDINATOR]
    municipality = directory.ngo.municipality
    payload = export(signed_in(coordinator), "directory:export_json", municipality).content
    job = do_check_directory_import(
        actor=coordinator, municipality=municipality, file_name="x.json", payload=payload
    )
    assert do_queue_directory_import(actor=directory["outsider"], job=job) is False
    assert do_queue_directory_import(actor=coordinator, job=job) is True
    assert do_queue_directory_import(actor=coordinator, job=job) is False
    job.refresh_from_db()
    assert job.status == "queued"


def test_it_preselects_the_only_municipality_a_coordinator_may_import_into(directory, signed_in):
    from tests.factories import MembershipFactory, OrganisationFactory

    coordinator = directory[Role.COORDINATOR]
    home = directory.municipal.municipality
    page = signed_in(coordinator).get(reverse("directory:import_start")).content.decode()
    assert f'<option value="{home.pk}" selected>' in page

    other = Municipality.objects.create(country=home.country, name="Secondville")
    MembershipFactory(
        user=coordinator, organisation=OrganisationFactory(municipality=other), role=Role.COORDINATOR
    )
    page = signed_in(coordinator).get(reverse("directory:import_start")).content.decode()
    assert f'<option value="{home.pk}" selected>' not in page and '<option value="" selected>' in page
