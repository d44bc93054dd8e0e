"""The portal's own Swedish error pages, also with DEBUG on (what `make run` shows)."""

import logging

import pytest
from django.http import Http404
from django.urls import path

from remiss.urls import urlpatterns as portal_urls

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("trasig vy")


def missing_view(request):
    raise Http404("Ingen sådan remiss.")


urlpatterns = [
    path("trasig/", broken_view),
    path("saknas/", missing_view),
    *portal_urls,
]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    return settings


def test_an_unknown_address_with_debug_on_shows_the_swedish_404_page(client, debug):
    response = client.get("/finns-inte/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in body
    assert "Using the URLconf" not in body  # not Django's technical page
    assert '<html lang="sv">' in body


def test_a_404_raised_by_a_view_with_debug_on_shows_the_swedish_404_page(client, debug):
    response = client.get("/saknas/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    assert "Ingen sådan remiss." not in response.content.decode()


def test_an_address_without_its_slash_is_still_redirected_with_debug_on(client, debug):
    response = client.get("/sammantraden")

    assert response.status_code == 301
    assert response["Location"] == "/sammantraden/"


def test_a_server_error_with_debug_on_shows_the_swedish_page_and_logs_the_traceback(
    client, debug, caplog
):
    with caplog.at_level(logging.ERROR, logger="remiss.middleware"):
        response = client.get("/trasig/")

    assert response.status_code == 500
    assert "Ett fel uppstod" in response.content.decode()
    assert "trasig vy" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "remiss.middleware"]
    assert record.exc_info[1].args == ("trasig vy",)


def test_another_organisations_object_with_debug_on_is_the_swedish_404_too(
    client, debug, statement, outsider
):
    client.force_login(outsider)

    response = client.get(f"/utlatanden/{statement.pk}/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_with_debug_off_django_shows_the_same_swedish_404_page(client, settings):
    settings.DEBUG = False

    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
