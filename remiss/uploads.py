"""Checking an uploaded attachment (bilaga) by what it contains, before it is stored.

The file name and the content type a browser sends are both chosen by the uploader: a name ending
in ".pdf" and the type "application/pdf" say nothing about the bytes. An HTML page or a program
renamed to "yttrande.pdf" would otherwise be stored and later handed to every reader of the case.
So `check_upload` ignores both and decides the type from the content alone:

- PDF: the bytes start with "%PDF-1.x" (or 2.x) and "%%EOF" is among the last 2048 bytes.
- Word (DOCX), Excel (XLSX) and OpenDocument text (ODT) are ZIP archives. The archive is judged
  from its central directory (names and the sizes it declares) without extracting anything, so
  that a zip bomb is refused before anyone unpacks it: no encrypted entries, no entry names that
  could escape a folder, a bounded number of entries and total size, and no entry that expands
  more than 100 times. Python's zipfile never yields more than the size the directory declares,
  so those declared sizes also bound whoever unpacks the file later.
- A file that is two things at once (a PDF that is also a ZIP archive) is refused: a reader that
  picks the other interpretation would see something that was never checked.

The user's file name is kept only as a display label, cleaned so that it cannot carry a path,
control characters or characters that file systems reserve. The file is stored under a name of
our choosing with the extension of the detected type (see `remiss.models.attachment_path`).

Every refusal is a ValidationError whose message says, in Swedish, why the file was refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

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
MAX_ZIP_TOTAL = 500 * MB  # uncompressed, whatever max_bytes is
ZIP_TOTAL_FACTOR = 20  # uncompressed may be at most this many times max_bytes
MAX_RATIO = 100  # for entries larger than RATIO_APPLIES_ABOVE
RATIO_APPLIES_ABOVE = 1 * MB
MIMETYPE_READ_CAP = 100
MAX_NAME_LENGTH = 200
MAX_EXTENSION_LENGTH = 16
DEFAULT_NAME = "bilaga"

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_ZIP_HEADER = b"PK\x03\x04"
_ODT_MIMETYPE = ODT.encode("ascii")
_OTHER_OPENDOCUMENT = re.compile(rb"application/vnd\.oasis\.opendocument\.[a-z-]+(\.[a-z-]+)?")
_CONTENT_TYPES = "[Content_Types].xml"
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
        content_type = _detect(uploaded_file, head, tail, max_bytes)
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


def _detect(file: UploadedFile, head: bytes, tail: bytes, max_bytes: int) -> str:
    if head.startswith(b"%PDF-"):
        return _check_pdf(file, head, tail)
    if head.startswith(_ZIP_HEADER):
        return _check_zip(file, max_bytes)
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
        raise ValidationError(
            "Filen ser ut att vara en PDF men är ofullständig eller skadad. Spara den på nytt "
            "och ladda upp den igen.",
            code="damaged",
        )
    return PDF


def _check_zip(file: UploadedFile, max_bytes: int) -> str:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            _check_directory(infos, max_bytes)
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


def _check_directory(infos: list[zipfile.ZipInfo], max_bytes: int) -> None:
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
            raise ValidationError(
                "Filen är krypterad eller lösenordsskyddad. Ta bort skyddet och ladda upp den "
                "igen.",
                code="encrypted",
            )
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
        return _opendocument_type(archive, infos, names)
    if looks_ooxml:
        return _ooxml_type(names)
    raise _unknown_type()


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
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(
            "Filen innehåller makron, som inte tillåts i bilagor. Spara dokumentet utan makron "
            "(som .docx eller .xlsx) och ladda upp det igen.",
            code="macros",
        )
    return content_type


# Messages --------------------------------------------------------------------------------------


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
