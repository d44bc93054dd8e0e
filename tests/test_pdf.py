"""The printed documents (remiss.pdf): what they say, where, and that they are PDF/A-2a.

The PDFs are read back with pypdf: the text of each page, split by position into the page
furniture in the top margin (letterhead, header, "Sida k (n)") and the body, then squashed
(whitespace and hyphens removed) so that hyphenation and line breaks cannot hide a sentence.
"""

import http.client
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from remiss import drafting, pdf, workflow
from remiss.models import (
    AgendaItem,
    Ballot,
    Decision,
    FocusAreaView,
    Meeting,
    MeetingProposal,
    ProtocolNote,
    Recipient,
    Reservation,
    SpecialStatement,
    Statement,
    Vote,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "remiss/demo/sodermalm-tjansteutlatande-2019-12-12.txt"
ARTIFACTS = ROOT / "test-artifacts"
MM = 72 / 25.4  # PDF points per millimetre

# Where the page furniture ends, in mm from the top edge (static/pdf/print.css): page 1's
# letterhead ends about 35 mm down and its text starts about 55 mm down; on later pages the
# one-line header sits about 21 mm down and the text starts about 34 mm down. Every test that
# splits a page also checks that "Sida k (n)" landed in the furniture, so a layout change that
# moves the line is caught, not silently misread.
FURNITURE_ENDS_MM = {"first": 45, "later": 28}


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def seed_statement(seeded) -> Statement:
    return Statement.objects.get(recipient__remiss__registration_number="KS 2019/1543")


@pytest.fixture
def draft(seeded) -> Statement:
    """Södermalm's answer to the open demo remiss, started by the handläggare."""
    recipient = Recipient.objects.get(
        remiss__title__startswith="Uppföljning", organisation__registry_prefix="SÖD"
    )
    user = get_user_model().objects.get(username="handlaggare")
    return drafting.start_statement(recipient=recipient, user=user)


@pytest.fixture
def http_requests():
    """A web server on 127.0.0.1 that records every request made to it: (base URL, requests)."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b"body { color: red } /* root:x:0:0 */"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- Reading the PDFs back -------------------------------------------------------------------


class Page:
    def __init__(self, furniture: str, body: str) -> None:
        self.furniture = furniture
        self.body = body
        self.text = f"{furniture}\n{body}"


def read_pages(data: bytes) -> list[Page]:
    """Each page's text in reading order, split into the top margin's furniture and the body."""
    pages = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        height = float(page.mediabox.top)
        fragments: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, fragments=fragments, height=height):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                fragments.append(((height - y) / MM, x, text))

        page.extract_text(visitor_text=visit)
        limit = FURNITURE_ENDS_MM["first" if number == 1 else "later"]
        top = [f for f in fragments if f[0] < limit]
        rest = [f for f in fragments if f[0] >= limit]
        pages.append(Page(in_reading_order(top), in_reading_order(rest)))
    return pages


def in_reading_order(fragments: list[tuple[float, float, str]]) -> str:
    """Lines top to bottom (fragments within 1.5 mm of each other's baseline), left to right:
    a list's numbers, drawn last on the page, come back to their items."""
    lines: list[list[tuple[float, float, str]]] = []
    for fragment in sorted(fragments):
        if lines and fragment[0] - lines[-1][0][0] < 1.5:
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return "\n".join(
        re.sub(r" {2,}", " ", " ".join(text for _, _, text in sorted(line, key=lambda f: f[1])))
        for line in lines
    )


def squash(text: str) -> str:
    """Without whitespace and hyphens: a word hyphenated at a line end reads as one again."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


def assert_in_order(text: str, expected: list[str]) -> None:
    """Each expected passage occurs in `text`, each after the one before it."""
    haystack = squash(text)
    position = 0
    for passage in expected:
        found = haystack.find(squash(passage), position)
        assert found >= 0, f"saknas (eller står i fel ordning): {passage[:80]!r}"
        position = found + len(squash(passage))


def fixture_sections() -> dict[str, str]:
    """The transcription's "## " sections, read independently of the seed code."""
    text = FIXTURE.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)\n", text, flags=re.MULTILINE)
    return {heading: body.strip() for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def first_and_last_sentence(paragraph: str) -> list[str]:
    found = [s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if s]
    return list(dict.fromkeys([found[0], found[-1]]))


def list_items(block: str) -> list[str]:
    return [re.sub(r"^\d+\.\s+", "", line) for line in block.splitlines() if line.strip()]


# --- The tjänsteutlåtande --------------------------------------------------------------------


def test_the_statement_html_carries_its_metadata(seed_statement):
    html = pdf.statement_html(seed_statement)

    assert '<html lang="sv">' in html
    assert "<title>Tjänsteutlåtande: Stockholms stads säkerhetsprogram 2020–2023</title>" in html
    assert '<meta name="author" content="Södermalms stadsdelsförvaltning">' in html
    assert (
        '<meta name="description" content="Svar på remiss från kommunstyrelsen, dnr KS 2019/1543">'
        in html
    )
    assert '<meta name="keywords" content="SÖD 2019/1102, KS 2019/1543">' in html
    assert '<link rel="stylesheet" href="pdf/print.css">' in html
    assert "UTKAST" not in html
    assert "Ann-Christine Jenvén" in html


def test_the_seed_statement_prints_every_section_in_order(seed_statement):
    pages = read_pages(pdf.statement_pdf(seed_statement))
    expected = fixture_sections()
    views, signature = expected["Synpunkter och förslag"].rsplit("\n\n", 1)
    fields = pages[0].body.split("Stockholms stads säkerhetsprogram 2020–2023")[0]
    for line in [
        "Handläggare",
        "Eva-Lena Eirefelt",
        "Telefon: 08-508 121 92",
        "Till",
        "Södermalms stadsdelsnämnd",
    ]:
        assert line in fields
    passages = [
        "Stockholms stads säkerhetsprogram 2020–2023",
        "Svar på remiss från kommunstyrelsen, dnr KS 2019/1543",
        "Förslag till beslut",
    ]
    passages += [
        f"{n}. {item}" for n, item in enumerate(list_items(expected["Förslag till beslut"]), 1)
    ]
    for heading in ["Sammanfattning", "Bakgrund", "Ärendets beredning", "Ärendet"]:
        passages.append(heading)
        for paragraph in expected[heading].split("\n\n"):
            passages += first_and_last_sentence(paragraph)
    passages.append("Synpunkter och förslag")
    for paragraph in views.split("\n\n"):
        passages += first_and_last_sentence(paragraph)
    passages += signature.splitlines()  # Ann-Christine Jenvén, Stadsdelsdirektör
    passages.append("Bilagor")
    passages += [f"{n}. {item}" for n, item in enumerate(list_items(expected["Bilagor"]), 1)]

    assert_in_order("\n".join(page.body for page in pages), passages)
    assert signature.splitlines() == ["Ann-Christine Jenvén", "Stadsdelsdirektör"]
    assert not any("UTKAST" in page.text for page in pages)
    # Exactly its own sections: the focus-area tags are kommunstyrelsen's metadata.
    assert seed_statement.focus_area_views.exists()
    assert not any("Synpunkter per fokusområde" in page.text for page in pages)


def test_every_page_of_the_statement_carries_the_dnr_and_its_number(seed_statement):
    pages = read_pages(pdf.statement_pdf(seed_statement))
    total = len(pages)

    assert total >= 3, "the seed statement runs to several pages"
    for number, page in enumerate(pages, start=1):
        assert "SÖD 2019/1102" in page.furniture, number
        assert f"Sida {number} ({total})" in page.furniture, number
        assert "Sida" not in page.body, number
    for line in [
        "Stockholms stad",
        "Södermalms stadsdelsförvaltning",
        "Tjänsteutlåtande",
        "Dnr SÖD 2019/1102",
        f"Sida 1 ({total})",
        "2019-12-12",
    ]:
        assert line in pages[0].furniture
    assert f"Tjänsteutlåtande · Dnr SÖD 2019/1102 · Sida 2 ({total})" in pages[1].furniture


def test_a_draft_is_marked_utkast_on_every_page_until_signed(draft, seed_statement):
    for field, _ in Statement.SECTIONS:  # long enough to run over several pages
        setattr(draft, field, getattr(seed_statement, field))
    draft.save()
    dnr = draft.recipient.remiss.registration_number  # Södermalm has no own dnr for it yet

    drafted = read_pages(pdf.statement_pdf(draft))
    handlaggare = get_user_model().objects.get(username="handlaggare")
    in_review = workflow.submit(statement=draft, user=handlaggare)
    reviewed = read_pages(pdf.statement_pdf(in_review))
    direktor = get_user_model().objects.get(username="direktor")
    signed = read_pages(pdf.statement_pdf(workflow.sign(statement=in_review, user=direktor)))

    for pages in (drafted, reviewed):
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            assert "UTKAST" in page.text, number
            assert f"Dnr {dnr}" in page.furniture, number
            assert f"Sida {number} ({len(pages)})" in page.furniture, number
        assert "Ann-Christine Jenvén" not in "".join(page.text for page in pages)
    assert not any("UTKAST" in page.text for page in signed)
    assert_in_order(signed[-1].body, ["Ann-Christine Jenvén", "Stadsdelsdirektör"])
    assert pdf.filename_for_statement(draft) == f"Tjänsteutlåtande {dnr.replace('/', '-')}.pdf"


def test_an_unwritten_section_shows_in_a_draft_and_not_once_signed(draft):
    draft_text = "\n".join(page.body for page in read_pages(pdf.statement_pdf(draft)))
    assert_in_order(draft_text, ["Sammanfattning", "Inte skrivet ännu.", "Bakgrund"])

    draft.status = Statement.Status.READY  # in memory only: the print of a signed text
    draft.signer_name, draft.signer_title = "Ann-Christine Jenvén", "Stadsdelsdirektör"
    signed_text = "\n".join(page.body for page in read_pages(pdf.statement_pdf(draft)))
    assert "Sammanfattning" not in signed_text
    assert "Inte skrivet" not in signed_text


# --- The protokollsutdrag --------------------------------------------------------------------


def test_the_extract_of_the_seed_decision(seeded):
    decision = Decision.objects.get(item__number=2)

    pages = read_pages(pdf.extract_pdf(decision))

    for number, page in enumerate(pages, start=1):
        for line in [
            "Protokollsutdrag",
            "Södermalms stadsdelsnämnd",
            "Sammanträde 2019-12-12",
            "§ 2",
            f"Sida {number} ({len(pages)})",
        ]:
            assert line in page.furniture
    page = Page("", "\n".join(p.body for p in pages))
    assert_in_order(
        page.body,
        [
            "§ 2 Stockholms stads säkerhetsprogram 2020–2023",
            "Svar på remiss från kommunstyrelsen, dnr KS 2019/1543",
            "Dnr SÖD 2019/1102",
            "Tjänstgörande i paragrafen",
            "Per Holm (M), ordförande",
            "Ronja Sjö (SD), ersättare för Mikael Borg",
            "Beslutsunderlag",
            "Södermalms stadsdelsförvaltnings tjänsteutlåtande daterat 2019-12-12",
            "dnr SÖD 2019/1102",
            "Beslut",
            "1. Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen.",
            "2. Beslutet justeras omedelbart.",
            "Paragrafen justerades omedelbart 2019-12-12",
            "Justerare",
            "Per Holm",
            "Lena Ek",
            "Ordförande, justerade digitalt 2019-12-12",  # the names and dates, no blank lines
            "Justerare, justerade digitalt 2019-12-12",
            "19:05",
            "19:07",
            "Vid protokollet",
            "Maja Berg",
            "Anslaget 2019-12-12",
            "Sista dag för överklagande 2020-01-02",
            "Anslaget tas ned 2020-01-03",
            "Protokollet förvaras hos Södermalms stadsdelsförvaltning",
            "beredande karaktär",
            "Utdragsbestyrkande",
            "Rätt utdraget intygar",
            "Maja Berg",
            "2019-12-12",
        ],
    )
    assert "Mikael Borg (SD)" not in page.body  # absent: an ersättare served in his place
    assert "Ordförande" in page.body
    assert "UTKAST" not in page.text
    assert "Inte justerat" not in page.text
    assert pdf.filename_for_extract(decision) == (
        "Protokollsutdrag Södermalms stadsdelsnämnd 2019-12-12 § 2.pdf"
    )


def test_a_paragraph_justified_with_the_minutes_says_when(seeded):
    decision = Decision.objects.get(item__number=1)  # Val av justerare, justified 17 December
    assert not decision.immediate

    page = Page("", "\n".join(p.body for p in read_pages(pdf.extract_pdf(decision))))

    assert_in_order(
        page.body,
        [
            "§ 1 Val av justerare",
            "Lena Ek utses att jämte ordföranden justera protokollet.",
            "Protokollet justerades 2019-12-17",
            f"Anslaget {decision.notice_date:%Y-%m-%d}",
        ],
    )
    assert "omedelbart" not in page.body
    assert "beredande karaktär" not in page.body  # not a remiss reply


def test_an_unjustified_decision_with_a_vote_is_an_utkast(seeded):
    meeting = Meeting.objects.get()
    users = get_user_model().objects.in_bulk(
        ["ordforande", "justerare", "ledamot", "ledamot2", "ledamot3", "sekreterare"],
        field_name="username",
    )
    item = AgendaItem.objects.create(
        meeting=meeting, number=3, title="Motion om trygghetsvandringar på Södermalm"
    )
    decision = Decision.objects.create(
        item=item,
        outcome=Decision.Outcome.ADOPTED,
        text="1. Stadsdelsnämnden bifaller motionen.\n2. Förvaltningen återkommer i mars.",
        recorded_by=users["sekreterare"],
    )
    MeetingProposal.objects.create(
        decision=decision, mover="Per Holm (M)", kind="adopt", text="Bifall till förslaget."
    )
    MeetingProposal.objects.create(decision=decision, mover="Sara Lind (S)", kind="reject")
    vote = Vote.objects.create(
        decision=decision, proposition="Ja för bifall, nej för avslag.", casting_vote="ja"
    )
    for name, choice in [
        ("ordforande", "ja"),
        ("justerare", "ja"),
        ("ledamot", "nej"),
        ("ledamot2", "nej"),
        ("ledamot3", "avstår"),
    ]:
        Ballot.objects.create(vote=vote, member=users[name], choice=choice)
    Reservation.objects.create(
        decision=decision, member="Sara Lind (S)", reason="Förslaget saknar finansiering."
    )
    SpecialStatement.objects.create(decision=decision, by="Vänsterpartiet", text="Bra början.")
    ProtocolNote.objects.create(decision=decision, by="Omar Haddad (MP)", text="Se över ljuset.")

    pages = read_pages(pdf.extract_pdf(decision))
    text = "\n".join(page.body for page in pages)

    assert_in_order(
        text,
        [
            "§ 3 Motion om trygghetsvandringar på Södermalm",
            "Beslut",
            "2. Förvaltningen återkommer i mars.",
            "Yrkanden",
            "Per Holm (M): bifall. Bifall till förslaget.",
            "Sara Lind (S): avslag",
            "Votering",
            "Ja för bifall, nej för avslag.",
            "Ja: 2, nej: 2, avstår: 1.",
            "Ordföranden avgjorde med sin utslagsröst (ja).",
            "Lena Ek Ja",
            "Omar Haddad Nej",
            "Per Holm Ja",
            "Sara Lind Nej",
            "Karin Nyström Avstår",
            "Reservationer",
            "Sara Lind (S) reserverar sig mot beslutet: Förslaget saknar finansiering.",
            "Särskilda uttalanden",
            "Vänsterpartiet: Bra början.",
            "Protokollsanteckningar",
            "Omar Haddad (MP): Se över ljuset.",
            "Inte justerat",
        ],
    )
    assert "Anslaget" not in text
    for number, page in enumerate(pages, start=1):
        assert "UTKAST" in page.text, number
        assert "Sammanträde 2019-12-12" in page.furniture, number
        assert f"Sida {number} ({len(pages)})" in page.furniture, number


# --- Archival structure ----------------------------------------------------------------------


def embedded_fonts(reader: PdfReader) -> list[tuple[str, str, bool]]:
    """(BaseFont, family name inside the embedded font program, embedded?) for every font on
    every page, descendant fonts of composite (Type0) fonts included."""
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            for leaf in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = leaf["/FontDescriptor"].get_object()
                program = next(
                    (
                        descriptor[k]
                        for k in ("/FontFile", "/FontFile2", "/FontFile3")
                        if k in descriptor
                    ),
                    None,
                )
                family = ""
                if program is not None:
                    ttf = TTFont(io.BytesIO(program.get_object().get_data()))
                    family = ttf["name"].getDebugName(1) or ""  # "Source Sans 3 Semibold"…
                found.append((str(leaf["/BaseFont"]), family, program is not None))
    return found


def xmp_properties(reader: PdfReader) -> dict[str, list[str]]:
    """Every XMP property, written as an attribute or as an element, by its namespace/name."""
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    packet = data[data.index(b"<x:xmpmeta") : data.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")]
    properties: dict[str, list[str]] = {}
    for element in ET.fromstring(packet).iter():  # noqa: S314 - our own PDF, just written
        for name, value in element.attrib.items():
            properties.setdefault(name, []).append(value)
        if element.text and element.text.strip():
            properties.setdefault(element.tag, []).append(element.text.strip())
    return properties


PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


@pytest.mark.parametrize("document", ["statement", "extract"])
def test_the_documents_are_pdfa_2a(seed_statement, document):
    decision = Decision.objects.get(item__number=2)
    data = (
        pdf.statement_pdf(seed_statement) if document == "statement" else pdf.extract_pdf(decision)
    )
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]

    fonts = embedded_fonts(reader)
    assert fonts
    for base_font, family, embedded in fonts:
        assert embedded, base_font
        assert family.startswith("Source Sans 3"), (base_font, family)

    xmp = xmp_properties(reader)
    assert xmp[f"{PDFAID}part"] == ["2"]
    assert xmp[f"{PDFAID}conformance"] == ["A"]
    [intent] = catalog["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent.get_object()
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    tags = structure_types(catalog["/StructTreeRoot"].get_object())
    assert {"/Document", "/H1", "/H2", "/P", "/Sect"} <= tags
    if document == "statement":  # the proposals and the attachments are lists
        assert {"/L", "/LI", "/Lbl", "/LBody"} <= tags
    assert len(reader.trailer["/ID"]) == 2
    assert catalog["/Lang"] == "sv"

    info = reader.metadata
    keywords = ["SÖD 2019/1102", "KS 2019/1543"]
    if document == "statement":
        title = "Tjänsteutlåtande: Stockholms stads säkerhetsprogram 2020–2023"
        author = "Södermalms stadsdelsförvaltning"
    else:
        title = "Protokollsutdrag Södermalms stadsdelsnämnd 2019-12-12 § 2"
        author = "Södermalms stadsdelsnämnd"
    assert info.title == title
    assert info.author == author
    assert "KS 2019/1543" in info.subject
    assert all(number in info["/Keywords"] for number in keywords)
    assert xmp[f"{RDF}li"][:2] == [title, author]  # dc:title, dc:creator
    assert all(number in xmp["{http://ns.adobe.com/pdf/1.3/}Keywords"][0] for number in keywords)


def structure_types(root) -> set[str]:
    types: set[str] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                kid = kid.get_object()
                if hasattr(kid, "get") and "/S" in kid:
                    types.add(str(kid["/S"]))
                    stack.append(kid)
    return types


def test_qpdf_finds_no_damage(seed_statement, tmp_path):
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf saknas: installera Debians paket 'qpdf' för att kontrollera PDF-filerna.")
    decision = Decision.objects.get(item__number=2)
    for name, data in [
        ("statement", pdf.statement_pdf(seed_statement)),
        ("extract", pdf.extract_pdf(decision)),
    ]:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        result = subprocess.run(
            [qpdf, "--check", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors found" in result.stdout


def test_page_one_has_its_letterhead_title_and_text_where_expected(seed_statement, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip(
            "pdftoppm saknas: installera Debians paket 'poppler-utils' för att se på sidorna."
        )
    source = tmp_path / "statement.pdf"
    source.write_bytes(pdf.statement_pdf(seed_statement))
    page_one = ["-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([pdftoppm, "-png", "-r", "50", *page_one, source, tmp_path / "page"], check=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "page.png", ARTIFACTS / "pdf-statement-page-1.png")
    image = Image.open(tmp_path / "page.png").convert("L")
    dpmm = image.width / 210  # A4: 210 mm wide

    def ink(left, top, right, bottom) -> float:
        """The share of dark pixels in a region given in mm from the page's top-left corner."""
        box = (
            round(left * dpmm),
            round(top * dpmm),
            min(round(right * dpmm), image.width),  # past the edge, crop() would add black
            min(round(bottom * dpmm), image.height),
        )
        region = image.crop(box)
        pixels = list(region.get_flattened_data())
        return sum(1 for value in pixels if value < 110) / len(pixels)

    assert abs(image.height / image.width - 297 / 210) < 0.01, "A4"
    assert ink(0, 0, 210, 297) > 0.02, "the page is not blank"
    assert ink(25, 14, 100, 30) > 0.03, "letterhead at top left (Stockholms stad, förvaltningen)"
    assert ink(133, 14, 190, 37) > 0.03, "document block at top right (Tjänsteutlåtande, Dnr …)"
    assert ink(25, 70, 150, 95) > 0.03, "the title below the Handläggare and Till lines"
    assert ink(25, 100, 185, 280) > 0.03, "the body text"
    assert ink(0, 38, 210, 50) == 0, "white space between the letterhead and the fields"
    assert ink(0, 0, 210, 12) == 0, "top edge"
    assert ink(0, 0, 20, 297) == 0, "left margin"
    assert ink(192, 0, 210, 297) == 0, "right margin"
    assert ink(0, 285, 210, 297) == 0, "bottom margin"


# --- File names --------------------------------------------------------------------------------


def test_file_names(seed_statement):
    assert pdf.filename_for_statement(seed_statement) == "Tjänsteutlåtande SÖD 2019-1102.pdf"
    decision = Decision.objects.get(item__number=2)
    assert pdf.filename_for_extract(decision) == (
        "Protokollsutdrag Södermalms stadsdelsnämnd 2019-12-12 § 2.pdf"
    )
    recipient = seed_statement.recipient
    recipient.registration_number = 'SÖD\\2019:1102 "ny"\n'  # in memory: whatever was typed
    assert pdf.filename_for_statement(seed_statement) == "Tjänsteutlåtande SÖD-2019-1102 -ny-.pdf"
    recipient.registration_number = ""
    assert pdf.filename_for_statement(seed_statement) == "Tjänsteutlåtande KS 2019-1543.pdf"


# --- Safe fetching -------------------------------------------------------------------------------


def test_the_fetcher_reads_nothing_but_the_static_folder(http_requests):
    base, requests = http_requests
    html = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Prov</title>
<link rel="stylesheet" href="pdf/print.css">
<link rel="stylesheet" href="{base}/link.css">
<link rel="attachment" href="{base}/attachment.txt">
<link rel="attachment" href="file:///etc/passwd">
<style>
  @import url("{base}/import.css");
  body {{ background: url("{base}/background.png"); }}
  p {{ background-image: url(file:///etc/hostname); }}
  @font-face {{ font-family: Elsewhere; src: url("{base}/font.ttf"), url(file:///etc/passwd); }}
</style></head>
<body>
<p>Hej</p>
<img src="{base}/x" alt="bild"><img src="file:///etc/passwd" alt="lösenord">
<img src="../../../../../../etc/passwd" alt="uppåt"><img src="/etc/passwd" alt="rot">
<object data="{base}/object"></object><embed src="{base}/embed">
<svg width="10" height="10"><image href="{base}/svg-image" width="10" height="10"/></svg>
<p style="font-family: Elsewhere; background: url({base}/inline.png)">Slut</p>
</body></html>"""

    data = pdf.render_pdf(html)

    assert requests == []
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
    connection.request("GET", "/probe")  # the recorder does record what reaches it
    connection.getresponse().read()
    connection.close()
    assert requests == ["/probe"]
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Hej" in text and "Slut" in text
    assert "root:" not in text
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first_line = passwd.read_text(errors="replace").splitlines()[0]
        assert first_line not in text
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    # …while the stylesheet and the fonts from the static folder did load. (The font that
    # could not be fetched falls back to a system font, which is embedded like any other.)
    assert "Source Sans 3" in {family for _, family, _ in embedded_fonts(reader)}


def test_the_fetcher_refuses_urls_outside_the_static_folder(tmp_path):
    static = tmp_path / "static"
    (static / "pdf").mkdir(parents=True)
    (static / "pdf" / "print.css").write_text("p {}")
    (static / "pdf" / "script.js").write_text("x")
    (tmp_path / "secret.css").write_text("secret")
    (static / "pdf" / "link.css").symlink_to(tmp_path / "secret.css")
    fetcher = pdf.static_fetcher(static)

    assert fetcher.resolve((static / "pdf" / "print.css").as_uri()) == static / "pdf" / "print.css"
    for url in [
        "http://127.0.0.1/pdf/print.css",
        "https://example.org/print.css",
        "ftp://example.org/print.css",
        "data:text/css,p{}",
        "file:///etc/passwd",
        (tmp_path / "secret.css").as_uri(),
        (static / "pdf" / "link.css").as_uri(),  # a link out of the folder
        (static / "pdf" / "script.js").as_uri(),  # inside, but not a stylesheet or font
        (static / "pdf").as_uri(),  # a folder
        static.as_uri() + "/pdf/%2e%2e/%2e%2e/secret.css",
        static.as_uri() + "/pdf/../../secret.css",
        "file://elsewhere" + (static / "pdf" / "print.css").as_posix(),
        (static / "pdf" / "missing.css").as_uri(),
        (static / "pdf" / "print.css").as_uri() + "%00.ttf",
    ]:
        with pytest.raises(pdf.UnsafeURLError):
            fetcher.resolve(url)
        with pytest.raises(pdf.UnsafeURLError):
            fetcher(url)


def test_what_users_write_cannot_make_the_statement_fetch(draft, http_requests):
    base, requests = http_requests
    markup = (
        f'<img src="{base}/img"> <link rel="stylesheet" href="{base}/link.css"> '
        f'<style>@import url("{base}/import.css");</style> <img src="file:///etc/passwd"> '
        f'<p style="background: url(file:///etc/hostname)">stil</p>'
    )
    draft.title = f"Rubrik {markup}"
    draft.reference_line = f'<object data="{base}/object"></object>'
    draft.proposals = [f"Förslag {markup}"]
    draft.summary = f"![bild]({base}/markdown.png) [länk](file:///etc/passwd) {markup}"
    draft.background = f"<svg><image href='{base}/svg'/></svg>\n\n[se]({base}/link)"
    draft.save()
    FocusAreaView.objects.create(
        statement=draft,
        focus_area=draft.recipient.remiss.programme.focus_areas.get(number=1),
        text=f"Fokus {markup}",
    )

    html = pdf.statement_html(draft)
    data = pdf.render_pdf(html)

    assert requests == []
    assert "<img" not in html.replace("&lt;img", "")
    text = "\n".join(page.text for page in read_pages(data))
    assert "root:" not in text
    # What was typed stays visible, as text.
    assert_in_order(text, [f'Rubrik <img src="{base}/img">', "Förslag <img"])


def test_the_reply_leaves_the_extract_its_own_title(seeded):
    """The reply reuses the extract's layout (one layout per process): its title must not
    become the title of the extract rendered after it."""
    decision = Decision.objects.get(item__number=2)
    extract_first = PdfReader(io.BytesIO(pdf.extract_pdf(decision))).metadata.title

    reply = PdfReader(io.BytesIO(pdf.reply_pdf(decision, []))).metadata.title
    extract_after = PdfReader(io.BytesIO(pdf.extract_pdf(decision))).metadata.title

    assert reply.startswith("Yttrande")
    assert extract_first == extract_after == pdf.extract_title(decision)


def test_weasyprint_is_loaded_by_the_first_render_not_by_the_portal():
    """The web processes never render (the worker does), so they do not load WeasyPrint and
    Pango (0.4 s at every start); `pdf.prepare()`, which the worker calls at its start, does."""
    shown = (
        "import sys, django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print('weasyprint' in sys.modules); "
        "from remiss import pdf; pdf.prepare(); print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", shown],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "remiss.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
