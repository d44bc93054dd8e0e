"""Operations: liveness and readiness for load balancers, and the Prometheus metrics."""

import contextlib
import hmac
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from remiss import metrics

logger = logging.getLogger(__name__)


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's baseline: the smallest page Django serves."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"halsa:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was just written")
    cache.delete(key)


def _storage() -> None:
    # The top folder's listing: for a bucket, proves the service answers, the bucket exists and
    # the keys let us in. A local folder not made yet is fine: the first upload makes it.
    with contextlib.suppress(FileNotFoundError):
        default_storage.listdir("")


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Redo: can this app server take requests? Tests the database, the cache and the file
    storage; 503 naming what failed (the details go to the log, not to the caller)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Redo-kontrollen misslyckades: %s", name)
            results[name] = "fel"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fel", "checks": results}, status=200 if healthy else 503
    )


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


@never_cache
def prometheus(request: HttpRequest) -> HttpResponse:
    """Metrics for Prometheus: only for the bearer token or the listed addresses (404 for anyone
    else, so that the page's existence does not show)."""
    if not _may_scrape(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
