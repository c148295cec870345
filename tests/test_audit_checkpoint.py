"""Signed checkpoints anchor the audit chain's head, so that removing the newest events, or all of them,
no longer verifies as intact (issue 7, item 2)."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from strom.core.audit import log_event
from strom.core.checkpoints import write_checkpoint
from strom.core.models import AppendOnlyError, AuditCheckpoint, AuditEvent
from strom.core.tasks import write_audit_checkpoint

TRIGGERS = {
    "core_auditevent": "core_auditevent_append_only",
    "core_auditcheckpoint": "core_auditcheckpoint_append_only",
}


def log_events(count: int) -> list[AuditEvent]:
    return [log_event(actor=None, action="test.checkpointed_step") for _ in range(count)]


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def checkpoint_audit() -> str:
    out = StringIO()
    call_command("checkpoint_audit", stdout=out)
    return out.getvalue()


def delete_behind_the_applications_back(sql: str, params: list) -> None:
    """A DELETE as the database owner would run it: past the queryset guard, and on PostgreSQL with
    the append-only triggers switched off. SQLite has no delete trigger (Django's test flush deletes)."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        try:
            cursor.execute(sql, params)
        finally:
            if postgresql:
                for table, trigger in TRIGGERS.items():
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- what verify_audit now catches ------------------------------------------------------------


def test_it_reports_the_deletion_of_the_newest_events(db):
    log_events(5)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent WHERE seq > %s", [3])

    with pytest.raises(CommandError, match=r"broken at event 4: the trail holds 3 events.*up to event 5"):
        verify_audit()


def test_it_reports_a_wiped_trail_while_a_checkpoint_exists(db):
    log_events(3)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent", [])

    with pytest.raises(CommandError, match=r"trail is empty, but the newest checkpoint .* recorded 3 events"):
        verify_audit()


def test_it_reports_a_trail_rewritten_after_the_checkpoint(db):
    log_events(3)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent", [])
    for _ in range(4):
        log_event(actor=None, action="test.rewritten_history")

    with pytest.raises(CommandError, match=r"broken at event 3: its hash is not the one .* rewritten"):
        verify_audit()


def test_it_reports_a_checkpoint_signed_with_another_key(db, settings):
    log_events(2)
    checkpoint_audit()
    settings.STROM_AUDIT_CHECKPOINT_KEY = "test-only-a-key-the-attacker-made-up"
    log_event(actor=None, action="test.after_the_forgery")
    write_checkpoint()
    assert AuditCheckpoint.objects.count() == 2
    settings.STROM_AUDIT_CHECKPOINT_KEY = "test-only-audit-checkpoint-key-not-for-any-deployment"

    with pytest.raises(CommandError, match=r"checkpoint at event 3 is not trustworthy: it was signed with"):
        verify_audit()


def test_it_reports_a_checkpoint_whose_fields_do_not_match_its_signature(db):
    log_events(2)
    genuine, _written = write_checkpoint()
    AuditCheckpoint.objects.create(
        seq=genuine.seq,
        hash="f" * 64,
        event_count=genuine.event_count,
        created_at=genuine.created_at,
        key_id=genuine.key_id,
        signature=genuine.signature,
    )

    with pytest.raises(CommandError, match=r"checkpoint at event 2 is not trustworthy: its signature"):
        verify_audit()


def test_it_reports_an_intact_trail_with_the_checkpoint_it_matched(db):
    log_events(4)
    checkpoint_audit()
    log_events(2)  # events after the newest checkpoint are fine: the chain covers them

    output = verify_audit()

    assert "Audit trail intact: 6 events checked." in output
    assert "Matches the newest checkpoint: event 4" in output


def test_it_says_when_there_is_no_checkpoint_yet(db):
    log_events(2)
    output = verify_audit()
    assert "intact: 2 events" in output
    assert "No checkpoint yet" in output


def test_it_still_names_the_first_edited_event_when_a_checkpoint_exists(db):
    log_events(4)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent WHERE seq = %s", [2])

    with pytest.raises(CommandError, match=r"event 2: .*missing"):
        verify_audit()


# --- writing checkpoints ----------------------------------------------------------------------


def test_it_writes_one_checkpoint_per_head_from_the_periodic_task(db):
    log_events(3)

    assert write_audit_checkpoint.call_local() is True
    assert write_audit_checkpoint.call_local() is True
    assert list(AuditCheckpoint.objects.values_list("seq", "event_count")) == [(3, 3)]

    log_event(actor=None, action="test.head_moved")
    write_audit_checkpoint.call_local()
    assert list(AuditCheckpoint.objects.order_by("seq").values_list("seq", "event_count")) == [(3, 3), (4, 4)]
    assert AuditCheckpoint.objects.get(seq=4).hash == AuditEvent.objects.get(seq=4).hash


def test_it_writes_no_checkpoint_for_an_empty_trail(db):
    assert "empty: nothing to sign" in checkpoint_audit()
    assert not AuditCheckpoint.objects.exists()


def test_it_refuses_to_sign_a_head_after_the_tail_was_deleted(db, caplog):
    log_events(5)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent WHERE seq > %s", [3])
    log_event(actor=None, action="test.written_over_the_gap")

    with pytest.raises(CommandError, match=r"No checkpoint written: event 5, recorded by the last"):
        checkpoint_audit()
    assert write_audit_checkpoint.call_local() is False
    assert "Audit checkpoint refused" in caplog.text
    assert AuditCheckpoint.objects.count() == 1


def test_it_signs_again_under_a_new_key_and_skips_checkpoints_of_the_old_one(db, settings):
    log_events(2)
    checkpoint_audit()
    settings.STROM_AUDIT_CHECKPOINT_KEY = "test-only-the-next-checkpoint-key-after-rotation"

    with pytest.raises(CommandError, match="signed with key"):
        verify_audit()
    assert "Checkpoint written: event 2" in checkpoint_audit()
    assert "intact: 2 events" in verify_audit()


def test_it_copies_each_checkpoint_to_the_file_and_the_log(db, settings, tmp_path, caplog):
    settings.STROM_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    caplog.set_level(logging.INFO, logger="strom.audit.checkpoint")
    log_events(2)
    checkpoint_audit()
    log_events(1)
    checkpoint_audit()

    lines = [json.loads(line) for line in (tmp_path / "checkpoints.jsonl").read_text().splitlines()]
    assert [(line["seq"], line["event_count"]) for line in lines] == [(2, 2), (3, 3)]
    assert lines[1]["hash"] == AuditEvent.objects.get(seq=3).hash
    assert set(lines[1]) == {"seq", "hash", "event_count", "created_at", "key_id", "signature"}
    logged = [r.getMessage() for r in caplog.records if r.name == "strom.audit.checkpoint"]
    assert logged == [
        f"Audit checkpoint seq=2 hash={lines[0]['hash']}",
        f"Audit checkpoint seq=3 hash={lines[1]['hash']}",
    ]
    assert "Matches the checkpoint file: event 3" in verify_audit()


def test_it_catches_from_the_file_copy_a_tail_deleted_with_its_checkpoints(db, settings, tmp_path):
    settings.STROM_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    log_events(3)
    checkpoint_audit()
    log_events(2)
    checkpoint_audit()
    delete_behind_the_applications_back("DELETE FROM core_auditevent WHERE seq > %s", [3])
    delete_behind_the_applications_back("DELETE FROM core_auditcheckpoint WHERE seq > %s", [3])

    with pytest.raises(CommandError, match=r"broken at event 4: .*the checkpoint file .* up to event 5") as e:
        verify_audit()
    assert "newest checkpoint" not in str(e.value)


def test_it_reports_a_missing_checkpoint_file(db, settings, tmp_path):
    log_events(1)
    checkpoint_audit()
    settings.STROM_AUDIT_CHECKPOINT_FILE = str(tmp_path / "never-written.jsonl")

    with pytest.raises(CommandError, match=r"checkpoint file .* is missing or empty"):
        verify_audit()


# --- append-only ------------------------------------------------------------------------------


def test_it_refuses_to_change_or_remove_checkpoints_through_the_orm(db):
    log_events(1)
    checkpoint, _written = write_checkpoint()
    checkpoint.hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        checkpoint.save()
    with pytest.raises(AppendOnlyError):
        checkpoint.delete()
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.update(seq=0)
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.bulk_update([checkpoint], ["hash"])
    assert "intact: 1 events" in verify_audit()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'test.changed'",
        "UPDATE core_auditevent SET seq = seq + 1000",
        "UPDATE core_auditcheckpoint SET event_count = 99",
    ],
)
def test_it_has_the_database_refuse_raw_updates(db, statement):
    """Both databases: the PostgreSQL triggers refuse UPDATE and DELETE, the SQLite ones UPDATE."""
    event = log_event(actor=None, action="test.kept")
    write_checkpoint()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert list(AuditEvent.objects.values_list("seq", "action", "hash")) == [(1, "test.kept", event.hash)]
    assert list(AuditCheckpoint.objects.values_list("event_count", flat=True)) == [1]


def test_it_lets_the_test_flush_empty_both_tables(transactional_db):
    """Django's flush between tests uses TRUNCATE on PostgreSQL and DELETE on SQLite: neither trigger
    may stand in its way."""
    log_events(2)
    write_checkpoint()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert not AuditCheckpoint.objects.exists()
