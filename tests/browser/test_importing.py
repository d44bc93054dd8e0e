"""Importera tjänsteutlåtande, in a real browser: the handläggare reads in the scanned seed,
moves a paragraph on the review page, saves, and finds the draft with its history."""

from pathlib import Path

import pytest

from remiss.models import Statement, StatementImport
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN_REMISS = "Uppföljning av Stockholms stads säkerhetsprogram 2020–2023"
OCR = Path(__file__).parent.parent / "fixtures" / "sodermalm-tjansteutlatande-2019-12-12.ocr.txt"


def test_a_case_officer_imports_the_scanned_statement_moves_a_paragraph_and_saves(
    browser, live_server, seeded, assert_accessible
):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    log_in(page, "handlaggare")

    page.get_by_role("link", name=OPEN_REMISS).click()
    page.get_by_role("link", name="Importera tjänsteutlåtande").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Importera tjänsteutlåtande"
    assert_accessible(page, name="import-upload")
    page.get_by_label("Dokument").set_input_files(OCR)
    page.get_by_role("button", name="Läs in").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Granska det inlästa utlåtandet"
    assert page.get_by_label("Telefon").input_value() == "08-508 121 92"
    assert "Eva-Lena Eirefelt" in page.locator("dl.facts").inner_text()
    assert not Statement.objects.filter(recipient__remiss__title=OPEN_REMISS).exists()
    assert_accessible(page, name="import-review")
    screenshot(page, "import-review")

    pending = StatementImport.objects.get()
    paragraphs = pending.recognised["paragraphs"]
    moved = next(i for i, p in enumerate(paragraphs) if p["part"] == "background")
    page.get_by_label(f"Avsnitt för stycke {moved + 1}", exact=True).select_option(
        label="Sammanfattning"
    )
    page.get_by_role("button", name="Spara som utkast").click()

    assert "sparat som version 2" in page.get_by_role("status").inner_text()
    statement = Statement.objects.get(recipient__remiss__title=OPEN_REMISS)
    assert statement.status == Statement.Status.DRAFT
    assert statement.summary.endswith(paragraphs[moved]["text"])
    assert paragraphs[moved]["text"] not in statement.background
    assert page.get_by_role("link", name="sodermalm-tjansteutlatande-2019-12-12.ocr.txt").count()
    assert_accessible(page, name="imported-statement")

    page.get_by_role("link", name="Versioner").click()
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 3  # the header, Påbörjat and the import
    assert "Inläst från sodermalm-tjansteutlatande-2019-12-12.ocr.txt" in rows.nth(1).inner_text()
    screenshot(page, "import-history")
