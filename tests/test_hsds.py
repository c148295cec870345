import copy
import csv
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from strom.accounts.access import get_access
from strom.accounts.models import Organisation, OrganisationArea
from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.hsds import applying, exporting, mapping, pages, reading, schema
from strom.directory.models import Location, NeedTerm, Service, ServiceArea, ServiceLanguage
from strom.directory.taxonomy import sync_need_terms
from strom.directory.taxonomy import taxonomy as need_taxonomy
from tests.factories import CountryFactory, MunicipalityFactory

CANARY = "Hidden lane 13 (canary)"


def everywhere(location) -> bool:
    """The location filter of an authorised export: confidential addresses included."""
    return True


@pytest.fixture
def needs(db):
    sync_need_terms(NeedTerm)
    return {term.code: term for term in NeedTerm.objects.all()}


def make_service(organisation, needs_codes=(), languages=(), **fields):
    service = Service.objects.create(
        organisation=organisation,
        municipality=fields.pop("municipality", organisation.municipality),
        **{"name": fields.pop("name", "Test service"), **fields},
    )
    service.needs.set(NeedTerm.objects.filter(code__in=needs_codes))
    ServiceLanguage.objects.bulk_create([ServiceLanguage(service=service, code=code) for code in languages])
    service.refresh_codes()
    return service


def place(organisation, name, **fields):
    return Location.objects.create(
        organisation=organisation, municipality=organisation.municipality, name=name, **fields
    )


@pytest.fixture
def home(world, needs):
    """Testupe's directory: a shelter at a confidential address, an advice desk, a helpline and a closed
    desk that shares the advice desk's location; each sets the flags differently."""
    shelter = make_service(
        world.ngo,
        ["accommodation", "safety_protection"],
        ["lv", "ru"],
        name="Test shelter",
        phone="+371 2000 0000",
        email="shelter@example.invalid",
        url="https://shelter.example.invalid/",
        referral_contact="Duty officer",
        capacity_total=6,
        capacity_free=2,
        available_24_7=True,
        emergency_response_hours=2,
        serves_children=True,
        serves_men=False,
        serves_families=True,
        independent_of_cooperation=True,
        open_to_presumed_victims=True,
        is_free=True,
        special_needs=["pregnancy", "mental_health"],
        exploitation_experience=["sexual", "labour"],
        funding=["state_programme", "donors"],
    )
    shelter.locations.add(
        place(
            world.ngo,
            "Shelter house",
            address_1=CANARY,
            city="Testupe",
            postal_code="LV-0000",
            is_confidential=True,
            latitude=Decimal("56.950000"),
            longitude=Decimal("24.100000"),
        )
    )
    town_hall = place(
        world.social,
        "Town hall",
        address_1="Open street 1",
        city="Testupe",
        postal_code="LV-0001",
        latitude=Decimal("56.951234"),
        longitude=Decimal("24.105678"),
    )
    advice = make_service(
        world.social,
        ["counselling_information", "legal_assistance"],
        ["en", "lv"],
        name="Advice desk",
        description="Walk in, or call first.",
        hours="Mon-Fri 9:00-17:00",
        is_free=False,
        independent_of_cooperation=True,
        open_to_presumed_victims=False,
        conditions=["declared_residence", "legal_stay"],
        time_limit_days=60,
        conditions_note="Bring any papers you have; none are required.",
        funding=["municipality"],
    )
    advice.locations.add(town_hall)
    helpline = make_service(
        world.municipal,
        ["counselling_information"],
        ["en", "lv", "ru", "uk"],
        name="Helpline",
        is_helpline=True,
        available_24_7=True,
        hours="Always",
        serves_unaccompanied_children=True,
        serves_other_genders=False,
    )
    helpline.locations.add(place(world.municipal, "Call centre"))
    closed = make_service(
        world.ngo,
        ["interpretation"],
        [],
        name="Closed desk",
        status="inactive",
        independent_of_cooperation=False,
        availability="potential",
        exploitation_experience=["begging"],
    )
    closed.locations.add(town_hall)
    return world.ngo.municipality


@pytest.fixture
def empty(world):
    return MunicipalityFactory(country=world.ngo.country, name="Tukšupe")


def services_of(municipality):
    return Service.objects.filter(municipality=municipality)


