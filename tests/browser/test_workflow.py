"""A statement from draft to delivered reply, in a real browser, each step by its own person."""

import datetime
import re

import pytest

from remiss.models import Recipient, Statement
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser, live_server, username):
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(page, username)
    return page


def record_attendance(secretary) -> None:
    """Every ledamot serving (the form's default), Per Holm in the chair, Lena Ek justerare."""
    secretary.get_by_role("link", name="Närvaro, ordförande och justerare").click()
    secretary.get_by_label("Ordförande", exact=True).select_option(label="Per Holm")
    secretary.get_by_role("group", name="Justerare").get_by_label("Lena Ek").check()
    secretary.get_by_role("button", name="Spara närvaron").click()
    assert "Närvaron är registrerad" in status_message(secretary)


def status_message(page) -> str:
    return page.get_by_role("status").inner_text()


def test_from_draft_through_review_and_meeting_to_the_delivered_reply(
    browser, live_server, draft, assert_accessible
):
    statement_url = f"/utlatanden/{draft.pk}/"

    officer = as_user(browser, live_server, "handlaggare")
    officer.goto(f"/utlatanden/{draft.pk}/redigera/")
    officer.get_by_label("Sammanfattning").fill("Förvaltningen välkomnar uppföljningen.")
    officer.get_by_role("button", name="Spara").first.click()
    officer.goto(statement_url)
    officer.get_by_label("Meddelande till förvaltningschefen").fill("Klar för granskning.")
    officer.get_by_role("button", name="Lämna till granskning").click()
    assert "lämnat till granskning" in status_message(officer)

    director = as_user(browser, live_server, "direktor")
    assert "Att granska (1)" in director.get_by_role("region", name="Att göra (1)").inner_text()
    director.get_by_role("link", name=draft.title).first.click()
    assert_accessible(director, name="review")
    director.get_by_label("Kommentar till handläggaren").fill("Nämn övningarna.")
    director.get_by_label("Kommentar till synpunkter och förslag").fill("Skriv om krisberedskapen.")
    director.get_by_role("button", name="Returnera till handläggaren").click()
    assert "returnerat" in status_message(director)

    officer.goto("/")
    officer.get_by_role("link", name=draft.title).first.click()
    comments = officer.get_by_role("region", name="Kommentarer från granskningen")
    assert "Nämn övningarna." in comments.inner_text()
    beside = officer.get_by_role("complementary", name="Granskningskommentar till synpunkter")
    assert "Skriv om krisberedskapen." in beside.inner_text()
    officer.get_by_label("Synpunkter och förslag", exact=True).fill(
        "Förvaltningen föreslår fler övningar i krisberedskap."
    )
    officer.get_by_role("button", name="Spara").first.click()
    officer.goto(statement_url)
    officer.get_by_role("button", name="Lämna till granskning").click()

    director.goto(statement_url)
    changes = director.get_by_role("region", name="Ändringar sedan granskningen")
    assert "fler övningar" in changes.inner_text()
    director.get_by_role("link", name="Signera utlåtandet").click()
    director.get_by_role("button", name="Signera version").click()
    assert "signerat" in status_message(director)
    statement = Statement.objects.get(pk=draft.pk)
    assert (statement.status, statement.signer_title) == ("ready", "Stadsdelsdirektör")

    secretary = as_user(browser, live_server, "sekreterare")
    secretary.goto("/sammantraden/")
    secretary.get_by_role("link", name="Nytt sammanträde").click()
    secretary.get_by_label("Datum").fill(datetime.date.today().isoformat())
    secretary.get_by_label("Klockan").fill("18:00")
    secretary.get_by_label("Plats").fill("Medborgarplatsen 3")
    assert_accessible(secretary, name="meeting-form")
    secretary.get_by_role("button", name="Skapa sammanträdet").click()
    assert "är skapat" in status_message(secretary)
    record_attendance(secretary)

    secretary.get_by_label("Signerat tjänsteutlåtande").select_option(index=1)
    secretary.get_by_role("button", name="Sätt upp på föredragningslistan").click()
    assert_accessible(secretary, name="meeting")
    secretary.get_by_role("link", name=re.compile("Protokollför beslut")).click()
    assert secretary.get_by_label("Paragrafen justeras omedelbart").is_checked() is False
    secretary.get_by_label("Bifall", exact=True).check()
    secretary.get_by_label("Paragrafen justeras omedelbart").check()
    secretary.locator("#id_yrkanden-0-mover").fill("Sara Lind (S)")
    secretary.locator("#id_yrkanden-0-kind").select_option(label="Bifall")
    secretary.locator("#id_reservationer-0-member").select_option(label="Omar Haddad (S), ledamot")
    secretary.locator("#id_reservationer-0-text").fill("Programmet saknar resurser.")
    assert_accessible(secretary, name="decision-form")
    secretary.get_by_role("button", name="Protokollför beslutet").click()
    assert "protokollfört" in status_message(secretary)
    assert "justeras omedelbart" in secretary.locator("main").inner_text()
    statement.refresh_from_db()
    assert statement.status == "decided"  # the secretary only marked it
    paragraph_url = secretary.url

    # The chair and the justerare justify the paragraph at once, each with their password.
    for username in ("ordforande", "justerare"):
        person = as_user(browser, live_server, username)
        person.goto(paragraph_url)
        person.get_by_role("link", name=re.compile("Justera §")).click()
        person.get_by_label("Ditt lösenord").fill("demo")
        person.get_by_role("button", name="Justera", exact=True).click()
        assert "Din justering" in status_message(person) or "är justerad" in status_message(person)
    assert "Paragrafen justerades omedelbart" in person.locator("main").inner_text()
    screenshot(person, "paragraph")
    assert_accessible(person, name="paragraph")

    statement.refresh_from_db()
    assert statement.status == "delivered"
    assert Recipient.objects.get(pk=statement.recipient_id).status == "delivered"

    coordinator = as_user(browser, live_server, "ks")
    coordinator.get_by_role("link", name=statement.recipient.remiss.title).click()
    assert "1 av 26 har svarat" in coordinator.locator("main").inner_text()
    assert_accessible(coordinator, name="remiss-status")
    coordinator.get_by_role("link", name="Läs svaret från Södermalms stadsdelsnämnd").click()
    body = coordinator.locator("main").inner_text()
    assert "Protokollsutdrag" in body
    assert "Förvaltningen föreslår fler övningar i krisberedskap." in body
    assert "Omar Haddad (S)" in body
    screenshot(coordinator, "reply")
    assert_accessible(coordinator, name="reply")
    for page in [officer, director, secretary, coordinator]:
        page.context.close()
