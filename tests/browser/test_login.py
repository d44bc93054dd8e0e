"""A newcomer's first minute, in a real browser: log in and find the seed case.

Each page on the way is checked against WCAG 2.1 A and AA with axe-core (assert_accessible).
"""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_officer_logs_in_and_sees_the_remiss(page, seeded, assert_accessible):
    page.goto("/")

    assert page.title() == "Logga in – Remissportalen"
    assert_accessible(page, name="login")
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url("**/")
    screenshot(page, "start-handlaggare")
    table = page.get_by_role("table", name="Remisser som dina organisationer har besvarat")
    assert "KS 2019/1543" in table.inner_text()
    assert "SÖD 2019/1102" in table.inner_text()
    assert page.get_by_role("rowheader", name="Stockholms stads säkerhetsprogram 2020–2023")
    assert "Eva-Lena Eirefelt" in page.locator("header").inner_text()
    assert_accessible(page, name="start-handlaggare")


def test_a_wrong_password_is_explained_and_the_keyboard_reaches_the_form(
    page, seeded, assert_accessible
):
    page.goto("/logga-in/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("fel")
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    assert "Inloggningen misslyckades" in alert.inner_text()
    assert page.get_by_label("Användarnamn").input_value() == "handlaggare"
    screenshot(page, "login-error")
    assert_accessible(page, name="login-error")
