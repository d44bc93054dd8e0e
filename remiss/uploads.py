"""Checking an uploaded attachment (bilaga) by what it contains, before it is stored.

The file name and the content type a browser sends are both chosen by the uploader: a name ending
in ".pdf" and the type "application/pdf" say nothing about the bytes. An HTML page or a program
renamed to "yttrande.pdf" would otherwise be stored and later handed to every reader of the case.
So `check_upload` ignores both and decides the type from the content alone:

- PDF: the bytes start with "%PDF-1.x" (or 2.x), "%%EOF" is among the last 2048 bytes, and the
  file opens with a real parser (pypdf): its cross-reference table and catalogue can be read, it
  is not locked with a password, and its page tree holds at least one and at most MAX_PDF_PAGES
  pages (counted by walking the tree, at most MAX_PDF_PAGES + 1 steps, so a tree that lies about
  its /Count costs no more). A file that merely starts and ends like a PDF is refused here, not
  when the reply bundle is built from it.
- Word (DOCX), Excel (XLSX) and OpenDocument text (ODT) are ZIP archives. The archive is judged
  from its central directory (names and the sizes it declares) without extracting anything, so
  that a zip bomb is refused before anyone unpacks it: no encrypted entries, no entry names that
  could escape a folder, a bounded number of entries and total size, no entry that expands more
  than 100 times, and no archive that expands more than 100 times in all. Python's zipfile never
  yields more than the size the directory declares, so those declared sizes also bound whoever
  unpacks the file later.
- Macros are found by what the package declares, not by file names alone: an Office file whose
  [Content_Types].xml names a macro-enabled document, a VBA project, an Excel 4 macro sheet or
  ActiveX controls, and an OpenDocument file whose manifest lists Basic or script parts, are
  refused. These two small XML parts are the only ones read (at most 1 MB, no DTD allowed).
- A file that is two things at once (a PDF that is also a ZIP archive) is refused: a reader that
  picks the other interpretation would see something that was never checked.

The user's file name is kept only as a display label, cleaned so that it cannot carry a path,
control characters or characters that file systems reserve. The file is stored under a name of
our choosing with the extension of the detected type (see `remiss.models.attachment_path`).

Every refusal is a ValidationError whose message says, in Swedish, why the file was refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALLOWED = {
    PDF: "PDF",
    DOCX: "Word (DOCX)",
    ODT: "OpenDocument-text (ODT)",
    XLSX: "Excel (XLSX)",
}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", XLSX: ".xlsx"}

MB = 1024 * 1024
CHUNK_SIZE = 64 * 1024
PDF_EOF_WINDOW = 2048
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL = 200 * MB  # uncompressed, whatever max_bytes is
ZIP_TOTAL_FACTOR = 10  # uncompressed may be at most this many times max_bytes
MAX_RATIO = 100  # for entries, and whole archives, larger than RATIO_APPLIES_ABOVE
RATIO_APPLIES_ABOVE = 1 * MB
MAX_PDF_PAGES = 2000
MAX_PACKAGE_XML = 1 * MB  # [Content_Types].xml or META-INF/manifest.xml, read to find macros
MIMETYPE_READ_CAP = 100
MAX_NAME_LENGTH = 200
MAX_EXTENSION_LENGTH = 16
DEFAULT_NAME = "bilaga"

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_ZIP_HEADER = b"PK\x03\x04"
_ODT_MIMETYPE = ODT.encode("ascii")
_OTHER_OPENDOCUMENT = re.compile(rb"application/vnd\.oasis\.opendocument\.[a-z-]+(\.[a-z-]+)?")
_CONTENT_TYPES = "[Content_Types].xml"
# Macro-enabled documents and templates, VBA projects and their data, Excel 4 macro sheets, ActiveX.
_MACRO_CONTENT_TYPE = re.compile(r"macroenabled|vbaproject|vbadata|macrosheet|activex", re.I)
_ODF_MANIFEST = "META-INF/manifest.xml"
_ODF_MANIFEST_NS = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_ODF_FULL_PATH = _ODF_MANIFEST_NS + "full-path"
_ODF_MEDIA_TYPE = _ODF_MANIFEST_NS + "media-type"
_ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")
_ODF_MACRO_MEDIA_TYPE = re.compile(r"basic|script", re.I)
_FORBIDDEN_NAME_CHARACTERS = set('<>:"/\\|?*')
_DRIVE = re.compile(r"^[A-Za-z]:")
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str  # one of ALLOWED
    size: int  # bytes actually read, not the size the upload claimed
    sha256: str  # hex digest of the bytes
    original_name: str  # the user's file name, cleaned, as a display label only
    extension: str  # ".pdf", ".docx", ".odt" or ".xlsx", by detected type


def check_upload(uploaded_file: UploadedFile, *, max_bytes: int) -> CheckedUpload:
    """Read the upload once, decide its type from its bytes, and refuse what is not allowed.

    Raises ValidationError (with a code: "empty", "too_large", "unknown_type", "damaged",
    "polyglot", "encrypted", "unsafe_zip" or "macros") and a Swedish message saying why.
    Leaves the file at position 0 either way.
    """
    declared = uploaded_file.size
    if declared is not None:
        if declared <= 0:
            raise _empty()
        if declared > max_bytes:
            raise _too_large(max_bytes)
    try:
        size, sha256, head, tail = _read(uploaded_file, max_bytes)
        if size == 0:
            raise _empty()
        content_type = _detect(uploaded_file, head, tail, max_bytes, size)
    finally:
        uploaded_file.seek(0)
    return CheckedUpload(
        content_type=content_type,
        size=size,
        sha256=sha256,
        original_name=safe_display_name(uploaded_file.name or ""),
        extension=EXTENSIONS[content_type],
    )


def safe_display_name(name: str) -> str:
    """The user's file name as a label: no folders, no control or reserved characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(
        character
        for character in name
        if not unicodedata.category(character).startswith("C")
        and character not in _FORBIDDEN_NAME_CHARACTERS
    )
    name = _EDGES.sub("", name)
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= MAX_EXTENSION_LENGTH:
            stem = _EDGES.sub("", stem[: MAX_NAME_LENGTH - len(extension) - 1])
            name = f"{stem}.{extension}" if stem else name[:MAX_NAME_LENGTH]
        else:
            name = name[:MAX_NAME_LENGTH]
        name = _EDGES.sub("", name)
    return name or DEFAULT_NAME


