from datetime import timedelta

import time_machine
from django.utils import timezone

from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.directory.models import Service
from strom.directory.tasks import remind_to_confirm_listings
from tests.factories import make_member


def test_it_reminds_the_provider_once_per_listing_after_six_months(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    make_member(world.ngo, Role.SERVICE_PROVIDER, email="second.provider@example.invalid")
    service = Service.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Old listing"
    )
    Service.objects.create(organisation=world.ngo, municipality=world.ngo.municipality, name="Fresh listing")
    Service.objects.filter(pk=service.pk).update(last_verified_at=timezone.now() - timedelta(days=200))

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_to_confirm_listings.call_local() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_to_confirm_listings.call_local() == 0  # the second run sends nothing more

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [world[Role.SERVICE_PROVIDER].email, "second.provider@example.invalid"]
    )
    assert "Old listing" in mailoutbox[0].body and f"/directory/services/{service.pk}/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="directory.service.reminder_sent").count() == 1


def test_it_reminds_again_six_months_after_the_listing_is_confirmed(
    world, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    service = Service.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Listing"
    )
    Service.objects.filter(pk=service.pk).update(last_verified_at=timezone.now() - timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        remind_to_confirm_listings.call_local()
    signed_in(world[Role.SERVICE_PROVIDER]).post(f"/directory/services/{service.pk}/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_to_confirm_listings.call_local() == 0
    with (
        time_machine.travel(timezone.now() + timedelta(days=183)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_to_confirm_listings.call_local() == 1
    assert len(mailoutbox) == 2
