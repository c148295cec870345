"""Writes to the service map. Each re-checks its predicate and writes one audit event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from strom.accounts.access import get_access
from strom.core.audit import log_event
from strom.directory import permissions as can
from strom.directory.models import Location, Service, ServiceLanguage


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def do_save_service(
    *, actor, service: Service, needs, languages: list[str], location: Location | None
) -> Service:
    """Create or change a service with its needs, languages and (first) location, all or nothing."""
    access = get_access(actor)
    if not service._state.adding:
        stored = Service.objects.select_for_update().get(pk=service.pk)
        _require(can.can_edit_service(access, stored))
    _require(can.can_edit_service(access, service))
    created = service._state.adding
    if service.capacity_free is not None and (created or _capacity_changed(service)):
        service.capacity_updated_at = timezone.now()
    service.last_verified_at = timezone.now()
    service.full_clean()
    service.save()
    service.needs.set(needs)
    ServiceLanguage.objects.filter(service=service).exclude(code__in=languages).delete()
    for code in languages:
        ServiceLanguage.objects.get_or_create(service=service, code=code)
    if location is not None:
        location.organisation = service.organisation
        location.municipality = service.municipality
        location.full_clean()
        location.save()
        service.locations.add(location)
    log_event(
        actor=actor,
        action="directory.service.created" if created else "directory.service.updated",
        obj=service,
        details={"needs": len(needs), "languages": len(languages)},
    )
    return service


def _capacity_changed(service: Service) -> bool:
    before = Service.objects.filter(pk=service.pk).values_list("capacity_free", "capacity_total").first()
    return before != (service.capacity_free, service.capacity_total)


@transaction.atomic
def do_update_capacity(*, actor, service: Service, free: int) -> Service:
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require(can.can_edit_service(get_access(actor), service))
    now = timezone.now()
    Service.objects.filter(pk=service.pk).update(
        capacity_free=free, capacity_updated_at=now, last_verified_at=now
    )
    service.refresh_from_db()
    log_event(actor=actor, action="directory.capacity.updated", obj=service, details={"free": free})
    return service


@transaction.atomic
def do_confirm_listing(*, actor, service: Service) -> Service:
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require(can.can_edit_service(get_access(actor), service))
    Service.objects.filter(pk=service.pk).update(
        last_verified_at=timezone.now(), verification_reminder_sent_at=None
    )
    service.refresh_from_db()
    log_event(actor=actor, action="directory.service.confirmed", obj=service)
    return service
