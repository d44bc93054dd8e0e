"""Ladda ner som Word, then read the file in again: the same statement, part by part."""

from io import StringIO

import pytest
from django.core.management import call_command

from remiss.importing import read_bytes
from remiss.importing.structure import UNPLACED
from remiss.models import Statement
from remiss.uploads import DOCX
from remiss.word import statement_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


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


def parts_read_back(data: bytes) -> dict:
    result = read_bytes(data, DOCX)
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


def test_every_demo_statement_exported_to_word_and_imported_again_is_equal_part_by_part(seeded):
    statements = list(Statement.objects.all())
    assert statements
    for statement in statements:
        assert parts_read_back(statement_docx(statement)) == parts_of(statement)


def test_a_fresh_draft_with_empty_sections_survives_the_round_trip(started):
    assert parts_read_back(statement_docx(started)) == parts_of(started)
