"""Unusual reading (security.md 22): many sensitive reads by one account in a short time alert the
municipality's coordinators, once per window, with a high-severity audit event."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext_lazy

from strom.accounts.reading_watch import SensitiveKind, note_sensitive_read, threshold_for
from strom.accounts.roles import Role
from strom.core.audit import Severity
from strom.core.models import AuditEvent
from strom.directory.models import Location, Service
from tests.factories import MembershipFactory, UserFactory, make_member
from tests.pathway_objects import published_chain

ALERT = "security.unusual_reading.detected"
KIND = SensitiveKind("test_record", gettext_lazy("test records"))
OTHER_KIND = SensitiveKind("other_record", gettext_lazy("other records"))
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CANARY = "Canary street 4242-XYZ"


@pytest.fixture
def small_thresholds(settings):
    settings.STROM_UNUSUAL_READING = {
        "window_minutes": 15,
        "thresholds": {"coordinator": 6, "caseworker": 4, "service_provider": 4, "default": 3},
    }


def alerts():
    return AuditEvent.objects.filter(action=ALERT)


def read(user, times, kind=KIND, **where):
    return [note_sensitive_read(user, kind, **where) for _ in range(times)]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.COORDINATOR], 40),
        ([Role.CASEWORKER], 20),
        ([Role.SERVICE_PROVIDER], 20),
        ([Role.TRAINER], 10),
        ([Role.ANALYST], 10),
        ([Role.CASEWORKER, Role.COORDINATOR], 40),  # the highest among the person's roles
        ([Role.TRAINER, Role.SERVICE_PROVIDER], 20),
        ([], 10),
    ],
)
def test_it_takes_the_highest_threshold_among_the_persons_roles(world, roles, expected):
    person = UserFactory()
    for role in roles:
        MembershipFactory(user=person, organisation=world.ngo, role=role)
    assert threshold_for(person) == expected


def test_it_alerts_once_at_the_threshold_and_counts_afresh_after_the_window(
    world, small_thresholds, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker = world[Role.CASEWORKER]  # threshold 4
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            assert read(caseworker, 3, organisation=world.social) == [False, False, False]
        assert not alerts().exists() and mailoutbox == []

        with django_capture_on_commit_callbacks(execute=True):
            assert read(caseworker, 1, organisation=world.social) == [True]
        event = alerts().get()
        assert event.severity == Severity.HIGH and event.actor == caseworker
        assert event.details == {"kind": "test_record", "count": 4, "window_minutes": 15}
        assert [mail.to for mail in mailoutbox] == [[world[Role.COORDINATOR].email]]

        clock.shift(timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            assert read(caseworker, 5, organisation=world.social) == [False] * 5  # same window: quiet
        assert alerts().count() == 1 and len(mailoutbox) == 1

        clock.shift(timedelta(minutes=15))  # the window has passed: the count starts again
        with django_capture_on_commit_callbacks(execute=True):
            assert read(caseworker, 3, organisation=world.social) == [False, False, False]
            assert read(caseworker, 1, organisation=world.social) == [True]
        assert alerts().count() == 2 and len(mailoutbox) == 2


def test_it_slides_the_window_instead_of_starting_it_on_the_clock(world, small_thresholds):
    caseworker = world[Role.CASEWORKER]
    with time_machine.travel(START + timedelta(minutes=14), tick=False) as clock:
        read(caseworker, 3)
        clock.shift(timedelta(minutes=2))  # a fixed quarter-hour would have started afresh here
        assert read(caseworker, 1) == [True]
        clock.shift(timedelta(minutes=16))
        read(caseworker, 2)
        clock.shift(timedelta(minutes=16))  # the two reads above have left the window
        assert read(caseworker, 3) == [False, False, False]
    assert alerts().count() == 1


def test_it_counts_each_account_and_each_kind_apart(world, small_thresholds):
    with time_machine.travel(START, tick=False):
        read(world[Role.CASEWORKER], 3)
        read(world[Role.CASEWORKER], 3, kind=OTHER_KIND)
        read(world[Role.SERVICE_PROVIDER], 3)
    assert not alerts().exists()


def test_it_tells_the_coordinators_of_the_data_and_of_the_reader_but_never_the_reader(
    world, small_thresholds, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    second = make_member(world.municipal, Role.COORDINATOR, username="second.coordinator")
    second.preferred_language = "lv"
    second.save(update_fields=["preferred_language"])
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        read(world[Role.COORDINATOR], 6, organisation=world.ngo)
    assert [mail.to for mail in mailoutbox] == [[second.email]]  # not the reader, not the outsider
    body = mailoutbox[0].body
    assert "coordinator" in body and "6" in body and "/audit/" in body
    assert world[Role.COORDINATOR].email not in body and world[Role.COORDINATOR].last_name not in body
    assert "coordinator" not in caplog.text  # the username goes to coordinators, never to a log


def test_it_alerts_when_someone_reads_many_confidential_addresses(
    world, signed_in, small_thresholds, mailoutbox, django_capture_on_commit_callbacks
):
    shelters = []
    for number in range(5):
        shelter = Service.objects.create(
            organisation=world.ngo, municipality=world.ngo.municipality, name=f"Shelter {number}"
        )
        shelter.locations.add(
            Location.objects.create(
                organisation=world.ngo,
                municipality=world.ngo.municipality,
                name=f"House {number}",
                address_1=f"{CANARY}/{number}",
                is_confidential=True,
                latitude=Decimal("56.95"),
                longitude=Decimal("24.10"),
            )
        )
        shelters.append(shelter)
    provider = signed_in(world[Role.SERVICE_PROVIDER])  # threshold 4
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        for shelter in shelters:
            assert provider.get(reverse("directory:service_detail", args=[shelter.pk])).status_code == 200
    event = alerts().get()
    assert event.details["kind"] == "confidential_address" and event.details["count"] == 4
    assert event.organisation == world.ngo
    assert [mail.to for mail in mailoutbox] == [[world[Role.COORDINATOR].email]]
    assert all(CANARY not in mail.body and "House" not in mail.body for mail in mailoutbox)


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_it_alerts_when_someone_downloads_many_signed_agreements(
    world, signed_in, small_thresholds, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    settings.STROM_PRIVATE_FILES_DIR = tmp_path / "private"
    chain = published_chain(world)
    chain.agreement.document.save("test.pdf", SimpleUploadedFile("x.pdf", MINIMAL_PDF))
    url = reverse("pathways:agreement_document", args=[chain.agreement.pk])
    provider = signed_in(world[Role.SERVICE_PROVIDER])  # a party; threshold 4
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert provider.get(url).status_code == 200
        assert not alerts().exists()
        assert provider.get(url).status_code == 200
        assert provider.get(url).status_code == 200
    assert alerts().get().details == {"kind": "agreement_document", "count": 4, "window_minutes": 15}
    assert [mail.to for mail in mailoutbox] == [[world[Role.COORDINATOR].email]]
