"""PDFs: archived documents served from storage after a checksum check, and live previews of
documents not yet justified (marked UTKAST until signed)."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from remiss import documents, pdf, permissions
from remiss.models import Decision, StoredDocument

logger = logging.getLogger(__name__)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def stored_document(request: HttpRequest, pk: int) -> HttpResponse:
    document = permissions.get_document(request.user, pk)
    if document.state != StoredDocument.State.READY:
        return render(request, "remiss/document_pending.html", {"document": document}, status=202)
    return serve_archived(request, document)


def serve_archived(request: HttpRequest, document: StoredDocument) -> HttpResponse:
    """An archived file from storage, after its checksum check; a file that no longer matches
    (or is missing) is refused and logged, never replaced by a fresh rendering."""
    try:
        handle = documents.open_verified(document)
    except documents.TamperedDocument:
        return render(request, "remiss/document_tampered.html", {"document": document}, status=500)
    except FileNotFoundError:
        logger.error(
            "Arkiverad handling %s saknas i lagringen: %s", document.pk, document.file.name
        )
        return render(request, "remiss/document_tampered.html", {"document": document}, status=500)
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
    )


@login_required
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement as PDF: the archived one once justified, else rendered now."""
    statement = permissions.get_statement(request.user, pk)
    archived = StoredDocument.objects.filter(
        decision__item__statement=statement, kind=StoredDocument.Kind.STATEMENT
    ).first()
    if archived is not None:
        return redirect("document", pk=archived.pk)
    return _pdf_response(pdf.statement_pdf(statement), pdf.filename_for_statement(statement))


@login_required
def extract_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The protokollsutdrag of one paragraph: archived once justified, else a marked draft."""
    meeting = permissions.get_meeting(request.user, pk)
    decision = (
        Decision.objects.filter(item__meeting=meeting, item__number=number)
        .select_related("item__meeting__organisation", "item__statement__recipient__remiss")
        .first()
    )
    if decision is None:
        return render(
            request, "404.html", {"exception": "Paragrafen har inget beslut ännu."}, status=404
        )
    archived = decision.documents.filter(kind=StoredDocument.Kind.EXTRACT).first()
    if archived is not None:
        return redirect("document", pk=archived.pk)
    return _pdf_response(pdf.extract_pdf(decision), pdf.filename_for_extract(decision))
