"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit events (security.md 20).

TRUNCATE is left alone: it is what a test database reset or a deliberate, documented purge uses, and
it needs table-owner rights that the application role does not have in production.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION strom_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION strom_audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS strom_audit_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_events")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
