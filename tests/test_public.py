"""Public pages (offentlighetsprincipen): sent remisses and delivered replies, for anyone, with
the archived PDFs served after the same checksum check as every download; nothing before
delivery, and no draft, ever shows."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import FocusArea
from remiss import drafting, workflow
from remiss.models import (
    Attachment,
    FocusAreaView,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)
from tests.conftest import make_organisation
from tests.justifying import justify_at_once

DELIVERED_TEXT = "Förvaltningen föreslår trygghetsvandringar i varje park på Södermalm."
FOCUS_TEXT = "Krisberedskapen i hemtjänsten behöver övas varje år."
DRAFT_TEXT = "Kungsholmen överväger fler cykelgarage vid Fridhemsplan."
DRAFT_ATTACHMENT = "Utkastbilaga om cykelgaragen"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def written(started):
    """Södermalm's statement with its views written, before it is signed (and frozen)."""
    Statement.objects.filter(pk=started.pk).update(views=DELIVERED_TEXT)
    FocusAreaView.objects.create(
        statement=started,
        focus_area=FocusArea.objects.get(programme=started.recipient.remiss.programme, number=1),
        text=FOCUS_TEXT,
    )
    started.refresh_from_db()
    return started


@pytest.fixture
def delivered(
    written, on_agenda, sekreterare, run_tasks, media, django_capture_on_commit_callbacks
):
    """Södermalm's reply, adopted with immediate justification: delivered, documents stored."""
    with django_capture_on_commit_callbacks(execute=True):
        decision = justify_at_once(
            workflow.record_decision(
                item=on_agenda,
                user=sekreterare,
                record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
            )
        )
    return decision


@pytest.fixture
def kungsholmen_draft(remiss, kungsholmen, outsider, media):
    """Kungsholmen's statement, still a draft, with an attachment."""
    recipient = remiss.recipients.get(organisation=kungsholmen)
    statement = drafting.start_statement(recipient=recipient, user=outsider)
    Statement.objects.filter(pk=statement.pk).update(summary=DRAFT_TEXT)
    Attachment.objects.create(
        statement=statement,
        title=DRAFT_ATTACHMENT,
        file=ContentFile(b"%PDF-1.4 utkast", name="utkast.pdf"),
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
    )
    return statement


@pytest.fixture
def unsent(ks, sodermalm):
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2020/77",
        title="Ännu inte skickad remiss om parkeringsnormer",
        deadline=datetime.date(2020, 6, 1),
    )
    Recipient.objects.create(remiss=remiss, organisation=sodermalm)
    return remiss


def urls(remiss, recipient) -> dict[str, str]:
    return {
        "list": reverse("public_remisses"),
        "remiss": reverse("public_remiss", args=[remiss.pk]),
        "reply": reverse("public_reply", args=[remiss.pk, recipient.pk]),
    }


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def sent_remisses(sender, count: int) -> None:
    """`count` sent remisses, "Remiss nummer 0" the oldest."""
    for number in range(count):
        Remiss.objects.create(
            sender=sender,
            registration_number=f"KS 2019/{4000 + number}",
            title=f"Remiss nummer {number}",
            sent_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=number),
            deadline=datetime.date(2019, 12, 31),
        )


