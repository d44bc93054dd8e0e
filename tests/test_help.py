"""Hjälp: one short page on who does what, linked from every page's header."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def section(body: str, anchor: str) -> str:
    start = body.index(f'<section aria-labelledby="{anchor}">')
    return body[start : body.index("</section>", start)]


def test_the_help_page_names_the_visitors_own_role(client, handlaggare, direktor):
    client.force_login(handlaggare)

    body = client.get(reverse("help")).content.decode()

    assert "Din roll" in section(body, "handlaggare")
    assert "Din roll" not in section(body, "forvaltningschef")
    assert "Din roll" not in section(body, "remissamordnare")


def test_the_coordinator_finds_ny_remiss_and_the_compilation_under_their_role(
    client, ks_samordnare
):
    client.force_login(ks_samordnare)

    body = client.get(reverse("help")).content.decode()

    coordinator = section(body, "remissamordnare")
    assert "Din roll" in coordinator
    assert "Ny remiss" in coordinator and "Sammanställning av svaren" in coordinator


def test_the_help_page_is_open_to_the_public_and_marks_no_role(client):
    response = client.get(reverse("help"))

    assert response.status_code == 200
    assert "Din roll" not in response.content.decode()


def test_the_header_links_to_the_help_page(client, handlaggare):
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()

    nav = body[body.index('<nav aria-label="Huvudmeny">') :]
    assert f'<a href="{reverse("help")}">Hjälp</a>' in nav[: nav.index("</nav>")]
