"""Operations: one structured log line per request, the request id on every log line.

`RequestLogMiddleware` gives each request an id (the proxy's X-Request-ID when it sends a sane
one, else a fresh one), returns it in the response's X-Request-ID header, and when the response
is done logs one line with the method, path, status, duration and the user's id (never a name).
`RequestContextFilter` puts the id on every record logged during the request, and
`JsonLinesFormatter` writes each record as one JSON object per line, for a log collector.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from remiss import metrics

logger = logging.getLogger("remiss.requests")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _user_id(request: HttpRequest) -> int | None:
    """The logged-in user's id, if anything in the request looked the user up (so that a static
    file or the health check does not load a session just to be logged)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            view = match.view_name if match else ("static" if response.status_code < 400 else "-")
            metrics.observe_request(request.method or "-", view, response.status_code, duration)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# The fields a record may carry besides the message (from `extra=`), written when present.
EXTRA_FIELDS = ("method", "path", "view", "status", "duration_ms", "user_id", "task", "worker_id")


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
