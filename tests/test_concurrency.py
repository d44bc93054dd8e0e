"""Two people pressing the same button at the same moment: exactly one move happens.

Runs on PostgreSQL, where the row locks it tests exist; SQLite serialises every write and has
no row locks to race on.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from remiss import signed_text, workflow
from remiss.models import JustificationSignature, Meeting, Statement, StatusEvent
from tests.conftest import move_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: it tests row locks"
    ),
]


def at_once(*requests) -> list[int]:
    """Send the POSTs from separate threads (separate connections) released together."""
    barrier = threading.Barrier(len(requests))
    results: list[int] = [0] * len(requests)

    def send(index, user, url, data=None):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            results[index] = client.post(url, data or {}).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def signature_post(meeting) -> dict:
    """What the signing page posts: the password and the SHA-256 of the text it showed."""
    return {"password": "demo", "sha256": signed_text.sha256(signed_text.minutes_text(meeting))}


def test_two_simultaneous_signatures_sign_once(started, handlaggare, direktor):
    url = move_url(started.pk, "signera")

    for round_number in range(1, 6):  # a few rounds, to give a race every chance to show
        workflow.submit(statement=started, user=handlaggare)

        statuses = at_once((direktor, url), (direktor, url))

        assert statuses == [302, 302]
        signings = StatusEvent.objects.filter(statement=started, to_status="ready").count()
        assert signings == round_number
        assert Statement.objects.get().status == Statement.Status.READY
        workflow.withdraw(statement=started, user=direktor)


def test_two_simultaneous_justifications_justify_once(
    on_agenda, sekreterare, ordforande, justerare
):
    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
    )
    url = reverse("meeting_justify", args=[on_agenda.meeting_id])
    answer = signature_post(on_agenda.meeting)

    statuses = at_once((ordforande, url, answer), (justerare, url, answer))

    assert statuses == [302, 302]
    assert JustificationSignature.objects.count() == 2
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.DELIVERED
    assert StatusEvent.objects.filter(statement=statement, to_status="justified").count() == 1
    assert StatusEvent.objects.filter(statement=statement, action="delivered").count() == 1
    assert Meeting.objects.get().minutes_justified_on is not None


def test_a_double_click_on_justify_counts_once(on_agenda, sekreterare, ordforande):
    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
    )
    url = reverse("meeting_justify", args=[on_agenda.meeting_id])
    answer = signature_post(on_agenda.meeting)

    at_once((ordforande, url, answer), (ordforande, url, answer))

    assert JustificationSignature.objects.filter(user=ordforande).count() == 1
    assert Statement.objects.get().status == Statement.Status.DECIDED
