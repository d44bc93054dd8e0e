"""Make the event log append-only in the database itself: an UPDATE of a row is refused.

Deletion is refused by the model and by PROTECT foreign keys; a DELETE trigger is left out so that
the test runner can still empty tables between transactional tests on SQLite.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER remiss_statusevent_no_update
BEFORE UPDATE ON remiss_statusevent
BEGIN
    SELECT RAISE(ABORT, 'remiss_statusevent is append-only');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS remiss_statusevent_no_update;"

POSTGRES_CREATE = """
CREATE FUNCTION remiss_statusevent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'remiss_statusevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER remiss_statusevent_no_update
BEFORE UPDATE ON remiss_statusevent
FOR EACH ROW EXECUTE FUNCTION remiss_statusevent_refuse_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS remiss_statusevent_no_update ON remiss_statusevent;
DROP FUNCTION IF EXISTS remiss_statusevent_refuse_update();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("remiss", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
