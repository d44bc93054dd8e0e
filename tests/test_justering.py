"""Justering by the chair and every justerare, each for themselves, and the anslag on the
anslagstavla (issue 12): KL 5 kap. 69–70 §§, 8 kap. 12 §, 13 kap. 2 § and 5 §."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from remiss import council, minutes, pdf, signed_text, signing, workflow
from remiss.models import (
    Attendance,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingEvent,
    Notice,
    Organisation,
    Recipient,
    Remiss,
    Seat,
    Statement,
)
from tests.conftest import make_organisation, make_seat
from tests.justifying import (
    confirmation,
    justify_at_once,
    justify_the_minutes,
    sign_minutes,
    sign_paragraph,
)

D = datetime.date
Action = MeetingEvent.Action
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def adopted(**fields) -> workflow.DecisionRecord:
    fields.setdefault("text", "Nämnden överlämnar utlåtandet.")
    return workflow.DecisionRecord(outcome="adopted", **fields)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute))


def dates_in(text: str) -> set[datetime.date]:
    return {datetime.date.fromisoformat(found) for found in ISO.findall(text)}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- Who justifies ---------------------------------------------------------------------------


class TestWhoJustifies:
    def test_kl_5_70_the_secretary_alone_can_justify_nothing(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )

        with pytest.raises(PermissionDenied):
            sign_paragraph(decision, sekreterare)
        with pytest.raises(PermissionDenied):
            sign_minutes(on_agenda.meeting, sekreterare)

        assert not JustificationSignature.objects.exists()
        decision.refresh_from_db()
        assert decision.justified_on is None
        assert Statement.objects.get().status == Statement.Status.DECIDED
        assert not Notice.objects.exists()

    def test_kl_5_70_a_paragraph_is_justified_only_when_the_chair_and_every_justerare_signed(
        self, on_agenda, sekreterare, ordforande, justerare, council
    ):
        second = council[2].person
        on_agenda.meeting.justifiers.add(second)
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )

        assert sign_paragraph(decision, justerare) is False
        assert sign_paragraph(decision, ordforande) is False
        decision.refresh_from_db()
        assert decision.justified_on is None
        assert sign_paragraph(decision, second) is True

        decision.refresh_from_db()
        assert decision.justified_on is not None
        assert Statement.objects.get().status == Statement.Status.DELIVERED

    def test_a_signature_needs_a_fresh_confirmation_of_the_signer_s_own_identity(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )
        digest = signed_text.sha256(signed_text.extract_text(decision))
        someone_else = confirmation(justerare, digest)
        stale = signing.Confirmation(
            user_id=ordforande.pk,
            method="password",
            sha256=digest,
            confirmed_at=confirmation(ordforande, digest).confirmed_at
            - datetime.timedelta(minutes=10),
        )

        for proof in (someone_else, stale):
            with pytest.raises(PermissionDenied, match="Bekräfta din identitet"):
                workflow.justify_paragraph(
                    decision=decision, user=ordforande, confirmation=proof, sha256=digest
                )
        with pytest.raises(signing.SigningError, match="Lösenordet stämmer inte"):
            signing.PasswordBackend().confirm(
                request=None, user=ordforande, data={"password": "fel"}, sha256=digest
            )
        assert not JustificationSignature.objects.exists()

    def test_a_text_changed_after_it_was_read_is_not_signed(
        self, on_agenda, sekreterare, ordforande
    ):
        decision = workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        read = signed_text.sha256(signed_text.minutes_text(on_agenda.meeting))
        proof = confirmation(ordforande, read)
        workflow.correct_decision(
            decision=decision,
            user=sekreterare,
            reason="Fel beslutstext.",
            record=adopted(text="Nämnden överlämnar utlåtandet med tillägg."),
        )

        with pytest.raises(workflow.TransitionError, match="Texten har ändrats"):
            workflow.justify_minutes(
                meeting=on_agenda.meeting, user=ordforande, confirmation=proof, sha256=read
            )
        assert not JustificationSignature.objects.exists()

    def test_each_signature_keeps_who_when_how_and_the_sha256_of_the_text(
        self, on_agenda, sekreterare, ordforande, justerare, clock
    ):
        workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        moment = clock.set(at(D(2019, 12, 16), 14, 5))
        text = signed_text.minutes_text(on_agenda.meeting)

        sign_minutes(on_agenda.meeting, ordforande)

        signature = JustificationSignature.objects.get()
        assert (signature.user, signature.signed_at, signature.decision) == (
            ordforande,
            moment,
            None,
        )
        assert signature.sha256 == signed_text.sha256(text)
        assert "Nämnden överlämnar utlåtandet." in text
        assert signature.method == "password"
        with pytest.raises(TypeError):
            signature.save()
        with pytest.raises(TypeError):
            signature.delete()
        with pytest.raises(TypeError):
            JustificationSignature.objects.all().delete()
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE remiss_justificationsignature SET signed_at = %s", [at(D(2019, 12, 12), 18)]
            )
        assert JustificationSignature.objects.get().signed_at == moment
        assert MeetingEvent.objects.filter(action=Action.JUSTIFICATION_SIGNED).count() == 1


# --- A justified protokoll is closed ----------------------------------------------------------


class TestClosedMinutes:
    def test_kl_5_69_nothing_can_be_added_to_a_justified_protokoll(
        self, on_agenda, sekreterare, ordforande, justerare, sodermalm, handlaggare, direktor
    ):
        meeting = on_agenda.meeting
        decision = workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        justify_the_minutes(meeting)
        assert meeting.minutes_justified_on is not None
        items_before = meeting.items.count()

        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Sent tillägg")
        other = _another_signed_statement(sodermalm, handlaggare, direktor)
        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.put_on_agenda(statement=other, meeting=meeting, user=sekreterare)
        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.correct_decision(
                decision=decision, user=sekreterare, reason="Sent.", record=adopted(text="Ny")
            )
        # Tabling a matter of another meeting to this one would add a paragraph too.
        earlier = Meeting.objects.create(organisation=sodermalm, date=D(2019, 12, 5))
        item = workflow.put_on_agenda(statement=other, meeting=earlier, user=sekreterare)
        with pytest.raises(workflow.TransitionError, match="justerat"):
            workflow.record_decision(
                item=item,
                user=sekreterare,
                record=workflow.DecisionRecord(
                    outcome="tabled", text="Bordläggs.", table_to=meeting
                ),
            )

        assert meeting.items.count() == items_before
        assert not Decision.objects.filter(item=item).exists()

    def test_once_the_signing_has_begun_the_protokoll_cannot_change(
        self, on_agenda, sekreterare, ordforande
    ):
        meeting = on_agenda.meeting
        decision = workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        sign_minutes(meeting, ordforande)

        with pytest.raises(workflow.TransitionError, match="Justeringen av protokollet har börjat"):
            workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Sent tillägg")
        with pytest.raises(workflow.TransitionError, match="har börjat"):
            workflow.correct_decision(
                decision=decision, user=sekreterare, reason="Sent.", record=adopted(text="Ny")
            )
        assert meeting.items.count() == 1

    def test_while_a_paragraph_is_being_justified_at_once_the_meeting_does_not_change(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        meeting = on_agenda.meeting
        decision = workflow.record_decision(
            item=on_agenda, user=sekreterare, record=adopted(immediate=True)
        )
        sign_paragraph(decision, ordforande)

        with pytest.raises(workflow.TransitionError, match="omedelbara justeringen av § 1 pågår"):
            workflow.change_meeting_details(
                meeting=meeting, user=sekreterare, reason="Fel plats.", place="Annat rum"
            )
        with pytest.raises(workflow.TransitionError, match="pågår"):
            workflow.correct_decision(
                decision=decision, user=sekreterare, reason="Fel.", record=adopted(text="Ny")
            )
        assert Meeting.objects.get().place == "Södermalmsrummet"

        # Another paragraph can still be added and decided: it is not what they signed.
        workflow.add_agenda_item(meeting=meeting, user=sekreterare, title="Anmälan av skrivelser")
        assert sign_paragraph(decision, justerare) is True


def _another_signed_statement(sodermalm, handlaggare, direktor) -> Statement:
    from remiss import drafting

    ks = Organisation.objects.get(name="Kommunstyrelsen")
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2019/2000",
        title="En annan remiss",
        sent_on=D(2019, 11, 1),
        deadline=D(2020, 1, 31),
    )
    recipient = Recipient.objects.create(remiss=remiss, organisation=sodermalm)
    statement = drafting.start_statement(recipient=recipient, user=handlaggare)
    workflow.submit(statement=statement, user=handlaggare)
    return workflow.sign(statement=statement, user=direktor)


# --- The dates are the days things really happened ----------------------------------------------


@pytest.fixture
def meeting_of_2026(sodermalm, ordforande, justerare, sekreterare, council, signed, clock):
    """Södermalm's meeting of 2026-11-20 (the 2023–2026 term), the statement adopted and to be
    justified at once; nobody has justified anything yet."""
    term = (D(2023, 1, 1), D(2026, 12, 31))
    seats = [
        make_seat(
            sodermalm,
            seat.person,
            seat.kind,
            seat.position,
            party=seat.party,
            office=seat.office,
            term=term,
        )
        for seat in council
    ]
    meeting = Meeting.objects.create(
        organisation=sodermalm,
        date=D(2026, 11, 20),
        place="Södermalmsrummet",
        chair=ordforande,
        secretary=sekreterare,
    )
    meeting.justifiers.add(justerare)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=seat.person, seat=seat)
        for seat in seats
        if seat.kind == Seat.Kind.MEMBER
    )
    clock.set(at(D(2026, 11, 20), 18))
    item = workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)
    decision = workflow.record_decision(item=item, user=sekreterare, record=adopted(immediate=True))
    return decision


def test_kl_8_12_and_13_5_a_late_justification_prints_and_posts_its_own_real_dates(
    meeting_of_2026, ordforande, justerare, clock, client
):
    """The Why case: a meeting of 2026-11-20 justified on 2026-12-01 once showed "justerades
    omedelbart 2026-11-20 · Anslaget 2026-11-20", a backdated anslag that shortened the appeal
    time. Every date of the justification and the anslag is now the day it happened, and the
    appeal time runs three weeks from the real posting."""
    decision = meeting_of_2026
    meeting = decision.item.meeting
    clock.set(at(D(2026, 12, 1), 9, 30))
    justify_at_once(decision, ordforande, justerare)
    clock.set(at(D(2026, 12, 1), 11))
    justify_the_minutes(meeting, ordforande, justerare)

    decision.refresh_from_db()
    meeting.refresh_from_db()
    assert (decision.justified_on, decision.notice_date) == (D(2026, 12, 1), D(2026, 12, 1))
    assert (meeting.minutes_justified_on, meeting.notice_date) == (D(2026, 12, 1), D(2026, 12, 1))
    assert decision.appeal_ends == D(2026, 12, 22)
    notices = list(Notice.objects.order_by("pk"))
    assert [(n.paragraphs, n.posted_on, n.appeal_ends, n.takes_down_on) for n in notices] == [
        ("§ 1", D(2026, 12, 1), D(2026, 12, 22), D(2026, 12, 23)),
        ("§ 1", D(2026, 12, 1), D(2026, 12, 22), D(2026, 12, 23)),
    ]
    assert all(n.kept_at == "Södermalms stadsdelsförvaltning, registraturen" for n in notices)
    assert MeetingEvent.objects.filter(action=Action.NOTICE_POSTED).count() == 2

    # What is printed: the extract and the protokoll as PDF, and the public pages.
    statement_date = decision.item.statement.date
    allowed_earlier = {meeting.date, statement_date}
    printed = {
        "extract": pdf_text(pdf.extract_pdf(decision)),
        "protokoll": pdf_text(minutes.minutes_pdf(meeting)),
        "anslagstavla": client.get(reverse("noticeboard")).content.decode(),
        "anslag": client.get(reverse("notice", args=[notices[0].pk])).content.decode(),
    }
    for name, text in printed.items():
        flat = " ".join(text.split())
        assert "2026-12-01" in flat and "2026-12-22" in flat, name
        late = {day for day in dates_in(flat) if day not in allowed_earlier}
        assert min(late) >= D(2026, 12, 1), (name, sorted(late))
        assert "justerades omedelbart 2026-11-20" not in flat, name
        assert "Anslaget 2026-11-20" not in flat, name
    extract = " ".join(printed["extract"].split())
    assert "Paragrafen justerades omedelbart 2026-12-01" in extract
    assert "Per Holm" in extract and "justerade digitalt 2026-12-01 09:30" in extract
    assert "Sista dag för överklagande 2026-12-22" in extract
    protokoll = " ".join(printed["protokoll"].split())
    assert "justerade digitalt 2026-12-01 11:00" in protokoll
    assert "Protokollet justerades 2026-12-01" in protokoll


def test_the_notice_leaves_the_current_list_after_its_take_down_day_and_is_taken_down_once(
    meeting_of_2026, ordforande, justerare, clock, client
):
    decision = meeting_of_2026
    clock.set(at(D(2026, 12, 1), 9, 30))
    justify_at_once(decision)
    notice = Notice.objects.get()
    title = f"{decision.item.meeting.organisation}, sammanträde 2026-11-20"

    clock.set(at(D(2026, 12, 22), 23, 59))  # the last day of the appeal time
    assert title in client.get(reverse("noticeboard")).content.decode()
    assert workflow.take_down_notices() == 0

    clock.set(at(D(2026, 12, 23), 6, 30))  # the take-down day
    assert title not in client.get(reverse("noticeboard")).content.decode()
    assert title not in client.get(reverse("noticeboard_feed")).content.decode()
    assert title in client.get(reverse("noticeboard_archive")).content.decode()
    assert (
        "Anslaget är nedtaget" in client.get(reverse("notice", args=[notice.pk])).content.decode()
    )
    assert workflow.take_down_notices() == 1
    assert workflow.take_down_notices() == 0  # run again the same day: nothing twice

    notice.refresh_from_db()
    assert notice.taken_down_at is not None
    assert MeetingEvent.objects.filter(action=Action.NOTICE_TAKEN_DOWN).count() == 1


def test_the_anslagstavla_is_public_and_its_list_takes_a_fixed_number_of_queries(
    meeting_of_2026, ordforande, justerare, clock, client, django_assert_max_num_queries
):
    clock.set(at(D(2026, 12, 1), 9, 30))
    justify_at_once(meeting_of_2026)
    justify_the_minutes(meeting_of_2026.item.meeting)
    assert Notice.objects.count() == 2

    with django_assert_max_num_queries(6):
        page = client.get(reverse("noticeboard"))
    feed = client.get(reverse("noticeboard_feed")).content.decode()

    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("sammanträde 2026-11-20") == 2
    assert "Omedelbart justerad paragraf" in body
    assert "<feed" in feed and "Justerat protokoll: Södermalms stadsdelsnämnd" in feed


# --- The note on överklagande, KL 13 kap. ------------------------------------------------------


class TestAppealNote:
    def test_kl_13_2_a_reply_to_another_body_of_the_municipality_cannot_be_appealed(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        decision = justify_at_once(
            workflow.record_decision(
                item=on_agenda, user=sekreterare, record=adopted(immediate=True)
            )
        )

        html = pdf.extract_html(decision)

        assert council.PREPARATORY in html
        assert "kan överklagas genom laglighetsprövning" not in html

    def test_kl_13_a_procedural_paragraph_has_no_note(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        item = workflow.add_agenda_item(
            meeting=on_agenda.meeting, user=sekreterare, title="Val av justerare"
        )
        workflow.record_decision(
            item=item,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Lena Ek utses."),
        )
        workflow.record_decision(item=on_agenda, user=sekreterare, record=adopted())
        justify_the_minutes(on_agenda.meeting)
        decision = Decision.objects.get(item=item)

        html = pdf.extract_html(decision)

        assert decision.justified_on is not None
        assert council.appeal_note(item, decision.appeal_ends) == ""
        assert "överklagas" not in html and "laglighetsprövning" not in html

    def test_kl_13_5_a_reply_to_an_outside_body_has_the_ordinary_appeal_text(
        self, on_agenda, sekreterare, ordforande, justerare
    ):
        federation = make_organisation(
            "Storstockholms brandförsvar", Organisation.Kind.MUNICIPAL_FEDERATION
        )
        Remiss.objects.filter(pk=on_agenda.statement.recipient.remiss_id).update(sender=federation)
        decision = justify_at_once(
            workflow.record_decision(
                item=on_agenda, user=sekreterare, record=adopted(immediate=True)
            )
        )

        html = pdf.extract_html(decision)

        assert "Beslutet kan överklagas genom laglighetsprövning (KL 13 kap.)" in html
        assert f"senast {decision.appeal_ends:%Y-%m-%d}" in html
        assert council.PREPARATORY not in html


def test_the_start_page_asks_the_chair_to_justify_a_paragraph_at_once_until_they_have(
    client, on_agenda, sekreterare, ordforande, justerare
):
    decision = workflow.record_decision(
        item=on_agenda, user=sekreterare, record=adopted(immediate=True)
    )
    client.force_login(ordforande)
    paragraph = reverse("paragraph", args=[on_agenda.meeting_id, on_agenda.number])
    # Att göra lists it under its kind, "Paragrafer att justera omedelbart".
    line = f'<a href="{paragraph}">§ {on_agenda.number} {on_agenda.title}</a>'

    assert line in client.get(reverse("start")).content.decode()
    sign_paragraph(decision, ordforande)
    assert line not in client.get(reverse("start")).content.decode()
    client.force_login(justerare)
    assert line in client.get(reverse("start")).content.decode()
    client.force_login(sekreterare)
    assert line not in client.get(reverse("start")).content.decode()
