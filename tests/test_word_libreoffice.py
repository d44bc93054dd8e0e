"""Ladda ner som Word opens cleanly in LibreOffice (issue 17), for every demo statement.

LibreOffice, headless, converts each export to OpenDocument (which must still hold the header
fields, the headings as headings and the numbered proposals) and re-saves it as Word; the
importer reads that re-saved file back into the same statement, part by part. All the exports
go through one soffice call per target format, in a module fixture: each call costs seconds.
"""

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from lxml import etree

from remiss.models import Statement
from remiss.word import statement_docx
from tests.word_parts import parts_of, parts_read_back

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.skipif(
        SOFFICE is None,
        reason="needs LibreOffice (soffice): libreoffice-writer-nogui, which make test installs",
    ),
    pytest.mark.django_db,  # so that the session sets up the test database the fixture seeds
]

TIMEOUT = 180  # seconds for one soffice call over every demo export; a cold start takes ~5
# As tests/conftest.py's function fixtures do for every test (the module fixture comes before
# them): the demo users' passwords hashed fast, the demo's documents queued, not rendered.
FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "tests.task_backends.MailAtOnceBackend"}},
}
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


@dataclass
class Export:
    """One demo statement: what the portal wrote, and what LibreOffice made of it."""

    statement: dict  # the statement's parts (tests/word_parts.py)
    proposals: list[str]
    headings: list[tuple[int, str]]  # (level, text) as Ladda ner som Word writes them
    header_fields: list[str]
    odt: Path
    docx: Path


@pytest.fixture(scope="module")
def exports(django_db_setup, django_db_blocker, tmp_path_factory) -> list[Export]:
    """Every demo statement exported, then converted by LibreOffice to ODT and back to DOCX.

    The demo data is seeded inside a transaction that is rolled back, so the module leaves the
    test database as it found it."""
    folder = tmp_path_factory.mktemp("word-libreoffice")
    exported = folder / "exported"
    exported.mkdir()
    found = []
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=folder / "media", **FAST),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        for statement in Statement.objects.order_by("pk"):
            name = f"statement-{statement.pk}"
            (exported / f"{name}.docx").write_bytes(statement_docx(statement))
            export = Export(
                statement=parts_of(statement),
                proposals=list(statement.proposals),
                headings=_headings(statement),
                header_fields=_header_fields(statement),
                odt=folder / "odt" / f"{name}.odt",
                docx=folder / "docx" / f"{name}.docx",
            )
            found.append(export)
        transaction.set_rollback(True)
    assert found, "seed_demo made no statement"
    sources = sorted(exported.iterdir())
    _convert(sources, "odt", folder / "odt", folder / "profile-odt")
    _convert(sources, "docx", folder / "docx", folder / "profile-docx")
    return found


def _headings(statement: Statement) -> list[tuple[int, str]]:
    headings = [(1, statement.title), (2, "Förslag till beslut")]
    headings += [(2, heading) for heading, _ in statement.sections()]
    views = [str(view.focus_area) for view in statement.focus_area_views.all()]
    if views:
        headings += [(2, "Synpunkter per fokusområde"), *[(3, name) for name in views]]
    if statement.attachments.exists():
        headings.append((2, "Bilagor"))
    return headings


def _header_fields(statement: Statement) -> list[str]:
    officer = statement.case_officer
    fields = [
        "Stockholms stad",
        "Tjänsteutlåtande",
        f"Datum: {statement.date:%Y-%m-%d}",
        f"Handläggare: {officer.get_full_name() or officer.get_username()}",
        f"Till: {statement.addressed_to}",
    ]
    if statement.recipient.registration_number:
        fields.append(f"Dnr: {statement.recipient.registration_number}")
    if statement.phone:
        fields.append(f"Telefon: {statement.phone}")
    return fields


def _convert(sources: list[Path], target: str, out: Path, profile: Path) -> None:
    """All the files through one headless soffice, with a profile of its own (parallel test
    workers would otherwise share, and lock, the user's profile)."""
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    made = sorted(path.name for path in out.glob(f"*.{target}")) if out.exists() else []
    assert result.returncode == 0, result.stdout + result.stderr
    assert made == sorted(f"{source.stem}.{target}" for source in sources), (
        result.stdout + result.stderr
    )


def _content(odt: Path) -> etree._Element:
    with zipfile.ZipFile(odt) as package:
        assert package.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        return etree.fromstring(package.read("content.xml"))


def _numbered_lists(odt: Path) -> list[list[str]]:
    """The texts of the items of each list whose first level counts (1., 2., …), not bullets."""
    with zipfile.ZipFile(odt) as package:
        styles = etree.fromstring(package.read("styles.xml"))
    content = _content(odt)
    numbered = {
        style.get(f"{{{STYLE}}}name")
        for root in (content, styles)
        for style in root.iter(f"{{{TEXT}}}list-style")
        for level in style.iter(f"{{{TEXT}}}list-level-style-number")
        if level.get(f"{{{TEXT}}}level") == "1"
    }
    return [
        [_text(item) for item in found.iter(f"{{{TEXT}}}list-item")]
        for found in content.iter(f"{{{TEXT}}}list")
        if found.get(f"{{{TEXT}}}style-name") in numbered
    ]


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def test_libreoffice_opens_every_demo_export_with_its_header_fields(exports):
    for export in exports:
        body = _content(export.odt).find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
        assert body is not None
        paragraphs = [_text(p) for p in body.iter(f"{{{TEXT}}}p")]
        missing = [field for field in export.header_fields if field not in paragraphs]
        assert not missing, (export.odt.name, missing)


def test_the_headings_stay_headings_at_their_levels_in_libreoffice(exports):
    for export in exports:
        content = _content(export.odt)
        headings = [
            (int(h.get(f"{{{TEXT}}}outline-level", "0")), _text(h))
            for h in content.iter(f"{{{TEXT}}}h")
        ]
        assert headings == export.headings, export.odt.name


def test_the_proposals_are_a_numbered_list_in_libreoffice(exports):
    for export in exports:
        lists = _numbered_lists(export.odt)
        assert export.proposals in lists, (export.odt.name, lists)


def test_every_export_resaved_by_libreoffice_imports_as_the_same_statement(exports):
    for export in exports:
        assert parts_read_back(export.docx.read_bytes()) == export.statement, export.docx.name
