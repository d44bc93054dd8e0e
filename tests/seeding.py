"""The demo data (seed_demo) for the tests that need it, made once per test process.

seed_demo takes over a second, and about forty tests need the seed case: every browser test (which
commits, so its data is emptied after it) and the modules that read it (`seed_once`: seeded in a
transaction that stays open while the module's tests run, each in its own savepoint, and rolled
back when the module is done, so the next module finds the test database as it was).

On PostgreSQL the first seeding in a test process is kept as a snapshot: the rows of every
table it filled, as PostgreSQL's COPY writes them, and a copy of the files it stored. Later
seedings load those rows back instead of running seed_demo again, a tenth of the time. A restore
needs the tables it fills to be empty, and a superuser (the rows go back with triggers off, as
the test flush deletes them); otherwise, and on SQLite, seed_demo runs. tests/test_seed_demo.py
checks seed_demo itself, and tests/test_seed_snapshot.py that a restored seed equals a seeded one.
"""

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

# What tests/conftest.py's function fixtures give every test, which a module fixture comes
# before: the demo users' passwords hashed fast, the demo's documents queued, not rendered.
FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "tests.task_backends.MailAtOnceBackend"}},
}

# Filled by migrate and again after every flush (post_migrate), never by seed_demo.
NOT_SEED = {"django_migrations", "django_content_type", "auth_permission"}


@dataclass
class Snapshot:
    """The rows seed_demo wrote (table → columns and COPY text) and a copy of its files."""

    tables: dict[str, tuple[str, bytes]]
    media: Path


_snapshot: Snapshot | None = None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def superuser(database) -> bool:
    """Whether the PostgreSQL connection's role is a superuser (asked once per connection): only
    a superuser may turn triggers off, which the snapshot's restore and the test flush
    (tests/conftest.py) both do."""
    known = getattr(database, "_remiss_superuser", None)
    if known is None:
        with database.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            known = database._remiss_superuser = bool(cursor.fetchone()[0])
    return known


def _usable() -> bool:
    return connection.vendor == "postgresql" and superuser(connection)


def _filled_tables(cursor) -> dict[str, str]:
    """The schema's tables that hold rows, with the columns an INSERT may name (not generated)."""
    cursor.execute(
        """
        SELECT c.table_name, array_agg(quote_ident(c.column_name) ORDER BY c.ordinal_position)
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND c.is_generated = 'NEVER'
        GROUP BY c.table_name
        """
    )
    columns = {name: ", ".join(cols) for name, cols in cursor.fetchall() if name not in NOT_SEED}
    filled = {}
    for name, listed in columns.items():
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(name)})")  # noqa: S608
        if cursor.fetchone()[0]:
            filled[name] = listed
    return filled


def _take(media: Path) -> Snapshot:
    tables = {}
    with connection.cursor() as cursor:
        for name, listed in _filled_tables(cursor).items():
            with cursor.cursor.copy(f"COPY {_quote(name)} ({listed}) TO STDOUT") as copy:
                tables[name] = (listed, b"".join(bytes(block) for block in copy))
    copy_of_media = Path(tempfile.mkdtemp(prefix="seed-media-"))
    shutil.copytree(media, copy_of_media, dirs_exist_ok=True)
    return Snapshot(tables, copy_of_media)


def _restore(snapshot: Snapshot, media: Path) -> bool:
    """Load the snapshot; False (and nothing changed) where a table to fill is not empty."""
    with transaction.atomic(), connection.cursor() as cursor:
        for name in snapshot.tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(name)})")  # noqa: S608
            if cursor.fetchone()[0]:
                return False
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name, (listed, rows) in snapshot.tables.items():
            with cursor.cursor.copy(f"COPY {_quote(name)} ({listed}) FROM STDIN") as copy:
                copy.write(rows)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        # The sequences as seed_demo leaves them: the next row gets the next free id.
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    shutil.copytree(snapshot.media, media, dirs_exist_ok=True)
    return True


def seed_demo(media: Path, *, restore: bool = True) -> None:
    """The demo data, as `seed_demo` makes it, with its files in `media` (MEDIA_ROOT); with
    `restore=False` seed_demo runs whatever there is."""
    global _snapshot
    usable = _usable()
    if restore and usable and _snapshot is not None and _restore(_snapshot, media):
        return
    with override_settings(MEDIA_ROOT=media):
        call_command("seed_demo", stdout=StringIO())
    if usable and _snapshot is None:
        _snapshot = _take(media)


def seed_once(django_db_blocker, media: Path, *, restore: bool = True) -> Iterator[Path]:
    """Seed the demo data with MEDIA_ROOT at `media`; yields the folder, and rolls back after."""
    seeding = override_settings(DEBUG=True, MEDIA_ROOT=media, **FAST)
    kept = transaction.atomic()
    with django_db_blocker.unblock():
        kept.__enter__()
        try:
            with seeding:
                seed_demo(media, restore=restore)
        except BaseException:
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)
            raise
    try:
        yield media
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)
