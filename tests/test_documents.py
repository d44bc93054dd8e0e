"""Frozen documents: rendered once on justification, stored with a checksum, verified on every
download, never replaced by a fresh rendering."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from remiss import workflow
from remiss.models import StoredDocument

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def justified(on_agenda, sekreterare, run_tasks, media):
    """The statement decided with immediate justification; the documents rendered at once."""
    return workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
    )


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def test_justification_stores_the_three_documents_with_checksums(justified):
    documents = {d.kind: d for d in StoredDocument.objects.filter(decision=justified)}

    assert set(documents) == {"extract", "statement", "reply"}
    for document in documents.values():
        assert document.state == StoredDocument.State.READY
        with document.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert document.size == len(content)
    assert documents["statement"].pdfa and documents["extract"].pdfa
    assert documents["statement"].filename == "Tjänsteutlåtande SÖD 2019-1102.pdf"


def test_a_download_is_served_from_storage_with_a_swedish_file_name(client, justified, handlaggare):
    document = StoredDocument.objects.get(decision=justified, kind="statement")
    client.force_login(handlaggare)

    response = client.get(reverse("document", args=[document.pk]))

    assert response.status_code == 200
    assert hashlib.sha256(read(response)).hexdigest() == document.sha256
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Tj%C3%A4nsteutl%C3%A5tande%20S%C3%96D%202019-1102.pdf"
    )


def test_the_statement_pdf_link_leads_to_the_archived_file_once_justified(
    client, justified, handlaggare
):
    document = StoredDocument.objects.get(decision=justified, kind="statement")
    client.force_login(handlaggare)

    response = client.get(reverse("statement_pdf", args=[justified.item.statement_id]))

    assert response["Location"] == reverse("document", args=[document.pk])


def test_a_tampered_file_is_refused_logged_and_not_replaced(client, justified, handlaggare, caplog):
    document = StoredDocument.objects.get(decision=justified, kind="reply")
    path = document.file.path
    with open(path, "r+b") as handle:
        handle.seek(200)
        handle.write(b"X")
    tampered = Path(path).read_bytes()
    client.force_login(handlaggare)

    response = client.get(reverse("document", args=[document.pk]))

    assert response.status_code == 500
    assert "stämmer inte längre med den kontrollsumma" in response.content.decode()
    assert "har ändrats" in caplog.text
    assert Path(path).read_bytes() == tampered  # not silently re-rendered
    document.refresh_from_db()
    assert document.state == StoredDocument.State.READY


def test_the_sender_gets_the_reply_and_outsiders_get_404(
    client, justified, ks_samordnare, outsider
):
    reply = StoredDocument.objects.get(decision=justified, kind="reply")

    client.force_login(ks_samordnare)
    assert client.get(reverse("document", args=[reply.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("document", args=[reply.pk])).status_code == 404


def test_the_reply_bundles_extract_statement_and_pdf_attachments_with_bookmarks(justified):
    from pypdf import PdfReader

    reply = StoredDocument.objects.get(decision=justified, kind="reply")
    with reply.file.open("rb") as handle:
        reader = PdfReader(handle)
        titles = [item.title for item in reader.outline]
        text = "".join(page.extract_text() for page in reader.pages)

    assert titles[:2] == ["Protokollsutdrag § 1", "Tjänsteutlåtande"]
    assert "Protokollsutdrag" in text and "Förslag till beslut" in text


def test_documents_wait_for_the_worker_and_the_page_says_so(
    client, on_agenda, sekreterare, handlaggare, media
):
    decision = workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
    )
    document = StoredDocument.objects.get(decision=decision, kind="statement")
    client.force_login(handlaggare)

    response = client.get(reverse("document", args=[document.pk]))
    page = client.get(reverse("statement", args=[on_agenda.statement_id])).content.decode()

    assert document.state == StoredDocument.State.PENDING
    assert response.status_code == 202
    assert "skapas" in response.content.decode()
    assert "skapas – ladda om sidan" in page


def test_a_draft_is_rendered_live_and_never_stored(client, started, handlaggare, media):
    client.force_login(handlaggare)

    response = client.get(reverse("statement_pdf", args=[started.pk]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert (
        "filename*=utf-8''Tj%C3%A4nsteutl%C3%A5tande%20S%C3%96D%202019-1102.pdf"
        in (response["Content-Disposition"])
    )
    assert StoredDocument.objects.count() == 0
