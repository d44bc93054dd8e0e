"""The test suite's seed snapshot (tests/seeding.py): the demo data loaded back from the first
seeding in a test process must be the demo data, row for row and file for file, or every test
that uses it would test something else than `make run` shows."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from remiss.models import Organisation, Remiss
from tests import seeding

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs seed_demo every time (tests/seeding.py)",
    ),
]


def dump() -> dict[str, bytes]:
    """Every table seed_demo fills, as COPY writes it."""
    with connection.cursor() as cursor:
        tables = seeding._filled_tables(cursor)
        found = {}
        for name, listed in tables.items():
            table = connection.ops.quote_name(name)
            query = f"COPY (SELECT {listed} FROM {table} ORDER BY 1) TO STDOUT"  # noqa: S608
            with cursor.cursor.copy(query) as copy:
                found[name] = b"".join(bytes(block) for block in copy)
    return found


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def empty(tables) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(name)}")  # noqa: S608
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def seeded_for_real(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "seeded"
    call_command("seed_demo", stdout=StringIO())
    return tmp_path / "seeded"


def test_a_restored_seed_has_the_rows_and_files_of_seed_demo(seeded_for_real, tmp_path):
    rows = dump()
    assert {"remiss_statement", "remiss_remiss", "auth_user"} <= rows.keys()
    snapshot = seeding._take(seeded_for_real)
    empty(snapshot.tables)
    assert all(not data for data in dump().values())

    assert seeding._restore(snapshot, tmp_path / "restored")

    assert dump() == rows
    assert files(tmp_path / "restored") == files(seeded_for_real)
    assert files(seeded_for_real)  # the programme's PDF, at least


def test_after_a_restore_new_rows_get_new_ids(seeded_for_real, tmp_path):
    snapshot = seeding._take(seeded_for_real)
    highest = Remiss.objects.order_by("-pk").values_list("pk", flat=True).first()
    empty(snapshot.tables)
    assert seeding._restore(snapshot, tmp_path / "restored")

    remiss = Remiss.objects.get(registration_number="KS 2019/1543")
    added = Remiss.objects.create(
        sender=remiss.sender, registration_number="KS 2026/1", title="Ny", deadline=remiss.deadline
    )
    assert added.pk > highest


def test_a_restore_into_tables_that_hold_rows_changes_nothing(seeded_for_real, tmp_path):
    snapshot = seeding._take(seeded_for_real)
    before = dump()

    with transaction.atomic():
        assert not seeding._restore(snapshot, tmp_path / "restored")

    assert dump() == before
    assert not (tmp_path / "restored").exists()
    assert Organisation.objects.filter(name="Södermalms stadsdelsnämnd").count() == 1
