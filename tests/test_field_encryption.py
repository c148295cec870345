"""Encrypted fields (security.md 12): a database dump holds no address or position of a location, a
tampered or moved value raises instead of reading as garbage, and forms, the API and the map still work.
Blind indexes for exact-match lookups over encrypted values."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse

from strom.accounts.actions import do_create_api_token
from strom.accounts.roles import Role
from strom.core.blind_index import blind_index, normalise
from strom.core.crypto import TamperedCiphertext, parse_keyring
from strom.core.fields import column_context
from strom.directory.actions import do_save_location
from strom.directory.forms import LocationForm
from strom.directory.models import Location, NeedTerm
from strom.directory.taxonomy import sync_need_terms
from tests.test_directory import make_service

CANARY = "Canary street 4242-XYZ"
CANARY_CITY = "Canaryville"
CANARY_POSTAL = "LV-4242"
# A position no other fixture uses, written as it would be stored in a plaintext column.
SECRET_LAT, SECRET_LON = Decimal("56.987654"), Decimal("24.123456")
SECRET_POSITION_TEXTS = ("56.987654", "24.123456", "56.98765", "24.12345")


def dump_database() -> str:
    """Every value of every table, read with raw SQL (the ORM would decrypt)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    parts.append(str(value))
    return "\n".join(parts)


def map_position(location_id) -> tuple:
    """The plaintext map columns as Decimals (SQLite hands back floats)."""
    return tuple(
        None if v is None else Decimal(str(v))
        for v in raw_location(location_id, "map_latitude", "map_longitude")
    )


def raw_location(location_id, *columns) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM directory_location WHERE id = %s",
            [Location._meta.pk.get_db_prep_value(location_id, connection)],
        )
        return cursor.fetchone()


def set_raw(location_id, column, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE directory_location SET {column} = %s WHERE id = %s",
            [value, Location._meta.pk.get_db_prep_value(location_id, connection)],
        )


def save_shelter(world, **overrides) -> Location:
    values = {
        "organisation": world.ngo,
        "municipality": world.ngo.municipality,
        "name": "Test shelter house",
        "address_1": CANARY,
        "postal_code": CANARY_POSTAL,
        "city": CANARY_CITY,
        "latitude": SECRET_LAT,
        "longitude": SECRET_LON,
        "is_confidential": True,
    } | overrides
    return do_save_location(actor=world[Role.SERVICE_PROVIDER], location=Location(**values))


# --- What the database holds ---------------------------------------------------------------------


def test_it_leaves_no_address_or_position_of_a_confidential_location_in_a_database_dump(world):
    shelter = save_shelter(world)

    dump = dump_database()

    for secret in (CANARY, "4242-XYZ", CANARY_CITY, CANARY_POSTAL, *SECRET_POSITION_TEXTS):
        assert secret not in dump
    assert Location.objects.get(pk=shelter.pk).address_1 == CANARY  # and it is still there to read


def test_it_keeps_no_plaintext_position_of_a_confidential_location(world):
    shelter = save_shelter(world)
    latitude, longitude = raw_location(shelter.pk, "latitude", "longitude")
    assert latitude.startswith("test$") and longitude.startswith("test$")
    assert map_position(shelter.pk) == (None, None)
    stored = Location.objects.get(pk=shelter.pk)
    assert (stored.latitude, stored.longitude) == (SECRET_LAT, SECRET_LON)


def test_it_puts_a_public_location_on_the_map_and_takes_it_off_when_it_becomes_confidential(world):
    office = save_shelter(world, is_confidential=False)
    assert map_position(office.pk) == (SECRET_LAT, SECRET_LON)

    office.is_confidential = True
    do_save_location(actor=world[Role.SERVICE_PROVIDER], location=office)
    assert map_position(office.pk) == (None, None)

    office.is_confidential = False
    office.save(update_fields=["is_confidential"])
    assert map_position(office.pk) == (SECRET_LAT, SECRET_LON)


def test_it_refuses_in_the_database_a_confidential_location_with_a_map_position(world):
    shelter = save_shelter(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=shelter.pk).update(map_latitude=SECRET_LAT, map_longitude=SECRET_LON)


def test_it_stores_empty_values_unsealed(world):
    place = save_shelter(world, address_1="", postal_code="", city="", latitude=None, longitude=None)
    assert raw_location(place.pk, "address_1", "city", "latitude", "longitude") == ("", "", None, None)
    stored = Location.objects.get(pk=place.pk)
    assert (stored.address_1, stored.latitude) == ("", None)


# --- Tampering ---------------------------------------------------------------------------------------


