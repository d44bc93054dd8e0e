"""The date each recipient must answer by, kept in its own column by the database: the
extension if one was granted, else the remiss' deadline. Lists sorted by it (Försenade svar,
Att besvara) then read an index in order instead of computing COALESCE(extended_deadline,
remiss.deadline) for every row and sorting them all: kommunstyrelsen's twenty longest-overdue
replies read all 13,818 overdue replies of the 2,000-remiss bench city.

Triggers, not Python, keep it: every path that writes a recipient or a remiss' deadline (the
workflow, the admin, bulk updates, fixtures) then keeps it right. On PostgreSQL the recipient's
trigger sets the value before the row is written; SQLite's triggers cannot change NEW, so they
update the row after it (the column may therefore be NULL inside the INSERT itself, hence
nullable). The remiss' trigger moves the deadline of those of its recipients without an
extension.

SQLite drops a table's triggers when Django rebuilds the table (an AlterField there copies the
table): a later migration that rebuilds remiss_recipient or remiss_remiss must create them again
(`sqlite_sql()` below).
"""

from django.db import migrations, models

FILL = """UPDATE remiss_recipient SET answer_by = COALESCE(extended_deadline,
    (SELECT deadline FROM remiss_remiss WHERE remiss_remiss.id = remiss_recipient.remiss_id))"""


def sqlite_sql() -> list[str]:
    own = """UPDATE remiss_recipient SET answer_by = COALESCE(NEW.extended_deadline,
        (SELECT deadline FROM remiss_remiss WHERE id = NEW.remiss_id)) WHERE id = NEW.id;"""
    return [
        f"""CREATE TRIGGER remiss_recipient_answer_by_insert AFTER INSERT ON remiss_recipient
        BEGIN {own} END;""",
        f"""CREATE TRIGGER remiss_recipient_answer_by_update
        AFTER UPDATE OF extended_deadline, remiss_id, answer_by ON remiss_recipient
        BEGIN {own} END;""",
        """CREATE TRIGGER remiss_remiss_answer_by AFTER UPDATE OF deadline ON remiss_remiss
        WHEN NEW.deadline IS NOT OLD.deadline
        BEGIN
            UPDATE remiss_recipient SET answer_by = COALESCE(extended_deadline, NEW.deadline)
            WHERE remiss_id = NEW.id;
        END;""",
    ]


def sqlite_drop() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS remiss_recipient_answer_by_insert;",
        "DROP TRIGGER IF EXISTS remiss_recipient_answer_by_update;",
        "DROP TRIGGER IF EXISTS remiss_remiss_answer_by;",
    ]


def postgres_sql() -> list[str]:
    return [
        """CREATE FUNCTION remiss_recipient_answer_by() RETURNS trigger AS $$
        BEGIN
            NEW.answer_by := COALESCE(NEW.extended_deadline,
                (SELECT deadline FROM remiss_remiss WHERE id = NEW.remiss_id));
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_recipient_answer_by
        BEFORE INSERT OR UPDATE OF extended_deadline, remiss_id, answer_by ON remiss_recipient
        FOR EACH ROW EXECUTE FUNCTION remiss_recipient_answer_by();""",
        """CREATE FUNCTION remiss_remiss_answer_by() RETURNS trigger AS $$
        BEGIN
            UPDATE remiss_recipient SET answer_by = COALESCE(extended_deadline, NEW.deadline)
            WHERE remiss_id = NEW.id;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_remiss_answer_by AFTER UPDATE OF deadline ON remiss_remiss
        FOR EACH ROW WHEN (OLD.deadline IS DISTINCT FROM NEW.deadline)
        EXECUTE FUNCTION remiss_remiss_answer_by();""",
    ]


def postgres_drop() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS remiss_recipient_answer_by ON remiss_recipient;",
        "DROP TRIGGER IF EXISTS remiss_remiss_answer_by ON remiss_remiss;",
        "DROP FUNCTION IF EXISTS remiss_recipient_answer_by();",
        "DROP FUNCTION IF EXISTS remiss_remiss_answer_by();",
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(FILL)
    sql = {"sqlite": sqlite_sql, "postgresql": postgres_sql}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite_drop, "postgresql": postgres_drop}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("remiss", "0029_search_documents")]

    operations = [
        migrations.AddField(
            model_name="recipient",
            name="answer_by",
            field=models.DateField(editable=False, null=True, verbose_name="svara senast"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="recipient",
            index=models.Index(
                condition=models.Q(("status", "awaiting")),
                fields=["answer_by"],
                name="recipient_awaiting_answer_by",
            ),
        ),
    ]
