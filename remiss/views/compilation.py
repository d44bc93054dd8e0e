"""Sammanställning: the sender's compilation of every delivered reply to a remiss, as a page and
as CSV, XLSX and PDF. Only members of the sending organisation see it (404 for anyone else), and
only delivered replies are in it (remiss.compilation reads nothing else). The files themselves
are built in remiss.exports."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from remiss import compilation as read_model
from remiss import exports, permissions
from remiss.models import Preview
from remiss.views.documents import serve_preview


def _compilation(request: HttpRequest, pk: int) -> read_model.Compilation:
    remiss = permissions.get_sent_remiss(request.user, pk)
    return read_model.build(remiss)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_safe
def compilation(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "remiss/compilation.html", {"compilation": _compilation(request, pk)})


@login_required
@require_safe
def compilation_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Semicolons for Swedish Excel; `?avgransare=komma` gives commas (else: semicolons)."""
    result = _compilation(request, pk)
    comma = request.GET.get("avgransare") == "komma"
    return _download(
        exports.csv_bytes(result, delimiter=exports.COMMA if comma else exports.SEMICOLON),
        "text/csv; charset=utf-8",
        f"{result.filename_stem}.csv",
    )


@login_required
@require_safe
def compilation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    result = _compilation(request, pk)
    return _download(
        exports.workbook_bytes(result), exports.XLSX_TYPE, f"{result.filename_stem}.xlsx"
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def compilation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A preview, not an archived document: a compilation changes with every reply that comes
    in (the replies themselves are archived). Rendered by a job, once per content (see
    remiss/previews.py); a POST tries a failed rendering again."""
    result = _compilation(request, pk)
    return serve_preview(
        request,
        kind=Preview.Kind.COMPILATION,
        object_id=result.remiss.pk,
        html=lambda: exports.compilation_html(result),
        filename=f"{result.filename_stem}.pdf",
    )
