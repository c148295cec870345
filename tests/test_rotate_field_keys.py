"""Key rotation without downtime (security.md 13): rotate_field_keys re-seals every encrypted value under
the newest key in batches, can be interrupted and resumed, and afterwards the old key can go."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from strom.accounts.roles import Role
from strom.core.crypto import TamperedCiphertext
from strom.core.models import AuditEvent
from strom.directory.actions import do_save_location
from strom.directory.models import Location
from tests.test_field_encryption import CANARY, SECRET_LAT, SECRET_LON, dump_database, raw_location, set_raw


def key_line(key_id: str, fill: bytes) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(fill * 32).decode()}"


KEY_A = key_line("A", b"a")
KEY_B = key_line("B", b"b")
ENCRYPTED_COLUMNS = ("address_1", "city", "postal_code", "latitude", "longitude")


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def sealed_values() -> list[str]:
    values = []
    for location_id in Location.objects.values_list("pk", flat=True):
        values += [v for v in raw_location(location_id, *ENCRYPTED_COLUMNS) if v not in ("", None)]
    return values


@pytest.fixture
def written_under_a(world):
    """Three locations written while key A was the only key: a confidential shelter with the canary, a
    public office, and one without an address or a position."""
    provider = world[Role.SERVICE_PROVIDER]
    place = {"organisation": world.ngo, "municipality": world.ngo.municipality}
    with override_settings(STROM_FIELD_KEYS=KEY_A):
        for values in (
            {"name": "Shelter", "address_1": CANARY, "city": "Testupe", "is_confidential": True},
            {"name": "Office", "address_1": "Open street 1", "postal_code": "LV-0001"},
            {"name": "Nowhere yet"},
        ):
            location = Location(**place, **values, latitude=SECRET_LAT if values.get("address_1") else None)
            location.longitude = SECRET_LON if location.latitude else None
            do_save_location(actor=provider, location=location)
    return world


def test_it_reseals_every_value_under_the_new_key_and_the_old_key_can_go(written_under_a):
    assert all(value.startswith("A$") for value in sealed_values())

    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        output = rotate("--batch-size", "2")
        assert "directory.location: 2 rows re-encrypted" in output
        assert CANARY not in output
        rotate("--check")

    values = sealed_values()
    assert len(values) == 8 and all(value.startswith("B$") for value in values)
    assert CANARY not in dump_database()
    with override_settings(STROM_FIELD_KEYS=KEY_B):
        shelter = Location.objects.get(name="Shelter")
        assert (shelter.address_1, shelter.city, shelter.latitude) == (CANARY, "Testupe", SECRET_LAT)
        assert Location.objects.get(name="Office").postal_code == "LV-0001"
        assert Location.objects.get(name="Nowhere yet").address_1 == ""


def test_it_cannot_read_the_old_values_with_only_the_new_key_before_rotating(written_under_a):
    with override_settings(STROM_FIELD_KEYS=KEY_B), pytest.raises(TamperedCiphertext):
        Location.objects.get(name="Shelter")


def test_it_reports_what_is_left_under_an_old_key_with_check(written_under_a):
    with (
        override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"),
        pytest.raises(CommandError, match="2 rows are still under an older key"),
    ):
        rotate("--check")


def test_it_changes_nothing_on_a_dry_run(written_under_a):
    before = sealed_values()
    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        output = rotate("--dry-run")
    assert "directory.location: 2 rows under an older key" in output
    assert sealed_values() == before
    assert not AuditEvent.objects.filter(action="core.field_keys.rotated").exists()


def test_it_resumes_an_interrupted_rotation_where_it_stopped(written_under_a):
    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        rotate("--batch-size", "1", "--limit", "1")
        prefixes = sorted(value[:2] for value in sealed_values())
        assert (prefixes.count("B$"), prefixes.count("A$")) == (4, 4)  # one row of two, 4 values each
        with pytest.raises(CommandError, match="1 rows are still under an older key"):
            rotate("--check")

        output = rotate("--batch-size", "1")
        assert "directory.location: 1 rows re-encrypted" in output
        rotate("--check")
    assert all(value.startswith("B$") for value in sealed_values())


def test_it_writes_one_audit_event_per_run_with_counts_only(written_under_a):
    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        rotate()
        rotate()
    first, second = AuditEvent.objects.filter(action="core.field_keys.rotated").order_by("seq")
    models = first.details.pop("models")
    assert first.details == {"key_id": "B", "rows": 2, "rows_left": 0}
    # Every model with encrypted fields is named, with its count; only the locations had any here.
    assert {label: rows for label, rows in models.items() if rows} == {"directory.location": 2}
    assert second.details["rows"] == 0
    assert first.actor is None


def test_it_tells_apart_key_ids_that_differ_only_in_case_or_by_a_wildcard(written_under_a):
    # LIKE would take "_" for any character, and is case-insensitive on SQLite: "a$" must not pass for "A$".
    lower_a = key_line("a", b"c")
    with (
        override_settings(STROM_FIELD_KEYS=f"{lower_a},{KEY_A}"),
        pytest.raises(CommandError, match="still under an older key"),
    ):
        rotate("--check")
    wildcard = key_line("_", b"d")
    with override_settings(STROM_FIELD_KEYS=f"{wildcard},{KEY_A}"):
        with pytest.raises(CommandError, match="still under an older key"):
            rotate("--check")
        rotate()
        rotate("--check")
    assert all(value.startswith("_$") for value in sealed_values())


def test_it_stops_at_a_tampered_value_instead_of_writing_it_again(written_under_a):
    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"):
        location_id = Location.objects.get(name="Office").pk
    (sealed,) = raw_location(location_id, "address_1")
    set_raw(location_id, "address_1", sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
    with override_settings(STROM_FIELD_KEYS=f"{KEY_B},{KEY_A}"), pytest.raises(TamperedCiphertext):
        rotate("--batch-size", "1")