FIELDS = (
    "description",
    "status",
    "email",
    "url",
    "phone",
    "hours",
    "referral_contact",
    "is_helpline",
    "available_24_7",
    "emergency_response_hours",
    "capacity_total",
    "capacity_free",
    "is_unconditional",
    "is_free",
    "serves_adults",
    "serves_children",
    "serves_unaccompanied_children",
    "serves_women",
    "serves_men",
    "serves_other_genders",
    "serves_families",
    "independent_of_cooperation",
    "open_to_presumed_victims",
    "conditions",
    "time_limit_days",
    "conditions_note",
    "funding",
    "special_needs",
    "exploitation_experience",
    "availability",
)


def _location_facts(loc, *, withheld=False):
    if withheld and loc.is_confidential:  # what an import keeps of a shelter: its name and its flag
        return (loc.name, "", "", "", None, None, True, loc.organisation.name)
    return (
        loc.name,
        loc.address_1,
        loc.city,
        loc.postal_code,
        loc.latitude,
        loc.longitude,
        loc.is_confidential,
        loc.organisation.name,
    )


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def snapshot(municipality, *, confidential=True, withheld=False):
    """The directory as people see it, without ids: what a round trip must keep."""
    services = services_of(municipality).prefetch_related(
        "needs", "languages", "locations__organisation", "areas__municipality"
    )
    return sorted(
        (
            service.name,
            service.organisation.name,
            tuple(_hashable(getattr(service, name)) for name in FIELDS),
            tuple(
                sorted((area.country_id or area.municipality.name, area.name) for area in service.areas.all())
            ),
            tuple(sorted(need.code for need in service.needs.all())),
            tuple(sorted(language.code for language in service.languages.all())),
            tuple(
                sorted(
                    _location_facts(loc, withheld=withheld)
                    for loc in service.locations.all()
                    if confidential or not loc.is_confidential
                )
            ),
        )
        for service in services.select_related("organisation")
    )


def table_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edit_csv(files, name, row, cells):
    records = list(csv.DictReader(io.StringIO(files[name].decode())))
    records[row - 1].update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return {**files, name: out.getvalue().encode()}


def row_of(files, name, match) -> int:
    records = csv.DictReader(io.StringIO(files[name].decode()))
    return next(n for n, r in enumerate(records, 1) if all(r[k] == v for k, v in match.items()))


# --- Export --------------------------------------------------------------------------------------


def test_it_exports_objects_that_validate_against_the_official_schema(home):
    document = exporting.export_directory(services_of(home), location_filter=everywhere)
    assert len(document["services"]) == 4
    assert {o["name"] for o in document["organizations"]} == {
        "Test Shelter Association",
        "Testupe Social Service",
        "Testupe Administration",
    }
    for kind, key in [
        ("service", "services"),
        ("organization", "organizations"),
        ("taxonomy", "taxonomies"),
        ("taxonomy_term", "taxonomy_terms"),
    ]:
        assert document[key]
        assert schema.validate(kind, document[key]) == []


def test_it_maps_a_service_onto_hsds(home):
    shelters = services_of(home).filter(name="Test shelter")
    (shelter,) = exporting.export_services(shelters, location_filter=everywhere)
    assert shelter["status"] == "active"
    assert shelter["phones"][0]["number"] == "+371 2000 0000"
    assert shelter["contacts"] == [
        {"id": shelter["contacts"][0]["id"], "service_id": shelter["id"], "title": "Duty officer"}
    ]
    assert shelter["schedules"][0]["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert [language["code"] for language in shelter["languages"]] == ["lv", "ru"]
    assert shelter["service_areas"][0]["name"] == "Testupe"
    assert shelter["cost_options"][0]["amount"] == 0
    address = shelter["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_1"], address["country"]) == (CANARY, "LV")
    terms = [
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"], a.get("value"))
        for a in shelter["attributes"]
    ]
    assert terms[:2] == [("strom-needs", "accommodation", None), ("strom-needs", "safety_protection", None)]
    assert ("strom-service-properties", "capacity_free", "2") in terms
    assert ("strom-service-properties", "serves_men", "false") in terms
    assert ("strom-service-properties", "emergency_response_hours", "2") in terms
    versions = {t["name"]: t["version"] for t in mapping.taxonomies()}
    assert versions["strom-needs"] == need_taxonomy()["version"]