class TestWithoutLogin:
    def test_the_list_shows_sent_remisses_to_anyone(self, client, remiss, unsent):
        response = client.get(reverse("public_remisses"))
        body = response.content.decode()

        assert response.status_code == 200
        assert "Stockholms stads säkerhetsprogram 2020–2023" in body
        assert "KS 2019/1543" in body and "0 av 2" in body
        assert "parkeringsnormer" not in body
        assert reverse("public_remiss", args=[remiss.pk]) in body

    def test_the_list_is_paged(self, client, ks):
        sent_remisses(ks, 51)

        first = client.get(reverse("public_remisses")).content.decode()
        second = client.get(reverse("public_remisses"), {"sida": 2}).content.decode()

        assert "Remiss nummer 50" in first and "Remiss nummer 0<" not in first
        assert "Sida 1 av 2" in first and 'href="?sida=2"' in first
        assert "Remiss nummer 0<" in second

    def test_the_list_counts_only_a_few_pages_past_the_one_shown(self, client, ks, monkeypatch):
        """A national list is not counted to its end on every visit (docs/scale.md): the
        count stops AHEAD pages past the asked one, and says "fler än" until the end is near."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        monkeypatch.setattr("remiss.views.public.PER_PAGE", 2)
        monkeypatch.setattr("remiss.paging.AHEAD", 1)
        sent_remisses(ks, 7)

        with CaptureQueriesContext(connection) as queries:
            first = client.get(reverse("public_remisses")).content.decode()
        counts = [
            q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "remiss_remiss" in q["sql"]
        ]
        assert len(counts) == 1 and "LIMIT 5" in counts[0]
        assert "Sida 1 av fler än 2" in first and 'href="?sida=2"' in first
        assert "Remiss nummer 6" in first and "Remiss nummer 4" not in first

        third = client.get(reverse("public_remisses"), {"sida": 3}).content.decode()
        assert "Sida 3 av 4" in third and 'href="?sida=4"' in third
        fourth = client.get(reverse("public_remisses"), {"sida": 4}).content.decode()
        assert "Sida 4 av 4" in fourth and "Remiss nummer 0<" in fourth
        assert 'rel="next"' not in fourth
        # A page past the end shows the last one, a word instead of a number the first.
        assert (
            "Sida 4 av 4" in client.get(reverse("public_remisses"), {"sida": 99}).content.decode()
        )
        assert (
            "Sida 1 av fler än 2"
            in client.get(reverse("public_remisses"), {"sida": "sista"}).content.decode()
        )

    def test_the_base_template_has_no_user_menu_and_no_search_for_anonymous_users(
        self, client, remiss
    ):
        body = client.get(reverse("public_remisses")).content.decode()

        assert "Logga ut" not in body
        assert 'name="q"' not in body
        assert "Mina ärenden" not in body
        assert f'href="{reverse("public_remisses")}">Offentliga remisser</a>' in body

    def test_a_logged_in_person_gets_the_search_form_in_the_header(self, client, handlaggare):
        client.force_login(handlaggare)
        body = client.get(reverse("public_remisses")).content.decode()

        assert f'action="{reverse("search")}"' in body
        assert '<label for="sidhuvud-sok" class="visually-hidden">Sök</label>' in body
        assert 'name="q"' in body

    def test_the_remiss_page_shows_the_remiss_and_who_was_asked(self, client, remiss, media):
        Remiss.objects.filter(pk=remiss.pk).update(
            description="Programmet gäller **hela staden**.\n\n<script>alert(1)</script>"
        )
        Attachment.objects.create(
            remiss=remiss,
            title="Förslag till säkerhetsprogram",
            file=ContentFile(b"%PDF-1.4 remiss", name="remiss.pdf"),
            content_type="application/pdf",
            size=15,
            sha256="1" * 64,
        )

        response = client.get(reverse("public_remiss", args=[remiss.pk]))
        body = response.content.decode()

        assert response.status_code == 200
        assert "<strong>hela staden</strong>" in body
        assert "<script>alert(1)</script>" not in body
        assert "Krisberedskap" in body and "Civilt försvar" in body
        assert "Förslag till säkerhetsprogram" in body
        assert "Södermalms stadsdelsnämnd" in body and "Kungsholmens stadsdelsnämnd" in body
        assert "Inväntar svar" in body
        assert "/offentligt/remisser/" + str(remiss.pk) + "/svar/" not in body

    def test_an_unsent_remiss_answers_404(self, client, unsent):
        recipient = unsent.recipients.get()

        assert client.get(reverse("public_remiss", args=[unsent.pk])).status_code == 404
        assert (
            client.get(reverse("public_reply", args=[unsent.pk, recipient.pk])).status_code == 404
        )

    def test_a_reply_before_delivery_answers_404(self, client, on_agenda):
        recipient = on_agenda.statement.recipient
        remiss = recipient.remiss

        assert (
            client.get(reverse("public_reply", args=[remiss.pk, recipient.pk])).status_code == 404
        )

    def test_a_search_needs_a_login(self, client, remiss):
        response = client.get(reverse("search"), {"q": "säkerhetsprogram"})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestDeliveredReply:
    def test_the_remiss_page_links_the_delivered_reply_only(self, client, delivered, remiss):
        body = client.get(reverse("public_remiss", args=[remiss.pk])).content.decode()
        sodermalm = delivered.item.statement.recipient
        kungsholmen = remiss.recipients.exclude(pk=sodermalm.pk).get()

        assert reverse("public_reply", args=[remiss.pk, sodermalm.pk]) in body
        assert reverse("public_reply", args=[remiss.pk, kungsholmen.pk]) not in body
        assert "Svar inkommet" in body and "1 av 2" in body

    def test_the_reply_page_shows_extract_statement_and_archived_documents(
        self, client, delivered, remiss
    ):
        recipient = delivered.item.statement.recipient

        response = client.get(reverse("public_reply", args=[remiss.pk, recipient.pk]))
        body = response.content.decode()

        assert response.status_code == 200
        assert (
            "Protokollsutdrag: Södermalms stadsdelsnämnd, sammanträdet 2019-12-12, §&nbsp;1" in body
        )
        assert "Paragrafen justerades omedelbart" in body
        assert DELIVERED_TEXT in body and FOCUS_TEXT in body
        assert "UTKAST" not in body and "document--draft" not in body
        for document in StoredDocument.objects.filter(decision=delivered):
            assert reverse("public_document", args=[document.pk]) in body
            assert f'href="{reverse("document", args=[document.pk])}"' not in body

    def test_every_archived_pdf_downloads_and_matches_its_checksum(self, client, delivered):
        documents = list(StoredDocument.objects.filter(decision=delivered))
        assert {d.kind for d in documents} == {"reply", "statement", "extract"}

        for document in documents:
            assert document.state == StoredDocument.State.READY
            response = client.get(reverse("public_document", args=[document.pk]))
            content = read(response)

            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert content.startswith(b"%PDF-")
            assert hashlib.sha256(content).hexdigest() == document.sha256
        statement = StoredDocument.objects.get(decision=delivered, kind="statement")
        response = client.get(reverse("public_document", args=[statement.pk]))
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''Tj%C3%A4nsteutl%C3%A5tande%20S%C3%96D%202019-1102.pdf"
        )

    def test_a_tampered_file_is_refused_and_logged(self, client, delivered, caplog):
        document = StoredDocument.objects.get(decision=delivered, kind="reply")
        with open(document.file.path, "r+b") as handle:
            handle.seek(200)
            handle.write(b"X")

        response = client.get(reverse("public_document", args=[document.pk]))

        assert response.status_code == 500
        assert "stämmer inte längre med den kontrollsumma" in response.content.decode()
        assert "har ändrats" in caplog.text

    def test_a_missing_file_is_refused(self, client, delivered):
        document = StoredDocument.objects.get(decision=delivered, kind="extract")
        document.file.storage.delete(document.file.name)

        response = client.get(reverse("public_document", args=[document.pk]))

        assert response.status_code == 500

    def test_a_reply_is_found_only_under_its_own_remiss(self, client, delivered, ks, sodermalm):
        other = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2019/2000",
            title="Annan remiss",
            sent_on=datetime.date(2019, 10, 1),
            deadline=datetime.date(2019, 12, 1),
        )
        recipient = delivered.item.statement.recipient

        assert client.get(reverse("public_reply", args=[other.pk, recipient.pk])).status_code == 404


class TestNothingBeforeDelivery:
    def test_a_draft_never_shows_on_any_public_page(
        self, client, delivered, kungsholmen_draft, remiss
    ):
        sodermalm = delivered.item.statement.recipient
        kungsholmen = kungsholmen_draft.recipient
        pages = [*urls(remiss, sodermalm).values()]

        for url in pages:
            body = client.get(url).content.decode()
            assert "cykelgarage" not in body, url
            assert DRAFT_ATTACHMENT not in body, url
        assert (
            client.get(reverse("public_reply", args=[remiss.pk, kungsholmen.pk])).status_code == 404
        )

    def test_documents_of_an_undelivered_reply_answer_404(self, client, on_agenda, sekreterare):
        decision = workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=False),
        )
        assert on_agenda.statement.recipient.status == Recipient.Status.AWAITING
        # Not justified yet, so nothing is archived; a document row made anyway is still refused.
        document = StoredDocument.objects.create(
            decision=decision,
            kind=StoredDocument.Kind.EXTRACT,
            state=StoredDocument.State.READY,
            sha256="0" * 64,
        )

        assert client.get(reverse("public_document", args=[document.pk])).status_code == 404

    def test_a_document_still_being_rendered_answers_404(self, client, delivered):
        document = StoredDocument.objects.get(decision=delivered, kind="reply")
        StoredDocument.objects.filter(pk=document.pk).update(state=StoredDocument.State.PENDING)

        assert client.get(reverse("public_document", args=[document.pk])).status_code == 404


class TestQueryCounts:
    def test_the_pages_cost_the_same_whatever_the_number_of_remisses_and_recipients(
        self, client, delivered, remiss, ks
    ):
        recipient = delivered.item.statement.recipient
        pages = urls(remiss, recipient)
        before = {name: count_queries(client, url) for name, url in pages.items()}

        for number in range(5):
            more = Remiss.objects.create(
                sender=ks,
                registration_number=f"KS 2019/{3000 + number}",
                title=f"Remiss nummer {number}",
                sent_on=datetime.date(2019, 10, 1),
                deadline=datetime.date(2019, 12, 1),
            )
            for index in range(3):
                organisation = make_organisation(f"Nämnd {number}-{index}")
                for target in (more, remiss):
                    Recipient.objects.create(
                        remiss=target,
                        organisation=organisation,
                        status=Recipient.Status.DELIVERED if index else Recipient.Status.AWAITING,
                        delivered_at=timezone.now() if index else None,
                    )
        after = {name: count_queries(client, url) for name, url in pages.items()}

        assert after == before
        assert before == {"list": 4, "remiss": 5, "reply": 16}


def test_the_accessibility_statement_is_public_and_in_swedish(client):
    response = client.get(reverse("accessibility"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tillgänglighet för Remissportalen" in body
    assert "WCAG</abbr> 2.1 på nivå AA" in body
    assert "Myndigheten för digital förvaltning (Digg)" in body
    assert reverse("accessibility") in client.get(reverse("login")).content.decode()
