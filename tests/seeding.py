"""The demo data (seed_demo) seeded once per test module, not once per test.

seed_demo takes over a second; the PDF and meeting-document tests each need the seed case and
change it only inside their own test. `seed_once` seeds it in a transaction that stays open
while the module's tests run, each in its own savepoint (pytest-django's `db`), and is rolled
back when the module is done, so the next module finds the test database as it was. For
tests that do not commit (no transactional_db, no live server): a commit inside the open
transaction would only be a savepoint.
"""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

# What tests/conftest.py's function fixtures give every test, which a module fixture comes
# before: the demo users' passwords hashed fast, the demo's documents queued, not rendered.
FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "tests.task_backends.MailAtOnceBackend"}},
}


def seed_once(django_db_blocker, media: Path) -> Iterator[Path]:
    """Seed the demo data with MEDIA_ROOT at `media`; yields the folder, and rolls back after."""
    seeding = override_settings(DEBUG=True, MEDIA_ROOT=media, **FAST)
    kept = transaction.atomic()
    with django_db_blocker.unblock():
        kept.__enter__()
        try:
            with seeding:
                call_command("seed_demo", stdout=StringIO())
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
