"""Answering on delegation (KL 6 kap. 37–40 §§), and who declines (issue 12).

The nämnd's delegationsordning (Delegation) lets the förvaltningschef answer a remiss the sender
marked "får besvaras på delegation": the reply goes without a meeting, is recorded as a
delegationsbeslut, and is reported (anmäls) at the nämnd's next meeting."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.models import (
    AgendaItem,
    Decision,
    DelegatedDecision,
    Delegation,
    Meeting,
    Recipient,
    Statement,
    StatusEvent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegable(signed):
    """The signed statement, on a remiss marked for delegation, in a nämnd whose
    delegationsordning lets the förvaltningschef answer such remisses."""
    remiss = signed.recipient.remiss
    remiss.delegable = True
    remiss.save()
    Delegation.objects.create(organisation=signed.recipient.organisation, reference="3.1")
    return signed


def post(user, url: str, data: dict | None = None):
    client = Client()
    client.force_login(user)
    return client.post(url, data or {})


def test_kl_6_kap_37_the_forvaltningschef_answers_on_delegation_without_a_meeting(
    delegable, direktor, ks_samordnare
):
    response = post(direktor, reverse("statement_answer_on_delegation", args=[delegable.pk]))

    assert response.status_code == 302
    statement = Statement.objects.get(pk=delegable.pk)
    recipient = statement.recipient
    assert statement.status == Statement.Status.DELIVERED
    assert recipient.status == Recipient.Status.DELIVERED and recipient.delivered_at
    assert not Meeting.objects.filter(items__statement=statement).exists()
    assert not Decision.objects.exists()
    decided = DelegatedDecision.objects.get()
    assert (decided.kind, decided.decided_by, decided.delegate_title) == (
        "reply",
        direktor,
        "Stadsdelsdirektör",
    )
    assert decided.reported_at is None
    actions = list(recipient.events.values_list("action", flat=True))
    assert StatusEvent.Action.DELEGATED in actions and StatusEvent.Action.DELIVERED in actions
    # The sender reads the reply, decided on delegation, as the signed statement.
    client = Client()
    client.force_login(ks_samordnare)
    reply = client.get(reverse("reply", args=[recipient.remiss_id, recipient.pk]))
    assert "Beslut på delegation" in reply.content.decode()
    assert "Ann-Christine Jenvén" in reply.content.decode()
    public = Client().get(reverse("public_reply", args=[recipient.remiss_id, recipient.pk]))
    assert "Svaret beslutades på delegation" in public.content.decode()


def test_kl_6_kap_40_the_delegationsbeslut_is_reported_at_the_next_meeting(
    delegable, direktor, sekreterare, sodermalm
):
    workflow.answer_on_delegation(statement=delegable, user=direktor)
    next_meeting = Meeting.objects.create(
        organisation=sodermalm, date=datetime.date(2020, 1, 23), secretary=sekreterare
    )
    client = Client()
    client.force_login(sekreterare)
    meeting_page = client.get(reverse("meeting", args=[next_meeting.pk])).content.decode()
    assert "Delegationsbeslut att anmäla" in meeting_page
    assert reverse("delegated_report", args=[next_meeting.pk]) in meeting_page

    response = client.post(reverse("delegated_report", args=[next_meeting.pk]))

    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=next_meeting)
    assert item.title == "Anmälan av delegationsbeslut"
    decided = DelegatedDecision.objects.get()
    assert decided.reported_at == item
    agenda = client.get(reverse("meeting", args=[next_meeting.pk])).content.decode()
    assert "Anmält delegationsbeslut" in agenda and delegable.title in agenda
    assert "Delegationsbeslut att anmäla" not in agenda
    # Reported once: nothing is left to report.
    with pytest.raises(workflow.TransitionError, match="inga delegationsbeslut"):
        workflow.report_delegated_decisions(meeting=next_meeting, user=sekreterare)
    # The kallelse lists it under the item.
    from remiss import minutes

    html = minutes.agenda_html(next_meeting, version=1, issued_on=datetime.date(2020, 1, 10))
    assert "Delegationsbeslut" in html and "Ann-Christine Jenvén" in html


def test_a_remiss_not_marked_for_delegation_is_answered_by_the_namnd(signed, direktor, sodermalm):
    Delegation.objects.create(organisation=sodermalm)

    with pytest.raises(workflow.TransitionError, match="får besvaras på delegation"):
        workflow.answer_on_delegation(statement=signed, user=direktor)
    assert "answer_on_delegation" not in workflow.statement_moves(direktor, signed)
    assert Statement.objects.get(pk=signed.pk).status == Statement.Status.READY
    assert not DelegatedDecision.objects.exists()


def test_without_a_delegation_rule_the_forvaltningschef_may_not_answer(signed, direktor):
    remiss = signed.recipient.remiss
    remiss.delegable = True
    remiss.save()

    response = post(direktor, reverse("statement_answer_on_delegation", args=[signed.pk]))

    assert response.status_code == 403
    assert Statement.objects.get(pk=signed.pk).status == Statement.Status.READY


def test_the_secretary_and_the_handlaggare_are_not_delegates(delegable, sekreterare, handlaggare):
    for user in (sekreterare, handlaggare):
        response = post(user, reverse("statement_answer_on_delegation", args=[delegable.pk]))
        assert response.status_code == 403
    assert Recipient.objects.get(pk=delegable.recipient_id).status == Recipient.Status.AWAITING
    assert not DelegatedDecision.objects.exists()


def test_declining_is_the_forvaltningschefs_delegated_decision_not_the_secretarys(
    sodermalm_recipient, sekreterare, direktor
):
    refused = post(
        sekreterare,
        reverse("recipient_decline", args=[sodermalm_recipient.pk]),
        {"reason": "Berör inte nämnden."},
    )
    assert refused.status_code == 403
    assert Recipient.objects.get(pk=sodermalm_recipient.pk).status == Recipient.Status.AWAITING

    workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Berör inte nämnden.")

    decided = DelegatedDecision.objects.get()
    assert (decided.kind, decided.decided_by) == ("decline", direktor)
    assert "Berör inte nämnden." in decided.text


def test_the_sender_marks_a_remiss_for_delegation_when_sending_it(ks_samordnare, ks, sodermalm):
    client = Client()
    client.force_login(ks_samordnare)
    response = client.post(
        reverse("remiss_create"),
        {
            "registration_number": "KS 2026/77",
            "title": "Riktlinjer för trygghetsvandringar",
            "deadline": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
            "delegable": "on",
            "recipients": [sodermalm.pk],
        },
    )

    assert response.status_code == 302
    assert Recipient.objects.get(remiss__registration_number="KS 2026/77").remiss.delegable


def test_the_meeting_page_lists_delegationsbeslut_in_a_fixed_number_of_queries(
    delegable, direktor, sekreterare, sodermalm
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    next_meeting = Meeting.objects.create(
        organisation=sodermalm, date=datetime.date(2020, 1, 23), secretary=sekreterare
    )
    workflow.answer_on_delegation(statement=delegable, user=direktor)
    client = Client()
    client.force_login(sekreterare)
    url = reverse("meeting", args=[next_meeting.pk])
    client.get(url)  # the first request after login renews the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    decided = DelegatedDecision.objects.get()
    for n in range(3):
        decided.pk = None
        decided.text = f"Delegationsbeslut {n}"
        decided.save()
    assert count() == one
    workflow.report_delegated_decisions(meeting=next_meeting, user=sekreterare)
    reported = count()
    for n in range(3):
        decided.pk = None
        decided.text = f"Ännu ett {n}"
        decided.save()
    workflow.report_delegated_decisions(meeting=next_meeting, user=sekreterare)
    assert count() == reported
    assert AgendaItem.objects.filter(meeting=next_meeting).count() == 1  # one item for all
