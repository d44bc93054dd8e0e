"""The registrator's button: the closed case as an FGS package, downloaded as a ZIP."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from remiss.archive import access, fgs, validation

logger = logging.getLogger(__name__)


def _package_response(request: HttpRequest, case_of, back: str) -> HttpResponse:
    try:
        package = fgs.build(case_of())
    except fgs.NotReady as reason:
        return render(
            request, "archive/not_ready.html", {"reason": str(reason), "back": back}, status=409
        )
    problems = validation.problems(package.files)
    if problems:  # never hand the archive a package that does not hold up
        logger.error("FGS-paketet för %s validerar inte: %s", package.case.key, problems)
        return render(
            request,
            "archive/not_ready.html",
            {"reason": "Paketet kunde inte valideras och har inte lämnats ut.", "back": back},
            status=500,
        )
    response = HttpResponse(package.zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, fgs.filename(package))
    return response


@require_safe
@login_required
def export_recipient(request: HttpRequest, pk: int) -> HttpResponse:
    """Remissinstansens ärende som FGS-paket."""
    recipient = access.get_recipient(request.user, pk)
    return _package_response(
        request, lambda: fgs.recipient_case(recipient), back=f"/arenden/{recipient.pk}/"
    )


@require_safe
@login_required
def export_remiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Remissomgången (remittentens ärende) som FGS-paket."""
    remiss = access.get_remiss(request.user, pk)
    return _package_response(
        request, lambda: fgs.remiss_case(remiss), back=f"/remisser/{remiss.pk}/"
    )
