"""English as a second language (issue 19): Swedish unless the person chooses English.

The choice is the switch in the footer (Django's set_language, a cookie); the browser's
Accept-Language is never read, so a browser set to English still gets the Swedish portal.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def choose(client, language: str, page: str):
    return client.post(reverse("set_language"), {"language": language, "next": page})


def test_without_a_choice_the_pages_are_swedish_whatever_the_browser_asks_for(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert response["Content-Language"] == "sv"
    assert ">Logga in</button>" in body
    assert 'value="en" lang="en"' in body  # the switch offers English


def test_the_switch_is_a_form_that_works_without_javascript(client):
    body = client.get(reverse("login")).content.decode()

    assert f'<form class="language-switch" method="post" action="{reverse("set_language")}">' in (
        body
    )
    assert 'name="csrfmiddlewaretoken"' in body.split('class="language-switch"')[1]
    assert '<input type="hidden" name="next" value="/logga-in/">' in body


def test_choosing_english_goes_back_to_the_page_and_keeps_the_choice(client):
    response = choose(client, "en", reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert response["Content-Language"] == "en"
    assert 'value="sv" lang="sv"' in body  # and the way back


def test_after_choosing_english_the_login_page_is_in_english(client):
    choose(client, "en", reverse("login"))

    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert ">Log in</button>" in body
    assert "Användarnamn" not in body


def test_choosing_swedish_again_gives_swedish(client):
    choose(client, "en", "/")
    choose(client, "sv", "/")

    assert '<html lang="sv">' in client.get(reverse("login")).content.decode()


def test_a_language_the_portal_does_not_have_gives_swedish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")

    assert '<html lang="sv">' in response.content.decode()


def test_the_language_is_active_only_during_the_request(client):
    choose(client, "en", "/")
    client.get(reverse("login"))

    assert translation.get_language() == settings.LANGUAGE_CODE


def test_after_choosing_english_the_start_page_is_in_english(client, handlaggare):
    client.force_login(handlaggare)
    choose(client, "en", reverse("start"))

    body = client.get(reverse("start"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<nav aria-label="Main menu">' in body
    assert ">My cases" in body
    assert ">Log out</button>" in body
    assert "Mina ärenden" not in body.split("<body")[1].split("<main")[0]  # the header


def test_without_a_choice_the_start_page_is_swedish(client, handlaggare):
    client.force_login(handlaggare)

    body = client.get(reverse("start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<nav aria-label="Huvudmeny">' in body
    assert ">Mina ärenden" in body
    assert ">Logga ut</button>" in body


def test_the_error_pages_follow_the_choice(client):
    assert "Sidan finns inte" in client.get("/finns-inte/").content.decode()
    choose(client, "en", "/")

    body = client.get("/finns-inte/").content.decode()
    assert "Page not found" in body
    assert '<html lang="en">' in body


def test_a_document_asked_for_from_an_english_page_is_swedish(statement):
    """The statement's body is shared by the page (translated) and the PDF (Swedish)."""
    from remiss import pdf

    with translation.override("en"):
        html = pdf.statement_html(statement)

    assert "Förslag till beslut" in html
    assert "Undertecknas när förvaltningschefen signerar." in html
    assert "Proposed decision" not in html


def test_the_statement_page_in_english_shows_the_shared_body_in_english(client, statement):
    client.force_login(statement.case_officer)
    choose(client, "en", "/")

    body = client.get(reverse("statement", args=[statement.pk])).content.decode()

    assert "Proposed decision" in body  # includes/statement_body.html
