"""A statement's parts as Ladda ner som Word writes them and as the importer reads them back, for
the round-trip tests (tests/test_word_roundtrip.py, tests/test_word_libreoffice.py)."""

from remiss.importing import read_bytes
from remiss.importing.structure import UNPLACED
from remiss.models import Statement
from remiss.uploads import DOCX


def parts_of(statement: Statement) -> dict:
    officer = statement.case_officer
    return {
        "case_officer": officer.get_full_name() or officer.get_username(),
        "phone": statement.phone,
        "addressed_to": statement.addressed_to,
        "date": statement.date.isoformat(),
        "dnr": statement.recipient.registration_number,
        "title": statement.title,
        "reference_line": statement.reference_line,
        "proposals": statement.proposals,
        **{key: getattr(statement, key) for key, _ in Statement.SECTIONS},
        "focus_areas": [
            (str(view.focus_area), view.text)
            for view in statement.focus_area_views.select_related("focus_area")
        ],
        "signers": [(statement.signer_name, statement.signer_title)]
        if statement.signer_name
        else [],
        "attachments": [a.title for a in statement.attachments.order_by("position", "pk")],
    }


def parts_read_back(data: bytes, content_type: str = DOCX) -> dict:
    result = read_bytes(data, content_type)
    assert not [p.text for p in result.paragraphs if p.part == UNPLACED]
    return {
        **{
            name: result.value(name)
            for name in [
                "case_officer",
                "phone",
                "addressed_to",
                "date",
                "dnr",
                "title",
                "reference_line",
            ]
        },
        "proposals": result.proposals,
        **{key: result.section(key) for key, _ in Statement.SECTIONS},
        "focus_areas": result.focus_areas,
        "signers": result.signers,
        "attachments": result.attachments,
    }