def test_it_raises_on_a_tampered_value_instead_of_reading_garbage(world):
    shelter = save_shelter(world)
    (sealed,) = raw_location(shelter.pk, "address_1")
    middle = len(sealed) // 2
    set_raw(
        shelter.pk,
        "address_1",
        sealed[:middle] + ("B" if sealed[middle] == "A" else "A") + sealed[middle + 1 :],
    )

    with pytest.raises(TamperedCiphertext):
        Location.objects.get(pk=shelter.pk)


def test_it_refuses_a_value_copied_into_another_column(world):
    shelter = save_shelter(world)
    (sealed_street,) = raw_location(shelter.pk, "address_1")
    set_raw(shelter.pk, "city", sealed_street)

    with pytest.raises(TamperedCiphertext):
        Location.objects.get(pk=shelter.pk)


def test_it_binds_each_value_to_its_column():
    keyring = parse_keyring("k:" + "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")
    sealed = keyring.seal(CANARY, context=column_context("directory.Location", "address_1"))
    assert keyring.open(sealed, context="directory.location.address_1") == CANARY
    with pytest.raises(TamperedCiphertext):
        keyring.open(sealed, context="directory.location.city")


# --- Lookups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookup",
    [
        {"address_1": CANARY},
        {"address_1__icontains": "canary"},
        {"address_1__startswith": "test$"},
        {"address_1__in": [CANARY]},
        {"address_1__lower": CANARY},
        {"latitude__gte": 50},
        {"latitude": SECRET_LAT},
    ],
)
def test_it_refuses_to_filter_on_an_encrypted_value(world, lookup):
    save_shelter(world)
    with pytest.raises(FieldError, match="encrypted"):
        list(Location.objects.filter(**lookup))


def test_it_still_answers_whether_a_value_is_there(world):
    with_address = save_shelter(world)
    without = save_shelter(world, name="Empty", address_1="", latitude=None, longitude=None)
    assert list(Location.objects.filter(address_1="")) == [without]
    assert list(Location.objects.exclude(address_1="")) == [with_address]
    assert list(Location.objects.filter(latitude__isnull=True)) == [without]


# --- Forms, API, export ----------------------------------------------------------------------------


def test_it_keeps_the_forms_fields_plain_with_the_plaintext_limits():
    form = LocationForm()
    assert form.fields["address_1"].max_length == 200
    assert form.fields["address_1"].widget.input_type == "text"
    assert form.fields["postal_code"].max_length == 20
    assert form.fields["latitude"].max_digits == 9 and form.fields["latitude"].decimal_places == 6


def test_it_round_trips_a_location_through_its_form(world):
    form = LocationForm(
        data={
            "name": "Test shelter house",
            "address_1": CANARY,
            "postal_code": CANARY_POSTAL,
            "city": CANARY_CITY,
            "latitude": "56.987654",
            "longitude": "24.123456",
            "is_confidential": "on",
        }
    )
    assert form.is_valid(), form.errors
    location = form.save(commit=False)
    location.organisation, location.municipality = world.ngo, world.ngo.municipality
    do_save_location(actor=world[Role.SERVICE_PROVIDER], location=location)

    again = LocationForm(instance=Location.objects.get(pk=location.pk))
    assert again.initial["address_1"] == CANARY
    assert again.initial["latitude"] == SECRET_LAT
    assert CANARY not in dump_database()


def test_it_refuses_a_street_longer_than_the_limit_in_the_form():
    form = LocationForm(data={"name": "Test", "address_1": "x" * 201})
    assert not form.is_valid()
    assert "address_1" in form.errors


