"""Kommunstyrelsen's side: sending a remiss, the status board, extensions and reminders."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from remiss import sending, workflow
from remiss.models import (
    Attachment,
    ExtensionRequest,
    Organisation,
    Recipient,
    Reminder,
    Remiss,
    StatusEvent,
)
from tests.conftest import make_organisation, make_user, sql_statements

pytestmark = pytest.mark.django_db(transaction=True)  # e-mail goes out on commit
TODAY = datetime.date(2026, 11, 26)  # a Thursday
D = datetime.date


def next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def city(ks, sodermalm, kungsholmen, programme):
    board = make_organisation("Socialnämnden", Organisation.Kind.SPECIALIST_BOARD)
    brigade = make_organisation(
        "Storstockholms brandförsvar", Organisation.Kind.MUNICIPAL_FEDERATION
    )
    gone = make_organisation("Älvsjö stadsdelsnämnd", valid_to=datetime.date(2020, 6, 30))
    return {"board": board, "brigade": brigade, "gone": gone}


def form_data(programme, **changes) -> dict:
    deadline = next_weekday(timezone.localdate() + datetime.timedelta(days=30))
    return {
        "registration_number": "KS 2026/901",
        "title": "Stockholms stads trygghetsprogram",
        "programme": programme.pk,
        "description": "Förslaget till *trygghetsprogram* remitteras.",
        "deadline": deadline.isoformat(),
        **changes,
    }


class TestSendRemiss:
    def test_the_coordinator_sends_to_groups_and_single_recipients(
        self,
        client,
        ks_samordnare,
        city,
        programme,
        sodermalm,
        kungsholmen,
        handlaggare,
        settings,
        tmp_path,
    ):
        settings.MEDIA_ROOT = tmp_path
        from weasyprint import HTML

        pdf = HTML(string="<p>Förslag</p>").write_pdf()
        client.force_login(ks_samordnare)
        mail.outbox.clear()

        response = client.post(
            reverse("remiss_create"),
            {
                **form_data(programme),
                "groups": ["district_councils"],
                "recipients": [city["board"].pk],
                "file": SimpleUploadedFile("Trygghetsprogram.pdf", pdf, "application/pdf"),
            },
        )

        remiss = Remiss.objects.get(registration_number="KS 2026/901")
        assert response["Location"] == reverse("remiss_status", args=[remiss.pk])
        assert remiss.sent_on == timezone.localdate()
        assert set(remiss.recipients.values_list("organisation__name", flat=True)) == {
            "Södermalms stadsdelsnämnd",
            "Kungsholmens stadsdelsnämnd",
            "Socialnämnden",
        }  # Älvsjö no longer exists; the fire brigade was not chosen
        assert StatusEvent.objects.filter(recipient__remiss=remiss).count() == 3
        assert Attachment.objects.get(remiss=remiss).content_type == "application/pdf"
        to = sorted(address for message in mail.outbox for address in message.to)
        assert "handlaggare@example.org" in to
        assert all(m.subject.startswith("Ny remiss från Kommunstyrelsen") for m in mail.outbox)
        handlaggare_inbox = client.get(reverse("start"))  # still ks: sent list
        assert "KS 2026/901" in handlaggare_inbox.content.decode()
        client.force_login(handlaggare)
        assert "Stockholms stads trygghetsprogram" in client.get(reverse("start")).content.decode()

    def test_a_deadline_on_a_saturday_moves_to_monday_with_a_notice(
        self, client, ks_samordnare, city, programme
    ):
        saturday = timezone.localdate() + datetime.timedelta(days=30)
        while saturday.weekday() != 5:
            saturday += datetime.timedelta(days=1)
        client.force_login(ks_samordnare)

        response = client.post(
            reverse("remiss_create"),
            {**form_data(programme, deadline=saturday.isoformat()), "groups": ["outside"]},
            follow=True,
        )

        remiss = Remiss.objects.get()
        from remiss import deadlines

        moved = deadlines.next_working_day(saturday)
        assert moved > saturday and moved.weekday() < 5
        assert remiss.deadline == moved
        assert f"{saturday:%Y-%m-%d} är " in response.content.decode()
        assert (
            f"svarsdatum flyttas till {deadlines.WEEKDAYS[moved.weekday()]} {moved:%Y-%m-%d}"
            in (response.content.decode())
        )

    def test_bad_input_is_refused_field_by_field_and_nothing_is_sent(
        self, client, ks_samordnare, city, programme, remiss, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(ks_samordnare)
        mail.outbox.clear()

        response = client.post(
            reverse("remiss_create"),
            {
                **form_data(
                    programme, registration_number="KS 2019/1543", deadline="2019-01-01", title=""
                ),
                "recipients": [city["gone"].pk],
                "file": SimpleUploadedFile("förslag.pdf", b"<html>inte pdf</html>"),
            },
        )

        body = response.content.decode()
        assert response.status_code == 200
        assert "Kommunstyrelsen har redan en remiss med det diarienumret." in body
        assert "Svarsdatum måste ligga efter i dag." in body
        assert "vad filnamnet än säger" in body
        assert "Välj ett giltigt alternativ" in body  # Älvsjö no longer exists
        assert Remiss.objects.count() == 1
        assert mail.outbox == []
        assert not any(tmp_path.rglob("*.pdf"))

    def test_only_a_coordinator_sends(self, client, handlaggare):
        client.force_login(handlaggare)

        assert client.get(reverse("remiss_create")).status_code == 404


class TestStatusBoard:
    def test_each_recipient_shows_its_stage_and_the_counts_add_up(
        self, client, remiss, started, handlaggare, direktor, ks_samordnare, kungsholmen, sodermalm
    ):
        board = make_organisation("Kulturnämnden", Organisation.Kind.SPECIALIST_BOARD)
        Recipient.objects.create(remiss=remiss, organisation=board)
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(ks_samordnare)

        body = client.get(reverse("remiss_status", args=[remiss.pk])).content.decode()

        assert "Granskas" in body  # Södermalm's statement is in review
        assert body.count("Inte påbörjat") >= 2  # Kungsholmen, Kulturnämnden (and the count)
        assert "0 av 3 har svarat" in body
        assert "dagar försenad" in body

    def test_the_sender_sees_nothing_of_a_draft_by_any_url(
        self, client, started, ks_samordnare, handlaggare, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(ks_samordnare)
        urls = [
            reverse(name, args=[started.pk])
            for name in [
                "statement",
                "statement_edit",
                "statement_preview",
                "statement_versions",
                "statement_pdf",
            ]
        ] + [
            reverse("statement_compare", args=[started.pk]) + "?fran=1&till=1",
            reverse("recipient", args=[started.recipient_id]),
            reverse("reply", args=[started.recipient.remiss_id, started.recipient_id]),
        ]

        for url in urls:
            assert client.get(url).status_code == 404, url


class TestAnswerBy:
    """Recipient.answer_by, the date a recipient must answer by that the lists sort and filter
    on, is kept by the database (migration 0030): whatever path writes the extension or the
    remiss' deadline, including those that bypass save()."""

    @staticmethod
    def answer_by(recipient: Recipient) -> datetime.date:
        return Recipient.objects.values_list("answer_by", flat=True).get(pk=recipient.pk)

    def test_a_new_recipient_must_answer_by_the_remiss_deadline(self, ks, sodermalm):
        remiss = Remiss.objects.create(
            sender=ks, registration_number="KS 2020/1", title="T", deadline=D(2020, 3, 2)
        )
        created = Recipient.objects.create(remiss=remiss, organisation=sodermalm)
        [bulk] = Recipient.objects.bulk_create(
            [Recipient(remiss=remiss, organisation=make_organisation("Bromma"))]
        )

        assert self.answer_by(created) == self.answer_by(bulk) == D(2020, 3, 2)

    def test_an_extension_moves_it_and_taking_it_back_restores_the_remiss_deadline(
        self, sodermalm_recipient
    ):
        deadline = sodermalm_recipient.remiss.deadline
        Recipient.objects.filter(pk=sodermalm_recipient.pk).update(extended_deadline=D(2030, 1, 7))
        assert self.answer_by(sodermalm_recipient) == D(2030, 1, 7)

        sodermalm_recipient.refresh_from_db()
        sodermalm_recipient.extended_deadline = None
        sodermalm_recipient.save()
        assert self.answer_by(sodermalm_recipient) == deadline

    def test_a_changed_remiss_deadline_moves_every_recipient_without_an_extension(
        self, sodermalm_recipient
    ):
        """An unsent remiss' deadline may still be edited (in the admin, with its recipients);
        a recipient granted an extension keeps it."""
        remiss = sodermalm_recipient.remiss
        extended = Recipient.objects.create(
            remiss=remiss, organisation=make_organisation("Bromma"), extended_deadline=D(2030, 1, 7)
        )

        Remiss.objects.filter(pk=remiss.pk).update(deadline=D(2029, 6, 1))

        assert self.answer_by(sodermalm_recipient) == D(2029, 6, 1)
        assert self.answer_by(extended) == D(2030, 1, 7)

    def test_a_value_written_by_hand_is_put_right(self, sodermalm_recipient):
        Recipient.objects.filter(pk=sodermalm_recipient.pk).update(answer_by=D(1999, 1, 1))

        assert self.answer_by(sodermalm_recipient) == sodermalm_recipient.remiss.deadline