def ask_for_file_again(form, name: str, files, *, reason: str) -> None:
    """Say on the file field (and so in the error summary) which file must be chosen again.

    A browser never refills a file input, so a form shown again after an error has lost the
    file the person chose; silence would let them save without it. Nothing is said when no file
    was sent, or when the field already says what was wrong with the file itself.
    """
    upload = files.get(form.add_prefix(name)) if files else None
    if upload is None or name in form.errors:
        return
    form.add_error(name, f"Välj filen ”{safe_display_name(upload.name or '')}” igen: {reason}")


def format_size(size: int) -> str:
    """A size in MB (1 MB = 1024 × 1024 byte) or kB with a decimal comma, or in bytes."""
    if size >= MB:
        return f"{_decimal(size / MB)} MB"
    if size >= 1024:
        return f"{_decimal(size / 1024)} kB"
    return f"{size} byte"


def _decimal(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# Receiving -------------------------------------------------------------------------------------


class RefusedUpload(UploadedFile):
    """What is left of a file that passed ATTACHMENT_MAX_BYTES while it arrived: its name and
    the bytes counted, no content. `check_upload` refuses it as too large, so the form shows
    the reason beside the text the person wrote."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(io.BytesIO(), name, content_type, size)


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams a large upload to a temporary file, as Django does, but stops keeping it as soon
    as it passes ATTACHMENT_MAX_BYTES: the part already written is deleted there and then, the
    rest of the file is counted and dropped, and the other fields of the form still arrive.
    (Small uploads stay in memory: Django's MemoryFileUploadHandler, first in the list.)"""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.refused:
            return None
        if start + len(raw_data) > settings.ATTACHMENT_MAX_BYTES:
            self.refused = True
            self.upload_interrupted()  # closes and removes the temporary file
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        if self.refused:
            return RefusedUpload(self.file_name, file_size, self.content_type)
        return super().file_complete(file_size)


def largest_request_bytes() -> int:
    """The largest request body worth reading: one attachment, the form's text, and room for
    the multipart framing. Anything larger is refused before it is read."""
    return settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MB


# Reading ---------------------------------------------------------------------------------------


def _read(uploaded_file: UploadedFile, max_bytes: int) -> tuple[int, str, bytes, bytes]:
    """Size, SHA-256, the first bytes and the last PDF_EOF_WINDOW bytes, counted as read."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:  # the upload's size attribute said less than it holds
            raise _too_large(max_bytes)
        digest.update(chunk)
        if len(head) < 8:
            head += chunk[: 8 - len(head)]
        tail = (tail + chunk)[-PDF_EOF_WINDOW:]
    return size, digest.hexdigest(), head, tail


# Deciding the type -----------------------------------------------------------------------------


def _detect(file: UploadedFile, head: bytes, tail: bytes, max_bytes: int, size: int) -> str:
    if head.startswith(b"%PDF-"):
        return _check_pdf(file, head, tail)
    if head.startswith(_ZIP_HEADER):
        return _check_zip(file, max_bytes, size)
    raise _unknown_type()


def _check_pdf(file: UploadedFile, head: bytes, tail: bytes) -> str:
    file.seek(0)
    if zipfile.is_zipfile(file):
        raise ValidationError(
            "Filen är både en PDF och ett ZIP-arkiv. Sådana dubbeltydiga filer tas inte emot; "
            "spara dokumentet som PDF på nytt och ladda upp det igen.",
            code="polyglot",
        )
    if not _PDF_HEADER.match(head) or b"%%EOF" not in tail:
        raise _damaged_pdf()
    file.seek(0)
    _open_pdf(file)
    return PDF


def _open_pdf(file: UploadedFile) -> None:
    """Open the PDF with pypdf and count its pages; refuse what a reader could not show."""
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "PDF-filen är lösenordsskyddad och går inte att läsa. Spara den utan lösenord "
                "och ladda upp den igen.",
                code="encrypted",
            )
        pages = reader.trailer["/Root"].get_object()["/Pages"].get_object()
        declared = pages.get("/Count")
        count = declared if isinstance(declared, int) and declared > MAX_PDF_PAGES else None
        count = count or _count_pages(pages)
    except ValidationError:
        raise
    except (PyPdfError, DependencyError, KeyError, TypeError, ValueError, AttributeError) as error:
        # What pypdf raises on a file it cannot read (no startxref, no catalogue, a broken
        # object), and on a document encrypted with a method it cannot open.
        raise _damaged_pdf() from error
    except RecursionError as error:
        raise _damaged_pdf() from error
    if count == 0:
        raise _damaged_pdf()
    if count > MAX_PDF_PAGES:
        raise ValidationError(
            f"PDF-filen har fler än {MAX_PDF_PAGES} sidor. Så stora handlingar tas inte emot som "
            "bilaga; dela upp den eller länka till den i texten.",
            code="too_many_pages",
        )


def _count_pages(root) -> int:
    """Pages in the page tree, stopping as soon as there are more than MAX_PDF_PAGES (or the
    tree has more nodes than a tree of that many pages could need, or loops)."""
    count = 0
    steps = 0
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop().get_object()  # resolved only when reached
        steps += 1
        if steps > 2 * MAX_PDF_PAGES + 1 or id(node) in seen:
            return MAX_PDF_PAGES + 1
        seen.add(id(node))
        kids = node.get("/Kids") if hasattr(node, "get") else None
        if kids is None:
            count += 1
            if count > MAX_PDF_PAGES:
                return count
            continue
        stack.extend(reversed(kids.get_object()))
    return count


def _check_zip(file: UploadedFile, max_bytes: int, size: int) -> str:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            _check_directory(infos, max_bytes, size)
            content_type = _zip_content_type(archive, infos)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
    ) as error:
        # BadZipFile: no or a broken directory, or a bad CRC; the others: what zipfile raises on
        # a directory that contradicts itself (offsets out of range, unknown compression, ...).
        raise _damaged_zip() from error
    return content_type


def _check_directory(infos: list[zipfile.ZipInfo], max_bytes: int, size: int) -> None:
    """Refuse from the central directory alone; nothing is extracted."""
    if not infos:
        raise _unknown_type()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValidationError(
            f"Filen är ett arkiv med fler än {MAX_ZIP_ENTRIES} delar, vilket inget vanligt "
            "dokument har. Den tas inte emot.",
            code="unsafe_zip",
        )
    total_limit = min(ZIP_TOTAL_FACTOR * max_bytes, MAX_ZIP_TOTAL)
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise _encrypted()
        if not _safe_entry_name(info):
            raise ValidationError(
                "Filen innehåller delar med otillåtna sökvägar (till exempel ”..” eller en "
                "absolut sökväg) och tas inte emot.",
                code="unsafe_zip",
            )
        if info.filename in seen:
            raise ValidationError(
                "Filen innehåller samma del två gånger och går inte att tolka entydigt. Den tas "
                "inte emot.",
                code="unsafe_zip",
            )
        seen.add(info.filename)
        expanded = info.file_size > RATIO_APPLIES_ABOVE
        if expanded and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _zip_bomb()
        total += info.file_size
    if total > total_limit:
        raise _zip_bomb()
    if total > RATIO_APPLIES_ABOVE and total > MAX_RATIO * size:
        # Many parts that each stay under the per-entry check, together far larger than the file.
        raise _zip_bomb()


def _safe_entry_name(info: zipfile.ZipInfo) -> bool:
    for name in (info.orig_filename, info.filename):
        if not name or "\\" in name or "\x00" in name:
            return False
        if name.startswith("/") or _DRIVE.match(name):
            return False
        if ".." in name.split("/"):
            return False
    return True


def _zip_content_type(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    names = {info.filename for info in infos}
    looks_opendocument = "mimetype" in names
    looks_ooxml = _CONTENT_TYPES in names
    if looks_opendocument and looks_ooxml:
        raise _unknown_type()
    if looks_opendocument:
        content_type = _opendocument_type(archive, infos, names)
        if _opendocument_has_macros(archive, names):
            raise _macros()
        return content_type
    if looks_ooxml:
        content_type = _ooxml_type(names)
        if _ooxml_has_macros(archive, names):
            raise _macros()
        return content_type
    raise _unknown_type()


def _package_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A package's own small XML part, parsed; at most MAX_PACKAGE_XML bytes and no DTD (so no
    entity can expand)."""
    info = archive.getinfo(name)
    if info.file_size > MAX_PACKAGE_XML:
        raise _damaged_document("ett Office- eller OpenDocument-dokument")
    with archive.open(info) as entry:
        data = entry.read(MAX_PACKAGE_XML + 1)
    if len(data) > MAX_PACKAGE_XML or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _damaged_document("ett Office- eller OpenDocument-dokument")
    try:
        return ElementTree.fromstring(data)  # noqa: S314 - bounded, and no DTD (checked above)
    except ElementTree.ParseError as error:
        raise _damaged_document("ett Office- eller OpenDocument-dokument") from error


def _ooxml_has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Macros by what [Content_Types].xml declares (Office runs what the package declares,
    whatever the part is called), and by the usual part name as well."""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    types = _package_xml(archive, _CONTENT_TYPES)
    declared = [element.get("ContentType", "") for element in types.iter()]
    return any(_MACRO_CONTENT_TYPE.search(content_type) for content_type in declared)


def _opendocument_has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Macros by the manifest: Basic libraries and scripts are parts under Basic/ or Scripts/
    (or of a script media type); an archive holding such parts unlisted counts too."""
    if any(name.startswith(_ODF_MACRO_FOLDERS) for name in names):
        return True
    if _ODF_MANIFEST not in names:
        return False
    for element in _package_xml(archive, _ODF_MANIFEST).iter():
        path = element.get(_ODF_FULL_PATH, "")
        media_type = element.get(_ODF_MEDIA_TYPE, "")
        if path.startswith(_ODF_MACRO_FOLDERS) or _ODF_MACRO_MEDIA_TYPE.search(media_type):
            return True
    return False


def _opendocument_type(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], names: set[str]
) -> str:
    first = infos[0]
    if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        raise _damaged_document("ett OpenDocument-dokument")
    with archive.open(first) as entry:
        mimetype = entry.read(MIMETYPE_READ_CAP)
    if mimetype != _ODT_MIMETYPE:
        if _OTHER_OPENDOCUMENT.fullmatch(mimetype):  # a spreadsheet, a presentation, ...
            raise _unknown_type()
        raise _damaged_document("ett OpenDocument-dokument")
    if "content.xml" not in names:
        raise _damaged_document("ett OpenDocument-dokument")
    return ODT


