"""Applying a checked HSDS import (apply_import): one transaction, all or nothing, one audit event.

It writes what a plan from reading.py holds, after matching it again inside the transaction (resolve),
and refuses a plan with problems or one checked for another municipality. It reads no file and checks
no permission: the caller (an action, do_import_directory) does.
"""

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from strom.core.audit import log_event
from strom.directory.hsds.reading import ImportPlan, ImportSummary, Resolution, resolve
from strom.directory.hsds.schema import Problem
from strom.directory.models import Location, Service, ServiceArea, ServiceLanguage


def _refusal(problems: list[Problem]) -> str:
    return ngettext(
        "Nothing was imported, because of this problem: %(first)s",
        "Nothing was imported, because of %(count)d problems. The first: %(first)s",
        len(problems),
    ) % {"count": len(problems), "first": problems[0]}


def _save_organisations(resolution: Resolution) -> None:
    for organisation in {o.pk: o for o in resolution.organisations.values()}.values():
        if organisation._state.adding:
            organisation.save()
    for organisation in resolution.renamed.values():
        organisation.save(update_fields=["name"])


def _grant_municipality(resolution: Resolution, actor, municipality) -> None:
    from strom.accounts.actions import record_municipality_grant

    for organisation in resolution.to_grant:  # the caller (an action) checked the actor may grant here
        record_municipality_grant(actor=actor, organisation=organisation, municipality=municipality)


def _save_locations(plan: ImportPlan, resolution: Resolution, municipality) -> None:
    existing = Location.objects.in_bulk([uid for uid, _ in resolution.locations.values()])
    for sid, draft in plan.locations.items():
        uid, _ = resolution.locations[sid]
        location = existing.get(uid) or Location(pk=uid)
        for name, value in draft.values.items():
            setattr(location, name, value)
        location.organisation = resolution.organisations[draft.organisation_id]
        location.municipality = municipality
        location.save()


def _set_values(service: Service, values: dict) -> None:
    before = (service.capacity_free, service.capacity_total)
    for name, value in values.items():
        setattr(service, name, value)
    changed = service._state.adding or before != (service.capacity_free, service.capacity_total)
    if service.capacity_free is not None and changed:
        service.capacity_updated_at = timezone.now()


def _set_languages(service: Service, codes: list[str]) -> None:
    ServiceLanguage.objects.filter(service=service).exclude(code__in=codes).delete()
    have = set(ServiceLanguage.objects.filter(service=service).values_list("code", flat=True))
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=service, code=c) for c in codes if c not in have]
    )


def _set_locations(service: Service, location_ids: list[uuid.UUID]) -> None:
    # A public export leaves shelters out on purpose: a file that does not mention a confidential
    # location is no request to unlink it.
    kept = (
        service.locations.filter(is_confidential=True)
        .exclude(pk__in=location_ids)
        .values_list("pk", flat=True)
    )
    service.locations.set([*location_ids, *kept])


def _set_areas(service: Service, rows) -> None:
    """The file says where each service works: its areas replace the stored ones (none: only the
    municipality that lists it). resolve() has checked them for the importing person."""
    ServiceArea.objects.filter(service=service).delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, municipality=row.municipality, country_id=row.country, name=row.name)
        for row in rows
    )


def _save_services(plan: ImportPlan, resolution: Resolution, municipality, progress) -> None:
    existing = Service.objects.in_bulk([uid for uid, _ in resolution.services.values()])
    total = len(plan.services)
    for done, draft in enumerate(plan.services, 1):
        uid, _ = resolution.services[draft.source_id]
        service = existing.get(uid) or Service(pk=uid, municipality=municipality)
        _set_values(service, draft.values)
        service.organisation = resolution.organisations[draft.organisation_id]
        service.save()
        service.needs.set(draft.needs)
        _set_languages(service, draft.languages)
        _set_locations(service, [resolution.locations[sid][0] for sid in draft.location_ids])
        _set_areas(service, resolution.areas.get(draft.source_id, []))
        service.refresh_codes()
        if progress is not None:
            progress(done, total)


def apply_import(
    plan: ImportPlan, *, actor, municipality, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Write a checked plan into the municipality's directory, all or nothing, with one audit event.

    Raises ValidationError, naming the first problem, when the plan has problems, was checked for
    another municipality, or no longer fits the directory. progress(done, total) is called after
    each service. Permission checks belong to the caller (an action), except where each service works:
    its areas are checked against the actor by the page's rules (strom/directory/areas.py)."""
    if str(municipality.pk) != plan.municipality_id:
        raise ValidationError(gettext("This import was checked for another municipality. Check it again."))
    if plan.problems:
        raise ValidationError(_refusal(plan.problems))
    try:
        with transaction.atomic():
            resolution = resolve(plan, municipality, actor=actor)
            if resolution.problems:
                raise ValidationError(_refusal(resolution.problems))
            summary = resolution.summary()
            _save_organisations(resolution)
            _grant_municipality(resolution, actor, municipality)
            _save_locations(plan, resolution, municipality)
            _save_services(plan, resolution, municipality, progress)
            log_event(
                actor=actor,
                action="directory.import.applied",
                organisation=None,
                details=summary.audit_details(),
            )
    except IntegrityError as error:
        message = gettext("Nothing was imported: the directory changed meanwhile. Check the file again.")
        raise ValidationError(message) from error
    return summary