class TestExtensions:
    def test_a_granted_extension_moves_the_recipients_deadline(
        self, client, sodermalm_recipient, handlaggare, ks_samordnare
    ):
        wanted = next_weekday(sodermalm_recipient.deadline + datetime.timedelta(days=14))
        client.force_login(handlaggare)
        mail.outbox.clear()
        client.post(
            reverse("extension_request", args=[sodermalm_recipient.pk]),
            {
                "deadline": wanted.isoformat(),
                "reason": "Nämnden sammanträder inte förrän i januari.",
            },
        )
        request = ExtensionRequest.objects.get()
        assert request.state == "pending"
        assert [m.to for m in mail.outbox] == [["ks@example.org"]]

        client.force_login(ks_samordnare)
        mail.outbox.clear()
        client.post(
            reverse("extension_decide", args=[sodermalm_recipient.remiss_id, request.pk]),
            {"decision": "grant", "answer": "Beviljas."},
        )

        request.refresh_from_db()
        recipient = Recipient.objects.get(pk=sodermalm_recipient.pk)
        assert (request.state, request.decided_by) == ("granted", ks_samordnare)
        assert recipient.extended_deadline == wanted
        assert recipient.deadline == wanted == recipient.answer_by  # the lists sort by it
        assert [m.to for m in mail.outbox] == [["handlaggare@example.org"]]
        granted = StatusEvent.objects.get(recipient=recipient, action="extension_granted")
        assert (granted.actor, granted.from_status, granted.to_status) == (
            ks_samordnare,
            "awaiting",
            "awaiting",
        )

    def test_a_refused_extension_leaves_the_deadline(
        self, sodermalm_recipient, handlaggare, ks_samordnare
    ):
        request = sending.request_extension(
            recipient=sodermalm_recipient,
            user=handlaggare,
            deadline=sodermalm_recipient.deadline + datetime.timedelta(days=7),
            reason="Tid.",
        )

        sending.decide_extension(request=request, user=ks_samordnare, grant=False, answer="Nej.")

        recipient = Recipient.objects.get(pk=sodermalm_recipient.pk)
        assert recipient.extended_deadline is None
        assert ExtensionRequest.objects.get().state == "refused"

    def test_one_pending_request_at_a_time_and_only_the_coordinator_decides(
        self, sodermalm_recipient, handlaggare, outsider
    ):
        later = sodermalm_recipient.deadline + datetime.timedelta(days=7)
        request = sending.request_extension(
            recipient=sodermalm_recipient, user=handlaggare, deadline=later, reason="Tid."
        )

        with pytest.raises(sending.SendingError, match="obesvarad"):
            sending.request_extension(
                recipient=sodermalm_recipient, user=handlaggare, deadline=later, reason="Igen."
            )
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            sending.decide_extension(request=request, user=handlaggare, grant=True)
        assert Recipient.objects.get(pk=sodermalm_recipient.pk).extended_deadline is None


