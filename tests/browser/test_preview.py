"""A preview PDF in production mode, as a person meets it (issue 14): the link answers at once
with "PDF:en förbereds …", the page asks again quietly (portal.js), and once the worker has
rendered the PDF it is downloaded. On a phone and on a laptop, accessible at both (axe refuses
a timed meta refresh, so that one is only for browsers without scripts, inside <noscript>:
tests/test_preview_pdf.py checks the tag)."""

import pytest
from django.urls import reverse

from remiss.views.documents import PREVIEW_RELOAD_SECONDS
from tests.browser.conftest import log_in, screenshot
from tests.worker import work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREVIEW_EVERY_MS = PREVIEW_RELOAD_SECONDS * 1000


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_the_waiting_page_reloads_itself_into_the_pdf(
    browser, live_server, settings, draft, assert_accessible, width, height
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": width, "height": height},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.clock.install()  # the page's "ask again in a few seconds" runs when the test says so
    log_in(page, "handlaggare")
    address = reverse("statement_pdf", args=[draft.pk])

    response = page.goto(address)

    assert response.status == 202
    assert page.get_by_role("heading", name="PDF:en förbereds …").is_visible()
    document_width, window_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert document_width <= window_width
    screenshot(page, f"preview-waiting-{width}")
    assert_accessible(page, name=f"preview-waiting-{width}")

    work()
    with page.expect_download(timeout=10_000) as download:
        # the page asks again every few seconds, and fetches the PDF once it is there
        page.clock.run_for(PREVIEW_EVERY_MS)

    assert download.value.suggested_filename.startswith("Tjänsteutlåtande")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    context.close()


def test_a_failed_rendering_offers_to_try_again(
    browser, live_server, settings, monkeypatch, draft, assert_accessible
):
    from remiss import pdf

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.clock.install()
    log_in(page, "handlaggare")
    address = reverse("statement_pdf", args=[draft.pk])
    page.goto(address)

    def broken(html: str) -> bytes:
        raise OSError("Teckensnittet kunde inte läsas")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "render_pdf", broken)
        work()  # the attempt fails; the worker records it and goes on

    response = page.goto(address)

    assert response.status == 202
    assert page.get_by_role("heading", name="PDF:en kunde inte skapas").is_visible()
    screenshot(page, "preview-failed-390")
    assert_accessible(page, name="preview-failed-390")

    page.get_by_role("button", name="Försök igen").click()
    page.wait_for_url(f"**{address}")
    assert page.get_by_role("heading", name="PDF:en förbereds …").is_visible()
    work()
    with page.expect_download(timeout=10_000) as download:
        page.clock.run_for(PREVIEW_EVERY_MS)

    with open(download.value.path(), "rb") as pdf_file:
        assert pdf_file.read(5) == b"%PDF-"
    context.close()