def _ooxml_type(names: set[str]) -> str:
    is_word = any(name.startswith("word/") for name in names)
    is_excel = any(name.startswith("xl/") for name in names)
    if is_word and is_excel:
        raise _unknown_type()
    if is_word:
        if "word/document.xml" not in names:
            raise _damaged_document("ett Word-dokument")
        content_type = DOCX
    elif is_excel:
        if "xl/workbook.xml" not in names:
            raise _damaged_document("en Excel-fil")
        content_type = XLSX
    else:
        raise _unknown_type()
    return content_type


# Messages --------------------------------------------------------------------------------------


def _macros() -> ValidationError:
    return ValidationError(
        "Filen innehåller makron, som inte tillåts i bilagor. Spara dokumentet utan makron "
        "(som .docx, .xlsx eller .odt) och ladda upp det igen.",
        code="macros",
    )


def _damaged_pdf() -> ValidationError:
    return ValidationError(
        "Filen ser ut att vara en PDF men är ofullständig eller skadad. Spara den på nytt "
        "och ladda upp den igen.",
        code="damaged",
    )


def _encrypted() -> ValidationError:
    return ValidationError(
        "Filen är krypterad eller lösenordsskyddad. Ta bort skyddet och ladda upp den igen.",
        code="encrypted",
    )


def _empty() -> ValidationError:
    return ValidationError("Filen är tom.", code="empty")


def _too_large(max_bytes: int) -> ValidationError:
    limit = format_size(max_bytes)
    return ValidationError(
        f"Filen är större än {limit}. Största tillåtna storlek är {limit}.", code="too_large"
    )


def _unknown_type() -> ValidationError:
    names = list(ALLOWED.values())
    listed = ", ".join(names[:-1]) + " eller " + names[-1]
    return ValidationError(
        f"Filens innehåll är inte {listed}, vad filnamnet än säger.", code="unknown_type"
    )


def _damaged_zip() -> ValidationError:
    return ValidationError(
        "Filen ser ut att vara ett Word-, Excel- eller OpenDocument-dokument men är skadad och "
        "går inte att läsa.",
        code="damaged",
    )


def _damaged_document(what: str) -> ValidationError:
    return ValidationError(
        f"Filen ser ut att vara {what} men är skadad eller packad på ett sätt som inte tillåts.",
        code="damaged",
    )


def _zip_bomb() -> ValidationError:
    return ValidationError(
        "Filen packas upp till en orimligt stor mängd data (en så kallad zip-bomb) och tas inte "
        "emot.",
        code="unsafe_zip",
    )
