"""Text out of a document, per format, with libraries: python-docx (Word), odfpy (OpenDocument),
pypdf (PDF with a text layer), and plain text. Each returns pages of lines; what the format
knows about headings and numbered lists comes along.

Every refusal is an UnreadableDocument with a Swedish message saying why and what to do.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError

from remiss.importing.structure import Line
from remiss.uploads import DOCX, ODT, PDF

TEXT = "text/plain"
MAX_CHARACTERS = 400_000  # some 100 pages; a tjänsteutlåtande is rarely over 10
MIN_PDF_CHARACTERS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnreadableDocument(ValidationError):
    """The file cannot be read as a statement (the message says why, in Swedish)."""


def lines_of(data: bytes, content_type: str) -> list[list[Line]]:
    readers = {DOCX: _docx, ODT: _odt, PDF: _pdf, TEXT: _text}
    if content_type not in readers:
        raise UnreadableDocument(
            "Filen går inte att läsa in som tjänsteutlåtande. Använd Word (DOCX), OpenDocument "
            "(ODT), PDF med text eller en textfil.",
            code="unknown_type",
        )
    pages = readers[content_type](data)
    characters = sum(len(line.text) for page in pages for line in page)
    if characters > MAX_CHARACTERS:
        raise UnreadableDocument(
            f"Dokumentet innehåller mer än {MAX_CHARACTERS:,} tecken text, vilket är mer än "
            "ett tjänsteutlåtande brukar. Läs in själva utlåtandet utan bilagor.".replace(",", " "),
            code="too_long",
        )
    if not any(line.text.strip() for page in pages for line in page):
        raise UnreadableDocument("Dokumentet innehåller ingen text.", code="no_text")
    return pages


def decode_text(data: bytes) -> str:
    """Plain text as UTF-8 (with or without BOM), else Windows-1252; never binary."""
    if b"\x00" in data:
        raise UnreadableDocument(
            "Filen är ingen textfil. Spara dokumentet som Word, PDF eller ren text (.txt).",
            code="unknown_type",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if len(_CONTROL.findall(text)) > 10:
        raise UnreadableDocument(
            "Filen är ingen textfil. Spara dokumentet som Word, PDF eller ren text (.txt).",
            code="unknown_type",
        )
    return text


def _text(data: bytes) -> list[list[Line]]:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    return [
        [Line(line, page=number) for line in page.split("\n")]
        for number, page in enumerate(text.split("\f"))
    ]


def _docx(data: bytes) -> list[list[Line]]:
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # a broken package: python-docx raises several kinds
        raise _damaged("Word-dokumentet") from error
    lines: list[Line] = []

    def paragraph_line(paragraph: Paragraph) -> Line:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        properties = paragraph._p.pPr
        numbered = "List Number" in style or (
            properties is not None and properties.numPr is not None and "Bullet" not in style
        )
        kind = "heading" if style.startswith(("Heading", "Title", "Rubrik")) else ""
        return Line(paragraph.text, kind=kind or ("numbered" if numbered else ""))

    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(paragraph_line(Paragraph(element, document)))
        elif tag == "tbl":
            for row in Table(element, document).rows:
                for cell in row.cells:
                    lines.extend(paragraph_line(p) for p in cell.paragraphs)
            lines.append(Line(""))
    return [_split_soft_breaks(lines)]


def _split_soft_breaks(lines: list[Line]) -> list[Line]:
    """A line break inside a Word paragraph (Shift+Enter) is a line of its own."""
    out: list[Line] = []
    for line in lines:
        parts = line.text.split("\n")
        out.extend(Line(part, line.page, line.kind) for part in parts)
        if line.kind != "numbered":
            out.append(Line(""))  # a Word paragraph ends a paragraph
    return out


def _odt(data: bytes) -> list[list[Line]]:
    from odf import teletype
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as error:  # odfpy raises whatever its XML and zip readers raise
        raise _damaged("OpenDocument-dokumentet") from error
    lines: list[Line] = []

    def walk(element, in_list: bool) -> None:
        for child in element.childNodes:
            name = getattr(child, "qname", (None, None))[1]
            if name == "h":
                lines.extend([Line(teletype.extractText(child), kind="heading"), Line("")])
            elif name == "p":
                kind = "numbered" if in_list else ""
                lines.extend(Line(t, kind=kind) for t in teletype.extractText(child).split("\n"))
                if not in_list:
                    lines.append(Line(""))
            elif name in ("list", "list-item"):
                walk(child, True)
                if name == "list":
                    lines.append(Line(""))
            elif name in ("table", "table-row", "table-cell", "section", "table-header-rows"):
                walk(child, in_list)
                if name == "table":
                    lines.append(Line(""))

    walk(document.text, False)
    return [lines]


def _pdf(data: bytes) -> list[list[Line]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(
                "PDF-filen är lösenordsskyddad och går inte att läsa. Spara den utan lösenord "
                "och läs in den igen.",
                code="encrypted",
            )
        pages = [_pdf_page(page.extract_text(extraction_mode="layout")) for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise _damaged("PDF-filen") from error
    for number, page in enumerate(pages):
        for line in page:
            line.page = number
    if sum(len(line.text.strip()) for page in pages for line in page) < MIN_PDF_CHARACTERS:
        raise UnreadableDocument(
            "PDF-filen innehåller ingen text, bara bilder (den är troligen inskannad). Läs in "
            "den i ett program för textigenkänning (OCR) först, eller läs in originalet i Word.",
            code="no_text",
        )
    return pages


def _pdf_page(text: str) -> list[Line]:
    """Layout mode keeps the vertical gaps between paragraphs as blank lines; the horizontal
    positioning spaces go."""
    lines = []
    for raw in text.split("\n"):
        lines.append(Line(re.sub(r"\s{2,}", " ", raw).strip()))
    return lines


def _damaged(what: str) -> UnreadableDocument:
    return UnreadableDocument(
        f"{what} är skadat eller går inte att läsa. Öppna det, spara det på nytt och försök igen.",
        code="damaged",
    )
