"""Attachments are judged by their content: every test file is built here, none is committed."""

import functools
import hashlib
import io
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from remiss import uploads
from remiss.uploads import ALLOWED, CheckedUpload, check_upload

MB = 1024 * 1024
LIMIT = 25 * MB

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

UNKNOWN = (
    "Filens innehåll är inte PDF, Word (DOCX), OpenDocument-text (ODT) eller Excel (XLSX), "
    "vad filnamnet än säger."
)
EMPTY = "Filen är tom."
TOO_LARGE = "Filen är större än"
DAMAGED = "men är skadad"
DAMAGED_PDF = "Filen ser ut att vara en PDF men är ofullständig eller skadad"
POLYGLOT = "både en PDF och ett ZIP-arkiv"
ENCRYPTED = "krypterad eller lösenordsskyddad"
PATHS = "otillåtna sökvägar"
BOMB = "zip-bomb"
TOO_MANY = "fler än 2000 delar"
DUPLICATE = "samma del två gånger"
MACROS = "makron"


# Building files --------------------------------------------------------------------------------


def minimal_pdf(padding: int = 0) -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if padding:
        pdf += b"%" + b"x" * padding + b"\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf


@functools.cache
def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Södermalms stadsdelsförvaltning – tjänsteutlåtande</p>").write_pdf()


Entry = tuple[str | zipfile.ZipInfo, bytes]


