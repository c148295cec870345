"""One way to write to the audit trail: ``log_event``.

Each event carries the hash of the one before it, so that editing, deleting or reordering a stored
event breaks the chain, and ``verify_chain`` names the first event that no longer fits.

Writers are serialised so that two events never claim the same place in the chain: PostgreSQL takes a
transaction-scoped advisory lock; SQLite runs every transaction as BEGIN IMMEDIATE (see settings), so
only one writer is ever inside. The event is written in the caller's transaction: if the caller rolls
back, so does its event, and if the event cannot be written, the caller's work fails too.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from strom.core.models import AuditEvent
from strom.core.request_context import current_request_id

GENESIS_HASH = "0" * 64
ADVISORY_LOCK_KEY = 0x5354524F4D  # "STROM"

Severity = AuditEvent.Severity


def _canonical(event: AuditEvent) -> bytes:
    created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": event.seq,
        "created_at": created,
        "actor": str(event.actor_id) if event.actor_id else None,
        "organisation": str(event.organisation_id) if event.organisation_id else None,
        "action": event.action,
        "severity": event.severity,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "request_id": event.request_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _object_reference(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _organisation_of(obj):
    """The event's organisation: the object itself if it is one, else the object's own. Core names no
    app: an organisation is whatever the trail's organisation column points at."""
    if isinstance(obj, AuditEvent._meta.get_field("organisation").related_model):
        return obj
    return getattr(obj, "organisation", None)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


_PLAIN = (str, int, bool, type(None))


def _check_details(value, path="details"):
    """Only ids, counts, codes and flags: values that every database stores and returns unchanged, so
    that the hash computed now still matches what verify_audit reads back later (PostgreSQL's jsonb
    would rewrite floats such as 1e20)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} keys must be strings")
            _check_details(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
    elif not isinstance(value, _PLAIN) or (isinstance(value, int) and abs(value) >= 2**53):
        raise TypeError(f"{path} must hold strings, whole numbers, booleans, lists and dicts only")


def log_event(
    *,
    actor,
    action: str,
    obj=None,
    severity: str = Severity.INFO,
    organisation=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. ``details`` must never hold personal data: ids, counts and codes only."""
    _check_details(details or {})
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type, object_id = _object_reference(obj)
    organisation = organisation if organisation is not None else _organisation_of(obj)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        event = AuditEvent(
            seq=(last[0] + 1) if last else 1,
            created_at=timezone.now(),
            actor=actor,
            organisation=organisation,
            action=action,
            severity=severity,
            object_type=object_type,
            object_id=object_id,
            request_id=current_request_id.get(),
            details=details or {},
            prev_hash=last[1] if last else GENESIS_HASH,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    events: Iterable[AuditEvent], *, first_seq: int = 1, previous_hash: str = GENESIS_HASH
) -> ChainProblem | None:
    """Walk the events in stored order; return the first one that breaks the chain, or None.
    ``first_seq`` and ``previous_hash`` start the walk after a known-good event instead of at genesis."""
    expected_seq = first_seq
    for event in events:
        if event.seq != expected_seq:
            return ChainProblem(
                expected_seq, f"event {expected_seq} is missing (the next stored event is {event.seq})"
            )
        if event.prev_hash != previous_hash:
            return ChainProblem(event.seq, "its link to the previous event is broken (deleted or reordered)")
        if compute_hash(event) != event.hash:
            return ChainProblem(event.seq, "its content does not match its hash (edited)")
        previous_hash = event.hash
        expected_seq += 1
    return None


def verify_stored_chain(watch: Iterable[int] = ()) -> tuple[ChainProblem | None, int, dict[int, str]]:
    """Walk the whole stored chain. Returns the first problem, the number of events read, and the
    stored hash of each event named in ``watch`` that was reached."""
    count = 0
    watched = set(watch)
    seen: dict[int, str] = {}

    def counted():
        nonlocal count
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
            count += 1
            if event.seq in watched:
                seen[event.seq] = event.hash
            yield event

    return verify_chain(counted()), count, seen
