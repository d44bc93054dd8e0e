"""Importera tjänsteutlåtande and Ladda ner som Word, through the pages (issue 17)."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from remiss.importing import read_bytes
from remiss.importing.structure import UNPLACED
from remiss.models import Attachment, Statement, StatementImport, StatementVersion
from remiss.uploads import DOCX

pytestmark = pytest.mark.django_db
OCR = Path(__file__).with_name("fixtures") / "sodermalm-tjansteutlatande-2019-12-12.ocr.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, recipient, name: str, content: bytes):
    return client.post(
        reverse("import_upload", args=[recipient.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def review_post(pending, **overrides) -> dict:
    recognised = pending.recognised
    fields = recognised["fields"]
    data = {
        "title": fields["title"]["value"],
        "reference_line": fields["reference_line"]["value"],
        "addressed_to": fields["addressed_to"]["value"],
        "date": fields["date"]["value"],
        "phone": fields["phone"]["value"],
        "proposals": "\n".join(recognised["proposals"]),
    }
    for index, paragraph in enumerate(recognised["paragraphs"]):
        data[f"part_{index}"] = paragraph["part"]
    data.update(overrides)
    return data


def test_uploading_the_scanned_seed_saves_nothing_of_the_statement_until_confirmed(
    client, handlaggare, sodermalm_recipient
):
    client.force_login(handlaggare)
    response = upload(client, sodermalm_recipient, "utlatande.txt", OCR.read_bytes())
    pending = StatementImport.objects.get()
    assert response.status_code == 302
    review_url = reverse("import_review", args=[sodermalm_recipient.pk, pending.pk])
    assert response["Location"] == review_url
    assert pending.is_pending and pending.uploaded_by == handlaggare
    assert not Statement.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Eva-Lena Eirefelt" in page.content.decode()
    assert "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande" in page.content.decode()


def test_saving_the_review_creates_the_draft_as_a_version_of_its_own_with_the_moved_paragraph(
    client, handlaggare, sodermalm_recipient
):
    client.force_login(handlaggare)
    upload(client, sodermalm_recipient, "utlatande.txt", OCR.read_bytes())
    pending = StatementImport.objects.get()
    paragraphs = pending.recognised["paragraphs"]
    moved = next(i for i, p in enumerate(paragraphs) if p["part"] == "background")
    response = client.post(
        reverse("import_review", args=[sodermalm_recipient.pk, pending.pk]),
        review_post(pending, **{f"part_{moved}": "summary"}),
    )
    statement = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("statement", args=[statement.pk])
    assert statement.status == Statement.Status.DRAFT
    assert statement.version == 2
    assert [v.note for v in statement.versions.order_by("number")] == [
        "Påbörjat",
        "Inläst från utlatande.txt",
    ]
    assert statement.summary.endswith(paragraphs[moved]["text"])
    assert paragraphs[moved]["text"] not in statement.background
    assert statement.proposals[1] == "Beslutet justeras omedelbart."
    assert statement.phone == "08-508 121 92"
    pending.refresh_from_db()
    assert pending.statement == statement and pending.version == 2
    assert pending.file.read() == OCR.read_bytes()
    assert not Attachment.objects.exists()  # the original is no bilaga of the reply
    page = client.get(reverse("statement", args=[statement.pk])).content.decode()
    assert reverse("import_original", args=[statement.pk, pending.pk]) in page


def test_unplaced_text_must_be_given_a_section_before_saving(
    client, handlaggare, sodermalm_recipient
):
    client.force_login(handlaggare)
    upload(client, sodermalm_recipient, "utlatande.txt", OCR.read_bytes())
    pending = StatementImport.objects.get()
    response = client.post(
        reverse("import_review", args=[sodermalm_recipient.pk, pending.pk]),
        review_post(pending, part_0=UNPLACED),
    )
    assert response.status_code == 200
    assert "Stycke 1 har inget avsnitt (Ej placerad text)" in response.content.decode()
    assert not Statement.objects.exists()


def test_importing_into_an_existing_draft_adds_a_version_and_keeps_the_earlier_ones(
    client, handlaggare, started
):
    client.force_login(handlaggare)
    upload(client, started.recipient, "utlatande.txt", OCR.read_bytes())
    pending = StatementImport.objects.get()
    client.post(
        reverse("import_review", args=[started.recipient.pk, pending.pk]), review_post(pending)
    )
    started.refresh_from_db()
    assert started.version == 2
    assert StatementVersion.objects.filter(statement=started).count() == 2
    assert started.matter.startswith("Stadsledningskontorets förslag")


def test_a_new_file_replaces_the_persons_pending_import(client, handlaggare, sodermalm_recipient):
    client.force_login(handlaggare)
    upload(client, sodermalm_recipient, "a.txt", OCR.read_bytes())
    upload(client, sodermalm_recipient, "b.txt", OCR.read_bytes())
    assert list(StatementImport.objects.values_list("original_name", flat=True)) == ["b.txt"]


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="hemligt", owner_password="hemligt")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_without_text() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (50 * 1024 * 1024) + b"/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("hemlig.pdf", encrypted_pdf, "PDF-filen är lösenordsskyddad"),
        ("inskannad.pdf", pdf_without_text, "PDF-filen innehåller ingen text"),
        ("bomb.docx", docx_bomb, "zip-bomb"),
        ("tom.docx", lambda: b"", "Filen är tom."),
        ("bild.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00", "Filen är ingen textfil"),
    ],
)
def test_a_bad_file_gets_a_swedish_message_and_stores_nothing(
    client, handlaggare, sodermalm_recipient, media, name, make, message
):
    client.force_login(handlaggare)
    response = upload(client, sodermalm_recipient, name, make())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StatementImport.objects.exists()
    assert not Statement.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_member_who_does_not_write_cannot_import(client, sekreterare, sodermalm_recipient):
    client.force_login(sekreterare)
    response = upload(client, sodermalm_recipient, "utlatande.txt", OCR.read_bytes())
    assert response.status_code == 403
    assert not StatementImport.objects.exists()


def test_the_word_download_is_a_docx_named_after_the_case(client, handlaggare, started):
    client.force_login(handlaggare)
    response = client.get(reverse("statement_docx", args=[started.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "tjansteutlatande-KS2019-1543-v1.docx" in response["Content-Disposition"]
    assert read_bytes(response.content, DOCX).value("title") == started.title