def test_it_reports_schema_problems_by_row_and_field(db):
    good = {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Good", "status": "active"}
    bad = {"id": "not-a-uuid", "status": "open", "phones": [{"id": "ac148810-d857-441c-9679-408f346de14c"}]}
    problems = schema.validate("service", [good, bad])
    assert {(p.row, p.field) for p in problems} == {
        (2, "id"),
        (2, "name"),
        (2, "status"),
        (2, "phones[0].number"),
    }
    assert all(p.message for p in problems)


def test_it_never_exports_a_confidential_address_by_default(world, home):
    services = services_of(home)
    tabular = exporting.tabular_package(services, [])
    exports = {
        "json": json.dumps(exporting.export_directory(services), ensure_ascii=False).encode(),
        "page": json.dumps(pages.hsds_page(exporting.export_services(services)), ensure_ascii=False).encode(),
        **tabular,
        **{f"zip:{name}": content for name, content in unzip(exporting.zip_package(tabular)).items()},
    }
    for name, content in exports.items():
        assert CANARY.encode() not in content, name
        assert b"Shelter house" not in content, name
    assert b"Open street 1" in exports["locations.csv"] + exports["addresses.csv"]
    assert CANARY.encode() in exporting.tabular_package(services, [], everywhere)["addresses.csv"]


@pytest.mark.parametrize(("person", "sees"), [(Role.COORDINATOR, True), (Role.CASEWORKER, False)])
def test_it_exports_a_confidential_address_only_with_an_authorised_filter(world, home, person, sees):
    location_filter = mapping.visible_with(get_access(world[person]))
    document = json.dumps(exporting.export_directory(services_of(home), location_filter=location_filter))
    assert (CANARY in document) is sees


def test_it_writes_the_files_of_the_hsds_tabular_package(home):
    files = exporting.tabular_package(services_of(home), [], everywhere)
    package = json.loads(files["datapackage.json"])
    assert {r["path"] for r in package["resources"]} == set(files) - {"datapackage.json"}
    assert {"services.csv", "organizations.csv", "service_at_location.csv", "taxonomy_terms.csv"} <= set(
        files
    )
    header = next(csv.reader(io.StringIO(files["services.csv"].decode())))
    assert header[:4] == ["id", "organization_id", "program_id", "name"]
    assert unzip(exporting.zip_package(files)) == files


def test_it_exports_in_a_fixed_number_of_queries(world, needs, django_assert_max_num_queries):
    def add(count, start):
        for n in range(start, start + count):
            service = make_service(world.ngo, ["accommodation", "interpretation"], ["lv", "en"], name=f"S{n}")
            service.locations.add(
                place(world.ngo, f"Place {n}", address_1=f"Street {n}", is_confidential=bool(n % 2))
            )

    def export():
        services = services_of(world.ngo.municipality)
        exporting.export_directory(services, location_filter=everywhere)
        exporting.tabular_package(services, [world.ngo], everywhere)

    add(5, 0)
    with django_assert_max_num_queries(12) as few:
        export()
    add(35, 5)
    with django_assert_max_num_queries(12) as many:
        export()
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "page", "expected"),
    [
        (
            0,
            1,
            {
                "total_pages": 0,
                "page_number": 1,
                "size": 0,
                "first_page": True,
                "last_page": True,
                "empty": True,
            },
        ),
        (
            7,
            1,
            {
                "total_pages": 1,
                "page_number": 1,
                "size": 7,
                "first_page": True,
                "last_page": True,
                "empty": False,
            },
        ),
        (
            25,
            2,
            {
                "total_pages": 3,
                "page_number": 2,
                "size": 10,
                "first_page": False,
                "last_page": False,
                "empty": False,
            },
        ),
        (
            25,
            3,
            {
                "total_pages": 3,
                "page_number": 3,
                "size": 5,
                "first_page": False,
                "last_page": True,
                "empty": False,
            },
        ),
        (
            25,
            4,
            {
                "total_pages": 3,
                "page_number": 4,
                "size": 0,
                "first_page": False,
                "last_page": True,
                "empty": True,
            },
        ),
    ],
)
def test_it_pages_like_the_hsds_api(total, page, expected):
    result = pages.hsds_page(list(range(total)), page=page, per_page=10, to_hsds=lambda n: {"n": n})
    assert {key: result[key] for key in expected} == expected
    assert result["total_items"] == total
    assert [item["n"] for item in result["contents"]] == list(range(total))[(page - 1) * 10 : page * 10]
    openapi = json.loads((schema.SCHEMA_DIR / "openapi.json").read_text())
    Draft202012Validator(openapi["components"]["schemas"]["Page"]).validate(result)


