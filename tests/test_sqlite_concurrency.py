"""On SQLite, two people moving cases at the same moment both succeed: the second waits for the
first instead of getting a 500 ("database is locked"). (PostgreSQL: tests/test_concurrency.py.)"""

import pytest
from django.db import connection

from remiss import workflow
from remiss.models import Statement, StatusEvent
from tests.conftest import move_url
from tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="needs SQLite: it tests SQLite's locking (PostgreSQL: tests/test_concurrency.py)",
    ),
]


def test_two_simultaneous_moves_on_sqlite_wait_for_each_other_and_give_no_500(
    started, handlaggare, direktor
):
    url = move_url(started.pk, "signera")

    for round_number in range(1, 6):
        workflow.submit(statement=started, user=handlaggare)

        statuses = at_once((direktor, url), (direktor, url))

        assert statuses == [302, 302]
        signings = StatusEvent.objects.filter(statement=started, to_status="ready").count()
        assert signings == round_number
        assert Statement.objects.get().status == Statement.Status.READY
        workflow.withdraw(statement=started, user=direktor)
