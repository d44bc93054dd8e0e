"""Frozen documents: rendered once on justification, stored with a checksum, verified on every
download, never replaced by a fresh rendering."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from remiss import workflow
from remiss.models import Preview, StoredDocument
from tests.justifying import justify_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def justified(on_agenda, sekreterare, run_tasks, media):
    """The statement decided with immediate justification; the documents rendered at once."""
    return justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
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


def zipped(**members: bytes) -> bytes:
    """A small OOXML/ODF-like package (what DOCX, XLSX and ODT files are)."""
    import io
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as package:
        for name, content in members.items():
            package.writestr(name.replace("__", "/").replace("_xml", ".xml"), content)
    return output.getvalue()


def one_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


ATTACHMENTS = [
    (
        "Riskanalys.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        zipped(word__document_xml=b"<w:document/>"),
    ),
    (
        "Kostnader.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        zipped(xl__workbook_xml=b"<workbook/>"),
    ),
    ("Yttrande.odt", "application/vnd.oasis.opendocument.text", zipped(content_xml=b"<o/>")),
    ("Karta.pdf", "application/pdf", one_page_pdf()),
]


@pytest.fixture
def reply_with_attachments(agenda_with, sekreterare, run_tasks, media):
    item = agenda_with(ATTACHMENTS)
    decision = justify_at_once(
        workflow.record_decision(
            item=item,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )
    reply = StoredDocument.objects.get(decision=decision, kind="reply")
    assert reply.state == StoredDocument.State.READY, reply.error
    return reply


def flatten(outline) -> list:
    return [x for item in outline for x in (flatten(item) if isinstance(item, list) else [item])]


def test_the_reply_carries_every_attachment_byte_for_byte(reply_with_attachments):
    from pypdf import PdfReader

    with reply_with_attachments.file.open("rb") as handle:
        reader = PdfReader(handle)
        embedded = dict(reader.attachments)
        text = "".join(page.extract_text() for page in reader.pages)
        titles = [item.title for item in flatten(reader.outline)]

    assert embedded == {
        f"Bilaga {number} {name}": [content]
        for number, (name, _, content) in enumerate(ATTACHMENTS, start=1)
    }
    assert titles[0].startswith("§ 1") and "Bilagor till yttrandet" in titles
    assert "Protokollsutdrag" in text and "Förslag till beslut" in text
    assert "Riskanalys: Bilaga 1 Riskanalys.docx" in text  # the list of embedded files


def test_the_reply_is_pdfa_3a_with_its_attachments_as_associated_files(
    reply_with_attachments, tmp_path
):
    """The same checks as the statement's and the extract's PDF/A-2a (test_pdf.py), part 3."""
    import shutil
    import subprocess

    from pypdf import PdfReader
    from pypdf.generic import BooleanObject

    from tests.test_pdf import PDFAID, embedded_fonts, structure_types, xmp_properties

    reply = reply_with_attachments
    with reply.file.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(__import__("io").BytesIO(data))
    catalog = reader.trailer["/Root"]

    assert reply.pdfa
    fonts = embedded_fonts(reader)
    assert fonts and all(embedded for _, _, embedded in fonts)
    assert all(family.startswith("Source Sans 3") for _, family, _ in fonts)
    xmp = xmp_properties(reader)
    assert xmp[f"{PDFAID}part"] == ["3"]
    assert xmp[f"{PDFAID}conformance"] == ["A"]
    [intent] = catalog["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent.get_object()
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert {"/Document", "/H1", "/H2", "/P", "/L", "/LI"} <= structure_types(
        catalog["/StructTreeRoot"].get_object()
    )
    assert len(reader.trailer["/ID"]) == 2
    assert catalog["/Lang"] == "sv"
    assert reader.metadata.title == "Yttrande: Stockholms stads säkerhetsprogram 2020–2023"
    associated = [spec.get_object() for spec in catalog["/AF"]]
    assert len(associated) == len(ATTACHMENTS)
    for spec in associated:
        assert spec["/AFRelationship"] == "/Supplement"
        stream = spec["/EF"]["/F"].get_object()
        assert "/ModDate" in stream["/Params"]
    subtypes = sorted(str(spec["/EF"]["/F"].get_object()["/Subtype"]) for spec in associated)
    assert "/application#2Fpdf" in subtypes or "/application/pdf" in subtypes

    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf saknas: installera Debians paket 'qpdf' för att kontrollera PDF-filerna.")
    path = tmp_path / "reply.pdf"
    path.write_bytes(data)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_documents_wait_for_the_worker_and_the_page_says_so(
    client, on_agenda, sekreterare, handlaggare, media
):
    decision = justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )
    document = StoredDocument.objects.get(decision=decision, kind="statement")
    client.force_login(handlaggare)

    response = client.get(reverse("document", args=[document.pk]))
    page = client.get(reverse("statement", args=[on_agenda.statement_id])).content.decode()

    assert document.state == StoredDocument.State.PENDING
    assert response.status_code == 202
    assert "skapas" in response.content.decode()
    assert "skapas – ladda om sidan" in page


def test_a_draft_is_a_preview_and_never_archived(client, started, handlaggare, media):
    client.force_login(handlaggare)

    response = client.get(reverse("statement_pdf", args=[started.pk]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert (
        "filename*=utf-8''Tj%C3%A4nsteutl%C3%A5tande%20S%C3%96D%202019-1102.pdf"
        in (response["Content-Disposition"])
    )
    assert StoredDocument.objects.count() == 0
    # A preview (remiss/previews.py), rendered at once by the test backend as by `make run`.
    preview = Preview.objects.get()
    assert (preview.kind, preview.object_id, preview.state) == ("statement", started.pk, "ready")


def test_the_attachments_page_carries_no_empty_metadata_for_weasyprint_to_warn_about(caplog):
    """The reply's last page has a title only (the reply takes the extract's metadata): an
    empty dcterms.created made WeasyPrint log "Invalid date" on every reply with attachments."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from remiss import pdf

    html = render_to_string(
        "pdf/reply_attachments.html",
        {"council": SimpleNamespace(name="Södermalms stadsdelsnämnd"), "files": [], "meta": {}},
    )
    assert 'content=""' not in html

    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf._html(html).render()
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]
