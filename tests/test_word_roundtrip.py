"""Ladda ner som Word, then read the file in again: the same statement, part by part."""

from io import StringIO

import pytest
from django.core.management import call_command

from remiss.models import Statement
from remiss.word import statement_docx
from tests.word_parts import parts_of, parts_read_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


def test_every_demo_statement_exported_to_word_and_imported_again_is_equal_part_by_part(seeded):
    statements = list(Statement.objects.all())
    assert statements
    for statement in statements:
        assert parts_read_back(statement_docx(statement)) == parts_of(statement)


def test_a_fresh_draft_with_empty_sections_survives_the_round_trip(started):
    assert parts_read_back(statement_docx(started)) == parts_of(started)
