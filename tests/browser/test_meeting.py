"""The meeting as the law knows it, in a real browser (issue 11): the secretary creates a
meeting, records attendance with one member jävig on a paragraph, issues the kallelse, moves one
item and removes another, records a decision with a vote and a reservation chosen from those
serving, corrects it, and downloads the protokoll. axe on every page."""

import datetime
import re

import pytest

from remiss.models import Decision, Meeting, MeetingEvent
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status(page) -> str:
    return page.get_by_role("status").inner_text()


def test_the_secretary_runs_a_meeting_from_kallelse_to_protokoll(page, seeded, assert_accessible):
    log_in(page, "sekreterare")

    # A meeting with three items.
    page.goto("/sammantraden/")
    page.get_by_role("link", name="Nytt sammanträde").click()
    page.get_by_label("Datum").fill(datetime.date.today().isoformat())
    page.get_by_label("Klockan").fill("18:00")
    page.get_by_label("Plats").fill("Götgatan 124")
    page.get_by_label("Offentligt sammanträde").check()
    assert_accessible(page, name="meeting-new")
    page.get_by_role("button", name="Skapa sammanträdet").click()
    assert "är skapat" in status(page)
    meeting = Meeting.objects.latest("pk")
    for title in ["Val av justerare", "Budgetuppföljning", "Anmälan av delegationsbeslut"]:
        page.get_by_label("Annan punkt").fill(title)
        page.get_by_role("button", name="Lägg till punkt").click()
        assert "är tillagd" in status(page)

    # Attendance: Mikael Borg is away and Ronja Sjö serves for him; Erik Sjöberg is present.
    page.get_by_role("link", name="Närvaro, ordförande och justerare").click()
    page.get_by_label("Mikael Borg (SD), ledamot").select_option(label="Frånvarande")
    page.get_by_label("Ronja Sjö (SD), ersättare").select_option(label="Tjänstgör")
    page.get_by_label("Ronja Sjö tjänstgör för").select_option(label="Mikael Borg (SD)")
    page.get_by_label("Erik Sjöberg (M), ersättare").select_option(
        label="Närvarande, tjänstgör inte"
    )
    page.get_by_label("Ordförande", exact=True).select_option(label="Per Holm")
    page.get_by_role("group", name="Justerare").get_by_label("Lena Ek").check()
    assert_accessible(page, name="meeting-attendance")
    page.get_by_role("button", name="Spara närvaron").click()
    assert "Närvaron är registrerad" in status(page)
    assert "Ronja Sjö (SD), ersättare för Mikael Borg" in page.locator("main").inner_text()

    # Sara Lind is jävig on Budgetuppföljning; Erik Sjöberg serves in her place there.
    page.get_by_role("link", name="Budgetuppföljning").click()
    page.get_by_label("Jävig ledamot").select_option(label="Sara Lind (L), ledamot")
    page.get_by_label("Ersättare som tjänstgör i stället").select_option(label="Erik Sjöberg (M)")
    page.get_by_role("button", name="Registrera jäv").click()
    assert "Jävet i § 2 är registrerat" in status(page)
    serving = page.locator("main").inner_text()
    assert "Erik Sjöberg (M), ersättare för Sara Lind" in serving
    assert "Sara Lind deltar inte på grund av jäv" in serving
    assert_accessible(page, name="paragraph-recusal")

    # The kallelse goes out.
    page.get_by_role("link", name=meeting.date.strftime("%Y-%m-%d")).click()
    page.get_by_role("button", name="Skicka kallelsen").click()
    assert "Kallelse är skickad" in status(page)
    assert_accessible(page, name="meeting-issued")

    # Anmälan moves first; Val av justerare is struck out.
    page.get_by_label("Flytta § 3 till §").fill("1")
    page.get_by_role("button", name="Flytta § 3").click()
    assert "Anmälan av delegationsbeslut är nu § 1" in status(page)
    page.get_by_label("Skäl att stryka § 2").fill("Justerare väljs vid nästa möte.")
    page.get_by_role("button", name="Stryk § 2").click()
    assert "Val av justerare är struken" in status(page)
    titles = [(i.number, i.title) for i in meeting.items.order_by("number")]
    assert titles == [(1, "Anmälan av delegationsbeslut"), (2, "Budgetuppföljning")]
    page.get_by_role("button", name=re.compile("tilläggslista")).click()
    assert "Tilläggslista 1 är skickad" in status(page)

    # The decision on Budgetuppföljning, with a vote and a reservation.
    page.get_by_role("link", name=re.compile("Protokollför beslut i § 2")).click()
    ballots = page.get_by_role("group", name="Votering")
    assert "Sara Lind (L)" not in ballots.inner_text()  # jävig: no ballot of her own
    page.get_by_label("Bifall", exact=True).check()
    page.get_by_label("Beslutstext").fill("Nämnden godkänner budgetuppföljningen.")
    page.get_by_label("Votering begärdes").check()
    page.get_by_label("Propositionsordning").fill("Ja för bifall, nej för avslag.")
    page.get_by_label("Erik Sjöberg (M), ersättare för Sara Lind").select_option(label="Ja")
    page.get_by_label("Per Holm (M), ordförande").select_option(label="Ja")
    page.get_by_label("Omar Haddad (S), ledamot").select_option(label="Nej")
    page.locator("#id_reservationer-0-member").select_option(label="Omar Haddad (S), ledamot")
    assert_accessible(page, name="decision-new")
    page.get_by_role("button", name="Protokollför beslutet").click()
    assert "protokollfört" in status(page)

    # Corrected before justification, with a reason.
    page.get_by_role("link", name="Rätta beslutet").click()
    page.get_by_label("Beslutstext").fill("Nämnden godkänner budgetuppföljningen för 2025.")
    page.get_by_label("Skäl").fill("Året saknades i beslutstexten.")
    assert_accessible(page, name="decision-correct")
    page.get_by_role("button", name="Spara rättelsen").click()
    assert "är rättat" in status(page)
    body = page.locator("main").inner_text()
    assert "Året saknades i beslutstexten." in body
    assert "Före: Nämnden godkänner budgetuppföljningen." in body
    assert_accessible(page, name="paragraph-corrected")
    decision = Decision.objects.get(item__meeting=meeting)
    assert decision.text.endswith("för 2025.")
    assert decision.reservations.get().person.username == "ledamot2"
    assert decision.vote.ballots.count() == 3
    assert MeetingEvent.objects.filter(
        meeting=meeting, action=MeetingEvent.Action.DECISION_CORRECTED
    ).exists()

    # The whole protokoll.
    page.get_by_role("link", name=meeting.date.strftime("%Y-%m-%d")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Hela protokollet")).click()
    download = download_info.value
    assert download.suggested_filename == (
        f"Protokoll Södermalms stadsdelsnämnd {meeting.date:%Y-%m-%d}.pdf"
    )
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    screenshot(page, "meeting")
