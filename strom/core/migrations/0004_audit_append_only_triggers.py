"""The database refuses changes to the audit trail's rows (security.md 20, issue 7).

PostgreSQL: checkpoints get the same trigger as events (UPDATE and DELETE refused; TRUNCATE left
alone, as for events: a test database reset uses it, and it needs the table owner's rights).

SQLite: UPDATE of an event or a checkpoint is refused. DELETE is not, because Django's test flush
empties SQLite tables with DELETE; a deleted event is caught by the hash chain and the signed
checkpoint instead. SQLite drops a table's triggers when Django rebuilds the table for a schema
change, so a later migration that alters one of these tables must create them again
(tests/test_audit_checkpoint.py fails if they are gone).
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION strom_audit_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditcheckpoint_append_only
    BEFORE UPDATE OR DELETE ON core_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION strom_audit_checkpoint_append_only();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only ON core_auditcheckpoint;
DROP FUNCTION IF EXISTS strom_audit_checkpoint_append_only();
"""

SQLITE_CREATE = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
    """
    CREATE TRIGGER core_auditcheckpoint_no_update BEFORE UPDATE ON core_auditcheckpoint
    BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_update",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_checkpoints")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