def test_it_keeps_page_parameters_within_bounds():
    result = pages.hsds_page(list(range(500)), page="0", per_page="1000")
    assert (result["page_number"], result["size"], result["total_pages"]) == (1, 100, 5)
    assert pages.hsds_page([1, 2], page="x", per_page=None)["size"] == 2


# --- Import --------------------------------------------------------------------------------------


def serve_a_region_too(world, home):
    """The helpline also works in Ezermala (in the region Vidzeme), where its organisation works too."""
    ezermala = MunicipalityFactory(country=world.ngo.country, name="Ezermala")
    OrganisationArea.objects.create(
        organisation=world.municipal, municipality=ezermala, granted_by=world[Role.COORDINATOR]
    )
    helpline = services_of(home).get(name="Helpline")
    ServiceArea.objects.create(service=helpline, municipality=ezermala, name="Vidzeme")
    return ezermala


@pytest.mark.parametrize("form", ["json", "zip", "tabular"])
def test_it_gives_the_same_directory_after_export_and_import(world, home, empty, form):
    serve_a_region_too(world, home)
    services = services_of(home)
    payload = {
        "json": lambda: json.dumps(exporting.export_directory(services, location_filter=everywhere)).encode(),
        "zip": lambda: exporting.zip_package(exporting.tabular_package(services, [], everywhere)),
        "tabular": lambda: {
            k: v.decode() for k, v in exporting.tabular_package(services, [], everywhere).items()
        },
    }[form]()
    plan = reading.plan_import(payload, empty)
    assert plan.problems == []
    summary = applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    assert (summary.services_created, summary.locations_created, summary.organisations_created) == (4, 3, 0)
    # Everything but the shelter's address (security.md 10): that stays with the provider.
    assert snapshot(empty) == snapshot(home, withheld=True)
    assert plan.preview.confidential_left_out == 1
    assert Location.objects.get(municipality=empty, name="Shelter house").is_confidential
    assert CANARY not in [loc.address_1 for loc in Location.objects.exclude(municipality=home)]


def test_it_imports_a_public_export_without_the_confidential_locations(world, home, empty):
    payload = exporting.zip_package(exporting.tabular_package(services_of(home), []))
    applying.apply_import(
        reading.plan_import(payload, empty), actor=world[Role.COORDINATOR], municipality=empty
    )
    assert snapshot(empty) == snapshot(home, confidential=False)
    assert not Location.objects.filter(municipality=empty, is_confidential=True).exists()


def test_it_creates_organisations_unknown_in_the_municipalitys_country(world, home):
    elsewhere = MunicipalityFactory(country=CountryFactory(code="LT", name="Lithuania"), name="Bandymai")
    payload = exporting.export_directory(services_of(home), location_filter=everywhere)
    plan = reading.plan_import(payload, elsewhere)
    summary = applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=elsewhere)
    assert summary.organisations_created == 3
    assert snapshot(elsewhere) == snapshot(home, withheld=True)
    created = Organisation.objects.filter(country_id="LT")
    assert {(o.kind, o.municipality_id) for o in created} == {(Organisation.Kind.OTHER, elsewhere.pk)}


@pytest.mark.parametrize("form", ["json", "zip"])
def test_it_does_not_duplicate_anything_when_the_same_file_is_imported_twice(world, home, empty, form):
    services = services_of(home)
    if form == "json":
        payload = json.dumps(exporting.export_directory(services, location_filter=everywhere))
    else:
        payload = exporting.zip_package(exporting.tabular_package(services, [], everywhere))
    applying.apply_import(
        reading.plan_import(payload, empty), actor=world[Role.COORDINATOR], municipality=empty
    )
    after_first = table_counts()
    plan = reading.plan_import(payload, empty)
    assert (plan.preview.services_created, plan.preview.services_updated) == (0, 4)
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    after_second = table_counts()
    assert after_second.pop("core.AuditEvent") == after_first.pop("core.AuditEvent") + 1
    assert after_second == after_first
    assert snapshot(empty) == snapshot(home, withheld=True)


