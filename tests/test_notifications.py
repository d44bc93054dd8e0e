"""Mail never breaks the workflow, and the page says exactly who was mailed: the Why cases
"5 recipients got mail" (2 had an address), "Påminnelse skickad" to a body with no contact, and
"Förvaltningschefen har fått ett e-postmeddelande" where there is none."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from remiss import notifications
from remiss.models import Membership, Organisation, OutgoingMail, Remiss, Statement, StatusEvent
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)  # mail goes out when the step commits


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_sending_to_five_says_that_two_got_mail_and_names_the_three_without(
    client, ks_samordnare, programme, sodermalm, handlaggare, kungsholmen
):
    make_user("kh", kungsholmen, Membership.Role.CASE_OFFICER)
    bromma = make_organisation("Bromma stadsdelsnämnd")
    make_user("bromma", bromma, Membership.Role.CASE_OFFICER, email="")  # no address
    vasterort = make_organisation("Västerorts stadsdelsnämnd")  # nobody at all
    board = make_organisation("Kulturnämnden", Organisation.Kind.SPECIALIST_BOARD)
    client.force_login(ks_samordnare)
    mail.outbox.clear()
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    while deadline.weekday() >= 5:
        deadline += datetime.timedelta(days=1)

    response = client.post(
        reverse("remiss_create"),
        {
            "registration_number": "KS 2026/902",
            "title": "Trygghetsprogram",
            "programme": programme.pk,
            "description": "Remitteras.",
            "deadline": deadline.isoformat(),
            "recipients": [sodermalm.pk, kungsholmen.pk, bromma.pk, vasterort.pk, board.pk],
        },
    )

    assert Remiss.objects.get(registration_number="KS 2026/902").recipients.count() == 5
    assert said(response)[-2:] == [  # after a note if the deadline moved off a holiday
        "Remissen är skickad till 5 remissinstanser; 2 av dem har fått ett e-postmeddelande.",
        "Bromma stadsdelsnämnd, Kulturnämnden och Västerorts stadsdelsnämnd har ingen "
        "kontaktperson med e-postadress i portalen och fick därför ingen e-post; kontakta dem "
        "på annat sätt.",
    ]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "handlaggare@example.org",
        "kh@example.org",
    ]


def test_a_reminder_to_a_body_with_no_contact_says_so(client, remiss, ks_samordnare):
    recipient = remiss.recipients.get(organisation__name="Kungsholmens stadsdelsnämnd")
    client.force_login(ks_samordnare)
    mail.outbox.clear()

    response = client.post(reverse("remind", args=[remiss.pk]), {"recipient": recipient.pk})

    assert mail.outbox == []
    assert said(response) == [
        "Påminnelsen är registrerad. Kungsholmens stadsdelsnämnd har ingen kontaktperson med "
        "e-postadress i portalen och fick därför ingen e-post; kontakta dem på annat sätt."
    ]


def test_submitting_names_the_head_who_got_mail(client, started, handlaggare, direktor):
    client.force_login(handlaggare)

    response = client.post(reverse("statement_submit", args=[started.pk]))

    assert said(response) == [
        "Utlåtandet är lämnat till granskning. Ann-Christine Jenvén har fått ett e-postmeddelande."
    ]
    assert [m.to for m in mail.outbox] == [["direktor@example.org"]]


def test_submitting_says_when_the_head_has_no_address(client, started, handlaggare, direktor):
    direktor.email = ""
    direktor.save()
    client.force_login(handlaggare)

    response = client.post(reverse("statement_submit", args=[started.pk]))

    assert Statement.objects.get().status == Statement.Status.IN_REVIEW
    assert said(response) == [
        "Utlåtandet är lämnat till granskning. Ann-Christine Jenvén har ingen e-postadress i "
        "portalen och har inte fått något e-postmeddelande."
    ]
    assert mail.outbox == []


def test_submitting_in_a_forvaltning_without_a_head_is_refused_before_the_move(
    client, started, handlaggare
):
    """No statement left in review with nobody to review it."""
    client.force_login(handlaggare)
    events = StatusEvent.objects.count()

    response = client.post(reverse("statement_submit", args=[started.pk]))

    assert Statement.objects.get().status == Statement.Status.DRAFT
    assert StatusEvent.objects.count() == events
    assert mail.outbox == [] and OutgoingMail.objects.count() == 0
    assert said(response) == [
        "Södermalms stadsdelsnämnd har ingen förvaltningschef i portalen som kan granska "
        "utlåtandet. Be portalens administratör lägga in förvaltningschefen; utlåtandet är kvar "
        "som utkast."
    ]


def test_a_subject_is_one_line_whatever_the_title_holds():
    subject, body = notifications.compose(
        "remiss_received",
        {
            "remiss": Remiss(title="Säkerhet\u2028program\r\n2020\u2029–2023\x00", sender=None),
            "recipient": None,
            "url": "https://remiss.example/",
        },
    )

    assert subject == "Ny remiss från : Säkerhet program 2020 –2023"
    assert body.startswith("Hej!")


def test_a_mail_server_that_refuses_is_logged_and_shown_in_the_admin(
    client, settings, started, handlaggare, direktor, admin_user, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    client.force_login(handlaggare)

    response = client.post(reverse("statement_submit", args=[started.pk]))

    assert response.status_code == 302  # the step is done, whatever the mail server says
    assert Statement.objects.get().status == Statement.Status.IN_REVIEW
    message = OutgoingMail.objects.get()
    assert message.state == OutgoingMail.State.FAILED and message.attempts == 1
    assert "försök 1 misslyckades" in caplog.text
    client.force_login(admin_user)
    listing = client.get(reverse("admin:remiss_outgoingmail_changelist")).content.decode()
    assert "Tjänsteutlåtande att granska" in listing
    assert "Misslyckades" in listing
    assert "ConnectionRefusedError" in listing


def test_the_chair_and_the_justerare_are_told_of_a_paragraph_to_justify_at_once(
    on_agenda, sekreterare, ordforande, justerare
):
    from remiss import workflow
    from remiss.models import Notification

    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
    )

    told = Notification.objects.filter(kind="paragraph_to_justify")
    assert sorted(n.recipient_id for n in told) == sorted([ordforande.pk, justerare.pk])
    assert all(n.link.endswith(f"/paragrafer/{on_agenda.number}/") for n in told)
    assert not told.filter(recipient=sekreterare).exists()


def test_the_chair_and_the_justerare_are_told_when_the_last_paragraph_is_recorded(
    on_agenda, meeting, sekreterare, ordforande, justerare
):
    from remiss import workflow
    from remiss.models import AgendaItem, Notification

    other = AgendaItem.objects.create(meeting=meeting, number=99, title="Övriga frågor")
    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
    )
    assert not Notification.objects.filter(kind="minutes_to_justify").exists()

    workflow.record_decision(
        item=other,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Informationen noteras."),
    )

    told = Notification.objects.filter(kind="minutes_to_justify")
    assert sorted(n.recipient_id for n in told) == sorted([ordforande.pk, justerare.pk])
    assert "Protokoll att justera" in told.first().text
