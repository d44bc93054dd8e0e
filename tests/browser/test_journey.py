"""The whole journey in one browser test, each step by its own person, every page checked with
axe: kommunstyrelsen sends, Södermalm drafts, the director returns and then signs, the
secretary records the decision to be justified at once, the chair and the justerare justify it
with their passwords, kommunstyrelsen reads the reply, and an anonymous visitor reads it on the
public pages and downloads the PDF."""

import datetime
import io
from pathlib import Path

import pytest

from remiss import deadlines
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_workflow import record_attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Stockholms stads trygghetsprogram 2027–2030"


def person(browser, live_server, username=None):
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    if username:
        log_in(page, username)
    return page


def message(page) -> str:
    return page.get_by_role("status").inner_text()


def test_the_whole_journey(browser, live_server, seeded, run_tasks, assert_accessible):
    check = assert_accessible

    # Kommunstyrelsen sends the remiss.
    ks = person(browser, live_server, "ks")
    check(ks, name="journey-ks-start")
    ks.get_by_role("link", name="Ny remiss").click()
    ks.get_by_label("Diarienummer").fill("KS 2026/1200")
    deadline = deadlines.next_working_day(datetime.date.today() + datetime.timedelta(days=40))
    ks.get_by_label("Svarsdatum").fill(deadline.isoformat())
    ks.get_by_label("Program").select_option(label="Stockholms stads säkerhetsprogram 2020–2023")
    ks.get_by_label("Rubrik", exact=True).fill(TITLE)
    ks.get_by_label("Beskrivning").fill("Förslaget remitteras till nämnderna.")
    ks.get_by_label("Alla stadsdelsnämnder").check()
    check(ks, name="journey-remiss-form")
    ks.get_by_role("button", name="Skicka remissen").click()
    assert "Remissen är skickad till 11 remissinstanser" in message(ks)
    check(ks, name="journey-board-sent")

    # Södermalm's handläggare drafts.
    officer = person(browser, live_server, "handlaggare")
    officer.get_by_role("link", name=TITLE).click()
    check(officer, name="journey-remiss")
    officer.get_by_role("button", name="Påbörja tjänsteutlåtandet").click()
    officer.get_by_label("Sammanfattning").fill("Förvaltningen tillstyrker trygghetsprogrammet.")
    officer.locator("#id_focusviews-0-focus_area").select_option(label="1. Krisberedskap")
    officer.locator("#id_focusviews-0-text").fill("Trygghet och krisberedskap hänger ihop.")
    officer.get_by_role("button", name="Spara").first.click()
    assert "Sparat som version 2" in message(officer)
    check(officer, name="journey-editor")
    statement_url = officer.url.replace("redigera/", "")
    officer.goto(statement_url)
    officer.get_by_role("button", name="Lämna till granskning").click()

    # The director returns it, then signs the revision.
    director = person(browser, live_server, "direktor")
    director.goto(statement_url)
    director.get_by_label("Kommentar till handläggaren").fill("Lägg till bakgrunden.")
    director.get_by_role("button", name="Returnera till handläggaren").click()
    officer.goto(statement_url + "redigera/")
    officer.get_by_label("Bakgrund").fill("Kommunstyrelsen har remitterat förslaget.")
    officer.get_by_role("button", name="Spara").first.click()
    officer.goto(statement_url)
    officer.get_by_role("button", name="Lämna till granskning").click()
    director.goto(statement_url)
    check(director, name="journey-review")
    director.get_by_role("link", name="Signera utlåtandet").click()
    director.get_by_role("button", name="Signera version").click()
    assert "signerat" in message(director)

    # The secretary holds the meeting and records the decision, justified at once.
    secretary = person(browser, live_server, "sekreterare")
    secretary.goto("/sammantraden/nytt/")
    secretary.get_by_label("Datum").fill(datetime.date.today().isoformat())
    secretary.get_by_role("button", name="Skapa sammanträdet").click()
    record_attendance(secretary)
    secretary.get_by_label("Signerat tjänsteutlåtande").select_option(index=1)
    secretary.get_by_role("button", name="Sätt upp på föredragningslistan").click()
    secretary.get_by_role("link", name="Protokollför beslut").first.click()
    secretary.get_by_label("Bifall", exact=True).check()
    secretary.get_by_label("Paragrafen justeras omedelbart").check()
    check(secretary, name="journey-decision")
    secretary.get_by_role("button", name="Protokollför beslutet").click()
    assert "justeras omedelbart" in secretary.locator("main").inner_text()
    check(secretary, name="journey-paragraph")
    paragraph_url = secretary.url

    # The chair and the justerare justify the paragraph themselves, right after the meeting.
    for username in ("ordforande", "justerare"):
        signer = person(browser, live_server, username)
        signer.goto(paragraph_url)
        signer.get_by_role("link", name="Justera § 1").click()
        if username == "ordforande":
            check(signer, name="journey-justify")
        signer.get_by_label("Ditt lösenord").fill("demo")
        signer.get_by_role("button", name="Justera", exact=True).click()
    assert "Paragrafen justerades omedelbart" in signer.locator("main").inner_text()
    signer.context.close()

    # Kommunstyrelsen sees the delivered reply, the board and the compilation.
    ks.goto("/")
    ks.get_by_role("link", name=TITLE).click()
    assert "1 av 11 har svarat" in ks.locator("main").inner_text()
    check(ks, name="journey-board")
    ks.get_by_role("link", name="Läs svaret från Södermalms stadsdelsnämnd").click()
    assert "Förvaltningen tillstyrker trygghetsprogrammet." in ks.locator("main").inner_text()
    check(ks, name="journey-reply")
    ks.go_back()
    ks.get_by_role("link", name="Sammanställning av svaren").click()
    assert "Trygghet och krisberedskap hänger ihop." in ks.locator("main").inner_text()
    check(ks, name="journey-compilation")

    # An anonymous visitor reads the reply on the public pages and downloads the PDF.
    visitor = person(browser, live_server)
    visitor.goto("/offentligt/")
    check(visitor, name="journey-public-list")
    visitor.get_by_role("link", name=TITLE).click()
    check(visitor, name="journey-public-remiss")
    visitor.get_by_role("link", name="Läs svaret", exact=False).first.click()
    assert "Förvaltningen tillstyrker trygghetsprogrammet." in visitor.locator("main").inner_text()
    check(visitor, name="journey-public-reply")
    screenshot(visitor, "journey-public-reply")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Yttrande", exact=False).first.click()
    download = download_info.value
    assert download.suggested_filename == (
        f"Yttrande Södermalms stadsdelsnämnd {datetime.date.today():%Y-%m-%d} § 1.pdf"
    )
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Protokollsutdrag" in text and "tillstyrker" in text
    visitor.goto("/tillganglighet/")
    check(visitor, name="journey-accessibility-statement")
    for page in [ks, officer, director, secretary, visitor]:
        page.context.close()
