"""The municipality is a setting, and the statement has one template for screen and print
(issue 10)."""

import re

import pytest
from django.urls import reverse

from remiss import pdf

pytestmark = pytest.mark.django_db


def text_of(html: str, start: str) -> list[str]:
    """The words of the statement's body, from its first field on, without the markup."""
    body = html[html.index(start) :]
    return re.sub(r"<[^>]+>", " ", body).split()


def test_stockholm_is_the_default_in_the_letterhead(client, started, handlaggare):
    client.force_login(handlaggare)

    page = client.get(reverse("statement_preview", args=[started.pk])).content.decode()

    assert '<p class="document__city">Stockholms stad</p>' in page
    assert "Stockholms stad" in pdf.statement_html(started)
    assert "Stadshuset, 105 35 Stockholm" in pdf.statement_html(started)


def test_another_municipality_is_only_a_setting_away(settings, client, started, handlaggare):
    settings.MUNICIPALITY_NAME = "Uppsala kommun"
    settings.MUNICIPALITY_LOGO_TEXT = "Uppsala kommun"
    settings.MUNICIPALITY_ADDRESS = "Stationsgatan 12, 753 75 Uppsala"
    settings.MUNICIPALITY_REGISTRY_PREFIX = "KSN"
    client.force_login(handlaggare)

    page = client.get(reverse("statement_preview", args=[started.pk])).content.decode()
    printed = pdf.statement_html(started)
    search = client.get(reverse("search"), {"q": "finnsinte"}).content.decode()

    # (The programme's own title, "Stockholms stads säkerhetsprogram", is the remiss' text.)
    assert '<p class="document__city">Uppsala kommun</p>' in page
    assert '<p class="letterhead__city">Uppsala kommun</p>' in printed
    assert "Stockholms stad<" not in page + printed
    assert "Stationsgatan 12, 753 75 Uppsala" in printed
    assert "till exempel KSN 2019/1543" in search


def test_the_preview_and_the_print_show_the_same_statement(client, started, handlaggare):
    client.force_login(handlaggare)

    page = client.get(reverse("statement_preview", args=[started.pk])).content.decode()
    printed = pdf.statement_html(started)

    article = page[page.index('<div class="fields">') : page.index("</article>")]
    body = printed[printed.index('<div class="fields">') : printed.index("</body>")]
    assert text_of(article, "fields") == text_of(body, "fields")
