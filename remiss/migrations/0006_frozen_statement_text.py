"""From signing on, a statement's text is fixed, whatever path tries to change it: the database
refuses an UPDATE of the text of a statement that is no longer a draft, and any new or changed
focus-area view, preparation step or attachment of such a statement.

Deletes of the child rows are guarded by the application (the test runner empties tables with
DELETE on SQLite, which a trigger would refuse).
"""

from django.db import migrations

TEXT_COLUMNS = [
    "title", "reference_line", "addressed_to", "date", "phone", "proposals", "summary",
    "background", "preparation", "matter", "views", "recipient_id", "case_officer_id",
]
CHILD_TABLES = ["remiss_focusareaview", "remiss_preparationstep", "remiss_attachment"]
MESSAGE = "the text of a signed statement cannot change"


def _changed(operator: str) -> str:
    return " OR ".join(f"NEW.{column} {operator} OLD.{column}" for column in TEXT_COLUMNS)


def sqlite_sql() -> list[str]:
    statements = [
        f"""CREATE TRIGGER remiss_statement_frozen BEFORE UPDATE ON remiss_statement
        WHEN OLD.status <> 'draft' AND ({_changed("IS NOT")})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    ]
    for table in CHILD_TABLES:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"""CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table}
                WHEN (SELECT status FROM remiss_statement WHERE id = NEW.statement_id) <> 'draft'
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
            )
    return statements


def sqlite_drop() -> list[str]:
    names = ["remiss_statement_frozen"] + [
        f"{table}_frozen_{event}" for table in CHILD_TABLES for event in ("insert", "update")
    ]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def postgres_sql() -> list[str]:
    statements = [
        f"""CREATE FUNCTION remiss_statement_frozen() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'draft' AND ({_changed("IS DISTINCT FROM")}) THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_statement_frozen BEFORE UPDATE ON remiss_statement
        FOR EACH ROW EXECUTE FUNCTION remiss_statement_frozen();""",
        f"""CREATE FUNCTION remiss_statement_child_frozen() RETURNS trigger AS $$
        BEGIN
            IF (SELECT status FROM remiss_statement WHERE id = NEW.statement_id) <> 'draft' THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    ]
    for table in CHILD_TABLES:
        statements.append(
            f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION remiss_statement_child_frozen();"""
        )
    return statements


def postgres_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};" for table in CHILD_TABLES] + [
        "DROP TRIGGER IF EXISTS remiss_statement_frozen ON remiss_statement;",
        "DROP FUNCTION IF EXISTS remiss_statement_frozen();",
        "DROP FUNCTION IF EXISTS remiss_statement_child_frozen();",
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite_sql, "postgresql": postgres_sql}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite_drop, "postgresql": postgres_drop}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("remiss", "0005_meetings_and_decisions")]

    operations = [migrations.RunPython(forwards, backwards)]
