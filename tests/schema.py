"""The database's schema as sorted text, for comparing two databases: tables with their columns
(in name order: the order columns were added in does not matter), indexes, constraints, triggers
and trigger functions, as the database itself reports them.

`python -m tests.schema` with DATABASE_URL set prints the schema of that database (migrate it
first); `make schema` writes tests/fixtures/schema/sqlite.txt and postgresql.txt from new
databases, migrated from nothing, which tests/test_migrations.py compares the test database's
with.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LEFT_OUT = ("django_migrations",)  # which migrations ran differs by path, not the schema


def describe(connection) -> str:
    with connection.cursor() as cursor:
        lines = (_postgresql if connection.vendor == "postgresql" else _sqlite)(cursor)
    return "\n".join(sorted(lines)) + "\n"


def _postgresql(cursor) -> list[str]:
    lines = []
    cursor.execute(
        """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
             AND NOT a.attisdropped"""
    )
    for table, column, kind, not_null, default, generated, identity in cursor.fetchall():
        if table in LEFT_OUT:
            continue
        extra = (
            f" generated {generated} {default}"
            if generated
            else (f" default {default}" if default else "")
        )
        lines.append(
            f"column {table}.{column} {kind}{' not null' if not_null else ''}{extra}"
            f"{' identity' if identity else ''}"
        )
    cursor.execute(
        """SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public'"""
    )
    lines += [f"index {t} {name}: {sql}" for t, name, sql in cursor.fetchall() if t not in LEFT_OUT]
    cursor.execute(
        """SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"""
    )
    lines += [
        f"constraint {t} {name}: {sql}" for t, name, sql in cursor.fetchall() if t not in LEFT_OUT
    ]
    cursor.execute(
        """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND NOT t.tgisinternal"""
    )
    lines += [f"trigger {t} {name}: {sql}" for t, name, sql in cursor.fetchall()]
    cursor.execute(
        """SELECT p.proname, p.prosrc FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"""
    )
    lines += [f"function {name}: {_words(source)}" for name, source in cursor.fetchall()]
    return lines


def _sqlite(cursor) -> list[str]:
    lines = []
    cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    for kind, name, table, sql in cursor.fetchall():
        if table in LEFT_OUT or name.startswith("sqlite_"):
            continue
        if kind == "table":
            lines += _sqlite_table(cursor, name, sql)
        else:  # index, trigger
            lines.append(f"{kind} {table} {name}: {_words(sql)}")
    return lines


def _sqlite_table(cursor, table: str, sql: str) -> list[str]:
    lines = []
    cursor.execute(f'PRAGMA table_info("{table}")')
    for _cid, column, kind, not_null, default, primary_key in cursor.fetchall():
        lines.append(
            f"column {table}.{column} {kind}{' not null' if not_null else ''}"
            f"{f' default {default}' if default is not None else ''}"
            f"{' primary key' if primary_key else ''}"
        )
    cursor.execute(f'PRAGMA foreign_key_list("{table}")')
    for row in cursor.fetchall():
        _id, _seq, target, column, to, _update, on_delete, _match = row
        lines.append(f"foreign key {table}.{column} -> {target}.{to} on delete {on_delete}")
    cursor.execute(f'PRAGMA index_list("{table}")')
    for _seq, name, unique, origin, _partial in cursor.fetchall():
        if origin != "c":  # those made by CREATE INDEX are listed with their SQL
            cursor.execute(f'PRAGMA index_info("{name}")')
            columns = ", ".join(row[2] for row in cursor.fetchall())
            lines.append(f"{'unique' if unique else 'index'} {table} ({columns}) from {origin}")
    # Each constraint's own text, from its name to the next constraint or the table's end.
    for name, body in re.findall(r'CONSTRAINT "([^"]+)" (.*?)(?=, CONSTRAINT "|\)$)', sql):
        lines.append(f"constraint {table} {name} text: {_words(body)}")
    return lines


def _words(sql: str) -> str:
    """The SQL with its white space made single spaces, and no final semicolon."""
    return " ".join(sql.split()).rstrip(";").strip()


def write_fixtures(postgres: str) -> None:
    """Migrate a new SQLite and a new PostgreSQL database, and keep each one's schema."""
    import psycopg

    root = Path(__file__).resolve().parents[1]
    fixtures = root / "tests" / "fixtures" / "schema"

    def keep(url: str, vendor: str) -> None:
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": url}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=root, env=env, check=True)
        printed = subprocess.run(
            [sys.executable, "-m", "tests.schema"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (fixtures / f"{vendor}.txt").write_text(printed, encoding="utf-8")
        print(f"tests/fixtures/schema/{vendor}.txt: {len(printed.splitlines())} lines")

    with tempfile.TemporaryDirectory() as folder:
        keep(f"sqlite:///{folder}/schema.sqlite3", "sqlite")
    name = f"remiss_schema_{os.getpid()}"
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            keep(f"{postgres}/{name}", "postgresql")
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_fixtures(os.environ.get("SCHEMA_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remiss.settings")
        import django

        django.setup()
        from django.db import connection

        print(describe(connection), end="")
