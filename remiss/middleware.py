"""A number no database can hold is a bad request, not a server error.

SQLite raises OverflowError for an integer wider than 64 bits when a form looks it up as an id
(choices of organisations, people, meetings); PostgreSQL just finds nothing. This turns the
SQLite case into a 400 page in Swedish. (NUL characters, which PostgreSQL refuses, are removed
where free text is read: remiss.numbers.text.)
"""

import logging

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from remiss.uploads import format_size, largest_request_bytes

logger = logging.getLogger(__name__)


class UnstorableInputIsABadRequest:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.info("För stort tal i begäran till %s: %s", request.path, exception)
            return render(request, "400.html", status=400)
        return None


class TooLargeRequestRefused:
    """A body larger than any form can need is refused from its Content-Length, before a byte of
    it is read or stored: 413, in Swedish, with the way back to the form (the browser keeps what
    was typed). A single file over the attachment limit is refused by the form instead, beside
    the text (uploads.SizeLimitedUploadHandler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = largest_request_bytes()
        if length > limit:
            logger.info("För stor begäran till %s: %d byte", request.path, length)
            return render(request, "413.html", {"limit": format_size(limit)}, status=413)
        return self.get_response(request)


class LoggedInPagesAreNotStored:
    """Every response to a logged-in person carries `Cache-Control: no-store` (and private), so
    neither a shared computer's browser cache nor a proxy keeps a page or file someone else may
    open after logout with the back button."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
