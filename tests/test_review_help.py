"""Review that helps the reviewer: comments anchored to the parts of the statement, the changes
since the statement was returned, and a signature that asks for confirmation."""

import re

import pytest
from django.urls import reverse

from programs.models import FocusArea
from remiss import workflow
from remiss.models import FocusAreaView, ReviewComment, Statement, StatusEvent
from tests.conftest import editor_post

pytestmark = pytest.mark.django_db
S = Statement.Status


@pytest.fixture
def with_view(started, programme):
    area = FocusArea.objects.get(programme=programme, number=1)
    FocusAreaView.objects.create(statement=started, focus_area=area, text="Öva mer.")
    return started


def save(client, statement, **fields):
    statement.refresh_from_db()
    response = client.post(
        reverse("statement_edit", args=[statement.pk]), editor_post(statement, **fields)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    statement.refresh_from_db()


def review_form(client, statement) -> str:
    page = client.get(reverse("statement", args=[statement.pk])).content.decode()
    return page.split('id="granska-rubrik"', 1)[1].split("</form>", 1)[0]


class TestAnchoredComments:
    def test_the_return_form_puts_a_comment_field_beside_every_part(
        self, client, with_view, handlaggare, direktor
    ):
        workflow.submit(statement=with_view, user=handlaggare)
        client.force_login(direktor)

        form = review_form(client, with_view)

        area = with_view.focus_area_views.get().focus_area
        names = re.findall(r'name="(comment[^"]*)"', form)
        assert names == [
            "comment",
            "comment-proposals",
            *(f"comment-{name}" for name, _ in Statement.SECTIONS),
            f"comment-focus-{area.pk}",
        ]
        # each field follows the text it is about
        proposals = form.index("Stadsdelsnämnden överlämnar förvaltningens")
        assert proposals < form.index('name="comment-proposals"') < form.index("Sammanfattning")
        assert form.index("Öva mer.") < form.index(f'name="comment-focus-{area.pk}"')

    def test_comments_are_kept_with_their_anchor_and_shown_beside_it_in_the_editor(
        self, client, with_view, handlaggare, direktor
    ):
        workflow.submit(statement=with_view, user=handlaggare)
        area = with_view.focus_area_views.get().focus_area
        client.force_login(direktor)

        client.post(
            reverse("statement_return", args=[with_view.pk]),
            {
                "comment": "Bra i stort.",
                "comment-proposals": "Lägg till en punkt om justering.",
                "comment-summary": "Kortare.",
                f"comment-focus-{area.pk}": "Vilka övningar?",
            },
        )

        anchors = {
            (c.section, c.focus_area_id, c.text)
            for c in ReviewComment.objects.filter(statement=with_view)
        }
        assert anchors == {
            ("general", None, "Bra i stort."),
            ("proposals", None, "Lägg till en punkt om justering."),
            ("summary", None, "Kortare."),
            ("focus_area", area.pk, "Vilka övningar?"),
        }
        client.force_login(handlaggare)
        edit = client.get(reverse("statement_edit", args=[with_view.pk])).content.decode()
        top = edit.split('id="kommentarer-rubrik"', 1)[1].split("</section>", 1)[0]
        assert "Bra i stort." in top and "Kortare." not in top
        note = 'aria-label="Granskningskommentar till {}"'
        proposals = edit.index(note.format("förslag till beslut"))
        assert (
            proposals
            < edit.index("Lägg till en punkt om justering.")
            < edit.index('name="proposals-0-text"')
        )
        summary = edit.index(note.format("sammanfattning"))
        assert summary < edit.index("Kortare.") < edit.index('name="summary"')
        focus = edit.index(note.format(f"synpunkter om {area}".lower()))
        assert focus < edit.index("Vilka övningar?") < edit.index('name="focusviews-0-text"')

    def test_a_comment_on_a_part_the_statement_does_not_have_is_refused(
        self, client, started, handlaggare, direktor, programme
    ):
        workflow.submit(statement=started, user=handlaggare)
        area = FocusArea.objects.get(programme=programme, number=2)  # no views on it
        client.force_login(direktor)

        response = client.post(
            reverse("statement_return", args=[started.pk]),
            {"comment": "Se nedan.", f"comment-focus-{area.pk}": "?"},
            follow=True,
        )

        assert "Kommentaren gäller en del som inte finns i utlåtandet" in (
            response.content.decode()
        )
        started.refresh_from_db()
        assert started.status == S.IN_REVIEW
        assert not ReviewComment.objects.exists()

    def test_the_database_keeps_a_focus_area_comment_with_its_focus_area(self, started, direktor):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            ReviewComment.objects.create(
                statement=started, section="focus_area", text="?", author=direktor, version=1
            )


class TestChangesSinceReview:
    def test_the_resubmitted_statement_shows_what_changed_since_it_was_returned(
        self, client, started, handlaggare, direktor
    ):
        client.force_login(handlaggare)
        save(client, started, summary="Förvaltningen tillstyrker.")
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(direktor)
        assert (
            "Ändringar sedan granskningen"
            not in client.get(reverse("statement", args=[started.pk])).content.decode()
        )  # the first review: nothing to compare with
        workflow.return_to_draft(statement=started, user=direktor, comment="Motivera.")
        returned = started.version

        client.force_login(handlaggare)
        save(client, started, summary="Förvaltningen tillstyrker med ändringar.")
        save(client, started, background="Kommunstyrelsen har remitterat programmet.")
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(direktor)
        page = client.get(reverse("statement", args=[started.pk])).content.decode()

        changes = page.split('id="andringar-rubrik"', 1)[1].split("</section>", 1)[0]
        assert f"Version {returned} returnerades; version {started.version} är den" in changes
        assert "Sammanfattning" in changes and "Bakgrund" in changes
        assert '<span class="visually-hidden">Tillagt: </span>tillstyrker med ändringar.' in changes
        assert "Förslag till beslut" not in changes  # unchanged parts are left out
        assert f"?fran={returned}&amp;till={started.version}" in changes
        sign = client.get(reverse("statement_sign", args=[started.pk])).content.decode()
        assert "Ändringar sedan granskningen" in sign

    def test_resubmitted_unchanged_it_says_so(self, client, started, handlaggare, direktor):
        workflow.submit(statement=started, user=handlaggare)
        workflow.return_to_draft(statement=started, user=direktor, comment="Titta igen.")
        client.force_login(handlaggare)
        save(client, started)  # saved as it was: a new version, the same text
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(direktor)

        page = client.get(reverse("statement", args=[started.pk])).content.decode()

        assert "Texten är oförändrad sedan den returnerades." in page


class TestSigningAsksForConfirmation:
    def test_the_statement_page_leads_to_a_confirmation_that_changes_nothing(
        self, client, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(direktor)
        page = client.get(reverse("statement", args=[started.pk])).content.decode()
        sign_url = reverse("statement_sign", args=[started.pk])

        assert f'<form method="post" action="{sign_url}"' not in page
        assert f'<a class="button" href="{sign_url}">Signera utlåtandet …</a>' in page
        # Signera stands apart, after Returnera
        assert page.index("Returnera till handläggaren") < page.index('id="signera-rubrik"')
        events = StatusEvent.objects.count()

        confirm = client.get(sign_url).content.decode()

        assert "Bekräfta signeringen" in confirm
        assert f'<form method="post" action="{sign_url}">' in confirm
        assert f"Signera version {started.version}</button>" in confirm
        started.refresh_from_db()
        assert started.status == S.IN_REVIEW and StatusEvent.objects.count() == events

    def test_the_confirmation_signs(self, client, started, handlaggare, direktor):
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(direktor)

        response = client.post(reverse("statement_sign", args=[started.pk]), follow=True)

        assert "Utlåtandet är signerat." in response.content.decode()
        started.refresh_from_db()
        assert started.status == S.READY and started.signed_by == direktor

    def test_the_confirmation_of_a_statement_not_in_review_sends_back_with_a_message(
        self, client, started, direktor
    ):
        client.force_login(direktor)

        response = client.get(reverse("statement_sign", args=[started.pk]), follow=True)

        assert "Det går inte att signera nu: utlåtandet är utkast." in response.content.decode()

    def test_the_handlaggare_gets_no_confirmation_page(
        self, client, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)
        client.force_login(handlaggare)

        assert client.get(reverse("statement_sign", args=[started.pk])).status_code == 403
