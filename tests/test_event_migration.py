"""The event log's data migration (0011): old rows get their action and subject, and a delivery
written twice becomes one event."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("remiss", "0010_login_failures")]
AFTER = [("remiss", "0011_event_vocabulary")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_old_events_get_their_action_and_a_double_delivery_becomes_one():
    apps = migrate(BEFORE)
    Organisation = apps.get_model("remiss", "Organisation")
    Remiss = apps.get_model("remiss", "Remiss")
    Recipient = apps.get_model("remiss", "Recipient")
    Statement = apps.get_model("remiss", "Statement")
    StatusEvent = apps.get_model("remiss", "StatusEvent")
    User = apps.get_model("auth", "User")
    try:
        person = User.objects.create(username="eva")
        ks = Organisation.objects.create(
            kind="executive_board", name="KS", valid_from=datetime.date(2007, 1, 1)
        )
        sod = Organisation.objects.create(
            kind="district_council", name="SÖD", valid_from=datetime.date(2007, 1, 1)
        )
        remiss = Remiss.objects.create(
            sender=ks, registration_number="KS 1", title="R", deadline=datetime.date(2020, 1, 1)
        )
        recipient = Recipient.objects.create(remiss=remiss, organisation=sod)
        statement = Statement.objects.create(
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
            StatusEvent.objects.create(
                recipient=recipient,
                statement=about,
                from_status=source,
                to_status=target,
                comment=comment,
                created_at=when,
            )

        apps = migrate(AFTER)
        StatusEvent = apps.get_model("remiss", "StatusEvent")

        assert list(StatusEvent.objects.order_by("pk").values_list("action", "subject")) == [
            ("received", "recipient"),
            ("submitted", "statement"),
            ("reminded", "recipient"),
            ("delivered", "recipient"),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