def zip_bytes(
    entries: list[Entry],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    tamper: Callable[[list[zipfile.ZipInfo]], None] | None = None,
    comment: bytes = b"",
) -> bytes:
    """A ZIP archive; `tamper` may change the central directory before it is written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if tamper:
            tamper(archive.filelist)
        archive.comment = comment
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
RELS = b'<?xml version="1.0" encoding="UTF-8"?><Relationships/>'
DOCUMENT = b'<?xml version="1.0" encoding="UTF-8"?><w:document><w:body/></w:document>'
WORKBOOK = b'<?xml version="1.0" encoding="UTF-8"?><workbook/>'
ODT_CONTENT = b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>'
MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    b'<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>" % ODT.encode()
)


def docx_entries() -> list[Entry]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", DOCUMENT),
        ("word/styles.xml", RELS),
    ]


def xlsx_entries() -> list[Entry]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/worksheets/sheet1.xml", RELS),
    ]


def stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2019, 12, 12, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    return info


def deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2019, 12, 12, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def odt_entries(mimetype: bytes = ODT.encode()) -> list[Entry]:
    return [
        (stored("mimetype"), mimetype),
        (deflated("META-INF/manifest.xml"), MANIFEST),
        (deflated("content.xml"), ODT_CONTENT),
    ]


def docx() -> bytes:
    return zip_bytes(docx_entries())


def xlsx() -> bytes:
    return zip_bytes(xlsx_entries())


def odt() -> bytes:
    return zip_bytes(odt_entries())


def with_entry(entries: list[Entry], name: str | zipfile.ZipInfo, data: bytes) -> list[Entry]:
    return [*entries, (name, data)]


@functools.cache
def zip_bomb_docx() -> bytes:
    """A real DOCX whose image is 50 MB of zeros, deflated to about 50 kB (1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_entries():
            archive.writestr(name, data)
        with archive.open("word/media/image1.png", "w") as entry:
            zeros = bytes(MB)
            for _ in range(50):
                entry.write(zeros)
    return buffer.getvalue()


def claiming(name: str, size: int) -> Callable[[list[zipfile.ZipInfo]], None]:
    """Make the central directory claim that entry `name` unpacks to `size` bytes."""

    def tamper(infos: list[zipfile.ZipInfo]) -> None:
        for info in infos:
            if info.filename == name:
                info.file_size = size

    return tamper


def encrypting(name: str) -> Callable[[list[zipfile.ZipInfo]], None]:
    def tamper(infos: list[zipfile.ZipInfo]) -> None:
        for info in infos:
            if info.filename == name:
                info.flag_bits |= 0x1

    return tamper


def too_many_entries() -> bytes:
    extra = [(f"word/media/bild{number}.xml", b"") for number in range(2000)]
    return zip_bytes(docx_entries() + extra, compression=zipfile.ZIP_STORED)


def many_claimed_megabytes() -> bytes:
    """600 entries of 1 MB each by the directory: 600 MB, over the 200 MB cap for any limit."""
    entries = [(f"word/media/del{number}.bin", b"x") for number in range(600)]

    def tamper(infos: list[zipfile.ZipInfo]) -> None:
        for info in infos:
            if info.filename.startswith("word/media/"):
                info.file_size = MB

    return zip_bytes(docx_entries() + entries, compression=zipfile.ZIP_STORED, tamper=tamper)


def pdf_zip_polyglot() -> bytes:
    """A PDF with a ZIP archive appended whose comment ends the file with %%EOF."""
    return minimal_pdf() + zip_bytes(docx_entries(), comment=b"\n%%EOF\n")


def mz_with_docx() -> bytes:
    """A self-extracting archive: a Windows program with a DOCX behind it."""
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + docx()


def upload(content: bytes, name: str = "bilaga.pdf", content_type: str = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def lying_upload(content: bytes, name: str, size: int) -> SimpleUploadedFile:
    file = upload(content, name)
    file.size = size
    return file


def refusal(file: SimpleUploadedFile, max_bytes: int = LIMIT) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(file, max_bytes=max_bytes)
    return caught.value


# The material is what it claims to be ----------------------------------------------------------


def test_the_zip_bomb_is_small_on_disk_and_huge_unpacked():
    bomb = zip_bomb_docx()
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        image = archive.getinfo("word/media/image1.png")
    assert len(bomb) < 100_000
    assert image.file_size == 50 * MB
    assert image.file_size / image.compress_size > 500


def test_the_polyglot_is_both_a_pdf_and_a_zip_to_python():
    polyglot = pdf_zip_polyglot()
    assert polyglot.startswith(b"%PDF-1.7")
    assert b"%%EOF" in polyglot[-2048:]
    assert zipfile.is_zipfile(io.BytesIO(polyglot))


def test_the_hand_written_pdf_has_a_valid_cross_reference_table():
    pdf = minimal_pdf()
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[xref:].startswith(b"xref\n")
    assert pdf.index(b"2 0 obj") == int(pdf[xref:].split(b"\n")[4][:10])


# Accepted files --------------------------------------------------------------------------------


def test_a_pdf_made_by_weasyprint_is_accepted():
    content = weasyprint_pdf()

    checked = check_upload(upload(content, "Yttrande.pdf"), max_bytes=LIMIT)

    assert checked == CheckedUpload(
        content_type=PDF,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name="Yttrande.pdf",
        extension=".pdf",
    )


def test_a_minimal_hand_written_pdf_is_accepted():
    checked = check_upload(upload(minimal_pdf()), max_bytes=LIMIT)
    assert (checked.content_type, checked.extension) == (PDF, ".pdf")


@pytest.mark.parametrize(
    ("build", "name", "content_type", "extension"),
    [
        (docx, "yttrande.docx", DOCX, ".docx"),
        (xlsx, "budget.xlsx", XLSX, ".xlsx"),
        (odt, "yttrande.odt", ODT, ".odt"),
    ],
    ids=["docx", "xlsx", "odt"],
)
def test_office_documents_are_recognised_by_their_content(build, name, content_type, extension):
    content = build()

    checked = check_upload(upload(content, name, "application/octet-stream"), max_bytes=LIMIT)

    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.content_type in ALLOWED


def test_a_file_named_pdf_that_is_really_a_docx_is_accepted_as_a_docx():
    checked = check_upload(upload(docx(), "yttrande.pdf", PDF), max_bytes=LIMIT)

    assert checked.content_type == DOCX
    assert checked.extension == ".docx"
    assert checked.original_name == "yttrande.pdf"


def test_a_file_named_docx_that_is_really_a_pdf_is_accepted_as_a_pdf():
    checked = check_upload(upload(minimal_pdf(), "yttrande.docx", DOCX), max_bytes=LIMIT)
    assert (checked.content_type, checked.extension) == (PDF, ".pdf")


def test_the_content_type_the_browser_sends_is_ignored():
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

    assert refusal(upload(html, "yttrande.pdf", PDF)).code == "unknown_type"
    assert (
        check_upload(upload(minimal_pdf(), "a.pdf", "text/html"), max_bytes=LIMIT).content_type
        == PDF
    )


def test_a_file_read_in_many_chunks_gets_the_checksum_and_size_of_all_its_bytes():
    content = minimal_pdf(padding=300_000)  # several chunks of 64 kB

    checked = check_upload(upload(content), max_bytes=LIMIT)

    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_a_file_of_exactly_the_largest_size_is_accepted():
    content = minimal_pdf()
    assert check_upload(upload(content), max_bytes=len(content)).size == len(content)
    assert refusal(upload(content), max_bytes=len(content) - 1).code == "too_large"


def test_the_file_is_left_at_its_start_after_a_check():
    file = upload(docx(), "yttrande.docx")
    file.seek(17)

    check_upload(file, max_bytes=LIMIT)

    assert file.tell() == 0
    assert file.read() == docx()


def test_the_file_is_left_at_its_start_after_a_refusal():
    file = upload(b"<html></html>")
    file.seek(5)

    refusal(file)

    assert file.tell() == 0


def test_an_upload_that_django_kept_on_disk_is_checked_too():
    content = odt()
    file = TemporaryUploadedFile("yttrande.odt", "application/octet-stream", len(content), None)
    try:
        file.write(content)
        file.seek(0)

        checked = check_upload(file, max_bytes=LIMIT)
    finally:
        file.close()

    assert checked.content_type == ODT
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking_anything(monkeypatch):
    bomb = zip_bomb_docx()  # built before ZipFile is patched; it writes with open()

    def no_unpacking(*args, **kwargs):
        raise AssertionError("check_upload unpacked an entry")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    monkeypatch.setattr(zipfile.ZipFile, "read", no_unpacking)
    monkeypatch.setattr(zipfile.ZipFile, "extract", no_unpacking)

    assert refusal(upload(bomb, "yttrande.docx")).code == "unsafe_zip"


def test_the_mimetype_of_an_odt_is_read_at_most_a_hundred_bytes_at_a_time(monkeypatch):
    reads = []
    original_read = zipfile.ZipExtFile.read

    def read(self, n=-1):
        if self.name == "mimetype":
            reads.append(n)
        return original_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)

    check_upload(upload(odt(), "yttrande.odt"), max_bytes=LIMIT)

    assert reads
    assert all(0 <= n <= 100 for n in reads)


# Sizes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_bytes", "stated"),
    [
        (25 * MB, "25 MB"),
        (5 * MB // 2, "2,5 MB"),
        (1536, "1,5 kB"),
        (1000, "1000 byte"),
    ],
)
def test_the_size_limit_is_stated_in_swedish_with_a_decimal_comma(max_bytes, stated):
    file = lying_upload(minimal_pdf(), "stor.pdf", size=max_bytes + 1)

    error = refusal(file, max_bytes=max_bytes)

    assert error.messages == [f"Filen är större än {stated}. Största tillåtna storlek är {stated}."]


def test_a_file_that_claims_to_be_too_large_is_refused_before_it_is_read(monkeypatch):
    file = lying_upload(minimal_pdf(), "stor.pdf", size=LIMIT + 1)
    monkeypatch.setattr(file, "chunks", lambda *args, **kwargs: pytest.fail("read the file"))

    assert refusal(file).code == "too_large"


def test_a_file_that_claims_to_be_empty_is_refused_as_empty():
    file = lying_upload(minimal_pdf(), "tom.pdf", size=0)
    assert refusal(file).messages == ["Filen är tom."]


def test_an_empty_file_that_claims_a_size_is_refused_as_empty():
    file = lying_upload(b"", "tom.pdf", size=1234)
    assert refusal(file).messages == ["Filen är tom."]


def test_a_file_that_claims_to_be_small_is_measured_while_it_is_read():
    content = minimal_pdf(padding=5000)
    file = lying_upload(content, "liten.pdf", size=10)

    error = refusal(file, max_bytes=1000)

    assert error.code == "too_large"
    assert error.messages == [
        "Filen är större än 1000 byte. Största tillåtna storlek är 1000 byte."
    ]


def test_the_size_reported_is_the_bytes_read_not_the_size_claimed():
    content = minimal_pdf()
    file = lying_upload(content, "a.pdf", size=len(content) + 500)

    assert check_upload(file, max_bytes=LIMIT).size == len(content)


# Refused files ---------------------------------------------------------------------------------


def bad(case: str, name: str, build: Callable[[], bytes], code: str, phrase: str):
    return pytest.param(name, build, code, phrase, id=case)


def docx_with(name: str, data: bytes = b"x") -> Callable[[], bytes]:
    return lambda: zip_bytes(with_entry(docx_entries(), name, data))


def docx_without(name: str) -> Callable[[], bytes]:
    return lambda: zip_bytes([entry for entry in docx_entries() if entry[0] != name])


def duplicate_document() -> bytes:
    with warnings.catch_warnings(action="ignore", category=UserWarning):  # "Duplicate name"
        return zip_bytes(with_entry(docx_entries(), "word/document.xml", b"<a/>"))


def odt_with_mimetype(mimetype: bytes) -> Callable[[], bytes]:
    return lambda: zip_bytes(odt_entries(mimetype))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode."
RTF = rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} Hej}"
ODF_DAMAGED = "ett OpenDocument-dokument men är skadad"
ODS = b"application/vnd.oasis.opendocument.spreadsheet"
NESTED = "word/" + "a/" * 40 + "../" * 45 + "evil.xml"

