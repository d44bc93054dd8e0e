"""Frozen documents: rendered once when a decision is justified, stored, verified on every read.

When the council's decision stands (justified), three PDFs are made from the data as it then is
(and the data can no longer change: the statement's text is frozen, the decision final):

- the tjänsteutlåtande and the protokollsutdrag, each PDF/A-2a (pdf.py);
- the reply (yttrande) that the sender receives: extract, statement and the statement's PDF
  attachments in one file with bookmarks. Appending attachments that are not themselves
  archival would make a false PDF/A claim, so the reply is a delivery copy; the archival
  records are the two PDF/A files beside it.

Each is stored through Django's file storage with its SHA-256 and served from storage ever
after. A file whose checksum no longer matches is logged and refused, never silently replaced
by a fresh rendering.
"""

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from remiss.models import Decision, StoredDocument

logger = logging.getLogger(__name__)
Kind = StoredDocument.Kind


class TamperedDocument(Exception):
    """The stored file is not the one that was archived."""


def schedule(decision: Decision) -> None:
    """Order the documents of a justified decision; they are rendered after commit, by the
    task backend (at once by default, by a worker in production)."""
    if decision.item.statement_id is None or not decision.is_final:
        kinds = [Kind.EXTRACT]
    else:
        kinds = [Kind.EXTRACT, Kind.STATEMENT, Kind.REPLY]
    for kind in kinds:
        StoredDocument.objects.get_or_create(decision=decision, kind=kind)

    def enqueue():
        from remiss.tasks import render_documents

        render_documents.enqueue(decision.pk)

    transaction.on_commit(enqueue)


def render_pending(decision_id: int) -> None:
    """Render and store every document of the decision still waiting."""
    from remiss import pdf

    decision = Decision.objects.select_related(
        "item__meeting__organisation", "item__statement__recipient__remiss"
    ).get(pk=decision_id)
    pending = {
        document.kind: document
        for document in StoredDocument.objects.filter(
            decision=decision, state__in=[StoredDocument.State.PENDING, StoredDocument.State.FAILED]
        )
    }
    if not pending:
        return
    rendered: dict[str, bytes] = {}
    statement = decision.item.statement
    try:
        rendered[Kind.EXTRACT] = pdf.extract_pdf(decision)
        if statement is not None and {Kind.STATEMENT, Kind.REPLY} & pending.keys():
            rendered[Kind.STATEMENT] = pdf.statement_pdf(statement)
            rendered[Kind.REPLY] = reply_pdf(
                decision, extract=rendered[Kind.EXTRACT], statement=rendered[Kind.STATEMENT]
            )
    except Exception as error:  # a failed rendering is recorded and can be retried
        logger.exception("Kunde inte skapa handlingarna för beslut %s", decision_id)
        StoredDocument.objects.filter(pk__in=[d.pk for d in pending.values()]).update(
            state=StoredDocument.State.FAILED, error=str(error)[:2000]
        )
        return
    names = {
        Kind.EXTRACT: pdf.filename_for_extract(decision),
        Kind.STATEMENT: pdf.filename_for_statement(statement) if statement else "",
        Kind.REPLY: (
            f"Yttrande {statement.recipient.organisation.name} "
            f"{decision.item.meeting.date:%Y-%m-%d} § {decision.item.number}.pdf"
            if statement
            else ""
        ),
    }
    for kind, document in pending.items():
        _store(document, rendered[kind], names[kind], pdfa=kind != Kind.REPLY)


def _store(document: StoredDocument, content: bytes, filename: str, *, pdfa: bool) -> None:
    digest = hashlib.sha256(content).hexdigest()
    document.file.save(f"{digest}.pdf", ContentFile(content), save=False)
    document.sha256 = digest
    document.size = len(content)
    document.filename = filename
    document.pdfa = pdfa
    document.state = StoredDocument.State.READY
    document.rendered_at = timezone.now()
    document.error = ""
    document.save()


def reply_pdf(decision: Decision, *, extract: bytes, statement: bytes) -> bytes:
    """The reply as delivered: extract, statement and PDF attachments, with bookmarks."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    item = decision.item
    parts = [
        (f"Protokollsutdrag § {item.number}", extract),
        ("Tjänsteutlåtande", statement),
    ]
    for number, attachment in enumerate(item.statement.attachments.all(), start=1):
        if attachment.content_type != "application/pdf":
            continue
        with attachment.file.open("rb") as handle:
            parts.append((f"Bilaga {number}: {attachment.title}", handle.read()))
    for title, content in parts:
        first_page = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(content)), import_outline=False)
        writer.add_outline_item(title=title, page_number=first_page)
    writer.add_metadata(
        {
            "/Title": f"Yttrande: {item.statement.title}",
            "/Author": item.meeting.organisation.name,
            "/Subject": item.statement.reference_line,
            "/Keywords": ", ".join(
                filter(
                    None,
                    [
                        item.statement.recipient.remiss.registration_number,
                        item.statement.recipient.registration_number,
                    ],
                )
            ),
        }
    )
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def open_verified(document: StoredDocument):
    """The stored file, opened, after checking that it is the one that was archived."""
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(64 * 1024), b""):
            digest.update(chunk)
    if digest.hexdigest() != document.sha256:
        logger.error(
            "Arkiverad handling %s (%s) har ändrats: väntade SHA-256 %s, fick %s",
            document.pk,
            document.file.name,
            document.sha256,
            digest.hexdigest(),
        )
        raise TamperedDocument(document)
    return document.file.open("rb")
