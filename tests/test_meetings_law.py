"""The meeting as kommunallagen knows it (issue 11): quorum (KL 6 kap. 27 §), jäv (6 kap.
28 §), the chair (6 kap. 26 §) and the justerare, reservations (4 kap. 27 §), and the
secretary's corrections before justification, each recorded with its reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from remiss import council as rules
from remiss import workflow
from remiss.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingEvent,
    Seat,
    Statement,
)
from tests.justifying import justify_at_once, sign_minutes

Action = MeetingEvent.Action


def adopted(**fields) -> workflow.DecisionRecord:
    return workflow.DecisionRecord(
        **{"outcome": Decision.Outcome.ADOPTED, "text": "Bifall.", **fields}
    )


def seat_of(council, username) -> Seat:
    return next(seat for seat in council if seat.person.username == username)


def attend(meeting, *rows, chair, justifiers, user, reason="", capacity="chair"):
    return workflow.record_attendance(
        meeting=meeting,
        user=user,
        rows=list(rows),
        chair=chair,
        capacity=capacity,
        justifiers=justifiers,
        reason=reason,
    )


def row(seat, **fields) -> workflow.AttendanceRow:
    return workflow.AttendanceRow(user_id=seat.person_id, **fields)


@pytest.fixture
def item(meeting, sekreterare):
    return workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Övriga frågor")


# --- Quorum, KL 6 kap. 27 § -----------------------------------------------------------------------


class TestQuorum:
    def test_kl_6_27_no_decision_without_more_than_half_of_the_ledamoter(
        self, item, council, sekreterare, ordforande, justerare
    ):
        meeting = item.meeting
        attend(
            meeting,
            row(council[0]),
            row(council[1]),
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="Två ledamöter kom.",
        )

        with pytest.raises(workflow.TransitionError) as refused:
            workflow.record_decision(item=item, user=sekreterare, record=adopted())

        assert str(refused.value) == (
            "Nämnden är inte beslutför i § 1: 2 av 5 ledamöter tjänstgör, och minst 3 måste "
            "tjänstgöra (mer än hälften, KL 6 kap. 27 §)."
        )
        assert not Decision.objects.exists()

    def test_kl_6_27_a_decision_is_accepted_at_exactly_more_than_half(
        self, item, council, sekreterare, ordforande, justerare
    ):
        attend(
            item.meeting,
            *[row(seat) for seat in council[:3]],  # three of five
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="Tre ledamöter kom.",
        )

        decision = workflow.record_decision(item=item, user=sekreterare, record=adopted())

        assert decision.pk and Decision.objects.count() == 1

    def test_kl_6_27_an_ersattare_serving_for_an_absent_ledamot_counts(
        self, item, council, sekreterare, ordforande, justerare
    ):
        substitute = council[5]
        attend(
            item.meeting,
            row(council[0]),
            row(council[1]),
            row(substitute, replaces=council[4].pk),
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="En ersättare tjänstgör.",
        )

        assert len(rules.require_quorum(item)) == 3
        workflow.record_decision(item=item, user=sekreterare, record=adopted())

    def test_kl_6_27_a_present_ersattare_who_does_not_serve_does_not_count(
        self, item, council, sekreterare, ordforande, justerare
    ):
        attend(
            item.meeting,
            row(council[0]),
            row(council[1]),
            row(council[5], serving=False),
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="En ersättare närvarar.",
        )

        with pytest.raises(workflow.TransitionError, match="2 av 5"):
            workflow.record_decision(item=item, user=sekreterare, record=adopted())

    def test_kl_6_27_quorum_is_counted_per_paragraph_with_late_arrivals(
        self, meeting, council, sekreterare, ordforande, justerare
    ):
        first = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Anmälan")
        second = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Motion")
        attend(
            meeting,
            row(council[0]),
            row(council[1]),
            row(council[2], arrives_at=second.pk),
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="En ledamot kom sent.",
        )

        with pytest.raises(workflow.TransitionError, match="§ 1: 2 av 5"):
            workflow.record_decision(item=first, user=sekreterare, record=adopted())
        workflow.record_decision(item=second, user=sekreterare, record=adopted())

    def test_a_council_without_registered_seats_cannot_decide(self, item, sekreterare):
        Attendance.objects.filter(meeting=item.meeting).delete()
        Seat.objects.all().delete()

        with pytest.raises(workflow.TransitionError, match="inte registrerade"):
            workflow.record_decision(item=item, user=sekreterare, record=adopted())

    def test_a_change_of_attendance_that_leaves_a_decided_paragraph_without_quorum_is_refused(
        self, item, council, sekreterare, ordforande, justerare
    ):
        workflow.record_decision(item=item, user=sekreterare, record=adopted())

        with pytest.raises(workflow.TransitionError, match="inte beslutför"):
            attend(
                item.meeting,
                row(council[0]),
                row(council[1]),
                chair=ordforande,
                justifiers=[justerare],
                user=sekreterare,
                reason="Fel i närvaron.",
            )
        assert item.meeting.attendance.count() == 6


# --- Jäv, KL 6 kap. 28 § ------------------------------------------------------------------------


class TestRecusal:
    def test_kl_6_28_a_javig_members_ersattare_serves_on_that_paragraph_only(
        self, meeting, council, sekreterare
    ):
        first = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Bygglov")
        second = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Motion")
        member, substitute = council[2].person, council[5].person  # ersattare_a is present

        workflow.record_recusal(item=first, user=sekreterare, member=member, substitute=substitute)

        on_first = {p.user_id: p for p in rules.serving_on(first)}
        on_second = {p.user_id for p in rules.serving_on(second)}
        assert member.pk not in on_first and substitute.pk in on_first
        assert on_first[substitute.pk].label == "Dan Falk (S), ersättare för Anna Berg"
        assert member.pk in on_second and substitute.pk not in on_second
        assert len(on_first) == len(on_second) == 5
        event = MeetingEvent.objects.get(action=Action.RECUSAL_RECORDED)
        assert event.item == first and "Anna Berg jävig" in event.changes["jäv"][1]

    def test_kl_6_28_a_javig_member_cannot_vote_or_reserve_on_the_paragraph(
        self, item, council, sekreterare
    ):
        member = council[2].person
        workflow.record_recusal(item=item, user=sekreterare, member=member)

        with pytest.raises(workflow.TransitionError, match="Bara de som tjänstgör"):
            workflow.record_decision(
                item=item,
                user=sekreterare,
                record=adopted(
                    vote=workflow.VoteRecord(
                        proposition="Ja för bifall.", ballots={member.pk: "ja"}
                    )
                ),
            )
        with pytest.raises(workflow.TransitionError, match=r"KL 4 kap\. 27 §"):
            workflow.record_decision(
                item=item, user=sekreterare, record=adopted(reservations=[(member.pk, "")])
            )
        assert not Decision.objects.exists()

    def test_an_ersattare_already_serving_cannot_step_in_for_a_javig_member(
        self, item, council, sekreterare, ordforande, justerare
    ):
        attend(
            item.meeting,
            *[row(seat) for seat in council[:4]],
            row(council[5], replaces=council[4].pk),
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="Björn Dahl är borta.",
        )

        with pytest.raises(workflow.TransitionError, match="redan"):
            workflow.record_recusal(
                item=item, user=sekreterare, member=council[2].person, substitute=council[5].person
            )

    def test_only_the_secretary_records_jav(self, item, council, ordforande):
        with pytest.raises(PermissionDenied):
            workflow.record_recusal(item=item, user=ordforande, member=council[2].person)


# --- The chair, KL 6 kap. 26 §, and the justerare ------------------------------------------------


class TestChairAndJusterare:
    def test_kl_6_26_an_ersattare_is_not_accepted_as_chair(
        self, meeting, council, sekreterare, justerare
    ):
        substitute = council[5]
        with pytest.raises(workflow.TransitionError, match="inte nämndens ordförande"):
            attend(
                meeting,
                *[row(seat) for seat in council[1:5]],
                row(substitute, replaces=council[0].pk),
                chair=substitute.person,
                justifiers=[justerare],
                user=sekreterare,
                reason="Ordföranden är sjuk.",
            )

    def test_kl_6_26_a_vice_ordforande_presides_only_when_the_ordforande_is_absent(
        self, meeting, council, sekreterare, ordforande, justerare
    ):
        vice = council[2]
        Seat.objects.filter(pk=vice.pk).update(office=Seat.Office.VICE_CHAIR)
        with pytest.raises(workflow.TransitionError, match="Ordföranden är närvarande"):
            attend(
                meeting,
                *[row(seat) for seat in council[:5]],
                chair=vice.person,
                capacity=Meeting.ChairCapacity.VICE_CHAIR,
                justifiers=[justerare],
                user=sekreterare,
                reason="Vice ordförande leder.",
            )

        attend(
            meeting,
            *[row(seat) for seat in council[1:5]],
            chair=vice.person,
            capacity=Meeting.ChairCapacity.VICE_CHAIR,
            justifiers=[justerare],
            user=sekreterare,
            reason="Ordföranden är sjuk.",
        )
        meeting.refresh_from_db()
        assert (meeting.chair, meeting.chair_capacity) == (vice.person, "vice_chair")

    def test_kl_6_26_an_alderspresident_is_recorded_as_such_when_both_are_absent(
        self, meeting, council, sekreterare, justerare
    ):
        eldest = council[3]
        with pytest.raises(workflow.TransitionError, match="ålderspresident"):
            attend(
                meeting,
                *[row(seat) for seat in council[:5]],
                chair=eldest.person,
                capacity=Meeting.ChairCapacity.ELDEST,
                justifiers=[justerare],
                user=sekreterare,
                reason="Fel.",
            )

        attend(
            meeting,
            *[row(seat) for seat in council[1:5]],
            chair=eldest.person,
            capacity=Meeting.ChairCapacity.ELDEST,
            justifiers=[justerare],
            user=sekreterare,
            reason="Ordföranden är sjuk; nämnden valde Björn Dahl.",
        )
        meeting.refresh_from_db()
        assert meeting.get_chair_capacity_display().startswith("Ålderspresident")

    def test_an_absent_member_is_not_accepted_as_justerare(
        self, meeting, council, sekreterare, ordforande
    ):
        absent = council[4].person
        with pytest.raises(workflow.TransitionError) as refused:
            attend(
                meeting,
                *[row(seat) for seat in council[:4]],
                chair=ordforande,
                justifiers=[absent],
                user=sekreterare,
                reason="Ny justerare.",
            )

        assert str(refused.value) == (
            "Cecilia Ek tjänstgör inte vid sammanträdet och kan inte vara justerare."
        )
        assert list(meeting.justifiers.all()) != [absent]
        assert not MeetingEvent.objects.filter(action=Action.ATTENDANCE_RECORDED).exists()

    def test_a_present_ersattare_who_does_not_serve_is_not_accepted_as_justerare(
        self, meeting, council, sekreterare, ordforande
    ):
        with pytest.raises(workflow.TransitionError, match="Dan Falk tjänstgör inte"):
            attend(
                meeting,
                *[row(seat) for seat in council[:5]],
                row(council[5], serving=False),
                chair=ordforande,
                justifiers=[council[5].person],
                user=sekreterare,
                reason="Fel justerare.",
            )

    def test_an_ersattare_must_serve_in_a_ledamots_place_and_a_seat_is_filled_once(
        self, meeting, council, sekreterare, ordforande, justerare
    ):
        with pytest.raises(workflow.TransitionError, match="ange vilken ledamot"):
            attend(
                meeting,
                *[row(seat) for seat in council[:5]],
                row(council[5]),
                chair=ordforande,
                justifiers=[justerare],
                user=sekreterare,
                reason="x",
            )
        with pytest.raises(workflow.TransitionError, match="för Cecilia Eks plats"):
            attend(
                meeting,
                *[row(seat) for seat in council[:5]],
                row(council[5], replaces=council[4].pk),
                chair=ordforande,
                justifiers=[justerare],
                user=sekreterare,
                reason="x",
            )


# --- Corrections before justification ---------------------------------------------------------


class TestCorrections:
    def test_changing_date_time_and_place_is_recorded_with_the_reason_and_old_values(
        self, meeting, sekreterare
    ):
        workflow.change_meeting_details(
            meeting=meeting,
            user=sekreterare,
            reason="Lokalen var upptagen.",
            date=datetime.date(2019, 12, 11),
            starts_at=datetime.time(17, 30),
            place="Medborgarplatsen 3",
        )

        meeting.refresh_from_db()
        assert (meeting.date, meeting.place) == (datetime.date(2019, 12, 11), "Medborgarplatsen 3")
        event = MeetingEvent.objects.get(action=Action.DETAILS_CHANGED)
        assert event.reason == "Lokalen var upptagen." and event.actor == sekreterare
        assert event.changes["datum"] == ["2019-12-12", "2019-12-11"]
        assert event.changes["plats"] == ["Södermalmsrummet", "Medborgarplatsen 3"]
        assert event.changes["klockan"] == ["", "17:30"]
        assert meeting.history.first().history_change_reason == "Lokalen var upptagen."

    def test_a_correction_without_a_reason_is_refused_and_changes_nothing(
        self, meeting, sekreterare
    ):
        with pytest.raises(workflow.TransitionError, match="Skriv skälet"):
            workflow.change_meeting_details(
                meeting=meeting, user=sekreterare, reason=" ", place="Annat"
            )

        meeting.refresh_from_db()
        assert meeting.place == "Södermalmsrummet"
        assert not MeetingEvent.objects.exists()

    def test_correcting_attendance_needs_a_reason_and_keeps_the_old_attendance(
        self, meeting, council, sekreterare, ordforande, justerare
    ):
        rows = [row(seat) for seat in council[:4]]
        with pytest.raises(workflow.TransitionError, match="Skriv skälet"):
            attend(meeting, *rows, chair=ordforande, justifiers=[justerare], user=sekreterare)

        attend(
            meeting,
            *rows,
            chair=ordforande,
            justifiers=[justerare],
            user=sekreterare,
            reason="Cecilia Ek lämnade återbud.",
        )

        event = MeetingEvent.objects.get(action=Action.ATTENDANCE_RECORDED)
        before, after = event.changes["närvaro"]
        assert "Cecilia Ek (tjänstgör)" in before and "Cecilia Ek (tjänstgör)" not in after
        assert event.reason == "Cecilia Ek lämnade återbud."

    def test_items_are_moved_and_removed_with_the_paragraphs_renumbered(
        self, on_agenda, sekreterare
    ):
        meeting = on_agenda.meeting
        other = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Anmälan")
        third = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Övrigt")

        workflow.move_item(item=third, user=sekreterare, position=1)
        assert list(meeting.items.values_list("title", "number")) == [
            ("Övrigt", 1),
            (on_agenda.title, 2),
            ("Anmälan", 3),
        ]

        workflow.remove_item(item=on_agenda, user=sekreterare, reason="Ärendet behöver beredas.")

        assert list(meeting.items.values_list("title", "number")) == [("Övrigt", 1), ("Anmälan", 2)]
        assert Statement.objects.get().status == Statement.Status.READY
        removed = MeetingEvent.objects.get(action=Action.ITEM_REMOVED)
        assert removed.reason == "Ärendet behöver beredas."
        assert removed.changes["paragraf"][0] == f"§ 2 {on_agenda.title}"
        moved = MeetingEvent.objects.get(action=Action.ITEM_MOVED)
        assert moved.changes["paragraf"] == ["§ 3", "§ 1"]
        assert other.pk in meeting.items.values_list("pk", flat=True)

    def test_the_events_show_what_changed_as_before_and_after_and_what_stayed_once(
        self, client, on_agenda, sekreterare
    ):
        """A moved item's title is kept in its event to say which item moved; it did not
        change, so the page shows it once, not as "Före: X / Efter: X"."""
        meeting = on_agenda.meeting
        moved = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Övrigt")
        workflow.move_item(item=moved, user=sekreterare, position=1)
        client.force_login(sekreterare)

        page = client.get(reverse("meeting", args=[meeting.pk])).content.decode()

        assert "<dt>Paragraf</dt><dd>Före: § 2<br>Efter: § 1</dd>" in page
        assert "<dt>Rubrik</dt><dd>Övrigt</dd>" in page
        assert "Före: Övrigt" not in page

    def test_the_paragraphs_are_not_renumbered_once_a_decision_is_recorded(
        self, on_agenda, sekreterare
    ):
        meeting = on_agenda.meeting
        other = workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Övrigt")
        workflow.record_decision(item=other, user=sekreterare, record=adopted())

        with pytest.raises(workflow.TransitionError, match="numreras inte om"):
            workflow.move_item(item=other, user=sekreterare, position=1)
        with pytest.raises(workflow.TransitionError, match="numreras inte om"):
            workflow.remove_item(item=on_agenda, user=sekreterare, reason="Utgår.")
        assert AgendaItem.objects.get(pk=other.pk).number == 2

    def test_a_recorded_decision_is_corrected_with_its_reason_and_the_old_values(
        self, item, council, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(
            item=item,
            user=sekreterare,
            record=adopted(reservations=[(justerare.pk, "")]),
        )
        member = council[2].person

        workflow.correct_decision(
            decision=decision,
            user=sekreterare,
            reason="Fel ledamot antecknad som reservant.",
            record=workflow.DecisionRecord(
                outcome=Decision.Outcome.REJECTED,
                text="Avslag.",
                vote=workflow.VoteRecord(
                    proposition="Ja för bifall, nej för avslag.",
                    ballots={ordforande.pk: "ja", justerare.pk: "nej", member.pk: "nej"},
                ),
                reservations=[(ordforande.pk, "Förslaget borde bifallas.")],
            ),
        )

        decision.refresh_from_db()
        assert (decision.outcome, decision.text) == ("rejected", "Avslag.")
        assert decision.vote.result() == "nej"
        assert decision.reservations.get().person == ordforande
        event = MeetingEvent.objects.get(action=Action.DECISION_CORRECTED)
        assert event.reason == "Fel ledamot antecknad som reservant."
        assert event.changes["utfall"] == ["Bifall", "Avslag"]
        assert event.changes["reservationer"][0].startswith("justerare")
        assert decision.history.first().history_change_reason == (
            "Fel ledamot antecknad som reservant."
        )

    def test_nothing_of_a_justified_paragraph_can_be_corrected(
        self, item, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(item=item, user=sekreterare, record=adopted())
        reservation_decision = decision
        for person in (ordforande, justerare):
            sign_minutes(item.meeting, person)
        decision.refresh_from_db()
        assert decision.justified_on is not None

        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.correct_decision(
                decision=decision, user=sekreterare, reason="Sent fel.", record=adopted(text="Ny")
            )
        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.change_meeting_details(
                meeting=item.meeting, user=sekreterare, reason="Sent fel.", place="Annat"
            )
        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.add_agenda_item(meeting=item.meeting, user=sekreterare, title="Sent")
        decision.refresh_from_db()
        assert decision.text == "Bifall." and reservation_decision.pk == decision.pk
        assert not MeetingEvent.objects.filter(action=Action.DECISION_CORRECTED).exists()

    def test_a_paragraph_justified_at_once_is_not_corrected(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        decision = justify_at_once(
            workflow.record_decision(
                item=on_agenda, user=sekreterare, record=adopted(immediate=True)
            )
        )

        with pytest.raises(workflow.TransitionError, match="är justerad"):
            workflow.correct_decision(
                decision=decision, user=sekreterare, reason="Fel.", record=adopted(text="Ny")
            )

    def test_referral_back_is_not_made_by_correction(self, on_agenda, sekreterare):
        decision = workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())

        with pytest.raises(workflow.TransitionError, match="Återremiss"):
            workflow.correct_decision(
                decision=decision,
                user=sekreterare,
                reason="Fel.",
                record=workflow.DecisionRecord(outcome="referred_back", text="Återremiss."),
            )


# --- Reservations, KL 4 kap. 27 § ----------------------------------------------------------------


class TestReservations:
    def test_kl_4_27_a_reservation_is_made_by_a_serving_member_who_took_part(
        self, item, council, sekreterare
    ):
        outsider = council[6].person  # ersattare_b: not present
        with pytest.raises(workflow.TransitionError, match="tjänstgör inte"):
            workflow.record_decision(
                item=item, user=sekreterare, record=adopted(reservations=[(outsider.pk, "")])
            )

    def test_kl_4_27_whoever_abstained_did_not_take_part_and_cannot_reserve(
        self, item, sekreterare, ordforande, justerare
    ):
        with pytest.raises(workflow.TransitionError, match="avstod"):
            workflow.record_decision(
                item=item,
                user=sekreterare,
                record=adopted(
                    vote=workflow.VoteRecord(
                        proposition="Ja för bifall.",
                        ballots={ordforande.pk: "ja", justerare.pk: "avstår"},
                    ),
                    reservations=[(justerare.pk, "")],
                ),
            )

    def test_kl_4_27_written_reasons_are_added_until_justification(
        self, item, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(
            item=item, user=sekreterare, record=adopted(reservations=[(justerare.pk, "")])
        )
        reservation = decision.reservations.get()

        workflow.add_reservation_reasons(
            reservation=reservation, user=sekreterare, reason="Programmet saknar resurser."
        )
        reservation.refresh_from_db()
        assert reservation.reason == "Programmet saknar resurser."
        assert MeetingEvent.objects.filter(action=Action.RESERVATION_REASONS).count() == 1

        for person in (ordforande, justerare):
            sign_minutes(item.meeting, person)
        with pytest.raises(workflow.TransitionError, match="före justeringen"):
            workflow.add_reservation_reasons(
                reservation=reservation, user=sekreterare, reason="Ändrad motivering."
            )
        reservation.refresh_from_db()
        assert reservation.reason == "Programmet saknar resurser."

    def test_the_event_log_of_the_meeting_cannot_be_changed(self, item):
        event = MeetingEvent.objects.get(action=Action.ITEM_ADDED)
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            MeetingEvent.objects.all().delete()


# --- The pages ---------------------------------------------------------------------------------


class TestPages:
    def test_the_issued_kallelse_is_on_the_members_start_page(
        self, client, item, council, sekreterare, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        from django.utils import timezone

        Meeting.objects.filter(pk=item.meeting_id).update(date=timezone.localdate())
        item.meeting.refresh_from_db()
        member = council[2].person
        client.force_login(member)
        assert "Kallelser" not in client.get("/").content.decode()

        workflow.issue_agenda(meeting=item.meeting, user=sekreterare)

        page = client.get("/").content.decode()
        assert "Kallelser" in page and "Kallelse (PDF)" in page

    def test_the_secretary_corrects_a_decision_on_its_page_with_a_reason(
        self, client, item, sekreterare, justerare
    ):
        workflow.record_decision(item=item, user=sekreterare, record=adopted())
        client.force_login(sekreterare)
        url = reverse("decision_correct", args=[item.meeting.pk, item.number])
        form = client.get(url).content.decode()
        assert "Skäl" in form and 'value="adopted"' in form
        management = {
            f"{prefix}-{key}": value
            for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
            for key, value in [("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0)]
        }

        response = client.post(
            url,
            {
                "outcome": "rejected",
                "text": "Avslag.",
                "reservationer-0-member": justerare.pk,
                "rattelse-reason": "Fel utfall antecknat.",
                **management,
            },
        )

        assert response.status_code == 302
        decision = Decision.objects.get()
        assert decision.outcome == "rejected"
        assert decision.reservations.get().person == justerare
        paragraph = client.get(response["Location"]).content.decode()
        assert "Fel utfall antecknat." in paragraph and "Före: Bifall" in paragraph

    def test_a_reservation_can_only_be_chosen_from_those_serving(
        self, client, item, council, sekreterare
    ):
        client.force_login(sekreterare)
        url = reverse("decision_record", args=[item.meeting.pk, item.number])
        absent = council[6].person  # ersattare_b, not at the meeting
        form = client.get(url).content.decode()
        assert f'<option value="{council[2].person_id}">Anna Berg (V), ledamot</option>' in form
        assert f'value="{absent.pk}"' not in form

        response = client.post(
            url,
            {
                "outcome": "adopted",
                "text": "Bifall.",
                "reservationer-0-member": absent.pk,
                **{
                    f"{p}-{k}": v
                    for p in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
                    for k, v in [("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0)]
                },
            },
        )

        assert response.status_code == 200
        assert not Decision.objects.exists()
