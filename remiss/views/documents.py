"""PDFs: archived documents served from storage after a checksum check, and previews of
documents not yet justified (marked UTKAST until signed), rendered by a job (remiss/previews.py)
and served from storage once it is done."""

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from remiss import documents, pdf, permissions, previews
from remiss.models import Decision, Preview, StoredDocument

logger = logging.getLogger(__name__)

# The waiting page of a preview asks again after this many seconds (portal.js, quietly; without
# scripts a meta refresh reloads the page); the worker lays a statement out in a second or two.
# A failed rendering with an automatic retry ahead is asked about at the slower pace.
PREVIEW_RELOAD_SECONDS = 3
PREVIEW_RETRY_RELOAD_SECONDS = 30


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
    """The statement as PDF: the archived one once justified, else a preview (UTKAST until
    signed)."""
    statement = permissions.get_statement(request.user, pk)
    archived = StoredDocument.objects.filter(
        decision__item__statement=statement, kind=StoredDocument.Kind.STATEMENT
    ).first()
    if archived is not None:
        return redirect("document", pk=archived.pk)
    return serve_preview(
        request,
        kind=Preview.Kind.STATEMENT,
        object_id=statement.pk,
        html=lambda: pdf.statement_html(statement),
        filename=pdf.filename_for_statement(statement),
    )


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
    return serve_preview(
        request,
        kind=Preview.Kind.EXTRACT,
        object_id=decision.pk,
        html=lambda: pdf.extract_html(decision),
        filename=pdf.filename_for_extract(decision),
    )


def serve_preview(
    request: HttpRequest, *, kind: str, object_id: int, html: Callable[[], str], filename: str
) -> HttpResponse:
    """A preview, for a person the caller has checked: the PDF when it is rendered, else (202) a
    page that says it is being prepared and reloads itself, or that it failed, with a button to
    try again (a POST to the same address, then back to it)."""
    preview = previews.order(kind=kind, object_id=object_id, html=html, filename=filename)
    if request.method == "POST":
        previews.retry(preview)
        return redirect(request.path)
    for _ in range(2):  # once more when the file has gone from storage: rendered anew
        if preview.state != Preview.State.READY:
            break
        try:
            with preview.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            logger.error("Förhandsvisning %s saknas i lagringen: %s", preview.pk, preview.file.name)
            previews.forget(preview)
            preview = previews.order(kind=kind, object_id=object_id, html=html, filename=filename)
            continue
        # Read whole (a draft of a few pages), so the response is complete before it is sent.
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, preview.filename)
        return response
    return waiting_page(request, preview)


def waiting_page(
    request: HttpRequest,
    job,
    *,
    may_retry: bool = True,
    back: tuple[str, str] | None = None,
) -> HttpResponse:
    """202: the PDF of a job (a preview, an issued kallelse) is being made, and the page reloads
    itself until it is; or its rendering failed, with a button to try again (a POST to the same
    address) where the person `may_retry`. `job` has the Job fields and `definite`; `back`, the
    address and text of the way back (Mina ärenden when not given)."""
    failed = job.state == job.State.FAILED
    reload = PREVIEW_RELOAD_SECONDS if not failed else None
    if failed and not job.gave_up:
        reload = PREVIEW_RETRY_RELOAD_SECONDS
    response = render(
        request,
        "remiss/preview_pending.html",
        {
            "preview": job,
            "reload_seconds": reload,
            "may_retry": may_retry,
            "back_url": back[0] if back else "",
            "back_label": back[1] if back else "",
        },
        status=202,
    )
    response["X-Preview-State"] = str(job.state)  # for the page's quiet polling (portal.js)
    return response
