"""The migrations give every database the same schema, whichever way it came.

A new database is made by 0001_squashed_0030 (the thirty-five migrations before it in one, a
third of the time); one made before it went through the old files. The schema each way gave
is kept in tests/fixtures/schema/, one file per database, as `tests/schema.py` prints it: the
test database (made by the squashed migration and any after it) must match it line for line.

A new migration changes the schema on purpose: print it again (`make schema`) and commit the
file with the migration, so that the change shows in review as the tables it touches.
"""

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.schema import describe

KEPT = Path(__file__).parent / "fixtures" / "schema"
SQUASHED = ("remiss", "0001_squashed_0030_recipient_answer_by")


@pytest.mark.django_db
def test_the_test_database_has_the_schema_kept_in_the_fixtures():
    kept = (KEPT / f"{connection.vendor}.txt").read_text(encoding="utf-8").splitlines()
    now = describe(connection).splitlines()
    missing = sorted(set(kept) - set(now))
    added = sorted(set(now) - set(kept))
    assert not missing and not added, (
        f"The schema differs from tests/fixtures/schema/{connection.vendor}.txt: run `make "
        "schema` after a new migration, and commit the file with it.\n"
        + "\n".join([*(f"- {line}" for line in missing), *(f"+ {line}" for line in added)])
    )


@pytest.mark.django_db
def test_a_new_database_takes_the_squashed_migration_with_the_35_it_replaces():
    loader = MigrationLoader(connection)
    assert SQUASHED in loader.applied_migrations
    # The thirty-five it replaces are recorded as applied too, so a database migrated the old
    # way and one migrated the new way look the same to every later migration.
    replaced = loader.disk_migrations[SQUASHED].replaces
    assert len(replaced) == 35
    assert set(replaced) <= set(loader.applied_migrations)
    # The API's first migration named 0017 as its parent: it now follows the squashed one.
    assert SQUASHED in loader.graph.forwards_plan(("remiss_api", "0001_api_clients_and_webhooks"))
