"""Who may see what, written once as queryset methods (issue 10): one test per rule.

Every view, the search, the public pages, the exports and the compilation read through these
methods, so each rule here is the rule everywhere.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from remiss import workflow
from remiss.models import Decision, Meeting, Recipient, Remiss, Statement
from tests.conftest import make_user
from tests.justifying import justify_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsent(ks, sodermalm):
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2020/77",
        title="Ännu inte skickad",
        deadline=datetime.date(2020, 6, 1),
    )
    Recipient.objects.create(remiss=remiss, organisation=sodermalm)
    return remiss


@pytest.fixture
def delivered(on_agenda, sekreterare):
    """Södermalm's reply adopted with immediate justification, and so delivered."""
    justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )
    statement = Statement.objects.get(pk=on_agenda.statement_id)
    assert statement.recipient.status == Recipient.Status.DELIVERED
    return statement


@pytest.fixture
def kungsholmen_draft(remiss, kungsholmen, outsider):
    from remiss import drafting

    return drafting.start_statement(
        recipient=remiss.recipients.get(organisation=kungsholmen), user=outsider
    )


class TestRemiss:
    def test_only_sent_remisses_are_public(self, remiss, unsent):
        assert list(Remiss.objects.public()) == [remiss]

    def test_the_sender_sees_its_own_remisses_sent_or_not(self, remiss, unsent, ks_samordnare):
        assert set(Remiss.objects.sent_by(ks_samordnare)) == {remiss, unsent}
        assert set(Remiss.objects.visible_to(ks_samordnare)) == {remiss, unsent}

    def test_a_recipient_sees_a_remiss_only_once_it_is_sent(self, remiss, unsent, handlaggare):
        assert list(Remiss.objects.visible_to(handlaggare)) == [remiss]
        assert not Remiss.objects.sent_by(handlaggare).exists()

    def test_someone_outside_sees_no_remiss(self, remiss, unsent, ks):
        stranger = make_user("stranger")
        assert not Remiss.objects.visible_to(stranger).exists()
        assert not Remiss.objects.visible_to(AnonymousUser()).exists()

    def test_answer_counts_count_only_delivered_replies(self, delivered, remiss):
        counted = Remiss.objects.with_answer_counts().get(pk=remiss.pk)
        assert (counted.recipient_count, counted.answered_count) == (2, 1)


class TestRecipient:
    def test_awaiting_and_answered_split_the_cases(self, remiss, direktor, sodermalm_recipient):
        workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Berör inte oss.")

        assert list(Recipient.objects.answered()) == [sodermalm_recipient]
        assert sodermalm_recipient not in Recipient.objects.awaiting()
        assert Recipient.objects.awaiting().count() == 1

    def test_a_declined_recipient_is_not_a_delivered_reply(self, sodermalm_recipient, direktor):
        workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Berör inte oss.")

        assert not Recipient.objects.delivered().exists()
        assert not Recipient.objects.public().exists()

    def test_a_delivered_reply_is_public(self, delivered):
        assert list(Recipient.objects.public()) == [delivered.recipient]

    def test_a_delivered_reply_to_an_unsent_remiss_is_not_public(self, delivered):
        Remiss.objects.filter(pk=delivered.recipient.remiss_id).update(sent_on=None)

        assert Recipient.objects.delivered().exists()
        assert not Recipient.objects.public().exists()

    def test_an_organisation_sees_its_own_cases_in_any_state(
        self, remiss, handlaggare, sodermalm_recipient
    ):
        assert list(Recipient.objects.received_by(handlaggare)) == [sodermalm_recipient]

    def test_the_sender_sees_a_reply_only_once_delivered(
        self, started, ks_samordnare, sodermalm_recipient
    ):
        assert not Recipient.objects.replies_to(ks_samordnare).exists()

    def test_the_sender_sees_the_delivered_reply(self, delivered, ks_samordnare):
        assert list(Recipient.objects.replies_to(ks_samordnare)) == [delivered.recipient]

    def test_another_recipient_sees_its_own_case_and_public_replies(
        self, delivered, outsider, remiss, kungsholmen
    ):
        own = remiss.recipients.get(organisation=kungsholmen)
        assert set(Recipient.objects.visible_to(outsider)) == {own, delivered.recipient}
        assert not Recipient.objects.replies_to(outsider).exists()


class TestStatement:
    def test_an_organisation_reads_its_own_draft(self, started, handlaggare):
        assert list(Statement.objects.of_organisations_of(handlaggare)) == [started]
        assert list(Statement.objects.visible_to(handlaggare)) == [started]

    def test_nobody_else_reads_a_draft(self, started, outsider, ks_samordnare):
        for person in (outsider, ks_samordnare, AnonymousUser()):
            assert not Statement.objects.visible_to(person).exists()
        assert not Statement.objects.public().exists()
        assert not Statement.objects.delivered().exists()

    def test_a_delivered_statement_is_read_by_the_sender_and_other_recipients(
        self, delivered, outsider, ks_samordnare
    ):
        assert list(Statement.objects.public()) == [delivered]
        assert list(Statement.objects.visible_to(ks_samordnare)) == [delivered]
        assert list(Statement.objects.visible_to(outsider)) == [delivered]

    def test_a_delivered_statement_on_a_remiss_they_neither_sent_nor_got_is_not_searched(
        self, delivered
    ):
        from tests.conftest import make_organisation

        elsewhere = make_organisation("Farsta stadsdelsnämnd")
        person = make_user("farsta", elsewhere, "case_officer")

        assert list(Statement.objects.public()) == [delivered]  # public, on the public pages
        assert not Statement.objects.visible_to(person).exists()  # but not in their search

    def test_another_organisations_draft_stays_hidden(self, kungsholmen_draft, handlaggare):
        assert kungsholmen_draft not in Statement.objects.visible_to(handlaggare)


class TestMeetingAndDecision:
    def test_a_meeting_is_visible_to_its_council_only(self, meeting, handlaggare, outsider):
        assert list(Meeting.objects.visible_to(handlaggare)) == [meeting]
        assert not Meeting.objects.visible_to(outsider).exists()
        assert not Meeting.objects.visible_to(AnonymousUser()).exists()

    def test_a_justified_final_decision_of_a_delivered_reply_is_public(self, delivered):
        decision = Decision.objects.get()
        assert list(Decision.objects.public()) == [decision]
        assert Decision.objects.reply_of(delivered) == decision

    def test_an_unjustified_decision_is_not_public(self, on_agenda, sekreterare):
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
        )

        assert Decision.objects.final().exists()
        assert not Decision.objects.justified().exists()
        assert not Decision.objects.public().exists()

    def test_a_referral_back_is_not_final(self, on_agenda, sekreterare):
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="referred_back", text="Återremiss."),
        )

        assert not Decision.objects.final().exists()