BAD_UPLOADS = [
    # Not a document at all, whatever the name says.
    bad(
        "html", "yttrande.pdf", lambda: b"<!DOCTYPE html><html>Hej</html>", "unknown_type", UNKNOWN
    ),
    bad("svg-with-script", "karta.pdf", lambda: SVG, "unknown_type", UNKNOWN),
    bad("png", "bild.pdf", lambda: PNG, "unknown_type", UNKNOWN),
    bad("jpeg", "bild.docx", lambda: JPEG, "unknown_type", UNKNOWN),
    bad(
        "gif", "bild.pdf", lambda: b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32, "unknown_type", UNKNOWN
    ),
    bad("elf", "program.pdf", lambda: ELF, "unknown_type", UNKNOWN),
    bad("windows-exe", "faktura.pdf", lambda: EXE, "unknown_type", UNKNOWN),
    bad("shell-script", "yttrande.pdf", lambda: b"#!/bin/sh\nrm -rf /\n", "unknown_type", UNKNOWN),
    bad(
        "plain-text",
        "yttrande.docx",
        lambda: "Nämnden föreslås …".encode(),
        "unknown_type",
        UNKNOWN,
    ),
    bad("rtf", "yttrande.docx", lambda: RTF, "unknown_type", UNKNOWN),
    bad("xml", "yttrande.odt", lambda: b'<?xml version="1.0"?><office/>', "unknown_type", UNKNOWN),
    bad("self-extracting-exe", "yttrande.docx", mz_with_docx, "unknown_type", UNKNOWN),
    bad(
        "pdf-after-junk", "yttrande.pdf", lambda: b"<html>" + minimal_pdf(), "unknown_type", UNKNOWN
    ),
    # Empty.
    bad("empty", "tom.pdf", lambda: b"", "empty", EMPTY),
    # Damaged or incomplete documents.
    bad("pdf-without-version", "a.pdf", lambda: b"%PDF-<script>\n%%EOF\n", "damaged", DAMAGED_PDF),
    bad("truncated-pdf", "yttrande.pdf", lambda: minimal_pdf()[:200], "damaged", DAMAGED_PDF),
    bad(
        "pdf-eof-far-from-end",
        "a.pdf",
        lambda: minimal_pdf() + b"\n" * 3000,
        "damaged",
        DAMAGED_PDF,
    ),
    bad("zip-header-only", "a.docx", lambda: b"PK\x03\x04" + b"\x00" * 200, "damaged", DAMAGED),
    bad("docx-cut-in-half", "a.docx", lambda: docx()[: len(docx()) // 2], "damaged", DAMAGED),
    bad(
        "docx-without-document-xml",
        "yttrande.docx",
        docx_without("word/document.xml"),
        "damaged",
        "ett Word-dokument men är skadad",
    ),
    bad(
        "xlsx-without-workbook-xml",
        "budget.xlsx",
        lambda: zip_bytes([entry for entry in xlsx_entries() if entry[0] != "xl/workbook.xml"]),
        "damaged",
        "en Excel-fil men är skadad",
    ),
    bad(
        "zip-of-only-content-types",
        "yttrande.docx",
        lambda: zip_bytes([("[Content_Types].xml", CONTENT_TYPES)]),
        "unknown_type",
        UNKNOWN,
    ),
    bad(
        "docx-without-content-types",
        "a.docx",
        docx_without("[Content_Types].xml"),
        "unknown_type",
        UNKNOWN,
    ),
    bad("plain-zip", "a.docx", lambda: zip_bytes([("text.txt", b"Hej")]), "unknown_type", UNKNOWN),
    bad("empty-zip", "yttrande.docx", lambda: zip_bytes([]), "unknown_type", UNKNOWN),
    bad(
        "pptx",
        "yttrande.docx",
        lambda: zip_bytes([("[Content_Types].xml", CONTENT_TYPES), ("ppt/presentation.xml", RELS)]),
        "unknown_type",
        UNKNOWN,
    ),
    bad("ods-named-odt", "yttrande.odt", odt_with_mimetype(ODS), "unknown_type", UNKNOWN),
    bad("odt-html-mimetype", "a.odt", odt_with_mimetype(b"text/html"), "damaged", ODF_DAMAGED),
    bad("odt-long-mimetype", "a.odt", odt_with_mimetype(ODT.encode() * 30), "damaged", ODF_DAMAGED),
    bad(
        "odt-mimetype-last",
        "yttrande.odt",
        lambda: zip_bytes(odt_entries()[::-1]),
        "damaged",
        ODF_DAMAGED,
    ),
    bad(
        "odt-mimetype-second-behind-a-look-alike",
        "yttrande.odt",
        lambda: zip_bytes([(stored("META-INF/mimetype"), ODT.encode()), *odt_entries()]),
        "damaged",
        ODF_DAMAGED,
    ),
    bad(
        "odt-mimetype-compressed",
        "yttrande.odt",
        lambda: zip_bytes([(deflated("mimetype"), ODT.encode()), *odt_entries()[1:]]),
        "damaged",
        ODF_DAMAGED,
    ),
    bad(
        "odt-without-content", "a.odt", lambda: zip_bytes(odt_entries()[:2]), "damaged", ODF_DAMAGED
    ),
    bad(
        "docx-and-odt-at-once",
        "yttrande.docx",
        lambda: zip_bytes(odt_entries() + docx_entries()),
        "unknown_type",
        UNKNOWN,
    ),
    bad(
        "docx-and-xlsx-at-once",
        "yttrande.docx",
        lambda: zip_bytes(docx_entries() + xlsx_entries()[2:]),
        "unknown_type",
        UNKNOWN,
    ),
    bad("docm-with-macros", "a.docx", docx_with("word/vbaProject.bin"), "macros", MACROS),
    # Two things at once.
    bad("pdf-zip-polyglot", "yttrande.pdf", pdf_zip_polyglot, "polyglot", POLYGLOT),
    bad(
        "pdf-with-zip-appended",
        "yttrande.pdf",
        lambda: minimal_pdf() + zip_bytes(docx_entries()),
        "polyglot",
        POLYGLOT,
    ),
    # Archives that could hurt whoever unpacks them.
    bad("zip-bomb-named-docx", "yttrande.docx", zip_bomb_docx, "unsafe_zip", BOMB),
    bad(
        "directory-claims-a-bomb",
        "budget.xlsx",
        lambda: zip_bytes(
            with_entry(xlsx_entries(), "xl/media/a.bin", b"x" * 100),
            tamper=claiming("xl/media/a.bin", 2 * MB),
        ),
        "unsafe_zip",
        BOMB,
    ),
    bad("over-500-mb-unpacked", "a.docx", many_claimed_megabytes, "unsafe_zip", BOMB),
    bad("parent-folder-entry", "a.docx", docx_with("../../../etc/cron.d/x"), "unsafe_zip", PATHS),
    bad("deeply-nested-parent-entry", "a.docx", docx_with(NESTED), "unsafe_zip", PATHS),
    bad("absolute-entry", "yttrande.docx", docx_with("/etc/passwd"), "unsafe_zip", PATHS),
    bad("windows-drive-entry", "a.docx", docx_with("C:/Windows/win.ini"), "unsafe_zip", PATHS),
    bad("backslash-entry", "yttrande.docx", docx_with("..\\..\\evil.bat"), "unsafe_zip", PATHS),
    bad("too-many-entries", "yttrande.docx", too_many_entries, "unsafe_zip", TOO_MANY),
    bad(
        "encrypted-entry",
        "yttrande.docx",
        lambda: zip_bytes(docx_entries(), tamper=encrypting("word/document.xml")),
        "encrypted",
        ENCRYPTED,
    ),
    bad(
        "duplicate-entry",
        "a.docx",
        duplicate_document,
        "unsafe_zip",
        DUPLICATE,
    ),
]


def test_the_corpus_of_bad_uploads_is_large_and_distinct():
    built = [case.values[1]() for case in BAD_UPLOADS]
    assert len(BAD_UPLOADS) >= 30
    assert len(set(built)) == len(built)


@pytest.mark.parametrize(("name", "build", "code", "phrase"), BAD_UPLOADS)
def test_bad_uploads_are_refused_with_a_reason_in_swedish(name, build, code, phrase):
    error = refusal(upload(build(), name))

    assert error.code == code
    assert phrase in error.messages[0]
    assert error.messages[0].startswith("Filen")


def test_no_archive_may_unpack_to_more_than_200_mb_whatever_the_limit():
    content = many_claimed_megabytes()

    error = refusal(upload(content, "yttrande.docx"), max_bytes=100 * MB)

    assert (error.code, BOMB in error.messages[0]) == ("unsafe_zip", True)


def test_an_entry_uncompressing_more_than_ten_times_the_limit_in_total_is_refused():
    content = zip_bytes(with_entry(docx_entries(), "word/media/nollor.bin", bytes(200_000)))
    assert len(content) < 5000

    error = refusal(upload(content, "yttrande.docx"), max_bytes=5000)

    assert (error.code, BOMB in error.messages[0]) == ("unsafe_zip", True)
    assert check_upload(upload(content, "yttrande.docx"), max_bytes=40_000).content_type == DOCX


def test_a_large_entry_that_compresses_moderately_is_accepted():
    # 2 MB of text that compresses far less than 100:1 is an ordinary embedded image or table.
    text = b"".join(hashlib.sha256(b"%d" % n).hexdigest().encode() for n in range(2 * MB // 64))
    content = zip_bytes(with_entry(docx_entries(), "word/media/tabell.xml", text))

    assert check_upload(upload(content, "yttrande.docx"), max_bytes=LIMIT).content_type == DOCX


# Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("yttrande.pdf", "yttrande.pdf"),
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\etc\\passwd.pdf", "passwd.pdf"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\eva\\Skrivbord\\Remissvar.docx", "Remissvar.docx"),
        ("..\\..", "bilaga"),
        ("...", "bilaga"),
        ("   ", "bilaga"),
        (" .dold fil. ", "dold fil"),
        ('yttr<a>nde:"2019"|?*.pdf', "yttrande2019.pdf"),
        ("rad\nbrytning\t.pdf", "radbrytning.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ("faktura\u202efdp.exe", "fakturafdp.exe"),  # a right-to-left override hides ".exe"
        ("noll\u200bbredd.pdf", "nollbredd.pdf"),
    ],
)
def test_file_names_become_safe_labels(name, label):
    checked = check_upload(upload(minimal_pdf(), name), max_bytes=LIMIT)
    assert checked.original_name == label


@pytest.mark.parametrize("name", ["", ".", "..", "mapp/", "a/..", "\\"])
def test_a_name_with_nothing_left_is_labelled_bilaga(name):
    # Django's uploaded files refuse most of these names themselves; the label does not rely on it.
    assert uploads.safe_display_name(name) == "bilaga"


def test_swedish_file_names_keep_their_letters():
    name = "Yttrande från Södermalm – åtgärder för ökad trygghet ÅÄÖ.pdf"
    checked = check_upload(upload(minimal_pdf(), name), max_bytes=LIMIT)
    assert checked.original_name == name


def test_file_names_from_a_mac_are_joined_into_composed_letters():
    decomposed = unicodedata.normalize("NFD", "Säkerhetsprogram för Årsta.pdf")
    assert len(decomposed) > len("Säkerhetsprogram för Årsta.pdf")

    checked = check_upload(upload(minimal_pdf(), decomposed), max_bytes=LIMIT)

    assert checked.original_name == "Säkerhetsprogram för Årsta.pdf"


def test_a_long_file_name_is_cut_to_two_hundred_characters_keeping_its_extension():
    checked = check_upload(upload(minimal_pdf(), "å" * 300 + ".docx"), max_bytes=LIMIT)

    assert len(checked.original_name) == 200
    assert checked.original_name == "å" * 195 + ".docx"


def test_a_long_name_without_a_real_extension_is_simply_cut():
    assert uploads.safe_display_name("x" * 150 + "." + "y" * 150) == "x" * 150 + "." + "y" * 49


# Opened for real, not judged by the first and last bytes --------------------------------------


def pdf_with_pages(count: int, *, declared: int | None = None) -> bytes:
    """A valid PDF of `count` blank pages, written by hand (pypdf needs seconds for 20,000);
    `declared` makes the page tree claim another /Count."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (kids, count if declared is None else declared),
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count,
    ]
    pieces = [b"%PDF-1.7\n"]
    offsets = []
    length = len(pieces[0])
    for number, body in enumerate(objects, start=1):
        offsets.append(length)
        pieces.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        length += len(pieces[-1])
    pieces.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    pieces += [b"%010d 00000 n \n" % offset for offset in offsets]
    pieces.append(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, length)
    )
    return b"".join(pieces)


def test_a_file_that_only_starts_and_ends_like_a_pdf_is_refused():
    # What made the reply bundle fail with "startxref not found" after it had been accepted.
    error = refusal(upload(b"%PDF-1.7\n" + b"inget alls " * 100 + b"\n%%EOF\n"))

    assert error.code == "damaged"
    assert DAMAGED_PDF in error.messages[0]


def test_a_pdf_without_pages_is_refused():
    assert refusal(upload(pdf_with_pages(0))).code == "damaged"


def test_a_valid_pdf_of_twenty_thousand_pages_is_refused():
    content = pdf_with_pages(20_000)
    assert len(content) < LIMIT

    error = refusal(upload(content))

    assert error.code == "too_many_pages"
    assert error.messages[0].startswith("PDF-filen har fler än 2000 sidor.")


def test_a_page_tree_that_claims_one_page_is_counted_not_believed():
    assert refusal(upload(pdf_with_pages(20_000, declared=1))).code == "too_many_pages"


def test_a_pdf_of_exactly_the_largest_page_count_is_accepted(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 30)

    assert check_upload(upload(pdf_with_pages(30)), max_bytes=LIMIT).content_type == PDF
    assert refusal(upload(pdf_with_pages(31))).code == "too_many_pages"


def test_a_pdf_locked_with_a_password_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(minimal_pdf()))
    writer.encrypt(user_password="hemligt", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)

    assert refusal(upload(locked.getvalue())).code == "encrypted"


def many_megabytes_of_zeros_docx(parts: int) -> bytes:
    """A real DOCX with `parts` parts of 1 MiB of zeros each, deflated: 450 parts make a file of
    about 516 kB that unpacks to 450 MiB. The deflated part is made once and written `parts`
    times, so building it costs milliseconds."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated_zeros = compressor.compress(bytes(MB)) + compressor.flush()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_entries():
            archive.writestr(name, data)
        for number in range(parts):
            info = zipfile.ZipInfo(f"word/media/del{number}.bin", date_time=(2019, 12, 12, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.CRC, info.file_size = zlib.crc32(bytes(MB)), MB
            info.compress_size = len(deflated_zeros)
            info.header_offset = archive.fp.tell()
            archive.fp.write(info.FileHeader(zip64=False))
            archive.fp.write(deflated_zeros)
            archive.filelist.append(info)
            archive.NameToInfo[info.filename] = info
            archive.start_dir = archive.fp.tell()
    return buffer.getvalue()


def test_a_516_kb_docx_unpacking_to_450_mib_in_450_parts_is_refused():
    content = many_megabytes_of_zeros_docx(450)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert len(archive.read("word/media/del449.bin")) == MB  # a real archive, not a claim
    assert len(content) < 530 * 1024

    error = refusal(upload(content, "yttrande.docx"))

    assert error.code == "unsafe_zip"
    assert BOMB in error.messages[0]


OOXML_NS = b"http://schemas.openxmlformats.org/package/2006/content-types"


def content_types(*overrides: tuple[str, str]) -> bytes:
    parts = b"".join(
        b'<Override PartName="/%s" ContentType="%s"/>' % (name.encode(), kind.encode())
        for name, kind in overrides
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="%s">'
        b'<Default Extension="xml" ContentType="application/xml"/>%s</Types>' % (OOXML_NS, parts)
    )


def ooxml_declaring(entries: list[Entry], part: str, kind: str) -> bytes:
    declared = [("[Content_Types].xml", content_types((part, kind)))]
    return zip_bytes(
        declared + [e for e in entries if e[0] != "[Content_Types].xml"] + [(part, b"")]
    )


@pytest.mark.parametrize(
    ("entries", "part", "kind"),
    [
        (docx_entries, "word/bilden.bin", "application/vnd.ms-office.vbaProject"),
        (
            docx_entries,
            "word/document2.xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml",
        ),
        (xlsx_entries, "xl/blad.xml", "application/vnd.ms-excel.macrosheet+xml"),
        (xlsx_entries, "xl/workbook2.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        (docx_entries, "word/activeX/x.xml", "application/vnd.ms-office.activeX+xml"),
    ],
    ids=["vba-renamed", "docm-main-part", "excel4-macro-sheet", "xlsm-main-part", "activex"],
)
def test_macros_are_found_by_the_declared_content_type_whatever_the_part_is_called(
    entries, part, kind
):
    error = refusal(upload(ooxml_declaring(entries(), part, kind), "yttrande.docx"))

    assert error.code == "macros"
    assert MACROS in error.messages[0]


def test_an_odt_whose_manifest_lists_basic_macros_is_refused():
    manifest = MANIFEST.replace(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
        b'manifest:media-type="text/xml"/></manifest:manifest>',
    )
    entries = odt_entries()
    entries[1] = (deflated("META-INF/manifest.xml"), manifest)

    assert refusal(upload(zip_bytes(entries), "yttrande.odt")).code == "macros"


def test_a_package_part_with_a_dtd_is_refused_before_it_is_parsed():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]>'
        b'<Types xmlns="%s">&a;</Types>' % OOXML_NS
    )
    entries = [("[Content_Types].xml", laughs), *docx_entries()[1:]]

    assert refusal(upload(zip_bytes(entries), "yttrande.docx")).code == "damaged"
