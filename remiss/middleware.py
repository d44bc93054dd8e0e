"""A number no database can hold is a bad request, not a server error.

SQLite raises OverflowError for an integer wider than 64 bits when a form looks it up as an id
(choices of organisations, people, meetings); PostgreSQL just finds nothing. This turns the
SQLite case into a 400 page in Swedish. (NUL characters, which PostgreSQL refuses, are removed
where free text is read: remiss.numbers.text.)

SwedishErrorPagesInDevelopment shows the portal's own 404 and 500 pages when DEBUG is on.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

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


class SwedishErrorPagesInDevelopment:
    """With DEBUG on, "Sidan finns inte" and "Ett fel uppstod" are still the portal's own pages.

    Django shows its English technical pages for a 404 and a 500 when DEBUG is on, so what
    people try in development (`make run`, the demo) is not what they get in production. This
    renders templates/404.html and 500.html instead; the traceback of a 500 goes to the log
    (the console of runserver), as it does in production. With DEBUG off it does nothing:
    Django's own handlers already use the same templates.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                # An address no URL pattern knows never reaches a view (or process_exception).
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                return render(request, "404.html", status=404)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django answers these with the Swedish 403 and 400 pages already
        logger.error(
            "Internt serverfel: %s", request.path, exc_info=exception, extra={"request": request}
        )
        # Like Django's own handler500: the page without a context, so it cannot fail again.
        return HttpResponseServerError(render_to_string("500.html"))


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


# A session is renewed (written, with a fresh expiry and cookie) at most this often: a tenth of
# the idle time, and never less often than every five minutes.
RENEWED_KEY = "_renewed"


def renewal_interval_seconds() -> int:
    return max(1, min(300, settings.SESSION_COOKIE_AGE // 10))


class SessionRenewedNowAndThen:
    """The idle timeout without a write per request.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session (cache and database row) on every
    request to move its expiry; on a logged-in page that write was half the time of an empty
    view. Here a request renews the session only when its last renewal is older than
    `renewal_interval_seconds()`: the session then ends between SESSION_COOKIE_AGE minus that
    interval and SESSION_COOKIE_AGE after the person's last request, never later than the
    configured idle time. An empty (anonymous, never written) session is not touched, so
    static files and public pages create no session.

    Kept forms (kept_forms.py) are unaffected: they are written to the session when a form is
    posted after it has ended, whatever renewed it last.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # accessed: something in the request read the session (the logged-in user, a message);
        # a page that never looked at it (a static file, /halsa/) renews nothing.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(RENEWED_KEY)
        stale = not isinstance(last, int) or now - last >= renewal_interval_seconds()
        if session.modified or stale:
            session[RENEWED_KEY] = now
        return response


class ChosenLanguage:
    """The language of the pages: the one the person chose with the switch, else Swedish.

    Django's set_language view (/i18n/setlang/, the switch in base.html) stores the choice in
    the language cookie. Unlike Django's LocaleMiddleware this never reads the browser's
    Accept-Language: a browser set to English still gets the Swedish portal until its user
    asks for English. The language is active only while the request is answered, so work done
    outside a request (the durable jobs, documents, mail) stays in Swedish.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
