"""Writes to the service map. Each re-checks its predicate and writes one audit event."""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strom.accounts.access import get_access
from strom.accounts.reading_watch import SensitiveKind, note_sensitive_read
from strom.core.audit import log_event
from strom.directory import permissions as can
from strom.directory import queries
from strom.directory.areas import AreaRow, audit_details, check_areas
from strom.directory.models import DirectoryImport, Location, Service, ServiceArea, ServiceLanguage


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def do_save_service(
    *,
    actor,
    service: Service,
    needs,
    languages: list[str],
    location: Location | None,
    areas: list[AreaRow] | None = None,
) -> Service:
    """Create or change a service with its needs, languages, (first) location and the areas where it
    works besides its own municipality, all or nothing. `areas` None keeps the stored ones."""
    access = get_access(actor)
    stored = None
    if not service._state.adding:
        stored = Service.objects.select_for_update().get(pk=service.pk)
        _require(can.can_edit_service(access, stored))
    _require(can.can_edit_service(access, service))
    _require_works_in(service.organisation, service.municipality, stored)
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
    service.refresh_codes()
    stored_rows = queries.stored_areas(stored) if stored is not None else []
    kept = areas is None
    areas = _checked_areas(access, service, stored, stored_rows, areas)
    if not kept:
        ServiceArea.objects.filter(service=service).delete()
        ServiceArea.objects.bulk_create(
            ServiceArea(service=service, municipality=row.municipality, country_id=row.country, name=row.name)
            for row in areas
        )
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
        details={"needs": len(needs), "languages": len(languages), "areas": audit_details(areas)},
    )
    return service


def _checked_areas(access, service, stored, stored_rows, areas) -> list[AreaRow]:
    """Where the service works, checked for the person (strom/directory/areas.py): a row outside their
    reach is refused (PermissionDenied, a 404 over the API), a row that is wrong for anyone is a
    ValidationError. Stored rows need no permission to keep, unless the service changes hands; they
    are checked again when kept (a service moved to another country cannot keep its old areas)."""
    as_rows = [AreaRow(row.municipality, row.country_id, row.name) for row in stored_rows]
    if not (as_rows if areas is None else areas):
        return []
    same_hands = stored is not None and stored.organisation_id == service.organisation_id
    checked = check_areas(
        as_rows if areas is None else areas,
        listing=service.municipality,
        organisation_name=service.organisation.name,
        scope=queries.area_scope(access, service.organisation),
        stored=frozenset(row.key for row in as_rows) if same_hands else frozenset(),
    )
    if checked.refused:
        raise PermissionDenied(" ".join(checked.refused))
    if checked.invalid:
        raise ValidationError({"service_areas": checked.invalid})
    return checked.rows


def _require_works_in(organisation, municipality, stored) -> None:
    """A listing is placed only where its organisation works, whoever places it (issue 7). A listing
    that stays where it is may still be changed by the municipality's coordinators after a grant ends.
    For the organisation's own staff the predicate has already refused; this names the problem for a
    coordinator who picked an organisation that does not serve the municipality yet."""
    from strom.accounts.queries import organisation_works_in

    unmoved = stored is not None and (stored.organisation_id, stored.municipality_id) == (
        organisation.pk,
        municipality.pk,
    )
    if not unmoved and not organisation_works_in(organisation, municipality):
        raise ValidationError({"organisation": NOT_SERVING})


NOT_SERVING = _(
    "This organisation does not serve this municipality yet. A coordinator of the municipality can "
    "record that it does under “Organisations that serve the municipality”."
)


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


@transaction.atomic
def do_save_location(*, actor, location: Location, service: Service | None = None) -> Location:
    """Create or change a location of an organisation; optionally attach it to one of its services."""
    access = get_access(actor)
    stored = None
    if not location._state.adding:
        stored = Location.objects.select_for_update().get(pk=location.pk)
        _require(can.can_edit_for(access, stored.organisation_id, stored.municipality_id))
    _require(can.can_edit_for(access, location.organisation_id, location.municipality_id))
    _require_works_in(location.organisation, location.municipality, stored)
    if service is not None:
        same_organisation = service.organisation_id == location.organisation_id
        _require(same_organisation and can.can_edit_service(access, service))
    created = location._state.adding
    location.full_clean()
    location.save()
    if service is not None:
        service.locations.add(location)
    log_event(
        actor=actor,
        action="directory.location.created" if created else "directory.location.updated",
        obj=location,
        details={"confidential": location.is_confidential},
    )
    return location


