"""The language switch in a real browser (issue 19): Chromium asks for en-US, the portal still
answers in Swedish until the visitor chooses English with the keyboard; the English pages pass
axe-core as well."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_english_is_chosen_with_the_keyboard_and_swedish_is_one_step_back(
    page, seeded, assert_accessible
):
    page.goto("/logga-in/")
    assert page.locator("html").get_attribute("lang") == "sv"  # whatever the browser asks for

    switch = page.get_by_role("button", name="In English")
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/logga-in/")  # back on the same page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title() == "Log in – Remissportalen"
    assert_accessible(page, name="login-english")
    page.get_by_label("Username").fill("handlaggare")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("navigation", name="Main menu").is_visible()
    assert page.get_by_role("link", name="My cases").is_visible()
    screenshot(page, "start-english")
    assert_accessible(page, name="start-english")

    with page.expect_navigation():
        page.get_by_role("button", name="På svenska").click()

    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("link", name="Mina ärenden").is_visible()
