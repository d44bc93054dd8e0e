"""Kommunstyrelsen's round (issue 16): changing a sent remiss, adding recipients, withdrawing
it, closing the round, and the replies of outside instanser (registered by the coordinator or
sent through a personal link). Each test checks who is told, what each recipient's state
becomes, and what the public pages show."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from remiss import drafting, sending, workflow
from remiss.models import Membership as M
from remiss.models import (
    Organisation,
    OutgoingMail,
    ReceivedReply,
    Recipient,
    Remiss,
    ReplyLink,
    StatusEvent,
)
from tests.conftest import DEADLINE, make_organisation, make_user

pytestmark = pytest.mark.django_db
A = StatusEvent.Action
R = Recipient.Status


def one_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_upload(name: str = "svar.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page_pdf(), content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def polisen(db) -> Organisation:
    return make_organisation(
        "Polismyndigheten, region Stockholm",
        Organisation.Kind.STATE_AUTHORITY,
        contact_email="registrator.stockholm@polisen.example",
    )


@pytest.fixture
def current(remiss):
    """The remiss sent five days ago, due in three weeks: links and additions still work."""
    today = timezone.localdate()
    remiss.sent_on, remiss.deadline = (
        today - datetime.timedelta(days=5),
        today + datetime.timedelta(days=21),
    )
    remiss.save()
    return remiss


def mails(template: str) -> list[list[str]]:
    return [m.to for m in OutgoingMail.objects.filter(template=template).order_by("pk")]


def actions(recipient: Recipient) -> list[str]:
    return list(recipient.events.order_by("pk").values_list("action", flat=True))


# Changing a sent remiss -------------------------------------------------------------------------


class TestChanging:
    def test_a_change_tells_every_open_case_what_changed_and_the_public_page_shows_it(
        self, client, remiss, ks_samordnare, handlaggare, outsider, media
    ):
        kungsholmen = remiss.recipients.get(organisation__name="Kungsholmens stadsdelsnämnd")
        client.force_login(ks_samordnare)

        response = client.post(
            reverse("remiss_change", args=[remiss.pk]),
            {
                "title": "Säkerhetsprogram 2020–2023, reviderad remissversion",
                "description": "Nu med bilaga om civilt försvar.",
                "file": pdf_upload("civilt.pdf"),
                "attachment_title": "Bilaga om civilt försvar",
            },
        )

        assert response.status_code == 302
        remiss.refresh_from_db()
        assert remiss.title == "Säkerhetsprogram 2020–2023, reviderad remissversion"
        assert list(remiss.attachments.values_list("title", flat=True)) == [
            "Bilaga om civilt försvar"
        ]
        for recipient in remiss.recipients.all():
            event = recipient.events.get(action=A.REMISS_CHANGED)
            assert "Ny bilaga: Bilaga om civilt försvar." in event.comment
            assert event.actor == ks_samordnare
        assert sorted(mails("remiss_changed")) == [
            ["handlaggare@example.org"],
            [outsider.email],
        ]
        body = OutgoingMail.objects.filter(template="remiss_changed").first().body
        assert "Rubriken är ändrad" in body and "Ny bilaga: Bilaga om civilt försvar." in body
        assert kungsholmen.status == R.AWAITING
        page = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        assert "reviderad remissversion" in page and "Bilaga om civilt försvar" in page

    def test_a_delivered_reply_is_not_told_of_a_later_change(
        self, remiss, ks_samordnare, sodermalm_recipient, handlaggare, media
    ):
        Recipient.objects.filter(pk=sodermalm_recipient.pk).update(
            status=R.DELIVERED, delivered_at=timezone.now()
        )
        sending.change_remiss(
            remiss=remiss, user=ks_samordnare, title="Ny rubrik", description="", attachments=[]
        )
        assert not sodermalm_recipient.events.filter(action=A.REMISS_CHANGED).exists()
        kungsholmen = remiss.recipients.get(organisation__name="Kungsholmens stadsdelsnämnd")
        assert kungsholmen.events.filter(action=A.REMISS_CHANGED).exists()
        assert mails("remiss_changed") == []  # Kungsholmen has nobody in the portal here

    def test_nothing_changed_is_refused_and_nobody_is_told(self, remiss, ks_samordnare):
        with pytest.raises(sending.SendingError, match="Inget är ändrat"):
            sending.change_remiss(
                remiss=remiss,
                user=ks_samordnare,
                title=remiss.title,
                description=remiss.description,
                attachments=[],
            )
        assert not OutgoingMail.objects.exists()
        assert not StatusEvent.objects.filter(action=A.REMISS_CHANGED).exists()

    def test_only_the_coordinator_changes_a_remiss(self, client, remiss, ks, handlaggare):
        ks_handlaggare = make_user("ks_handl", ks, M.Role.CASE_OFFICER)
        client.force_login(ks_handlaggare)
        response = client.post(reverse("remiss_change", args=[remiss.pk]), {"title": "X"})
        assert response.status_code == 403
        client.force_login(handlaggare)  # a recipient: not its remiss
        assert client.post(reverse("remiss_change", args=[remiss.pk])).status_code == 404
        remiss.refresh_from_db()
        assert remiss.title != "X"


# Adding recipients --------------------------------------------------------------------------------


class TestAddingRecipients:
    def test_added_recipients_receive_it_inside_by_the_portal_and_outside_by_mail_with_a_link(
        self, client, current, ks_samordnare, polisen
    ):
        remiss = current
        bromma = make_organisation("Bromma stadsdelsnämnd")
        make_user("bromma", bromma, M.Role.CASE_OFFICER)

        added = sending.add_recipients(
            remiss=remiss, user=ks_samordnare, organisations=[bromma, polisen]
        )

        assert [r.status for r in added] == [R.AWAITING, R.AWAITING]
        assert all(actions(r) == [A.RECEIVED] for r in added)
        assert mails("remiss_received") == [["bromma@example.org"]]
        assert mails("remiss_received_outside") == [["registrator.stockholm@polisen.example"]]
        body = OutgoingMail.objects.get(template="remiss_received_outside").body
        assert reverse("public_remiss", args=[remiss.pk]) in body
        token = re.search(r"/svara/([^/]+)/", body).group(1)
        link = sending.reply_link(remiss_pk=remiss.pk, token=token)
        assert link.recipient.organisation == polisen
        assert ReplyLink.objects.get().token_hash != token  # only the hash is kept
        page = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        assert "Bromma stadsdelsnämnd" in page and "Polismyndigheten" in page

    def test_a_recipient_cannot_be_added_twice_nor_after_the_deadline(
        self, remiss, ks_samordnare, sodermalm, polisen
    ):
        before = DEADLINE - datetime.timedelta(days=10)
        with pytest.raises(sending.SendingError, match="Har redan fått remissen"):
            sending.add_recipients(
                remiss=remiss, user=ks_samordnare, organisations=[sodermalm], today=before
            )
        with pytest.raises(sending.SendingError, match="har passerat"):
            sending.add_recipients(
                remiss=remiss, user=ks_samordnare, organisations=[polisen], today=DEADLINE
            )
        assert remiss.recipients.count() == 2 and not OutgoingMail.objects.exists()


# Withdrawing -------------------------------------------------------------------------------------


class TestWithdrawing:
    def test_withdrawing_closes_every_open_case_with_the_reason_and_tells_them(
        self, client, remiss, ks_samordnare, started, handlaggare, outsider
    ):
        client.force_login(ks_samordnare)
        response = client.post(
            reverse("remiss_recall", args=[remiss.pk]),
            {"reason": "Förslaget arbetas om i grunden."},
        )

        assert response.status_code == 302
        remiss.refresh_from_db()
        assert remiss.withdrawn_on == timezone.localdate()
        for recipient in remiss.recipients.all():
            assert recipient.status == R.RECALLED
            event = recipient.events.get(action=A.RECALLED)
            assert event.comment == "Förslaget arbetas om i grunden."
        # Södermalm's statement was being written: its handläggare is told, and it goes no
        # further.
        assert sorted(mails("remiss_recalled")) == [
            ["handlaggare@example.org"],
            [outsider.email],
        ]
        with pytest.raises(workflow.TransitionError, match="återkallat"):
            workflow.submit(statement=started, user=handlaggare)
        page = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        assert "Remissen är återkallad" in page and "Förslaget arbetas om i grunden." in page
        assert "Remissen återkallad" in page  # each recipient's state

    def test_a_withdrawn_remiss_cannot_be_changed_withdrawn_again_or_closed(
        self, remiss, ks_samordnare
    ):
        workflow.recall_remiss(remiss=remiss, user=ks_samordnare, reason="Fel mottagare.")
        with pytest.raises(workflow.TransitionError, match="återkallades"):
            sending.change_remiss(
                remiss=remiss, user=ks_samordnare, title="Ny", description="", attachments=[]
            )
        with pytest.raises(workflow.TransitionError, match="återkallades"):
            workflow.recall_remiss(remiss=remiss, user=ks_samordnare, reason="Igen.")
        with pytest.raises(workflow.TransitionError, match="återkallades"):
            workflow.close_round(
                remiss=remiss, user=ks_samordnare, today=DEADLINE + datetime.timedelta(days=1)
            )
        assert StatusEvent.objects.filter(action=A.RECALLED).count() == 2  # once each, not twice

    def test_withdrawing_needs_a_reason_and_the_coordinator(self, remiss, ks, ks_samordnare):
        with pytest.raises(workflow.TransitionError, match="Skriv varför"):
            workflow.recall_remiss(remiss=remiss, user=ks_samordnare, reason=" ")
        registrar = make_user("ks_reg", ks, M.Role.REGISTRAR)
        with pytest.raises(PermissionDenied):
            workflow.recall_remiss(remiss=remiss, user=registrar, reason="Nej.")
        remiss.refresh_from_db()
        assert remiss.withdrawn_on is None
        assert set(remiss.recipients.values_list("status", flat=True)) == {R.AWAITING}


# Closing -----------------------------------------------------------------------------------------


class TestClosing:
    def test_closing_after_the_deadline_makes_missing_replies_ej_inkommit_not_late(
        self, client, remiss, ks_samordnare, sodermalm_recipient, handlaggare, outsider
    ):
        Recipient.objects.filter(pk=sodermalm_recipient.pk).update(
            status=R.DELIVERED, delivered_at=timezone.now()
        )
        client.force_login(ks_samordnare)
        board = client.get(reverse("remiss_status", args=[remiss.pk])).content.decode()
        assert "försenad" in board  # Kungsholmen, before closing

        response = client.post(reverse("remiss_close", args=[remiss.pk]))

        assert response.status_code == 302
        remiss.refresh_from_db()
        assert remiss.closed_on == timezone.localdate()
        kungsholmen = remiss.recipients.get(organisation__name="Kungsholmens stadsdelsnämnd")
        assert kungsholmen.status == R.NOT_RECEIVED
        assert actions(kungsholmen)[-1] == A.NOT_RECEIVED
        sodermalm_recipient.refresh_from_db()
        assert sodermalm_recipient.status == R.DELIVERED
        assert mails("round_closed") == [[outsider.email]]
        board = client.get(reverse("remiss_status", args=[remiss.pk])).content.decode()
        assert "försenad" not in board and "Ej inkommit" in board
        assert "Avsluta remissomgången" not in board and "Ändra remissen" not in board
        page = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        assert "Remissomgången avslutades" in page and "Ej inkommit" in page

    def test_a_round_cannot_be_closed_before_its_deadline_nor_while_an_extension_runs(
        self, remiss, ks_samordnare, sodermalm_recipient
    ):
        with pytest.raises(workflow.TransitionError, match="först efter svarsdatum"):
            workflow.close_round(remiss=remiss, user=ks_samordnare, today=DEADLINE)
        Recipient.objects.filter(pk=sodermalm_recipient.pk).update(
            extended_deadline=DEADLINE + datetime.timedelta(days=20)
        )
        with pytest.raises(workflow.TransitionError, match="Anstånd löper"):
            workflow.close_round(
                remiss=remiss, user=ks_samordnare, today=DEADLINE + datetime.timedelta(days=5)
            )
        remiss.refresh_from_db()
        assert remiss.closed_on is None
        assert set(remiss.recipients.values_list("status", flat=True)) == {R.AWAITING}
        assert not OutgoingMail.objects.exists()

    def test_no_reminder_goes_to_a_closed_round(self, remiss, ks_samordnare):
        workflow.close_round(
            remiss=remiss, user=ks_samordnare, today=DEADLINE + datetime.timedelta(days=1)
        )
        assert sending.send_due_reminders(today=DEADLINE + datetime.timedelta(days=2)) == 0


# Outside instanser -------------------------------------------------------------------------------


@pytest.fixture
def polisen_recipient(current, polisen, ks_samordnare):
    (recipient,) = sending.add_recipients(
        remiss=current, user=ks_samordnare, organisations=[polisen]
    )
    return recipient


def token_of(remiss) -> str:
    body = OutgoingMail.objects.filter(template="remiss_received_outside").last().body
    return re.search(r"/svara/([^/]+)/", body).group(1)


class TestOutsideReplies:
    def test_the_instans_answers_once_through_its_link_and_the_reply_is_public(
        self, client, remiss, polisen_recipient, media
    ):
        url = reverse("reply_link", args=[remiss.pk, token_of(remiss)])
        assert client.get(url).status_code == 200

        response = client.post(
            url, {"file": pdf_upload(), "name": "Anna Polis", "note": "Se bifogat."}
        )

        assert response.status_code == 302
        polisen_recipient.refresh_from_db()
        assert polisen_recipient.status == R.DELIVERED
        reply = ReceivedReply.objects.get(recipient=polisen_recipient)
        assert reply.channel == ReceivedReply.Channel.LINK and reply.registered_by is None
        assert reply.submitted_by_name == "Anna Polis"
        assert actions(polisen_recipient)[-1] == A.REPLY_REGISTERED
        assert mails("reply_receipt") == [["registrator.stockholm@polisen.example"]]
        assert mails("reply_received") == [["ks@example.org"]]
        public = client.get(reverse("public_reply", args=[remiss.pk, polisen_recipient.pk]))
        assert "Anna Polis" in public.content.decode()
        download = client.get(
            reverse("public_received_reply", args=[remiss.pk, polisen_recipient.pk])
        )
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        # Used once: refused, and nothing changes.
        again = client.post(url, {"file": pdf_upload(), "name": "Någon annan"})
        assert again.status_code == 410 and "redan använd" in again.content.decode()
        assert ReceivedReply.objects.count() == 1

    def test_an_expired_link_is_refused(self, client, remiss, polisen_recipient, media):
        token = token_of(remiss)
        ReplyLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        response = client.post(
            reverse("reply_link", args=[remiss.pk, token]),
            {"file": pdf_upload(), "name": "Anna Polis"},
        )
        assert response.status_code == 410 and "gällde till och med" in response.content.decode()
        polisen_recipient.refresh_from_db()
        assert polisen_recipient.status == R.AWAITING and not ReceivedReply.objects.exists()

    def test_a_link_for_another_remiss_or_a_made_up_one_does_not_exist(
        self, client, remiss, ks, polisen_recipient, media
    ):
        token = token_of(remiss)
        other = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2019/2",
            title="Annan",
            sent_on=remiss.sent_on,
            deadline=remiss.deadline,
        )
        for url in [
            reverse("reply_link", args=[other.pk, token]),
            reverse("reply_link", args=[remiss.pk, "påhittad"]),
        ]:
            response = client.post(url, {"file": pdf_upload(), "name": "X"})
            assert response.status_code == 404
        assert not ReceivedReply.objects.exists()

    def test_the_coordinator_registers_a_reply_by_post_and_the_link_closes(
        self, client, remiss, ks_samordnare, polisen_recipient, media
    ):
        token = token_of(remiss)
        client.force_login(ks_samordnare)
        response = client.post(
            reverse("reply_register", args=[remiss.pk, polisen_recipient.pk]),
            {
                "file": pdf_upload("inskannat.pdf"),
                "received_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
                "channel": "post",
                "note": "Inkom med post.",
            },
        )
        assert response.status_code == 302
        reply = ReceivedReply.objects.get()
        assert reply.registered_by == ks_samordnare
        assert reply.received_on == timezone.localdate() - datetime.timedelta(days=2)
        assert reply.channel == ReceivedReply.Channel.POST
        client.logout()
        refused = client.get(reverse("reply_link", args=[remiss.pk, token]))
        assert refused.status_code == 410

    def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_registered(
        self, client, remiss, ks_samordnare, polisen_recipient, media
    ):
        client.force_login(ks_samordnare)
        response = client.post(
            reverse("reply_register", args=[remiss.pk, polisen_recipient.pk]),
            {
                "file": SimpleUploadedFile("svar.pdf", b"<html>nej</html>"),
                "received_on": timezone.localdate().isoformat(),
                "channel": "post",
            },
        )
        assert response.status_code == 200 and "error-summary" in response.content.decode()
        polisen_recipient.refresh_from_db()
        assert polisen_recipient.status == R.AWAITING and not ReceivedReply.objects.exists()


# Remisses from outside, and kommunstyrelsen's own reply ---------------------------------------


@pytest.fixture
def ministry(db) -> Organisation:
    return make_organisation(
        "Finansdepartementet",
        Organisation.Kind.STATE_AUTHORITY,
        contact_email="fi.remissvar@example.org",
    )


def register(
    ks,
    user,
    ministry,
    *,
    deadline_days: int = 90,
    number: str = "Fi2026/04711",
    own: str = "KS 2026/1234",
) -> Recipient:
    today = timezone.localdate()
    return sending.register_incoming(
        new=sending.NewIncoming(
            remittent=ministry,
            registration_number=number,
            reference="SOU 2026:14",
            title="Kommunernas beredskap",
            description="",
            received_on=today,
            deadline=today + datetime.timedelta(days=deadline_days),
            own_number=own,
            attachments=[],
        ),
        organisation=ks,
        user=user,
    )


class TestFromOutside:
    def test_an_incoming_remiss_is_kommunstyrelsens_case_and_public(
        self, client, ks, ks_samordnare, ministry
    ):
        case = register(ks, ks_samordnare, ministry)
        assert case.organisation == ks and case.status == R.AWAITING
        assert case.remiss.sender == ministry and case.remiss.reference == "SOU 2026:14"
        assert actions(case) == [A.RECEIVED]
        page = client.get(reverse("public_remiss", args=[case.remiss.pk])).content.decode()
        assert "SOU 2026:14" in page and "Finansdepartementet" in page

    def test_a_remittent_inside_the_municipality_or_a_second_registration_is_refused(
        self, ks, ks_samordnare, ministry, sodermalm
    ):
        register(ks, ks_samordnare, ministry)
        with pytest.raises(sending.SendingError, match="finns redan"):
            register(ks, ks_samordnare, ministry)
        with pytest.raises(sending.SendingError, match="hör till kommunen"):
            register(ks, ks_samordnare, sodermalm)
        assert Recipient.objects.filter(organisation=ks).count() == 1

    def test_the_suggested_deadline_leaves_two_weeks_before_the_last_meeting_in_time(
        self, ks, ks_samordnare, ministry
    ):
        from remiss.models import Meeting

        case = register(ks, ks_samordnare, ministry, deadline_days=90)
        today = timezone.localdate()
        without_meeting = sending.suggested_deadline(case, today=today)
        assert without_meeting <= case.deadline - datetime.timedelta(days=28)
        meeting_day = today + datetime.timedelta(days=60)
        Meeting.objects.create(organisation=ks, date=meeting_day, starts_at=datetime.time(9))
        suggested = sending.suggested_deadline(case, today=today)
        assert suggested <= meeting_day - datetime.timedelta(days=14)
        assert suggested >= meeting_day - datetime.timedelta(days=17)  # at most a weekend back

    def test_forwarding_sends_kommunstyrelsens_own_remiss_with_an_earlier_deadline(
        self, ks, ks_samordnare, ministry, sodermalm, kungsholmen, handlaggare
    ):
        case = register(ks, ks_samordnare, ministry)
        with pytest.raises(sending.SendingError, match="före Finansdepartementets svarsdatum"):
            sending.forward_remiss(
                case=case,
                user=ks_samordnare,
                registration_number="KS 2026/1234",
                deadline=case.deadline + datetime.timedelta(days=1),
                description="",
                recipients=[sodermalm],
            )
        remiss, _ = sending.forward_remiss(
            case=case,
            user=ks_samordnare,
            registration_number="KS 2026/1234",
            deadline=case.deadline - datetime.timedelta(days=30),
            description="Kommunstyrelsen remitterar utredningen.",
            recipients=[sodermalm, kungsholmen],
        )
        assert remiss.sender == ks and remiss.forwarded_from == case
        assert remiss.reference == "SOU 2026:14"
        assert actions(case) == [A.RECEIVED, A.FORWARDED]
        assert mails("remiss_received") == [["handlaggare@example.org"]]

    def test_the_beredning_says_who_was_asked_answered_declined_and_did_not_answer(
        self, ks, ks_samordnare, ministry, sodermalm, kungsholmen
    ):
        bromma = make_organisation("Bromma stadsdelsnämnd")
        farsta = make_organisation("Farsta stadsdelsnämnd")
        case = register(ks, ks_samordnare, ministry)
        remiss, _ = sending.forward_remiss(
            case=case,
            user=ks_samordnare,
            registration_number="KS 2026/1234",
            deadline=case.deadline - datetime.timedelta(days=30),
            description="",
            recipients=[sodermalm, kungsholmen, bromma, farsta],
        )
        now = timezone.now()
        remiss.recipients.filter(organisation=sodermalm).update(
            status=R.DELIVERED, delivered_at=now
        )
        remiss.recipients.filter(organisation=kungsholmen).update(
            status=R.DECLINED, declined_reason="Berörs inte."
        )
        remiss.recipients.filter(organisation=bromma).update(status=R.NOT_RECEIVED)

        assert drafting.round_preparation(case) == (
            "Ärendet har remitterats till Bromma stadsdelsnämnd, Farsta stadsdelsnämnd, "
            "Kungsholmens stadsdelsnämnd och Södermalms stadsdelsnämnd (dnr KS 2026/1234). "
            "Svar har inkommit från Södermalms stadsdelsnämnd. "
            "Kungsholmens stadsdelsnämnd har avstått från att svara. "
            "Bromma stadsdelsnämnd har ej inkommit med svar. "
            "Svar inväntas från Farsta stadsdelsnämnd."
        )

    def test_kommunstyrelsens_reply_is_addressed_to_the_ministry_and_names_the_sou(
        self, ks, ks_samordnare, ministry
    ):
        writer = make_user("ks_handl", ks, M.Role.CASE_OFFICER)
        case = register(ks, ks_samordnare, ministry)
        statement = drafting.start_statement(recipient=case, user=writer)
        assert statement.addressed_to == "Finansdepartementet"
        assert statement.reference_line == (
            "Svar på remiss från Finansdepartementet, dnr Fi2026/04711 (SOU 2026:14)"
        )

    def test_delivery_to_an_outside_remittent_mails_its_address_the_published_reply(
        self, ks, ks_samordnare, ministry
    ):
        from remiss import notifications

        case = register(ks, ks_samordnare, ministry)
        notifications.delivered(case)
        (message,) = OutgoingMail.objects.filter(template="reply_to_remittent")
        assert message.to == ["fi.remissvar@example.org"]
        assert reverse("public_reply", args=[case.remiss.pk, case.pk]) in message.body
        assert "SOU 2026:14" in message.body and "KS 2026/1234" in message.body
        # No decision, so no archived reply here: the mail does not claim one is attached.
        assert message.attachment is None and "bifogat" not in message.body


class TestMotions:
    def test_a_motion_as_subject_shows_on_the_remiss_and_in_the_reply(
        self, client, remiss, handlaggare, sodermalm_recipient
    ):
        remiss.subject_kind = "motion"
        remiss.subject_number = "2026:14"
        remiss.subject_mover = "Anna Berg"
        remiss.subject_party = "S"
        remiss.save()
        assert remiss.subject_line == "Motion 2026:14 av Anna Berg (S)"
        page = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        assert "Ärendet gäller Motion 2026:14 av Anna Berg (S)" in page
        statement = drafting.start_statement(recipient=sodermalm_recipient, user=handlaggare)
        assert statement.reference_line.endswith(": Motion 2026:14 av Anna Berg (S)")

    def test_the_coordinator_sends_a_remiss_on_a_motion(
        self, client, ks_samordnare, sodermalm, programme
    ):
        client.force_login(ks_samordnare)
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        fields = {
            "registration_number": "KS 2026/14",
            "title": "Motion om trygghetsvandringar",
            "description": "",
            "deadline": deadline.isoformat(),
            "recipients": [sodermalm.pk],
            "subject_kind": "motion",
            "subject_number": "2026:14",
            "subject_party": "S",
        }
        refused = client.post(reverse("remiss_create"), fields)
        assert "Skriv vem som har lämnat motionen" in refused.content.decode()
        client.post(reverse("remiss_create"), {**fields, "subject_mover": "Anna Berg"})
        sent = Remiss.objects.get(registration_number="KS 2026/14")
        assert sent.subject_line == "Motion 2026:14 av Anna Berg (S)"
        status_page = client.get(reverse("remiss_status", args=[sent.pk])).content.decode()
        assert "Ärendet gäller Motion 2026:14 av Anna Berg (S)" in status_page


def test_a_reminder_reaches_an_outside_instans_at_its_contact_address(
    current, ks_samordnare, polisen_recipient
):
    from remiss.models import Reminder

    reminder = sending.remind(
        recipient=polisen_recipient, kind=Reminder.Kind.MANUAL, user=ks_samordnare
    )
    assert reminder.addresses == "registrator.stockholm@polisen.example"
    (message,) = OutgoingMail.objects.filter(template="reminder")
    assert reverse("public_remiss", args=[current.pk]) in message.body
    assert "begära anstånd i portalen" not in message.body


def test_the_admin_shows_replies_and_links_but_never_edits_a_round_state(
    client, admin_user, current, polisen_recipient
):
    client.force_login(admin_user)
    for name in ["receivedreply", "replylink"]:
        assert client.get(reverse(f"admin:remiss_{name}_changelist")).status_code == 200
    link = ReplyLink.objects.get()
    page = client.get(reverse("admin:remiss_replylink_change", args=[link.pk])).content.decode()
    assert link.token_hash not in page
    client.post(
        reverse("admin:remiss_remiss_change", args=[current.pk]),
        {"title": current.title, "closed_on": "2026-01-01", "withdrawn_on": "2026-01-01"},
    )
    current.refresh_from_db()
    assert current.closed_on is None and current.withdrawn_on is None


def test_a_statement_of_a_withdrawn_remiss_can_no_longer_be_edited_and_says_why(
    client, remiss, ks_samordnare, started, handlaggare
):
    workflow.recall_remiss(remiss=remiss, user=ks_samordnare, reason="Förslaget arbetas om.")
    client.force_login(handlaggare)
    page = client.get(reverse("statement", args=[started.pk])).content.decode()
    assert "Remissen är återkallad" in page and "Förslaget arbetas om." in page
    assert client.get(reverse("statement_edit", args=[started.pk])).status_code == 403


def test_the_editor_beside_the_round_and_the_round_pages_do_not_grow_per_recipient(
    client, ks, ks_samordnare, ministry
):
    """Bounded work per request: the same number of queries for 2 and for 12 recipients."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    M.objects.create(user=ks_samordnare, organisation=ks, role=M.Role.CASE_OFFICER)
    bodies = [make_organisation(f"Nämnd {n:02}") for n in range(12)]
    client.force_login(ks_samordnare)
    client.get("/")  # the first request after login renews the session

    def queries(count: int) -> dict[str, int]:
        case = register(
            ks, ks_samordnare, ministry, number=f"Fi2026/{count}", own=f"KS 2026/9{count}"
        )
        statement = drafting.start_statement(recipient=case, user=ks_samordnare)
        remiss, _ = sending.forward_remiss(
            case=case,
            user=ks_samordnare,
            registration_number=f"KS 2026/{count}",
            deadline=case.deadline - datetime.timedelta(days=30),
            description="",
            recipients=bodies[:count],
        )
        remiss.recipients.filter(organisation__in=bodies[: count // 2]).update(
            status=R.DELIVERED, delivered_at=timezone.now()
        )
        counts = {}
        for name, url in [
            ("editor", reverse("statement_edit", args=[statement.pk])),
            ("add", reverse("remiss_add_recipients", args=[remiss.pk])),
            ("status", reverse("remiss_status", args=[remiss.pk])),
            ("case", reverse("recipient", args=[case.pk])),
        ]:
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts[name] = len(context.captured_queries)
        return counts

    assert queries(2) == queries(12)
