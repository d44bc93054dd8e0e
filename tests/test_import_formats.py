"""Another municipality's template, as Word, OpenDocument and PDF made here: its own headings,
two signers and a page footer on every page (issue 17)."""

import io

import pytest

from remiss.importing import read_bytes
from remiss.importing.structure import UNPLACED
from remiss.uploads import DOCX, ODT, PDF

HEADER = [
    ("Diarienummer", "SRF 2020/88"),
    ("Datum", "2020-03-04"),
    ("Handläggare", "Anna Lind"),
    ("Telefon", "031-365 00 00"),
    ("Till", "Social resursnämnd"),
]
TITLE = "Remissvar om stadens trygghetsprogram"
REFERENCE = "Svar på remiss från kommunstyrelsen, dnr KS 2020/12"
PROPOSALS = [
    "Social resursnämnden tillstyrker förslaget till trygghetsprogram.",
    "Paragrafen justeras omedelbart.",
]
SECTIONS = [
    ("Sammanfattning av ärendet", "summary", 1),
    ("Bakgrund", "background", 2),
    ("Ärendebeskrivning", "matter", 6),
    ("Förvaltningens synpunkter", "views", 6),
]
SIGNERS = [("Karin Holm", "Förvaltningsdirektör"), ("Bo Berg", "Avdelningschef")]
ATTACHMENTS = ["Trygghetsprogram 2020–2023", "Remissmissiv"]
FOOTER = "Social resursförvaltning, Box 5, 411 03 Göteborg"


ORDINALS = ["Första", "Andra", "Tredje", "Fjärde", "Femte", "Sjätte"]


def paragraph(heading: str, number: int) -> str:
    return (
        f"{ORDINALS[number - 1]} stycket under {heading.lower()}: förvaltningen har gått igenom "
        "förslaget och "
        "bedömer att det ger en tydlig riktning för arbetet med trygghet i staden. Arbetet "
        "behöver följas upp varje år, och ansvaret mellan nämnderna behöver bli tydligare "
        "än i dag så att ingen fråga faller mellan stolarna."
    )


def body() -> list[tuple[str, str]]:
    """(kind, text) in reading order: kind is heading, title, numbered or text."""
    parts = [("text", "Göteborgs Stad"), ("text", "Social resursförvaltning")]
    parts += [("text", "Tjänsteutlåtande")]
    parts += [("text", f"{label}: {value}") for label, value in HEADER]
    parts += [("title", TITLE), ("text", REFERENCE)]
    parts += [("heading", "Förvaltningens förslag till beslut")]
    parts += [("numbered", text) for text in PROPOSALS]
    for heading, _, count in SECTIONS:
        parts.append(("heading", heading))
        parts += [("text", paragraph(heading, n)) for n in range(1, count + 1)]
    for name, title in SIGNERS:
        parts += [("text", name), ("text", title)]
    parts.append(("heading", "Bilagor"))
    parts += [("numbered", title) for title in ATTACHMENTS]
    return parts


def make_docx() -> bytes:
    from docx import Document

    document = Document()
    for kind, text in body():
        if kind == "title":
            document.add_heading(text, level=1)
        elif kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "numbered":
            document.add_paragraph(text, style="List Number")
        else:
            document.add_paragraph(text)
    document.sections[0].footer.paragraphs[0].text = FOOTER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_odt() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, MasterPage, PageLayout
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    layout = PageLayout(name="Sida")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    footer.addElement(P(text=FOOTER))
    master.addElement(footer)
    document.masterstyles.addElement(master)
    current_list = None
    for kind, text in body():
        if kind == "numbered":
            if current_list is None:
                current_list = List()
                document.text.addElement(current_list)
            item = ListItem()
            item.addElement(P(text=text))
            current_list.addElement(item)
            continue
        current_list = None
        if kind in ("title", "heading"):
            document.text.addElement(H(outlinelevel=1 if kind == "title" else 2, text=text))
        else:
            document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf() -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    html = []
    number = 0
    for kind, text in body():
        if kind == "numbered":
            number += 1
            html.append(f"<p>{number}. {escape(text)}</p>")
            continue
        number = 0
        tag = {"title": "h1", "heading": "h2"}.get(kind, "p")
        html.append(f"<{tag}>{escape(text)}</{tag}>")
    css = (
        "@page { size: A4; margin: 2.5cm 2cm; @bottom-center { content: '"
        + FOOTER
        + " · Sida ' counter(page) ' (' counter(pages) ')'; font-size: 9pt; } }"
        "body { font-family: sans-serif; font-size: 11pt; } p { margin: 0 0 1em; }"
    )
    document = f"<html lang='sv'><style>{css}</style><body>{''.join(html)}</body></html>"
    return HTML(string=document).write_pdf()


@pytest.fixture(scope="module", params=[(DOCX, make_docx), (ODT, make_odt), (PDF, make_pdf)])
def imported(request):
    content_type, make = request.param
    return content_type, read_bytes(make(), content_type)


def test_the_header_fields_of_another_template_are_recognised(imported):
    _, result = imported
    assert result.value("dnr") == "SRF 2020/88"
    assert result.value("date") == "2020-03-04"
    assert result.value("case_officer") == "Anna Lind"
    assert result.value("phone") == "031-365 00 00"
    assert result.value("addressed_to") == "Social resursnämnd"
    assert result.value("title") == TITLE
    assert result.value("reference_line") == REFERENCE


def test_the_variant_headings_lead_to_the_right_sections(imported):
    _, result = imported
    assert result.proposals == PROPOSALS
    for heading, key, count in SECTIONS:
        expected = "\n\n".join(paragraph(heading, n) for n in range(1, count + 1))
        assert result.section(key) == expected, heading
    assert not [p.text for p in result.paragraphs if p.part == UNPLACED]


def test_both_signers_and_the_attachments_are_recognised(imported):
    _, result = imported
    assert result.signers == SIGNERS
    assert result.attachments == ATTACHMENTS


def test_the_page_footer_never_reaches_the_text(imported):
    content_type, result = imported
    everything = " ".join(p.text for p in result.paragraphs)
    assert "Box 5" not in everything and "Sida" not in everything
    if content_type == PDF:  # a PDF has the footer in its text: it is taken away, and listed
        assert len(result.page_furniture) >= 2
        assert all("411 03 Göteborg" in line for line in result.page_furniture)
