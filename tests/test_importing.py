"""Importing an existing tjänsteutlåtande: the seed's scanned text, and Word, OpenDocument and
PDF files of another municipality's template (issue 17)."""

import re
from collections import Counter
from pathlib import Path

import pytest

from remiss.demo import statement_text
from remiss.importing import read_bytes
from remiss.importing.extract import TEXT
from remiss.importing.structure import UNPLACED

FIXTURES = Path(__file__).with_name("fixtures")
OCR = (FIXTURES / "sodermalm-tjansteutlatande-2019-12-12.ocr.txt").read_bytes()
TRANSCRIPTION = (FIXTURES / "sodermalm-tjansteutlatande-2019-12-12.txt").read_text("utf-8")

# Where the corrected transcription departs from the scanned page by an editor's choice, not by
# scanner damage: no importer can know these. (transcription, what the scanned page says)
EDITORIAL = [
    ("krissituation, är", "krissituation är"),
    ("2020–2023” till", "2020–2023.” till"),
    ("Storstockholms brandförsvar.", "Storstockholms Brandförsvar."),
    ("fokusområden:", "fokusområden;"),
    ("motverka diskriminering", "motverka, diskriminering"),
]


def same_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def as_scanned(text: str) -> str:
    for corrected, scanned in EDITORIAL:
        text = text.replace(corrected, scanned)
    return same_text(text)


@pytest.fixture(scope="module")
def seed_import():
    return read_bytes(OCR, TEXT)


@pytest.fixture(scope="module")
def seed():
    return statement_text.parse(TRANSCRIPTION)


def test_the_seed_ocr_text_gives_the_header_fields_of_the_transcription(seed_import, seed):
    assert seed_import.scanned
    assert seed_import.value("case_officer") == seed.case_officer == "Eva-Lena Eirefelt"
    assert seed_import.value("phone") == seed.phone == "08-508 121 92"
    assert seed_import.value("addressed_to") == seed.addressed_to
    assert seed_import.value("date") == seed.date.isoformat()
    assert seed_import.value("title") == seed.title
    assert seed_import.value("reference_line") == seed.reference_line


def test_the_seed_ocr_text_gives_the_two_proposals(seed_import, seed):
    assert seed_import.proposals == seed.proposals
    assert len(seed_import.proposals) == 2


@pytest.mark.parametrize("heading", list(statement_text.load().sections))
def test_every_section_of_the_seed_matches_the_transcription_whitespace_aside(
    seed_import, seed, heading
):
    key = {
        "Sammanfattning": "summary",
        "Bakgrund": "background",
        "Ärendets beredning": "preparation",
        "Ärendet": "matter",
        "Synpunkter och förslag": "views",
    }[heading]
    assert same_text(seed_import.section(key)) == as_scanned(seed.sections[heading])


def test_the_seed_signature_and_attachment_are_recognised(seed_import, seed):
    assert seed_import.signers == [(seed.signer_name, seed.signer_title)]
    # The scanned page says 2020–2030; the transcription corrects the slip (seed README).
    assert seed_import.attachments == ["Stockholms stads säkerhetsprogram 2020–2030"]


def test_nothing_of_the_seed_is_dropped(seed_import):
    assert not [p for p in seed_import.paragraphs if p.part == UNPLACED]
    words = re.compile(r"[a-zåäöé]+")

    def count(text: str) -> Counter:
        return Counter(words.findall(text.lower()))

    from remiss.importing import normalise, ocr

    scanned = normalise.typography(ocr.repair_text(OCR.decode())[0])
    recognised = count(
        " ".join(
            [
                *(f.value for name, f in seed_import.fields.items() if name not in ("date",)),
                *seed_import.proposals,
                *(p.text for p in seed_import.paragraphs),
                *(f"{name} {title}" for name, title in seed_import.signers),
                *seed_import.attachments,
                # The labels and headings, which are structure, not content:
                "Handläggare Till Telefon december Förslag till beslut Sammanfattning Bakgrund",
                "Ärendets beredning Ärendet Synpunkter och förslag Bilagor",
            ]
        )
    )
    recognised.subtract(count(seed_import.value("remiss_dnr")))  # read from the reference line
    assert +recognised == count(scanned)


def test_clean_text_is_never_repaired():
    result = read_bytes(TRANSCRIPTION.encode(), TEXT)
    assert not result.scanned and result.repaired_words == 0
    seed = statement_text.parse(TRANSCRIPTION)
    assert result.section("views") == seed.sections["Synpunkter och förslag"]
