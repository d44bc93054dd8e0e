"""Frozen documents: ordered when a decision is justified, rendered by durable jobs, stored,
verified on every read.

When the council's decision stands (justified), the PDFs are made from the data as it then is
(and the data can no longer change: the statement's text is frozen, the decision final):

- the tjänsteutlåtande and the protokollsutdrag, each PDF/A-2a (pdf.py);
- the reply (yttrande) that the sender receives, PDF/A-3a: extract and statement as tagged
  pages, and every attachment of the statement embedded with its original bytes.

`schedule` writes one row per document in the decision's transaction and orders one task per
document (remiss/tasks.py): each is rendered on its own, so a document that cannot be made
(an attachment that is not what it claims to be) fails alone, with its reason, and is retried
with backoff; the others are done. Each is stored through Django's file storage with its
SHA-256 and served from storage ever after. A file whose checksum no longer matches is logged
and refused, never silently replaced by a fresh rendering.

A kind of document is made by a renderer registered with `renderer(kind)`: a function of the
StoredDocument that returns a `Rendered`. The meeting's protokoll and kallelse plug in here.
"""

import contextlib
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.tasks import TaskContext, task
from django.utils import timezone

from remiss import tasks
from remiss.models import Decision, StoredDocument

logger = logging.getLogger(__name__)
Kind = StoredDocument.Kind
State = StoredDocument.State


class TamperedDocument(Exception):
    """The stored file is not the one that was archived."""


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str  # the name it is downloaded under
    pdfa: bool


RENDERERS: dict[str, Callable[[StoredDocument], Rendered]] = {}


def renderer(kind: str):
    """Register the function that makes documents of this kind."""

    def register(function: Callable[[StoredDocument], Rendered]):
        RENDERERS[kind] = function
        return function

    return register


def kinds_for(decision: Decision) -> list[str]:
    """The documents a justified decision gets: the extract always; the statement and the
    reply when the paragraph decided a statement."""
    if decision.item.statement_id is None or not decision.is_final:
        return [Kind.EXTRACT]
    if not decision.sends_reply:  # avslag without an own yttrande: no reply is made
        return [Kind.EXTRACT, Kind.STATEMENT]
    return [Kind.EXTRACT, Kind.STATEMENT, Kind.REPLY]


def schedule(decision: Decision) -> list[StoredDocument]:
    """Order the documents of a justified decision, in the caller's transaction: the rows, and
    one task each (see remiss/tasks.py for when it runs)."""
    ordered = []
    for kind in kinds_for(decision):
        document, created = StoredDocument.objects.get_or_create(decision=decision, kind=kind)
        if created:
            tasks.enqueue(render_document, document.pk)
        ordered.append(document)
    return ordered


@task(takes_context=True)
def render_document(context: TaskContext, document_id: int) -> bool:
    """Skapa handlingen: one attempt at rendering and storing one document."""
    return tasks.run(
        StoredDocument, document_id, _render_and_store, render_document, tasks.worker_of(context)
    )


def recover(*, failed: bool = False, only: list[int] | None = None) -> int:
    """Put stuck documents back on the queue (see tasks.recover)."""
    return tasks.recover(StoredDocument, render_document, failed=failed, only=only)


def render_pending(decision_id: int) -> None:
    """Render, here and now, every document of the decision not yet done (tests, the shell)."""
    for document in StoredDocument.objects.filter(decision_id=decision_id).exclude(
        state=State.READY
    ):
        StoredDocument.objects.filter(pk=document.pk).update(
            state=State.PENDING, next_attempt_at=None
        )
        # A failure is recorded on the row and logged; the others still get their turn.
        with contextlib.suppress(Exception):
            tasks.run(StoredDocument, document.pk, _render_and_store, render_document)


def _render_and_store(document: StoredDocument) -> None:
    made = RENDERERS[document.kind](document)
    digest = hashlib.sha256(made.content).hexdigest()
    document.file.save(f"{digest}.pdf", ContentFile(made.content), save=False)
    # Only the attempt that still holds the claim writes (tasks.run then marks it done).
    StoredDocument.objects.filter(
        pk=document.pk, state=State.RUNNING, attempts=document.attempts
    ).update(
        file=document.file.name,
        sha256=digest,
        size=len(made.content),
        filename=made.filename,
        pdfa=made.pdfa,
        rendered_at=timezone.now(),
    )


def _decision(document: StoredDocument) -> Decision:
    return Decision.objects.select_related(
        "item__meeting__organisation",
        "item__statement__recipient__remiss",
        "item__statement__recipient__organisation",
        "item__statement__case_officer",
    ).get(pk=document.decision_id)


@renderer(Kind.EXTRACT)
def _extract(document: StoredDocument) -> Rendered:
    from remiss import pdf

    decision = _decision(document)
    return Rendered(pdf.extract_pdf(decision), pdf.filename_for_extract(decision), pdfa=True)


@renderer(Kind.STATEMENT)
def _statement(document: StoredDocument) -> Rendered:
    from remiss import pdf

    statement = _decision(document).item.statement
    return Rendered(pdf.statement_pdf(statement), pdf.filename_for_statement(statement), pdfa=True)


@renderer(Kind.REPLY)
def _reply(document: StoredDocument) -> Rendered:
    from remiss import pdf

    decision = _decision(document)
    statement = decision.item.statement
    files = []
    for number, attachment in enumerate(statement.attachments.order_by("position", "pk"), 1):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        stored = attachment.file.name.rsplit("/", 1)[-1]  # checksum + the detected type's suffix
        name = attachment.original_name or stored
        suffix = "." + stored.rsplit(".", 1)[-1] if "." in stored else ""
        if not name.lower().endswith(suffix.lower()):  # the reader picks the program by suffix
            name += suffix
        files.append(
            pdf.EmbeddedFile(
                name=pdf.safe_filename(f"Bilaga {number} {name}"),
                title=attachment.title,
                content=content,
            )
        )
    filename = pdf.safe_filename(
        f"Yttrande {statement.recipient.organisation.name} "
        f"{decision.item.meeting.date:%Y-%m-%d} § {decision.item.number}"
    )
    return Rendered(pdf.reply_pdf(decision, files), filename + ".pdf", pdfa=True)


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