class TestReminders:
    def test_a_manual_reminder_goes_once_a_day(self, client, remiss, ks_samordnare, handlaggare):
        recipient = remiss.recipients.get(organisation__name="Södermalms stadsdelsnämnd")
        client.force_login(ks_samordnare)
        mail.outbox.clear()

        client.post(reverse("remind", args=[remiss.pk]), {"recipient": recipient.pk})
        client.post(reverse("remind", args=[remiss.pk]), {"recipient": recipient.pk})

        assert Reminder.objects.filter(recipient=recipient).count() == 1
        assert [m.to for m in mail.outbox] == [["handlaggare@example.org"]]
        assert mail.outbox[0].subject.startswith("Påminnelse")

    def test_remind_all_late_reaches_every_late_recipient_once(
        self, remiss, ks_samordnare, sodermalm, kungsholmen
    ):
        make_user("kh", kungsholmen, "case_officer")

        assert len(sending.remind_late(remiss=remiss, user=ks_samordnare)) == 2
        assert sending.remind_late(remiss=remiss, user=ks_samordnare) == []

    def test_automatic_reminders_before_and_after_the_deadline_never_twice(
        self, ks, sodermalm, handlaggare
    ):
        deadline = datetime.date(2026, 12, 10)
        remiss = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2026/5",
            title="Remiss",
            sent_on=datetime.date(2026, 11, 1),
            deadline=deadline,
        )
        Recipient.objects.create(remiss=remiss, organisation=sodermalm)

        assert sending.send_due_reminders(today=datetime.date(2026, 12, 1), days_before=3) == 0
        assert sending.send_due_reminders(today=datetime.date(2026, 12, 7), days_before=3) == 1
        assert sending.send_due_reminders(today=datetime.date(2026, 12, 8), days_before=3) == 0
        assert sending.send_due_reminders(today=datetime.date(2026, 12, 11), days_before=3) == 1
        assert sending.send_due_reminders(today=datetime.date(2026, 12, 12), days_before=3) == 0
        assert list(Reminder.objects.order_by("sent_on").values_list("kind", flat=True)) == [
            "before",
            "overdue",
        ]

    def test_the_command_reports_what_it_sent(self, remiss, handlaggare):
        out = StringIO()

        call_command("send_reminders", stdout=out)

        assert out.getvalue().strip() in {"1 påminnelse skickad.", "2 påminnelser skickade."}
        assert Reminder.objects.filter(kind="overdue").exists()


