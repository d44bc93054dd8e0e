"""The admin is in Swedish, shows history, and never edits a status."""

import pytest
from django.urls import reverse

from remiss.models import Recipient, Remiss, Statement, StatusEvent

pytestmark = pytest.mark.django_db


def test_the_admin_speaks_swedish(client, admin_user):
    client.force_login(admin_user)

    body = client.get(reverse("admin:index")).content.decode()

    assert "Remissportalen – administration" in body
    for label in [
        "Organisationer",
        "Remisser",
        "Remissinstanser",
        "Tjänsteutlåtanden",
        "Fokusområden",
        "Händelser",
    ]:
        assert label in body, label


def test_the_statement_status_is_shown_but_not_editable(client, admin_user, statement):
    client.force_login(admin_user)
    url = reverse("admin:remiss_statement_change", args=[statement.pk])

    body = client.get(url).content.decode()

    assert 'name="status"' not in body
    assert "Utkast" in body


def test_posting_a_status_through_the_admin_changes_nothing(client, admin_user, statement):
    client.force_login(admin_user)
    url = reverse("admin:remiss_recipient_change", args=[statement.recipient.pk])
    recipient = statement.recipient

    client.post(
        url,
        {
            "remiss": recipient.remiss_id,
            "organisation": recipient.organisation_id,
            "registration_number": recipient.registration_number,
            "status": Recipient.Status.DELIVERED,
            "extended_deadline": "",
        },
    )

    recipient.refresh_from_db()
    assert recipient.status == Recipient.Status.AWAITING
    assert Statement.objects.get().status == Statement.Status.DRAFT


def test_an_edit_in_the_admin_is_recorded_in_history_with_its_author(client, admin_user, sodermalm):
    client.force_login(admin_user)
    url = reverse("admin:remiss_organisation_change", args=[sodermalm.pk])
    data = {
        "kind": sodermalm.kind,
        "name": sodermalm.name,
        "administration": "Södermalms stadsdelsförvaltning (ny)",
        "registry_prefix": "SÖD",
        "valid_from": "2007-01-01",
        "valid_to": "",
        "usual_justification_days": 7,
        "successor": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    latest = sodermalm.history.latest()
    assert latest.administration == "Södermalms stadsdelsförvaltning (ny)"
    assert latest.history_user == admin_user
    history_page = client.get(reverse("admin:remiss_organisation_history", args=[sodermalm.pk]))
    body = history_page.content.decode()
    assert "Ändrad" in body
    assert "Förvaltning" in body  # the changed field is listed
    assert "admin" in body


def test_the_event_log_cannot_be_added_to_or_changed_in_the_admin(client, admin_user, statement):
    event = StatusEvent.objects.create(
        recipient=statement.recipient,
        statement=statement,
        action=StatusEvent.Action.STARTED,
        subject=StatusEvent.Subject.STATEMENT,
        to_status="draft",
    )
    client.force_login(admin_user)

    assert client.get(reverse("admin:remiss_statusevent_add")).status_code == 403
    client.post(reverse("admin:remiss_statusevent_delete", args=[event.pk]), {"post": "yes"})
    assert StatusEvent.objects.filter(pk=event.pk).exists()


def test_a_sent_remiss_keeps_its_deadline_and_recipients_in_the_admin(client, admin_user, remiss):
    client.force_login(admin_user)
    url = reverse("admin:remiss_remiss_change", args=[remiss.pk])
    unsent = Remiss.objects.create(
        sender=remiss.sender,
        registration_number="KS 2026/1",
        title="Utkast till remiss",
        deadline=remiss.deadline,
    )

    sent_page = client.get(url).content.decode()
    unsent_page = client.get(
        reverse("admin:remiss_remiss_change", args=[unsent.pk])
    ).content.decode()

    assert 'name="deadline"' not in sent_page and 'name="deadline"' in unsent_page
    assert "recipients-__prefix__" not in sent_page and "recipients-__prefix__" in unsent_page
    assert 'name="recipients-0-DELETE"' not in sent_page
