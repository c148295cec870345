"""Signed checkpoints of the audit chain's head (issue 7, docs/adr/0006-audit-trail.md).

The hash chain shows an edited, reordered or removed event as long as a later event still points to
it. The newest events have no later event, so removing them (or all events) leaves a chain that
verifies. A checkpoint closes that gap: it records the head's sequence number and hash and the number
of events, signed with HMAC-SHA256 under ``STROM_AUDIT_CHECKPOINT_KEY``, a key kept outside the
database and distinct from ``SECRET_KEY``. ``verify_trail`` then requires the chain to still hold the
newest checkpoint's event with the same hash. Each checkpoint can also go, as one JSON line, to
``STROM_AUDIT_CHECKPOINT_FILE`` and to the ``strom.audit.checkpoint`` logger, for copies beyond the
reach of whoever controls the database.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from strom.core.audit import _lock_chain, verify_chain, verify_stored_chain
from strom.core.models import AuditCheckpoint, AuditEvent

logger = logging.getLogger("strom.audit.checkpoint")

SIGNATURE_CONTEXT = "strom-audit-checkpoint-v1"


class CheckpointRefused(Exception):
    """The chain no longer fits the last checkpoint, so signing its head would bless the damage."""


def _key() -> bytes:
    key = getattr(settings, "STROM_AUDIT_CHECKPOINT_KEY", None)
    if not key:
        raise ImproperlyConfigured("STROM_AUDIT_CHECKPOINT_KEY is not set; see docs/deployment.md.")
    return key.encode()


def key_id_of(key: bytes) -> str:
    """A public fingerprint of the key: names which key signed, reveals nothing about it."""
    return hmac.new(key, b"strom-audit-checkpoint-key-id", hashlib.sha256).hexdigest()[:16]


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _signature(key: bytes, *, seq: int, hash: str, event_count: int, created_at: str, key_id: str) -> str:
    message = "|".join([SIGNATURE_CONTEXT, str(seq), hash, str(event_count), created_at, key_id])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def as_record(checkpoint: AuditCheckpoint) -> dict:
    """The checkpoint as written to the file copy; also what the signature covers."""
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "event_count": checkpoint.event_count,
        "created_at": _timestamp(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def signature_problem(record: dict) -> str | None:
    """Why a checkpoint record cannot be trusted, or None when its signature verifies."""
    key = _key()
    if record.get("key_id") != key_id_of(key):
        return (
            f"it was signed with key {record.get('key_id')!r}, not the configured key {key_id_of(key)!r} "
            "(forged, or the key changed without a new checkpoint: run checkpoint_audit)"
        )
    try:
        expected = _signature(
            key,
            seq=int(record["seq"]),
            hash=str(record["hash"]),
            event_count=int(record["event_count"]),
            created_at=str(record["created_at"]),
            key_id=str(record["key_id"]),
        )
    except (KeyError, TypeError, ValueError):
        return "it is incomplete"
    if not hmac.compare_digest(expected, str(record.get("signature", ""))):
        return "its signature does not verify (forged or altered)"
    return None


def _check_since(last: AuditCheckpoint | None) -> None:
    """Refuse to sign a head that does not extend the last trusted checkpoint."""
    if last is None or signature_problem(as_record(last)) is not None:
        problem, _count, _seen = verify_stored_chain()
    else:
        anchor = AuditEvent.objects.filter(seq=last.seq).values_list("hash", flat=True).first()
        if anchor != last.hash:
            raise CheckpointRefused(
                f"event {last.seq}, recorded by the last checkpoint, is missing or changed; run verify_audit"
            )
        later = AuditEvent.objects.filter(seq__gt=last.seq).order_by("seq").iterator(chunk_size=2000)
        problem = verify_chain(later, first_seq=last.seq + 1, previous_hash=last.hash)
    if problem is not None:
        raise CheckpointRefused(f"the audit trail is broken at event {problem.seq}; run verify_audit")


def write_checkpoint() -> tuple[AuditCheckpoint | None, bool]:
    """Sign the chain's current head. Returns (the newest checkpoint, whether it was written now);
    nothing is written while the head and the key are unchanged, or while the trail is empty."""
    key = _key()
    key_id = key_id_of(key)
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        last = AuditCheckpoint.objects.order_by("-seq", "-id").first()
        if head is None and last is None:
            return None, False
        if last is not None and head == (last.seq, last.hash) and last.key_id == key_id:
            return last, False
        _check_since(last)
        now = timezone.now()
        checkpoint = AuditCheckpoint(
            seq=head[0],
            hash=head[1],
            event_count=AuditEvent.objects.count(),
            created_at=now,
            key_id=key_id,
        )
        checkpoint.signature = _signature(
            key,
            seq=checkpoint.seq,
            hash=checkpoint.hash,
            event_count=checkpoint.event_count,
            created_at=_timestamp(now),
            key_id=key_id,
        )
        checkpoint.save(force_insert=True)
    _copy_off_database(checkpoint)
    return checkpoint, True


def _copy_off_database(checkpoint: AuditCheckpoint) -> None:
    logger.info("Audit checkpoint seq=%s hash=%s", checkpoint.seq, checkpoint.hash)
    path = settings.STROM_AUDIT_CHECKPOINT_FILE
    if not path:
        return
    line = json.dumps(as_record(checkpoint), sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a") as file:
        file.write(line)
        file.flush()
        os.fsync(file.fileno())


def last_file_record(path: str) -> dict | None:
    """The newest checkpoint in the file copy, or None when the file is missing or empty."""
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                return {"unreadable": True}
            return record if isinstance(record, dict) else {"unreadable": True}
    return None


@dataclass
class TrailReport:
    events: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _compare(source: str, record: dict, *, events: int, seen: dict[int, str]) -> str | None:
    seq, expected, recorded = int(record["seq"]), record["hash"], int(record["event_count"])
    when = record["created_at"]
    if events == 0:
        return (
            f"The audit trail is empty, but {source} of {when} recorded {recorded} events up to "
            f"event {seq}: the events were deleted."
        )
    if events < recorded or seq not in seen:
        return (
            f"Audit trail broken at event {events + 1}: the trail holds {events} events, but {source} "
            f"of {when} recorded {recorded} events up to event {seq}: the newest events were deleted."
        )
    if seen[seq] != expected:
        return (
            f"Audit trail broken at event {seq}: its hash is not the one {source} of {when} recorded: "
            "the trail was rewritten at or before this event."
        )
    return None


def verify_trail() -> TrailReport:
    """The chain from genesis, every checkpoint's signature, and the newest checkpoint (in the
    database and in the file copy) against the chain."""
    report = TrailReport()
    anchors: list[tuple[str, dict]] = []

    current_key_id = key_id_of(_key())
    newest_id = AuditCheckpoint.objects.order_by("-seq", "-id").values_list("id", flat=True).first()
    # Checkpoints signed under an earlier key cannot be checked any more and are skipped; the newest
    # one must always verify under the current key.
    for checkpoint in AuditCheckpoint.objects.order_by("seq", "id").iterator(chunk_size=2000):
        problem = signature_problem(as_record(checkpoint))
        newest = checkpoint.id == newest_id
        if problem and (newest or checkpoint.key_id == current_key_id):
            report.problems.append(
                f"Audit checkpoint at event {checkpoint.seq} is not trustworthy: {problem}."
            )
        elif not problem and newest:
            anchors.append(("the newest checkpoint", as_record(checkpoint)))

    path = settings.STROM_AUDIT_CHECKPOINT_FILE
    if path:
        record = last_file_record(path)
        if record is None:
            if AuditCheckpoint.objects.exists():
                report.problems.append(f"The checkpoint file {path} is missing or empty.")
        elif problem := ("it cannot be read" if record.get("unreadable") else signature_problem(record)):
            report.problems.append(f"The last line of the checkpoint file is not trustworthy: {problem}.")
        else:
            anchors.append(("the checkpoint file", record))

    chain_problem, _read, seen = verify_stored_chain(int(record["seq"]) for _source, record in anchors)
    report.events = AuditEvent.objects.count()
    if chain_problem:
        report.problems.insert(0, f"Audit trail broken at event {chain_problem.seq}: {chain_problem.reason}.")
        return report
    for source, record in anchors:
        if mismatch := _compare(source, record, events=report.events, seen=seen):
            report.problems.append(mismatch)
        else:
            report.notes.append(
                f"Matches {source}: event {record['seq']} of {record['created_at']}, key {record['key_id']}."
            )
    if not anchors and not report.problems:
        report.notes.append(
            "No checkpoint yet: the removal of the newest events cannot be detected until "
            "checkpoint_audit has run."
        )
    return report