@transaction.atomic
def do_import_directory(*, actor, municipality, plan, progress=None):
    """Write a checked HSDS import into a municipality's directory: its coordinators only."""
    from strom.accounts.roles import Perm
    from strom.directory.hsds.applying import apply_import

    _require(str(municipality.pk) in get_access(actor).municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY))
    return apply_import(plan, actor=actor, municipality=municipality, progress=progress)


@transaction.atomic
def do_check_directory_import(*, actor, municipality, file_name: str, payload: bytes) -> DirectoryImport:
    """Keep an uploaded HSDS file with the result of its dry run, for its uploader to read and then apply
    (do_queue_directory_import). The dry run writes nothing to the directory."""
    from strom.accounts.roles import Perm
    from strom.directory.hsds.reading import plan_import

    _require(str(municipality.pk) in get_access(actor).municipalities_with(Perm.MANAGE_MUNICIPAL_DIRECTORY))
    kind = "zip" if payload[:2] == b"PK" else "json"
    plan = plan_import(payload, municipality, kind=kind, actor=actor)
    return DirectoryImport.objects.create(
        municipality=municipality,
        created_by=actor,
        file_name=file_name[:200],
        kind=kind,
        payload=payload,
        status=DirectoryImport.Status.CHECKED if plan.ok else DirectoryImport.Status.INVALID,
        problems=[str(problem) for problem in plan.problems],
        preview=asdict(plan.preview),
    )


@transaction.atomic
def do_queue_directory_import(*, actor, job: DirectoryImport) -> bool:
    """Mark the uploader's checked import for the background worker. Only once: a second press finds it
    queued already and returns False. The caller starts the task (run_directory_import), which checks
    the uploader's permission again when it writes."""
    queued = DirectoryImport.objects.filter(
        pk=job.pk, created_by=actor, status=DirectoryImport.Status.CHECKED
    ).update(status=DirectoryImport.Status.QUEUED)
    return bool(queued)


# --- Reading confidential addresses (security.md 10, 18, 22) ------------------------------------

CONFIDENTIAL_ADDRESS = SensitiveKind("confidential_address", _("confidential addresses"))
READ_CHANNELS = ("page", "api")


@transaction.atomic
def record_confidential_reads(*, actor, locations: list[Location], channel: str) -> None:
    """Before a page or an API answer reveals these confidential addresses: one audit event per
    location, and the unusual-reading count. Call it in the transaction that reads them, so that if
    the event cannot be written, nothing is revealed."""
    assert channel in READ_CHANNELS
    access = get_access(actor)
    for location in locations:
        _require(location.is_confidential and can.can_see_confidential(access, location))
        log_event(
            actor=actor,
            action="directory.location.confidential_read",
            obj=location,
            details={"channel": channel},
        )
        note_sensitive_read(actor, CONFIDENTIAL_ADDRESS, organisation=location.organisation)


@transaction.atomic
def record_confidential_export(*, actor, locations: list[Location], municipality) -> None:
    """Before an authorised export reveals these confidential addresses: one audit event with their
    count, and the unusual-reading count."""
    if not locations:
        return
    access = get_access(actor)
    _require(all(loc.is_confidential and can.can_see_confidential(access, loc) for loc in locations))
    log_event(
        actor=actor,
        action="directory.location.confidential_read",
        organisation=_acting_organisation(access, municipality),
        details={"channel": "export", "count": len(locations)},
    )
    note_sensitive_read(actor, CONFIDENTIAL_ADDRESS, municipality_id=municipality.pk, count=len(locations))


def _acting_organisation(access, municipality):
    """The organisation the person acts for in that municipality, so the event shows on its audit page."""
    from strom.accounts.models import Organisation

    seat = next((s for s in access.seats if s.municipality_id == str(municipality.pk)), None)
    return Organisation.objects.filter(pk=seat.organisation_id).first() if seat else None
