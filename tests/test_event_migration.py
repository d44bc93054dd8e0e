"""The event log's data migration (0011): old rows get their action and subject, and a delivery
written twice becomes one event.

The migration runs in a database of its own, migrated from nothing to 0010 only: walking the
shared test database back from the newest migration to 0010 and forward again took 27 s of the
suite's time; this takes a few."""

import datetime
import os
import tempfile
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("remiss", "0010_login_failures")]
AFTER = [("remiss", "0011_event_vocabulary")]
ALIAS = "event_migration"


@contextmanager
def scratch_database():
    """An empty database beside the test database, as the connection alias ALIAS; dropped
    after."""
    settings = dict(connection.settings_dict)
    folder = None
    if connection.vendor == "postgresql":
        settings["NAME"] = f"{connection.settings_dict['NAME']}_events"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    else:
        folder = tempfile.TemporaryDirectory()
        settings["NAME"] = os.path.join(folder.name, "events.sqlite3")
    database = type(connections["default"])(settings, ALIAS)
    # Connected before it is named among the connections, which a test may then use (Django
    # refuses a new connection to a database the test did not declare).
    database.ensure_connection()
    connections.settings[ALIAS] = settings
    connections[ALIAS] = database
    try:
        yield database
    finally:
        database.close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        if folder is not None:
            folder.cleanup()
        else:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')


def migrate(database, target):
    """Migrate through the old migrations themselves: a new database otherwise gets 0001–0030
    squashed into one, which has no 0010 to stop at."""
    executor = MigrationExecutor(database)
    executor.loader = MigrationLoader(database, replace_migrations=False)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_old_events_get_their_action_and_a_double_delivery_becomes_one():
    with scratch_database() as database:
        check_the_event_migration(database)


def check_the_event_migration(database):
    apps = migrate(database, BEFORE)
    Organisation = apps.get_model("remiss", "Organisation")
    Remiss = apps.get_model("remiss", "Remiss")
    Recipient = apps.get_model("remiss", "Recipient")
    Statement = apps.get_model("remiss", "Statement")
    StatusEvent = apps.get_model("remiss", "StatusEvent")
    User = apps.get_model("auth", "User")
    person = User.objects.db_manager(ALIAS).create(username="eva")
    ks = Organisation.objects.db_manager(ALIAS).create(
        kind="executive_board", name="KS", valid_from=datetime.date(2007, 1, 1)
    )
    sod = Organisation.objects.db_manager(ALIAS).create(
        kind="district_council", name="SÖD", valid_from=datetime.date(2007, 1, 1)
    )
    remiss = Remiss.objects.db_manager(ALIAS).create(
        sender=ks, registration_number="KS 1", title="R", deadline=datetime.date(2020, 1, 1)
    )
    recipient = Recipient.objects.db_manager(ALIAS).create(remiss=remiss, organisation=sod)
    statement = Statement.objects.db_manager(ALIAS).create(
        recipient=recipient,
        case_officer=person,
        addressed_to="SÖD",
        date=datetime.date(2019, 12, 1),
        title="T",
    )
    when = timezone.now()
    rows = [
        ("", "awaiting", None, "Remissen mottagen."),
        ("draft", "in_review", statement, "Lämnat till granskning."),
        ("awaiting", "awaiting", None, "Påminnelse skickad (före svarsdatum)."),
        ("justified", "delivered", statement, "Svaret skickat."),
        ("awaiting", "delivered", statement, "Svar inkommet."),
    ]
    for source, target, about, comment in rows:
        StatusEvent.objects.db_manager(ALIAS).create(
            recipient=recipient,
            statement=about,
            from_status=source,
            to_status=target,
            comment=comment,
            created_at=when,
        )

    apps = migrate(database, AFTER)
    StatusEvent = apps.get_model("remiss", "StatusEvent")

    assert list(
        StatusEvent.objects.using(ALIAS).order_by("pk").values_list("action", "subject")
    ) == [
        ("received", "recipient"),
        ("submitted", "statement"),
        ("reminded", "recipient"),
        ("delivered", "recipient"),
    ]
