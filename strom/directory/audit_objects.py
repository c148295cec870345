"""The directory's objects as the audit trail names them (contributions' `audit_objects`): one query
per kind, a name only for what the viewer may see, a link only to a page they may open."""

from django.urls import reverse

from strom.core.registry import AuditObject, object_uuids
from strom.directory import permissions as can
from strom.directory import queries
from strom.directory.models import Service


def services(access, events) -> dict[str, AuditObject]:
    """Active services for everyone who reads the directory; others (drafts, archived) for those who
    may edit them, as on the service's own page."""
    if not can.can_view_directory(access):
        return {}
    found = {}
    listed = Service.objects.filter(pk__in=object_uuids(events))
    for service in listed.only("id", "name", "status", "organisation_id", "municipality_id"):
        if service.status == Service.Status.ACTIVE or can.can_edit_service(access, service):
            url = reverse("directory:service_detail", args=[service.pk])
            found[str(service.pk)] = AuditObject(service.name, url)
    return found


def locations(access, events) -> dict[str, AuditObject]:
    visible = queries.locations_visible_to(access).filter(pk__in=object_uuids(events))
    return {str(pk): AuditObject(name) for pk, name in visible.values_list("id", "name")}


AUDIT_OBJECTS = {"directory.service": services, "directory.location": locations}