def test_it_keeps_a_shelter_linked_when_a_public_export_is_imported_again(world, home):
    before = snapshot(home)
    payload = exporting.export_directory(services_of(home))  # without the shelter's address
    summary = applying.apply_import(
        reading.plan_import(payload, home), actor=world[Role.COORDINATOR], municipality=home
    )
    assert (summary.services_created, summary.services_updated) == (0, 4)
    assert snapshot(home) == before


def test_it_writes_one_audit_event_with_counts_only(world, home, empty):
    payload = exporting.export_directory(services_of(home), location_filter=everywhere)
    calls = []
    applying.apply_import(
        reading.plan_import(payload, empty),
        actor=world[Role.COORDINATOR],
        municipality=empty,
        progress=lambda done, total: calls.append((done, total)),
    )
    events = AuditEvent.objects.filter(action="directory.import.applied")
    assert events.count() == 1
    # The three organisations are based in Testupe: the import records that they serve Tukšupe too.
    assert events.get().details == {"services": 4, "organisations": 0, "locations": 3, "granted": 3}
    assert events.get().actor == world[Role.COORDINATOR]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_it_writes_nothing_when_the_import_fails_halfway(world, home, empty):
    plan = reading.plan_import(
        exporting.export_directory(services_of(home), location_filter=everywhere), empty
    )
    before = table_counts()

    def interrupt(done, total):
        if done == 2:
            raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty, progress=interrupt)
    assert table_counts() == before


def _shelter_second(document):
    """The document with the shelter (the service with a phone and capacity) as row 2."""
    first = {"Advice desk": 0, "Test shelter": 1}
    return {**document, "services": sorted(document["services"], key=lambda s: first.get(s["name"], 2))}


def _without_name(service):
    del service["name"]
    return "name"


def _phone_without_number(service):
    del service["phones"][0]["number"]
    return "phones[0].number"


def _bad_email(service):
    service["email"] = "not an address"
    return "email"


def _bad_url(service):
    service["url"] = "not a web address"
    return "url"


def _latitude_in_words(service):
    service["service_at_locations"][0]["location"]["latitude"] = "north"
    return "service_at_locations[0].location.latitude"


def _unknown_need(service):
    service["attributes"][0]["taxonomy_term"]["code"] = "flying_carpets"
    return "attributes[0].taxonomy_term.code"


def _more_free_places_than_places(service):
    index = next(
        i for i, a in enumerate(service["attributes"]) if a["taxonomy_term"]["code"] == "capacity_free"
    )
    service["attributes"][index]["value"] = "60"
    return f"attributes[{index}].value"


def _language_without_code(service):
    service["languages"][1]["code"] = ""
    return "languages[1].code"


@pytest.mark.parametrize(
    "breaks",
    [
        _without_name,
        _phone_without_number,
        _bad_email,
        _bad_url,
        _latitude_in_words,
        _unknown_need,
        _more_free_places_than_places,
        _language_without_code,
    ],
    ids=lambda breaks: breaks.__name__.strip("_"),
)
def test_it_reports_a_malformed_json_row_and_changes_nothing(world, home, empty, breaks):
    document = _shelter_second(exporting.export_directory(services_of(home), location_filter=everywhere))
    broken = copy.deepcopy(document)
    field = breaks(broken["services"][1])
    before = table_counts()
    plan = reading.plan_import(json.dumps(broken), empty)
    assert [(p.file, p.row, p.field) for p in plan.problems] == [("", 2, field)]
    assert plan.problems[0].message
    with pytest.raises(ValidationError, match=re.escape(f"row 2, field {field}")):
        applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    assert table_counts() == before


def test_it_reports_an_organisation_that_cannot_be_found(world, home, empty):
    document = exporting.export_directory(services_of(home))
    services = document["services"]
    del services[0]["organization"]
    services[0]["organization_id"] = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    plan = reading.plan_import({"services": services}, empty)
    assert [(p.row, p.field) for p in plan.problems] == [(1, "organization_id")]


