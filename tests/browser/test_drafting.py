"""The handläggare's day, in a real browser: start a statement, write, attach, save, compare,
restore; and a colleague's save in between that must not cost a word."""

import re

import pytest

from remiss.models import Attachment, Statement
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN_REMISS = "Uppföljning av Stockholms stads säkerhetsprogram 2020–2023"


@pytest.fixture
def pdf_file(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "Säkerhetsanalys.pdf"
    HTML(string="<h1>Risk- och sårbarhetsanalys</h1>").write_pdf(path)
    return path


def test_a_case_officer_drafts_saves_compares_and_restores(
    browser, live_server, seeded, pdf_file, assert_accessible
):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    log_in(page, "handlaggare")

    page.get_by_role("link", name=OPEN_REMISS).click()
    assert page.get_by_role("heading", level=1).inner_text() == OPEN_REMISS
    assert_accessible(page, name="remiss")
    page.get_by_role("button", name="Påbörja tjänsteutlåtandet").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Redigera tjänsteutlåtandet"
    assert "Tjänsteutlåtandet är påbörjat" in page.get_by_role("status").inner_text()
    remiss_number = page.locator(".lead").inner_text().split(" · ")[0]
    assert page.get_by_label("Referensrad").input_value() == (
        f"Svar på remiss från kommunstyrelsen, dnr {remiss_number}"
    )
    assert_accessible(page, name="editor")
    page.get_by_label("Sammanfattning").fill("Förvaltningen ser positivt på uppföljningen.")
    page.get_by_label("Bakgrund").fill("Kommunstyrelsen har remitterat uppföljningen.")
    page.locator("#id_focusviews-0-focus_area").select_option(label="1. Krisberedskap")
    page.locator("#id_focusviews-0-text").fill("Övningarna bör bli fler.")
    page.locator("#id_steps-0-kind").select_option(label="Pensionärsråd")
    page.locator("#id_steps-0-who").fill("Pensionärsrådet")
    page.locator("#id_steps-0-date").fill("2026-11-20")
    page.get_by_label("Ny bilaga").set_input_files(pdf_file)
    page.get_by_role("button", name="Spara").first.click()

    assert "Sparat som version 2" in page.get_by_role("status").inner_text()
    statement = Statement.objects.get(recipient__remiss__title=OPEN_REMISS)
    assert statement.summary == "Förvaltningen ser positivt på uppföljningen."
    assert statement.focus_area_views.get().focus_area.title == "Krisberedskap"
    assert statement.preparation_steps.get().who == "Pensionärsrådet"
    assert Attachment.objects.get(statement=statement).original_name == "Säkerhetsanalys.pdf"
    screenshot(page, "editor-saved")

    page.goto(f"/utlatanden/{statement.pk}/versioner/")
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 3  # the header and two versions
    assert_accessible(page, name="versions")
    page.get_by_role("button", name="Jämför valda versioner").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jämför version 1 och 2"
    assert "positivt" in page.locator("td ins").first.inner_text()
    assert_accessible(page, name="compare")
    screenshot(page, "compare")

    page.go_back()
    page.get_by_role("button", name="Återställ version 1").click()
    assert (
        "Version 1 är återställd och sparad som version 3"
        in page.get_by_role("status").inner_text()
    )
    statement.refresh_from_db()
    assert (statement.version, statement.summary) == (3, "")

    # Two people at once: the colleague saves first, the later stale save keeps its text.
    page.goto(f"/utlatanden/{statement.pk}/redigera/")
    page.get_by_label("Sammanfattning").fill("Handläggarens nya sammanfattning.")

    colleague = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(colleague, "direktor")
    colleague.goto(f"/utlatanden/{statement.pk}/redigera/")
    colleague.get_by_label("Sammanfattning").fill("Direktörens sammanfattning.")
    colleague.get_by_role("button", name="Spara").first.click()
    assert "Sparat som version 4" in colleague.get_by_role("status").inner_text()

    page.get_by_role("button", name="Spara").first.click()
    assert (
        "Någon annan har sparat utlåtandet medan du skrev"
        in page.get_by_role("status").inner_text()
    )
    assert page.get_by_label("Sammanfattning").input_value() == "Handläggarens nya sammanfattning."
    saved = page.get_by_role("region", name=re.compile("Sparad text"))
    assert "Direktörens sammanfattning." in saved.inner_text()
    assert "Ann-Christine Jenvén" in saved.inner_text()
    statement.refresh_from_db()
    assert (statement.version, statement.summary) == (4, "Direktörens sammanfattning.")
    screenshot(page, "conflict")
    assert_accessible(page, name="conflict")

    page.get_by_role("button", name="Spara").first.click()  # now based on version 4
    assert "Sparat som version 5" in page.get_by_role("status").inner_text()
    statement.refresh_from_db()
    assert statement.summary == "Handläggarens nya sammanfattning."
    context.close()
    colleague.context.close()


def test_the_editor_works_from_the_keyboard_alone(page, draft, assert_accessible):
    log_in(page, "handlaggare")
    statement = draft
    page.goto(f"/utlatanden/{statement.pk}/redigera/")

    page.get_by_label("Rubrik", exact=True).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_reference_line"
    page.get_by_label("Sammanfattning").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Tillagt med tangentbordet.")
    page.get_by_role("button", name="Spara").first.focus()
    page.keyboard.press("Enter")

    assert "Sparat som version 2" in page.get_by_role("status").inner_text()
    statement.refresh_from_db()
    assert statement.summary.endswith("Tillagt med tangentbordet.")
    assert_accessible(page, name="editor-seed")


def test_an_error_summary_leads_to_the_field(page, draft):
    log_in(page, "handlaggare")
    statement = draft
    page.goto(f"/utlatanden/{statement.pk}/redigera/")

    page.get_by_label("Rubrik", exact=True).fill("")
    page.get_by_role("button", name="Spara").first.click()

    summary = page.get_by_role("alert")
    assert "Rubrik: Detta fält måste fyllas i." in summary.inner_text()
    assert page.evaluate("document.activeElement.dataset.errorSummary") == ""
    summary.get_by_role("link", name=re.compile("Rubrik")).click()
    assert page.evaluate("document.activeElement.id") == "id_title"


def test_a_draft_is_saved_while_writing_and_offered_back(
    browser, live_server, draft, assert_accessible
):
    from remiss.models import AutosavedDraft

    statement = draft
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    page.clock.install()  # the editor's three seconds of quiet pass when the test says so
    log_in(page, "handlaggare")
    page.goto(f"/utlatanden/{statement.pk}/redigera/")

    page.get_by_label("Sammanfattning").fill("Ett stycke som ännu inte är sparat.")
    page.clock.run_for(2_900)
    assert not AutosavedDraft.objects.exists()  # still writing: nothing is sent yet
    page.clock.run_for(100)
    page.get_by_text(re.compile(r"Utkast sparat \d\d:\d\d")).wait_for()

    draft = AutosavedDraft.objects.get()
    assert draft.data["summary"] == ["Ett stycke som ännu inte är sparat."]
    statement.refresh_from_db()
    assert statement.version == 1  # a draft is not a version

    later = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(later, "handlaggare")
    later.goto(f"/utlatanden/{statement.pk}/redigera/")
    banner = later.get_by_role("region", name="Du har ett autosparat utkast")
    assert_accessible(later, name="editor-draft")
    banner.get_by_role("link", name="Fortsätt med utkastet").click()
    assert later.get_by_label("Sammanfattning").input_value() == (
        "Ett stycke som ännu inte är sparat."
    )
    later.get_by_role("button", name="Spara").first.click()
    assert "Sparat som version 2" in later.get_by_role("status").inner_text()
    assert AutosavedDraft.objects.count() == 0
    page.context.close()
    later.context.close()


def stored_in_browser(page) -> str:
    """Everything the page's origin keeps in localStorage and sessionStorage, as one text."""
    return page.evaluate(
        """() => [localStorage, sessionStorage].map((storage) =>
              Object.keys(storage).map((key) => key + "=" + storage.getItem(key)).join("\\n")
           ).join("\\n")"""
    )


def test_after_logout_nothing_of_the_draft_remains_in_the_browser(browser, live_server, draft):
    statement = draft
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    page.clock.install()
    log_in(page, "handlaggare")
    page.goto(f"/utlatanden/{statement.pk}/redigera/")
    # What an earlier version of the editor left behind, never cleared.
    page.evaluate(
        f"localStorage.setItem('utlatande-{statement.pk}', "
        "JSON.stringify({data: {summary: ['Gammal kopia'], csrfmiddlewaretoken: ['t']}}))"
    )
    csrf_token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    page.get_by_label("Sammanfattning").fill("Hemlig formulering om säkerhetsläget.")
    page.clock.run_for(3_000)
    page.get_by_text(re.compile(r"Utkast sparat \d\d:\d\d")).wait_for()
    while_writing = stored_in_browser(page)
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in/")

    assert "Hemlig formulering" not in while_writing
    assert csrf_token not in while_writing
    assert stored_in_browser(page).strip() == ""
    page.context.close()


def test_the_next_person_on_the_same_browser_sees_no_kept_form(browser, live_server, draft):
    statement = draft
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    log_in(page, "handlaggare")
    page.goto(f"/utlatanden/{statement.pk}/redigera/")
    page.get_by_label("Sammanfattning").fill("Handläggarens osparade text.")
    context.clear_cookies(name="sessionid")  # the idle time has passed
    page.get_by_role("button", name="Spara").first.click()
    page.wait_for_url("**/logga-in/**")

    log_in(page, "direktor")  # someone else, on the same browser
    page.goto(f"/utlatanden/{statement.pk}/redigera/")

    assert "Du loggades ut innan texten sparades" not in page.content()
    assert page.get_by_label("Sammanfattning").input_value() == ""
    assert "Handläggarens osparade text." not in stored_in_browser(page)
    context.close()
