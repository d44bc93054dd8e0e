"""Every move of the statement's workflow, allowed and refused (docs/domain.md §4)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from remiss import workflow
from remiss.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingEvent,
    Notice,
    Recipient,
    ReviewComment,
    Statement,
    StatusEvent,
)
from tests.conftest import make_user
from tests.justifying import sign_minutes, sign_paragraph

# E-mail goes out when the transaction commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
S = Statement.Status


def events(statement) -> list[tuple[str, str]]:
    return list(
        StatusEvent.objects.filter(statement=statement)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )


def reasons(statement) -> list[str]:
    return [row.history_change_reason for row in statement.history.order_by("history_id")]


def adopted(**changes) -> workflow.DecisionRecord:
    fields = {
        "outcome": Decision.Outcome.ADOPTED,
        "text": "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen.",
        **changes,
    }
    return workflow.DecisionRecord(**fields)


class TestReview:
    def test_submitting_hands_the_statement_to_the_head_of_administration(
        self, started, handlaggare, direktor
    ):
        mail.outbox.clear()

        result = workflow.submit(statement=started, user=handlaggare)

        assert result.status == S.IN_REVIEW
        assert events(started)[-1] == ("draft", "in_review")
        assert reasons(started)[-1] == "Lämna till granskning"
        assert [m.to for m in mail.outbox] == [["direktor@example.org"]]
        assert "Tjänsteutlåtande att granska" in mail.outbox[0].subject
        assert f"/utlatanden/{started.pk}/" in mail.outbox[0].body

    def test_returning_needs_a_comment_and_records_the_section_comments(
        self, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)
        mail.outbox.clear()

        with pytest.raises(workflow.TransitionError, match="Skriv en kommentar"):
            workflow.return_to_draft(statement=started, user=direktor, comment=" ")
        result = workflow.return_to_draft(
            statement=started,
            user=direktor,
            comment="Förtydliga synpunkterna.",
            section_comments={"views": "Nämn informationssäkerheten.", "summary": ""},
        )

        assert result.status == S.DRAFT
        assert events(started)[-1] == ("in_review", "draft")
        assert StatusEvent.objects.filter(statement=started).last().comment == (
            "Förtydliga synpunkterna."
        )
        assert sorted(ReviewComment.objects.values_list("section", "text")) == [
            ("general", "Förtydliga synpunkterna."),
            ("views", "Nämn informationssäkerheten."),
        ]
        assert [m.to for m in mail.outbox] == [["handlaggare@example.org"]]

    def test_signing_records_the_signer_and_freezes_the_text(self, started, handlaggare, direktor):
        workflow.submit(statement=started, user=handlaggare)

        result = workflow.sign(statement=started, user=direktor)

        assert result.status == S.READY
        assert (result.signer_name, result.signer_title) == (
            "Ann-Christine Jenvén",
            "Stadsdelsdirektör",
        )
        assert result.signed_by == direktor and result.signed_at is not None
        assert result.is_frozen
        assert reasons(started)[-1] == "Signera"

    def test_the_signer_may_withdraw_the_signature(self, signed, direktor):
        result = workflow.withdraw(statement=signed, user=direktor, comment="Ny uppgift inkom.")

        assert result.status == S.DRAFT
        assert (result.signer_name, result.signed_by) == ("", None)
        assert events(signed)[-1] == ("ready", "draft")

    def test_another_head_may_not_withdraw_someone_elses_signature(self, signed, sodermalm):
        other_head = make_user("chef2", sodermalm, "head_of_administration")

        with pytest.raises(PermissionDenied, match="Bara den som signerade"):
            workflow.withdraw(statement=signed, user=other_head)

        signed.refresh_from_db()
        assert signed.status == S.READY


class TestRefused:
    @pytest.mark.parametrize(
        ("move", "who"),
        [
            ("submit", "sekreterare"),
            ("submit", "outsider"),
            ("sign", "handlaggare"),
            ("sign", "outsider"),
            ("return_to_draft", "handlaggare"),
        ],
    )
    def test_the_wrong_person_changes_nothing(
        self, request, started, handlaggare, direktor, move, who
    ):
        if move != "submit":
            workflow.submit(statement=started, user=handlaggare)
        user = request.getfixturevalue(who)
        before = (
            Statement.objects.get().status,
            StatusEvent.objects.count(),
            started.history.count(),
        )
        mail.outbox.clear()
        kwargs = {"comment": "x"} if move == "return_to_draft" else {}

        with pytest.raises(PermissionDenied):
            getattr(workflow, move)(statement=started, user=user, **kwargs)

        assert (
            Statement.objects.get().status,
            StatusEvent.objects.count(),
            started.history.count(),
        ) == before
        assert mail.outbox == []

    @pytest.mark.parametrize(
        ("move", "who"),
        [("sign", "direktor"), ("return_to_draft", "direktor"), ("withdraw", "direktor")],
    )
    def test_the_wrong_state_changes_nothing(self, request, started, move, who):
        user = request.getfixturevalue(who)
        events_before = StatusEvent.objects.count()
        mail.outbox.clear()
        kwargs = {"comment": "x"} if move == "return_to_draft" else {}

        with pytest.raises((workflow.TransitionError, PermissionDenied)) as error:
            getattr(workflow, move)(statement=started, user=user, **kwargs)

        assert "utkast" in str(error.value) or "signerade" in str(error.value)
        assert Statement.objects.get().status == S.DRAFT
        assert StatusEvent.objects.count() == events_before
        assert mail.outbox == []

    def test_a_signed_statement_cannot_be_signed_again(self, signed, direktor):
        with pytest.raises(workflow.TransitionError, match="signerat"):
            workflow.sign(statement=signed, user=direktor)


class TestMeeting:
    def test_the_secretary_puts_the_signed_statement_on_the_agenda(
        self, signed, meeting, sekreterare
    ):
        item = workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)

        assert (item.number, item.title, item.statement) == (1, signed.title, signed)
        assert Statement.objects.get().status == S.ON_AGENDA
        assert events(signed)[-1] == ("ready", "on_agenda")

    def test_paragraphs_are_numbered_in_order(self, signed, meeting, sekreterare):
        workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Val av justerare")
        item = workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)

        assert list(meeting.items.values_list("number", "title")) == [
            (1, "Val av justerare"),
            (2, signed.title),
        ]
        assert item.number == 2

    def test_only_the_secretary_builds_the_agenda(self, signed, meeting, handlaggare):
        with pytest.raises(PermissionDenied):
            workflow.put_on_agenda(statement=signed, meeting=meeting, user=handlaggare)

        assert AgendaItem.objects.count() == 0
        assert Statement.objects.get().status == S.READY

    def test_an_unsigned_statement_cannot_go_on_the_agenda(self, started, meeting, sekreterare):
        with pytest.raises(workflow.TransitionError, match="utkast"):
            workflow.put_on_agenda(statement=started, meeting=meeting, user=sekreterare)

        assert AgendaItem.objects.count() == 0


class TestDecision:
    def test_the_secretary_only_marks_a_paragraph_for_immediate_justification(
        self, on_agenda, sekreterare
    ):
        """KL 5 kap. 70 §: the meeting decides that the paragraph is justified at once; the
        secretary records that, and nothing is justified or delivered until the chair and the
        justerare have signed it themselves."""
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )

        assert decision.immediate and decision.justified_on is None
        assert Statement.objects.get().status == S.DECIDED
        assert Recipient.objects.get(pk=on_agenda.statement.recipient_id).status == (
            Recipient.Status.AWAITING
        )
        assert not Notice.objects.exists()
        assert MeetingEvent.objects.filter(action="marked_immediate", item=on_agenda).exists()
        with pytest.raises(PermissionDenied):
            sign_paragraph(decision, sekreterare)
        assert Statement.objects.get().status == S.DECIDED

    def test_immediate_justification_by_the_chair_and_justerare_justifies_and_delivers(
        self, on_agenda, sekreterare, ordforande, justerare, ks_samordnare, clock
    ):
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )
        clock.set(datetime.datetime(2019, 12, 12, 20, 30))
        mail.outbox.clear()

        assert sign_paragraph(decision, ordforande) is False
        assert Statement.objects.get().status == S.DECIDED
        assert sign_paragraph(decision, justerare) is True

        statement = Statement.objects.get()
        assert statement.status == S.DELIVERED
        assert events(statement)[-3:] == [
            ("on_agenda", "decided"),
            ("decided", "justified"),
            ("awaiting", "delivered"),  # one event: the reply delivered, the recipient answered
        ]
        decision.refresh_from_db()
        assert (decision.justified_on, decision.notice_date) == (
            datetime.date(2019, 12, 12),
            datetime.date(2019, 12, 12),
        )
        assert decision.appeal_ends == datetime.date(2020, 1, 2)
        assert [s.user for s in decision.signatures.order_by("signed_at", "pk")] == [
            ordforande,
            justerare,
        ]
        recipient = Recipient.objects.get(pk=statement.recipient_id)
        assert recipient.status == Recipient.Status.DELIVERED
        assert recipient.delivered_at is not None
        delivery = StatusEvent.objects.get(recipient=recipient, action="delivered")
        assert (delivery.statement, delivery.subject) == (statement, "recipient")
        subjects = sorted(m.subject for m in mail.outbox)
        assert any(s.startswith("Remissvaret är skickat") for s in subjects)
        received = next(m for m in mail.outbox if m.subject.startswith("Remissvar inkommet"))
        assert received.to == ["ks@example.org"]

    def test_without_immediate_justification_the_decision_waits_for_the_minutes(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        assert Statement.objects.get().status == S.DECIDED
        assert decision.justified_on is None

        assert sign_minutes(on_agenda.meeting, ordforande) is False
        assert Statement.objects.get().status == S.DECIDED
        assert sign_minutes(on_agenda.meeting, justerare) is True

        assert Statement.objects.get().status == S.DELIVERED
        meeting = Meeting.objects.get()
        assert meeting.minutes_justified_on is not None
        decision.refresh_from_db()
        assert decision.justified_on == meeting.minutes_justified_on

    def test_each_justifier_justifies_once_and_only_justifiers_may(
        self, on_agenda, sekreterare, ordforande, handlaggare
    ):
        workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        sign_minutes(on_agenda.meeting, ordforande)

        with pytest.raises(workflow.TransitionError, match="redan justerat"):
            sign_minutes(on_agenda.meeting, ordforande)
        with pytest.raises(PermissionDenied):
            sign_minutes(on_agenda.meeting, handlaggare)
        assert Statement.objects.get().status == S.DECIDED

    def test_minutes_with_undecided_paragraphs_cannot_be_justified(self, on_agenda, ordforande):
        with pytest.raises(workflow.TransitionError, match="Alla paragrafer"):
            sign_minutes(on_agenda.meeting, ordforande)

    def test_referral_back_returns_the_statement_to_draft_unsigned(self, on_agenda, sekreterare):
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(
                outcome=Decision.Outcome.REFERRED_BACK,
                text="Ärendet återremitteras.",
                proposals=[("Lena Ek (V)", "refer_back", "Komplettera med en analys.")],
            ),
        )

        statement = Statement.objects.get()
        assert statement.status == S.DRAFT
        assert statement.signed_by is None
        assert events(statement)[-1] == ("on_agenda", "draft")
        assert Decision.objects.get().proposals.get().mover == "Lena Ek (V)"

    def test_tabling_moves_the_item_to_a_later_meeting(self, on_agenda, sekreterare, sodermalm):
        later = Meeting.objects.create(organisation=sodermalm, date=datetime.date(2019, 12, 19))

        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(
                outcome=Decision.Outcome.TABLED, text="Ärendet bordläggs.", table_to=later
            ),
        )

        statement = Statement.objects.get()
        assert statement.status == S.ON_AGENDA
        moved = later.items.get()
        assert (moved.statement, moved.tabled_from, moved.number) == (statement, on_agenda, 1)
        assert events(statement)[-1] == ("on_agenda", "on_agenda")

    def test_tabling_needs_a_later_meeting(self, on_agenda, sekreterare, meeting):
        with pytest.raises(workflow.TransitionError, match="senare sammanträde"):
            workflow.record_decision(
                item=on_agenda,
                user=sekreterare,
                record=workflow.DecisionRecord(
                    outcome=Decision.Outcome.TABLED, text="Bordläggs.", table_to=meeting
                ),
            )

        assert Decision.objects.count() == 0
        assert Statement.objects.get().status == S.ON_AGENDA

    def test_a_vote_reservations_and_statements_are_recorded(
        self, on_agenda, sekreterare, ordforande, justerare, council
    ):
        third = council[2].person
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=adopted(
                outcome=Decision.Outcome.ADOPTED_WITH_CHANGES,
                changes="Tillägg: nämnden vill se en plan för övningar.",
                amendments={"views": "Nämnden vill se en plan för övningar."},
                vote=workflow.VoteRecord(
                    proposition="Ja för förvaltningens förslag, nej för avslag.",
                    ballots={ordforande.pk: "ja", justerare.pk: "nej", third.pk: "avstår"},
                    casting_vote="ja",
                ),
                reservations=[(justerare.pk, "Programmet saknar resurser.")],
                special_statements=[("Miljöpartiet", "Vi välkomnar programmet.")],
                notes=[("Per Holm (M)", "Ordföranden noterar att svaret är sent.")],
            ),
        )

        decision = Decision.objects.get()
        assert decision.vote.counts() == {"ja": 1, "nej": 1, "avstår": 1}
        assert decision.vote.result() == "ja"
        assert decision.reservations.get().person == justerare
        assert decision.special_statements.get().by == "Miljöpartiet"
        assert decision.notes.get().text.startswith("Ordföranden")
        assert decision.changes.startswith("Tillägg")

    def test_a_tie_without_casting_vote_is_refused(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        with pytest.raises(workflow.TransitionError, match="utslagsröst"):
            workflow.record_decision(
                item=on_agenda,
                user=sekreterare,
                record=adopted(
                    vote=workflow.VoteRecord(
                        proposition="Ja för bifall.",
                        ballots={ordforande.pk: "ja", justerare.pk: "nej"},
                    )
                ),
            )

        assert Decision.objects.count() == 0
        assert Statement.objects.get().status == S.ON_AGENDA

    def test_a_meeting_not_yet_held_has_no_decisions(self, signed, sekreterare, sodermalm):
        future = Meeting.objects.create(
            organisation=sodermalm, date=datetime.date.today() + datetime.timedelta(days=7)
        )
        item = workflow.put_on_agenda(statement=signed, meeting=future, user=sekreterare)

        with pytest.raises(workflow.TransitionError, match="har inte hållits ännu"):
            workflow.record_decision(item=item, user=sekreterare, record=adopted())

        assert Decision.objects.count() == 0
        assert Statement.objects.get().status == S.ON_AGENDA

    def test_one_decision_per_paragraph(self, on_agenda, sekreterare):
        workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())

        with pytest.raises(workflow.TransitionError, match="redan ett beslut"):
            workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())


class TestDecline:
    def test_a_recipient_may_decline_with_a_reason(
        self, sodermalm_recipient, direktor, ks_samordnare
    ):
        mail.outbox.clear()

        recipient = workflow.decline(
            recipient=sodermalm_recipient, user=direktor, reason="Berör inte nämndens ansvar."
        )

        assert recipient.status == Recipient.Status.DECLINED
        assert recipient.declined_reason == "Berör inte nämndens ansvar."
        event = StatusEvent.objects.get()
        assert (event.from_status, event.to_status, event.actor) == (
            "awaiting",
            "declined",
            direktor,
        )
        assert [m.to for m in mail.outbox] == [["ks@example.org"]]

    def test_declining_needs_a_reason_and_the_right_role(
        self, sodermalm_recipient, handlaggare, direktor
    ):
        with pytest.raises(PermissionDenied):
            workflow.decline(recipient=sodermalm_recipient, user=handlaggare, reason="Nej.")
        with pytest.raises(workflow.TransitionError):
            workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="  ")

        sodermalm_recipient.refresh_from_db()
        assert sodermalm_recipient.status == Recipient.Status.AWAITING
        assert StatusEvent.objects.count() == 0

    def test_a_declined_recipient_cannot_go_on_to_the_agenda(
        self, signed, meeting, direktor, sekreterare
    ):
        workflow.decline(recipient=signed.recipient, user=direktor, reason="Berör inte nämnden.")

        with pytest.raises(workflow.TransitionError, match="avstått från att svara"):
            workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)

        signed.refresh_from_db()
        assert signed.status == S.READY
        assert not AgendaItem.objects.exists()
        assert workflow.statement_moves(sekreterare, signed) == set()

    def test_a_declined_recipient_cannot_deliver(self, on_agenda, sekreterare):
        # The paragraph is already on the agenda when the recipient is marked declined (as an
        # old row or an admin's hand might leave it): justifying it must not deliver.
        Recipient.objects.filter(pk=on_agenda.statement.recipient_id).update(
            status=Recipient.Status.DECLINED, declined_reason="Avstår."
        )
        before = StatusEvent.objects.count()

        with pytest.raises(workflow.TransitionError, match="avstått från att svara"):
            workflow.record_decision(
                item=on_agenda, user=sekreterare, record=adopted(immediate=True)
            )

        recipient = Recipient.objects.get(pk=on_agenda.statement.recipient_id)
        assert (recipient.status, recipient.delivered_at) == (Recipient.Status.DECLINED, None)
        assert Statement.objects.get().status == S.ON_AGENDA
        assert not Decision.objects.exists()
        assert StatusEvent.objects.count() == before

    def test_delivery_is_private_to_the_workflow(self):
        assert not hasattr(workflow, "deliver")

    def test_a_recipient_cannot_decline_twice(self, sodermalm_recipient, direktor):
        workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Berör inte oss.")

        with pytest.raises(workflow.TransitionError, match="avstått från att svara"):
            workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Igen.")

        assert StatusEvent.objects.count() == 1
        assert reasons(Recipient.objects.get(pk=sodermalm_recipient.pk))[-1] == (
            "Avstå från att svara"
        )


class TestFrozenText:
    def test_the_database_refuses_a_change_to_signed_text(self, signed):
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            Statement.objects.filter(pk=signed.pk).update(summary="Ändrad efter signering.")
        with pytest.raises(DatabaseError), transaction.atomic():
            signed.preparation_steps.create(kind="other", who="Ny beredning")

        signed.refresh_from_db()
        assert signed.summary == ""

    def test_status_and_signature_may_still_change(self, signed, direktor):
        workflow.withdraw(statement=signed, user=direktor)

        assert Statement.objects.get().status == S.DRAFT
