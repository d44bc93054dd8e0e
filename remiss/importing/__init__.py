"""Importing an existing tjänsteutlåtande (Importera tjänsteutlåtande).

`read_upload` checks an uploaded file (remiss.uploads for PDF and office files; plain text is
decoded here), takes its text out with the format's library (extract) and finds the parts of
the statement in it (structure). Nothing is stored: the views keep the result as a pending
import (remiss.models.StatementImport) until the person has reviewed it and saves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from remiss.importing.extract import TEXT, UnreadableDocument, decode_text, lines_of
from remiss.importing.structure import ImportedStatement, recognise
from remiss.uploads import CheckedUpload, check_upload, safe_display_name

__all__ = ["ImportedStatement", "UnreadableDocument", "read_bytes", "read_upload"]

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReadUpload:
    checked: CheckedUpload
    data: bytes
    statement: ImportedStatement


def read_upload(upload: UploadedFile, *, max_bytes: int = MAX_BYTES) -> ReadUpload:
    """Check the file and recognise the statement in it; a ValidationError says why not."""
    checked = _check(upload, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    return ReadUpload(checked, data, read_bytes(data, checked.content_type))


def read_bytes(data: bytes, content_type: str) -> ImportedStatement:
    return recognise(lines_of(data, content_type))


def _check(upload: UploadedFile, max_bytes: int) -> CheckedUpload:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith((b"%PDF-", b"PK\x03\x04")) or not head:
        return check_upload(upload, max_bytes=max_bytes)  # empty files are refused there
    # Not a PDF nor an office file: only plain text is left.
    if upload.size is not None and upload.size > max_bytes:
        check_upload(upload, max_bytes=max_bytes)  # raises the size message
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        check_upload(upload, max_bytes=max_bytes)
    try:
        decode_text(data)
    except UnreadableDocument as error:
        raise ValidationError(error.messages[0], code="unknown_type") from error
    return CheckedUpload(
        content_type=TEXT,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=safe_display_name(upload.name or ""),
        extension=".txt",
    )
