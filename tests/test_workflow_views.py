"""The workflow's pages: who may act, what each POST changes, and that a GET changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from remiss import signed_text, workflow
from remiss.models import (
    Decision,
    JustificationSignature,
    Meeting,
    Recipient,
    ReviewComment,
    Statement,
    StatusEvent,
)
from tests.conftest import editor_post, move_url
from tests.justifying import justify_at_once, sign_minutes

pytestmark = pytest.mark.django_db
S = Statement.Status


def state() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"remiss", "programs"}
    }


def move(client, statement, name, **data):
    return client.post(move_url(statement.pk, name), data)


class TestReviewPages:
    def test_moves_take_a_post_and_a_get_changes_nothing(self, client, started, handlaggare):
        client.force_login(handlaggare)
        before = state()

        response = client.get(move_url(started.pk, "lamna-till-granskning"))

        assert response.status_code == 405
        assert state() == before

    def test_anonymous_and_other_organisations_cannot_move(self, client, started, outsider):
        assert move(client, started, "lamna-till-granskning")["Location"].startswith(
            reverse("login")
        )
        client.force_login(outsider)
        assert move(client, started, "lamna-till-granskning").status_code == 404
        assert Statement.objects.get().status == S.DRAFT
        assert StatusEvent.objects.count() == 1  # only the start

    def test_the_whole_review_through_the_pages(self, client, started, handlaggare, direktor):
        client.force_login(handlaggare)
        response = move(client, started, "lamna-till-granskning", comment="Klar att läsas.")
        assert response["Location"] == reverse("statement", args=[started.pk])
        assert Statement.objects.get().status == S.IN_REVIEW

        client.force_login(direktor)
        page = client.get(reverse("statement", args=[started.pk])).content.decode()
        assert "Signera" in page and "Returnera till handläggaren" in page
        move(client, started, "returnera", comment="", **{"comment-views": "Mer om hot och våld."})
        assert Statement.objects.get().status == S.DRAFT
        assert ReviewComment.objects.get().text == "Mer om hot och våld."

        client.force_login(handlaggare)
        edit = client.get(reverse("statement_edit", args=[started.pk])).content.decode()
        assert "Kommentarer från granskningen" in edit and "Mer om hot och våld." in edit
        move(client, started, "lamna-till-granskning")
        client.force_login(direktor)
        move(client, started, "signera")

        statement = Statement.objects.get()
        assert statement.status == S.READY
        assert statement.signer_name == "Ann-Christine Jenvén"

    def test_a_refused_move_is_explained_and_changes_nothing(self, client, started, direktor):
        client.force_login(direktor)
        events = StatusEvent.objects.count()

        response = move(client, started, "signera")

        assert response.status_code == 302
        follow = client.get(response["Location"]).content.decode()
        assert "Det går inte att signera nu: utlåtandet är utkast." in follow
        assert Statement.objects.get().status == S.DRAFT
        assert StatusEvent.objects.count() == events

    def test_the_wrong_role_gets_403_and_nothing_changes(self, client, started, sekreterare):
        client.force_login(sekreterare)
        mail.outbox.clear()

        response = move(client, started, "lamna-till-granskning")

        assert response.status_code == 403
        assert "Din roll ger inte behörighet" in response.content.decode()
        assert Statement.objects.get().status == S.DRAFT
        assert mail.outbox == []

    def test_an_unknown_move_is_404(self, client, started, handlaggare):
        client.force_login(handlaggare)

        response = client.post(f"/utlatanden/{started.pk}/publicera/")

        assert response.status_code == 404
        assert Statement.objects.get(pk=started.pk).status == "draft"


class TestSignedTextIsFrozen:
    def test_the_edit_page_refuses_a_signed_statement(self, client, signed, handlaggare):
        client.force_login(handlaggare)

        get = client.get(reverse("statement_edit", args=[signed.pk]))
        post = client.post(
            reverse("statement_edit", args=[signed.pk]),
            editor_post(signed, summary="Ändrat efter signering."),
        )

        assert get.status_code == 403 and post.status_code == 403
        assert "signerat och kan inte ändras" in post.content.decode()
        assert Statement.objects.get().summary == ""

    def test_restore_and_autosave_are_refused_too(self, client, signed, handlaggare):
        client.force_login(handlaggare)

        restore = client.post(
            reverse("statement_restore", args=[signed.pk, 1]), {"base_version": signed.version}
        )
        autosave = client.post(
            reverse("statement_autosave", args=[signed.pk]), {"base_version": signed.version}
        )

        assert restore.status_code == 403
        assert "signerat och kan inte ändras" in restore.content.decode()
        assert autosave.status_code == 403
        assert Statement.objects.get().version == signed.version

    def test_the_admin_shows_a_signed_statement_read_only(self, client, signed, admin_user):
        client.force_login(admin_user)
        url = reverse("admin:remiss_statement_change", args=[signed.pk])

        page = client.get(url).content.decode()
        client.post(
            url,
            {
                **editor_post(signed, summary="Via admin."),
                "recipient": signed.recipient_id,
                "case_officer": signed.case_officer_id,
            },
        )

        assert 'name="summary"' not in page
        assert Statement.objects.get().summary == ""


class TestMeetingPages:
    def test_the_secretary_creates_a_meeting(self, client, sekreterare, sodermalm):
        client.force_login(sekreterare)

        response = client.post(
            reverse("meeting_create"),
            {"date": "2019-12-12", "starts_at": "18:00", "place": "Medborgarplatsen", "open": "on"},
        )

        meeting = Meeting.objects.get()
        assert response["Location"] == reverse("meeting", args=[meeting.pk])
        assert (meeting.organisation, meeting.secretary, meeting.open) == (
            sodermalm,
            sekreterare,
            True,
        )
        assert meeting.chair is None and not meeting.attendance.exists()
        assert list(meeting.events.values_list("action", flat=True)) == ["created"]

    def test_a_meeting_needs_a_date(self, client, sekreterare):
        client.force_login(sekreterare)

        response = client.post(reverse("meeting_create"), {"place": "Medborgarplatsen"})

        body = response.content.decode()
        assert response.status_code == 200
        assert "Detta fält måste fyllas i." in body
        assert Meeting.objects.count() == 0

    def test_only_a_secretary_creates_meetings(self, client, handlaggare):
        client.force_login(handlaggare)

        assert client.get(reverse("meeting_create")).status_code == 404

    def test_the_agenda_is_open_to_members_and_closed_to_others(
        self, client, meeting, ordforande, outsider
    ):
        client.force_login(ordforande)
        assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 200
        client.force_login(outsider)
        assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 404

    def test_the_secretary_puts_a_signed_statement_on_the_agenda(
        self, client, signed, meeting, sekreterare, handlaggare
    ):
        url = reverse("meeting_add_statement", args=[meeting.pk])
        client.force_login(handlaggare)
        assert client.post(url, {"statement": signed.pk}).status_code == 403

        client.force_login(sekreterare)
        client.post(url, {"statement": signed.pk})

        assert meeting.items.get().statement == signed
        assert Statement.objects.get().status == S.ON_AGENDA

    def test_immediate_justification_is_marked_by_the_secretary_and_signed_by_each_justifier(
        self, client, on_agenda, sekreterare, ordforande, justerare, ks_samordnare, clock
    ):
        meeting = on_agenda.meeting
        client.force_login(sekreterare)
        url = reverse("decision_record", args=[meeting.pk, on_agenda.number])
        form = client.get(url).content.decode()
        assert 'name="immediate"' in form
        formsets = {
            f"{prefix}-{key}": value
            for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
            for key, value in [("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0)]
        }

        response = client.post(
            url,
            {
                "outcome": "adopted",
                "text": "Nämnden överlämnar utlåtandet.",
                "immediate": "on",
                "has_vote": "on",
                "proposition": "Ja för förvaltningens förslag.",
                f"ballot_{ordforande.pk}": "ja",
                f"ballot_{justerare.pk}": "nej",
                "casting_vote": "ja",
                "reservationer-0-member": justerare.pk,
                "reservationer-0-text": "Programmet är för svagt.",
                **formsets,
            },
        )

        assert response["Location"] == reverse("paragraph", args=[meeting.pk, on_agenda.number])
        decision = Decision.objects.get()
        assert decision.immediate and decision.justified_on is None  # only marked
        assert decision.vote.result() == "ja"
        reservation = decision.reservations.get()
        assert reservation.person == justerare
        assert reservation.member == "justerare (M), ledamot"
        assert Statement.objects.get().status == S.DECIDED
        justify = reverse("paragraph_justify", args=[meeting.pk, on_agenda.number])
        assert justify not in client.get(response["Location"]).content.decode()
        assert client.get(justify).status_code == 403  # the secretary never justifies

        clock.set(datetime.datetime(2019, 12, 12, 20, 15))
        client.force_login(ordforande)
        assert justify in client.get(response["Location"]).content.decode()
        page = client.get(justify).content.decode()
        assert "Nämnden överlämnar utlåtandet." in page and 'name="password"' in page
        digest = signed_text.sha256(signed_text.extract_text(decision))
        wrong = client.post(justify, {"password": "fel", "sha256": digest})
        assert wrong.status_code == 400
        assert "Lösenordet stämmer inte" in wrong.content.decode()
        assert not JustificationSignature.objects.exists()
        client.post(justify, {"password": "demo", "sha256": digest})
        assert Statement.objects.get().status == S.DECIDED
        client.force_login(justerare)
        client.post(justify, {"password": "demo", "sha256": digest})

        decision.refresh_from_db()
        assert decision.justified_on == datetime.date(2019, 12, 12)
        assert Statement.objects.get().status == S.DELIVERED
        assert Recipient.objects.get(pk=on_agenda.statement.recipient_id).status == "delivered"
        paragraph = client.get(response["Location"]).content.decode()
        assert "Paragrafen justerades omedelbart 2019-12-12" in paragraph
        assert "Per Holm justerade 2019-12-12 20:15" in paragraph
        assert "kan inte överklagas genom laglighetsprövning" in paragraph

    def test_a_tie_without_casting_vote_is_refused_by_the_form(
        self, client, on_agenda, sekreterare, ordforande, justerare
    ):
        meeting = on_agenda.meeting
        client.force_login(sekreterare)

        response = client.post(
            reverse("decision_record", args=[meeting.pk, on_agenda.number]),
            {
                "outcome": "adopted",
                "text": "Bifall.",
                "has_vote": "on",
                "proposition": "Ja.",
                f"ballot_{ordforande.pk}": "ja",
                f"ballot_{justerare.pk}": "nej",
                **{
                    f"{p}-{k}": v
                    for p in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
                    for k, v in [("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0)]
                },
            },
        )

        assert "Lika röstetal: ange ordförandens utslagsröst." in response.content.decode()
        assert Decision.objects.count() == 0

    def test_the_chair_and_justifier_justify_the_minutes(
        self, client, on_agenda, sekreterare, ordforande, justerare
    ):
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
        )
        url = reverse("meeting_justify", args=[on_agenda.meeting_id])
        digest = signed_text.sha256(signed_text.minutes_text(on_agenda.meeting))
        answer = {"password": "demo", "sha256": digest}

        client.force_login(sekreterare)
        assert client.get(url).status_code == 403
        assert client.post(url, answer).status_code == 403
        client.force_login(ordforande)
        assert "Bekräfta att det är du" in client.get(url).content.decode()
        assert client.post(url, {"sha256": digest}).status_code == 400  # no password
        client.post(url, answer)
        assert Statement.objects.get().status == S.DECIDED
        client.force_login(justerare)
        client.post(url, answer)

        signatures = JustificationSignature.objects.order_by("pk")
        assert [(s.user, s.sha256, s.method) for s in signatures] == [
            (ordforande, digest, "password"),
            (justerare, digest, "password"),
        ]
        assert Statement.objects.get().status == S.DELIVERED

    @pytest.mark.parametrize("name", ["meetings", "meeting", "paragraph", "decision_record"])
    def test_a_get_changes_nothing(self, client, on_agenda, sekreterare, name):
        client.force_login(sekreterare)
        args = {
            "meetings": [],
            "meeting": [on_agenda.meeting_id],
            "paragraph": [on_agenda.meeting_id, on_agenda.number],
            "decision_record": [on_agenda.meeting_id, on_agenda.number],
        }[name]
        before = state()

        assert client.get(reverse(name, args=args)).status_code == 200
        assert state() == before


class TestDecline:
    def test_the_head_of_administration_declines_with_a_reason(
        self, client, sodermalm_recipient, direktor, ks_samordnare
    ):
        client.force_login(direktor)

        client.post(
            reverse("recipient_decline", args=[sodermalm_recipient.pk]), {"reason": "Ej berörda."}
        )

        recipient = Recipient.objects.get(pk=sodermalm_recipient.pk)
        assert (recipient.status, recipient.declined_reason) == ("declined", "Ej berörda.")

    def test_a_case_officer_may_not_decline(self, client, sodermalm_recipient, handlaggare):
        client.force_login(handlaggare)

        response = client.post(
            reverse("recipient_decline", args=[sodermalm_recipient.pk]), {"reason": "Nej."}
        )

        assert response.status_code == 403
        assert Recipient.objects.get(pk=sodermalm_recipient.pk).status == "awaiting"


class TestSenderPages:
    def test_the_sender_sees_a_reply_only_once_it_is_delivered(
        self, client, on_agenda, sekreterare, ks_samordnare
    ):
        remiss = on_agenda.statement.recipient.remiss
        recipient_pk = on_agenda.statement.recipient_id
        reply = reverse("reply", args=[remiss.pk, recipient_pk])
        client.force_login(ks_samordnare)
        assert client.get(reply).status_code == 404
        assert client.get(reverse("statement", args=[on_agenda.statement_id])).status_code == 404

        justify_at_once(
            workflow.record_decision(
                item=on_agenda,
                user=sekreterare,
                record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
            )
        )

        board = client.get(reverse("remiss_status", args=[remiss.pk])).content.decode()
        assert "1 av 2 har svarat" in board
        body = client.get(reply).content.decode()
        assert "Protokollsutdrag: Södermalms stadsdelsnämnd, sammanträdet 2019-12-12, § 1" in body
        assert "Stockholms stads säkerhetsprogram 2020–2023" in body

    def test_other_organisations_cannot_see_the_senders_board(self, client, remiss, handlaggare):
        client.force_login(handlaggare)

        assert client.get(reverse("remiss_status", args=[remiss.pk])).status_code == 404


def test_the_start_page_lists_what_waits_for_each_role(
    client, started, handlaggare, direktor, sekreterare, meeting
):
    workflow.submit(statement=started, user=handlaggare)
    client.force_login(direktor)
    body = client.get(reverse("start")).content.decode()
    assert "Att göra" in body and 'Att granska <span class="count">(1)</span>' in body

    workflow.sign(statement=started, user=direktor)
    client.force_login(sekreterare)
    body = client.get(reverse("start")).content.decode()
    assert "Att sätta upp på en föredragningslista" in body


def test_the_inbox_warns_when_no_meeting_comes_before_the_deadline(
    client, handlaggare, ks, sodermalm, sekreterare
):
    from remiss.models import Remiss

    today = datetime.date.today()
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2026/1",
        title="Brådskande remiss",
        sent_on=today,
        deadline=today + datetime.timedelta(days=20),
    )
    Recipient.objects.create(remiss=remiss, organisation=sodermalm)
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()
    assert "Nämnden har inget sammanträde före svarsdatum" in body

    Meeting.objects.create(organisation=sodermalm, date=today + datetime.timedelta(days=18))
    body = client.get(reverse("start")).content.decode()
    assert "föreslå att paragrafen justeras omedelbart" in body


def test_the_chair_is_asked_to_justify_until_they_have(
    client, on_agenda, sekreterare, ordforande, handlaggare
):
    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
    )
    client.force_login(ordforande)
    assert "Protokoll att justera" in client.get(reverse("start")).content.decode()

    client.force_login(handlaggare)
    assert "Protokoll att justera" not in client.get(reverse("start")).content.decode()

    sign_minutes(on_agenda.meeting, ordforande)
    client.force_login(ordforande)
    assert "Protokoll att justera" not in client.get(reverse("start")).content.decode()