@pytest.mark.parametrize(
    ("file", "match", "cells", "column"),
    [
        ("phones.csv", {}, {"number": ""}, "number"),
        ("locations.csv", {"name": "Town hall"}, {"latitude": "north"}, "latitude"),
        ("services.csv", {"name": "Helpline"}, {"name": ""}, "name"),
        ("services.csv", {"name": "Helpline"}, {"status": "open"}, "status"),
        ("taxonomy_terms.csv", {"code": "interpretation"}, {"code": "flying_carpets"}, "code"),
        ("attributes.csv", {"value": "6"}, {"value": "six"}, "value"),
        (
            "languages.csv",
            {"code": "uk"},
            {"service_id": "ac148810-d857-441c-9679-408f346de14b"},
            "service_id",
        ),
    ],
)
def test_it_reports_a_bad_csv_row_by_file_row_and_column_and_changes_nothing(
    world, home, empty, file, match, cells, column
):
    files = exporting.tabular_package(services_of(home), [], everywhere)
    row = row_of(files, file, match) if match else 1
    broken = exporting.zip_package(edit_csv(files, file, row, cells))
    before = table_counts()
    plan = reading.plan_import(broken, empty)
    assert [(p.file, p.row, p.field) for p in plan.problems] == [(file, row, column)]
    with pytest.raises(ValidationError, match=re.escape(f"{file}, row {row}, column {column}")):
        applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    assert table_counts() == before


@pytest.mark.parametrize(
    ("payload", "kind", "says"),
    [
        (b"this is not a zip", "zip", "not a zip archive"),
        (b"PK\x03\x04 broken", None, "not a zip archive"),
        (b'{"services": [', None, "not valid JSON"),
        (b"\xff\xfe", "json", "not valid JSON"),
        (b'{"services": [{"id": NaN}]}', None, "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, None, "not valid JSON"),
        (b'{"nothing": "here"}', None, "list of HSDS services"),
        (b"[]", None, "holds no services"),
    ],
)
def test_it_explains_a_file_it_cannot_read_and_changes_nothing(world, empty, needs, payload, kind, says):
    before = table_counts()
    plan = reading.plan_import(payload, empty, kind=kind)
    assert len(plan.problems) == 1
    assert (plan.problems[0].row, plan.problems[0].field) == (0, "")
    assert says in plan.problems[0].message
    with pytest.raises(ValidationError, match=says):
        applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    assert table_counts() == before


def test_it_reports_a_zip_without_services(world, empty, needs):
    plan = reading.plan_import(exporting.zip_package({"readme.txt": b"hello"}), empty)
    assert [p.message for p in plan.problems] == ["The package has no services.csv."]


def test_it_refuses_a_plan_made_for_another_municipality(world, home, empty):
    plan = reading.plan_import(exporting.export_directory(services_of(home)), empty)
    with pytest.raises(ValidationError, match="another municipality"):
        applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=home)


def test_it_imports_a_plain_hsds_service_from_elsewhere(world, empty, needs):
    service = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Night line",
        "status": "active",
        "organization": {
            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "name": "Elsewhere",
            "description": "",
        },
        "schedules": [
            {"id": "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42", "byday": "MO,TU,WE,TH,FR,SA,SU"}
            | {"opens_at": "00:00", "closes_at": "24:00"}
        ],
        "cost_options": [{"id": "1fdf4d39-3d80-484d-9f92-a8ffa08621e7", "amount": 5}],
        "contacts": [{"id": "5eb06b9b-4e6b-43a6-8f2c-2d5b0e8c8d21", "name": "A. Person"}],
        "languages": [{"id": "9d0f2f7c-0a4b-4f43-9c53-6a4ea6f8b1a2", "code": "ET"}],
    }
    plan = reading.plan_import([service], empty)
    assert plan.problems == []
    applying.apply_import(plan, actor=world[Role.COORDINATOR], municipality=empty)
    imported = Service.objects.get(municipality=empty)
    assert (imported.available_24_7, imported.is_free, imported.referral_contact) == (True, False, "")
    assert imported.organisation.name == "Elsewhere"
    assert list(imported.languages.values_list("code", flat=True)) == ["et"]
    assert imported.language_codes == " et "
