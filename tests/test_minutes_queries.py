"""A protokoll reads the same number of queries whatever its number of paragraphs.

The text the chair and the justerare sign (remiss.signed_text) is built on the signing page and
again when each signature is posted. A council meeting has from a handful to some forty
paragraphs; each paragraph's decision, proposals, vote, reservations, jäv and who served are
read for the whole meeting at once, never paragraph by paragraph."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remiss import council, minutes, signed_text
from remiss.models import AgendaItem, Ballot, Decision, Meeting, Recusal, Vote
from tests.conftest import sql_statements


def add_paragraphs(meeting: Meeting, numbers: range, recorded_by) -> Meeting:
    """Paragraphs decided after a vote, each with a proposal, a reservation, a special
    statement, a note and one member jävig."""
    serving = [a.user for a in meeting.attendance.select_related("user") if a.serving]
    for number in numbers:
        item = AgendaItem.objects.create(meeting=meeting, number=number, title=f"Ärende {number}")
        decision = Decision.objects.create(
            item=item,
            outcome=Decision.Outcome.ADOPTED,
            text=f"Nämnden beslutar i ärende {number}.",
            recorded_by=recorded_by,
        )
        decision.proposals.create(mover="Per Holm (S)", kind="adopt")
        decision.reservations.create(member="Björn Dahl (L)", reason="Av skäl.")
        decision.special_statements.create(by="V", text="Ett uttalande.")
        decision.notes.create(by="Anna Berg (V)", text="En anteckning.")
        vote = Vote.objects.create(decision=decision, proposition="Bifall mot avslag")
        for member in serving[:2]:
            Ballot.objects.create(vote=vote, member=member, choice=Ballot.Choice.YES)
        Recusal.objects.create(item=item, member=serving[-1])
    return Meeting.objects.get(pk=meeting.pk)


def queries(function, *args) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        result = function(*args)
    return sql_statements(captured.captured_queries), result


@pytest.mark.django_db
def test_the_protokoll_text_takes_as_many_queries_for_thirty_paragraphs_as_for_three(
    meeting, sekreterare
):
    few, text = queries(signed_text.minutes_text, add_paragraphs(meeting, range(1, 4), sekreterare))
    assert "§ 3 Ärende 3" in text and "Reservation: Björn Dahl (L): Av skäl." in text

    many, text = queries(
        signed_text.minutes_text, add_paragraphs(meeting, range(4, 31), sekreterare)
    )
    assert "§ 30 Ärende 30" in text and text.count("Votering: Bifall mot avslag") == 30
    assert many == few


@pytest.mark.django_db
def test_a_paragraph_justified_at_once_takes_as_many_queries_in_a_long_meeting_as_in_a_short(
    meeting, sekreterare
):
    grown = add_paragraphs(meeting, range(1, 4), sekreterare)
    few, text = queries(signed_text.extract_text, grown.items.get(number=3).decision)
    assert "§ 3 Ärende 3" in text and "§ 2 " not in text

    grown = add_paragraphs(grown, range(4, 31), sekreterare)
    many, text = queries(signed_text.extract_text, grown.items.get(number=30).decision)
    assert "§ 30 Ärende 30" in text and "§ 29" not in text and "Votering:" in text
    assert many == few


@pytest.mark.django_db
def test_the_protokoll_document_takes_as_many_queries_for_thirty_paragraphs_as_for_three(
    meeting, sekreterare
):
    few, html = queries(minutes.minutes_html, add_paragraphs(meeting, range(1, 4), sekreterare))
    assert "Ärende 3" in html

    many, html = queries(minutes.minutes_html, add_paragraphs(meeting, range(4, 31), sekreterare))
    assert "Ärende 30" in html and html.count("Av skäl.") == 30
    assert many == few


@pytest.mark.django_db
def test_checking_the_attendance_takes_as_many_queries_for_thirty_paragraphs_as_for_three(
    meeting, sekreterare
):
    grown = add_paragraphs(meeting, range(1, 4), sekreterare)
    few, _ = queries(council.check_attendance, grown, council.attendance_of(grown))
    grown = add_paragraphs(grown, range(4, 31), sekreterare)
    many, _ = queries(council.check_attendance, grown, council.attendance_of(grown))
    assert many == few
