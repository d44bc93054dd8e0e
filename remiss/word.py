"""The tjänsteutlåtande as a Word document (Ladda ner som Word), in the city's layout.

The same parts, in the same order, as the printed statement (templates/includes/
statement_document.html): the city and the administration, Tjänsteutlåtande with Dnr and Datum,
Handläggare, Telefon and Till, the title as a Word heading, the reference line, "Förslag till
beslut" as a numbered list, the sections under their headings, the views per focus area, the
signature and the Bilagor. Written with python-docx, so that Word and LibreOffice open it as a
document of their own; the importer (remiss.importing) reads it back part by part.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from remiss.models import Statement

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def statement_docx(statement: Statement) -> bytes:
    organisation = statement.recipient.organisation
    administration = organisation.administration or organisation.name
    document = Document()
    document.core_properties.title = statement.title
    document.core_properties.language = "sv-SE"
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.paragraphs[0].add_run("Stockholms stad").bold = True
    left.add_paragraph(administration)
    right.paragraphs[0].add_run("Tjänsteutlåtande").bold = True
    if statement.recipient.registration_number:
        right.add_paragraph(f"Dnr: {statement.recipient.registration_number}")
    right.add_paragraph(f"Datum: {statement.date:%Y-%m-%d}")

    fields = document.add_table(rows=1, cols=3)
    officer = statement.case_officer
    for cell, text in zip(
        fields.rows[0].cells,
        [
            f"Handläggare: {officer.get_full_name() or officer.get_username()}",
            f"Telefon: {statement.phone}" if statement.phone else "",
            f"Till: {statement.addressed_to}",
        ],
        strict=True,
    ):
        cell.paragraphs[0].add_run(text)

    document.add_heading(statement.title, level=1)
    if statement.reference_line:
        document.add_paragraph(statement.reference_line)

    document.add_heading("Förslag till beslut", level=2)
    for proposal in statement.proposals:
        document.add_paragraph(proposal, style="List Number")

    for heading, text in statement.sections():
        document.add_heading(heading, level=2)
        _paragraphs(document, text)

    views = list(statement.focus_area_views.select_related("focus_area"))
    if views:
        document.add_heading("Synpunkter per fokusområde", level=2)
        for view in views:
            document.add_heading(str(view.focus_area), level=3)
            _paragraphs(document, view.text)

    if statement.signer_name:
        signature = document.add_paragraph()
        signature.paragraph_format.space_before = Pt(24)
        signature.add_run(statement.signer_name)
        signature.add_run().add_break()
        signature.add_run(statement.signer_title)

    attachments = list(statement.attachments.order_by("position", "pk"))
    if attachments:
        document.add_heading("Bilagor", level=2)
        for attachment in attachments:
            document.add_paragraph(attachment.title, style="List Number 2")

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{administration} · {statement.title}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraphs(document, text: str) -> None:
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if paragraph:
            document.add_paragraph(paragraph)


def filename(statement: Statement) -> str:
    number = statement.recipient.remiss.registration_number.replace("/", "-").replace(" ", "")
    return f"tjansteutlatande-{number}-v{statement.version}.docx"
