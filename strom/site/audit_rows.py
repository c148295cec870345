"""The audit trail as a person reads it: what happened in words, and the object by its name with a
link where the viewer may open it. Never an action code, a model label or an id: the apps name their
own objects (contributions' `audit_objects`), all of a page's objects of one kind at once."""

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst

from strom.core import registry
from strom.core.models import AuditEvent


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    label: str
    object_name: str = ""
    object_url: str | None = None
    object_kind: str = ""  # what kind of thing it was, when its name is not shown


def _kind_of(object_type: str) -> str:
    try:
        return capfirst(str(apps.get_model(object_type)._meta.verbose_name))
    except (LookupError, ValueError):
        return ""


def audit_rows(access, events) -> list[AuditRow]:
    events = list(events)
    objects = registry.audit_objects_for(access, events)
    rows = []
    for event in events:
        shown = objects.get((event.object_type, event.object_id))
        if shown is not None and shown.name:
            rows.append(AuditRow(event, event.action_label, str(shown.name), shown.url))
        else:
            kind = _kind_of(event.object_type) if event.object_type else ""
            rows.append(AuditRow(event, event.action_label, object_kind=kind))
    return rows