def test_the_reminder_command_run_twice_the_same_day_sends_each_reminder_once(remiss, handlaggare):
    make_user(
        "kh",
        remiss.recipients.get(organisation__name="Kungsholmens stadsdelsnämnd").organisation,
        "case_officer",
    )
    mail.outbox.clear()

    call_command("send_reminders", stdout=StringIO())
    first = len(mail.outbox)
    out = StringIO()
    call_command("send_reminders", stdout=out)

    assert first == 2 and len(mail.outbox) == 2
    assert out.getvalue().strip() == "0 påminnelser skickade."
    assert Reminder.objects.count() == 2


@pytest.mark.parametrize("name", ["remiss_status", "compilation"])
def test_the_board_and_the_compilation_cost_the_same_for_3_and_30_recipients(
    client, remiss, ks_samordnare, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            organisation = make_organisation(
                f"Nämnd {Organisation.objects.count()}", Organisation.Kind.SPECIALIST_BOARD
            )
            recipient = Recipient.objects.create(remiss=remiss, organisation=organisation)
            if organisation.pk % 2:  # every other one has asked for more time
                sending.request_extension(
                    recipient=recipient,
                    user=make_user(f"u{organisation.pk}", organisation, "case_officer"),
                    deadline=remiss.deadline + datetime.timedelta(days=30),
                    reason="Tid.",
                )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=[remiss.pk])).status_code == 200
        return sql_statements(captured)

    client.force_login(ks_samordnare)
    client.get(reverse("start"))  # the first request after login renews the session
    add(1)  # three recipients
    with_3 = queries()
    add(27)

    assert remiss.recipients.count() == 30
    # Each with the header's counts of Att göra and notices (one query).
    assert (with_3, queries()) == ({"remiss_status": 10, "compilation": 5}[name],) * 2