def test_it_round_trips_a_location_through_the_api(world):
    provider = world[Role.SERVICE_PROVIDER]
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(actor=provider, name='test', days=1)[1]}"
    )
    body = {
        "organisation": str(world.ngo.pk),
        "municipality": str(world.ngo.municipality.pk),
        "name": "Open advice office",
        "address_1": "Open street 77",
        "postal_code": "LV-7777",
        "city": "Testupe",
        "latitude": "56.950001",
        "longitude": "24.100002",
    }
    created = client.post("/api/v1/locations", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    location_id = created.json()["id"]

    shown = client.get(f"/api/v1/locations/{location_id}").json()
    assert (shown["address_1"], shown["postal_code"], shown["city"]) == (
        "Open street 77",
        "LV-7777",
        "Testupe",
    )
    assert (Decimal(str(shown["latitude"])), Decimal(str(shown["longitude"]))) == (
        Decimal("56.950001"),
        Decimal("24.100002"),
    )
    (street,) = raw_location(location_id, "address_1")
    assert street.startswith("test$")
    assert "Open street 77" not in dump_database()


def test_it_plots_a_public_location_from_its_map_columns(world, signed_in):
    sync_need_terms(NeedTerm)
    service = make_service(world.ngo, ["accommodation"], ["lv"], name="Test house")
    service.locations.add(save_shelter(world, is_confidential=False, name="Open house"))
    service.locations.add(save_shelter(world, name="Closed house"))

    data = signed_in(world[Role.CASEWORKER]).get(reverse("directory:service_map_data")).json()

    points = [(f["properties"]["location"], f["geometry"]["coordinates"]) for f in data["features"]]
    assert points == [("Open house", [float(SECRET_LON), float(SECRET_LAT)])]


# --- The data migration ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_encrypts_the_locations_already_stored_when_migrating(world):
    def as_db(name, value):
        return Location._meta.get_field(name).get_db_prep_value(value, connection)

    organisation, municipality = (
        as_db("organisation", world.ngo.pk),
        as_db("municipality", world.ngo.municipality_id),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("directory", "0004_directory_imports")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO directory_location (id, organisation_id, municipality_id, name, address_1,"
            " city, postal_code, latitude, longitude, is_confidential)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                *(
                    as_db("id", uuid.UUID(int=1)),
                    organisation,
                    municipality,
                    "Old shelter",
                    CANARY,
                    CANARY_CITY,
                ),
                *(CANARY_POSTAL, SECRET_LAT, SECRET_LON, True),
                *(
                    as_db("id", uuid.UUID(int=2)),
                    organisation,
                    municipality,
                    "Old office",
                    "Open street 1",
                    "",
                ),
                *("", Decimal("56.95"), Decimal("24.1"), False),
            ],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert CANARY not in dump_database()
    shelter = Location.objects.get(name="Old shelter")
    assert (shelter.address_1, shelter.city, shelter.postal_code) == (CANARY, CANARY_CITY, CANARY_POSTAL)
    assert (shelter.latitude, shelter.longitude, shelter.map_latitude) == (SECRET_LAT, SECRET_LON, None)
    office = Location.objects.get(name="Old office")
    assert (office.city, office.map_latitude, office.map_longitude) == ("", Decimal("56.95"), Decimal("24.1"))

    executor = MigrationExecutor(connection)
    executor.migrate([("directory", "0004_directory_imports")])  # and back: plaintext again
    with connection.cursor() as cursor:
        cursor.execute("SELECT address_1 FROM directory_location WHERE name = %s", ["Old shelter"])
        assert cursor.fetchone() == (CANARY,)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Blind index ------------------------------------------------------------------------------------


def test_it_gives_the_same_blind_index_for_the_same_value_however_it_is_written():
    index = blind_index("Canary Street 4242-XYZ", purpose="cases.person.document_number")
    assert blind_index("  canary   STREET 4242-xyz ", purpose="cases.person.document_number") == index
    assert (
        blind_index(
            "\uff23\uff41\uff4e\uff41\uff52\uff59 Street 4242-XYZ", purpose="cases.person.document_number"
        )
        == index
    )  # full width
    assert len(index) == 64 and int(index, 16) >= 0


def test_it_gives_different_blind_indexes_for_different_values_and_purposes():
    index = blind_index(CANARY, purpose="cases.person.document_number")
    assert blind_index(CANARY + "1", purpose="cases.person.document_number") != index
    assert blind_index(CANARY, purpose="cases.person.phone") != index


def test_it_changes_every_blind_index_with_its_key():
    before = blind_index(CANARY, purpose="cases.person.document_number")
    with override_settings(STROM_BLIND_INDEX_KEY="another-test-only-blind-index-key-0123456789"):
        assert blind_index(CANARY, purpose="cases.person.document_number") != before


def test_it_uses_neither_the_field_keys_nor_the_secret_key_for_blind_indexes(settings):
    assert settings.STROM_BLIND_INDEX_KEY not in (settings.SECRET_KEY, settings.STROM_FIELD_KEYS)
    before = blind_index(CANARY, purpose="cases.person.document_number")
    settings.SECRET_KEY = "another-test-only-secret-key-0123456789abcdef-0123456789"
    settings.STROM_FIELD_KEYS = "other:" + "dXV1dXV1dXV1dXV1dXV1dXV1dXV1dXV1dXV1dXV1dXU="
    assert blind_index(CANARY, purpose="cases.person.document_number") == before


@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_it_refuses_to_index_without_a_proper_key(settings, key):
    settings.STROM_BLIND_INDEX_KEY = key
    with pytest.raises(ImproperlyConfigured):
        blind_index(CANARY, purpose="cases.person.document_number")


@pytest.mark.parametrize("purpose", ["", "Cases Person", "a" * 101, "cases/person"])
def test_it_refuses_a_purpose_that_is_not_a_short_code(purpose):
    with pytest.raises(ValueError, match="purpose"):
        blind_index(CANARY, purpose=purpose)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("  Anna  Maria ", "anna maria"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("\uff46\uff55\uff4c\uff4c", "full"),  # NFKC
        ("\uff21\u00a0B", "a b"),  # a no-break space is whitespace
    ],
)
def test_it_normalises_before_indexing(written, normal):
    assert normalise(written) == normal
