"""Rate limits for both APIs: a fixed window per client in Django's cache.

One counter per client and minute: the OParl API counts per address, the integration API per
token. Past the limit the answer is 429 with Retry-After. The cache must be shared by every
process for the limit to hold across them (in production: Django's database or Redis cache);
with the default local-memory cache each process counts for itself.
"""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "okänd"


def hit(key: str, limit: int, *, now: float | None = None) -> int | None:
    """Count one request for `key`; None while within `limit` a minute, else the seconds until
    the window ends."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    cache_key = f"api-rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        return max(1, int((window + 1) * WINDOW_SECONDS - now))
    return None


def too_many(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {"error": "För många anrop. Vänta en stund och försök igen.", "retry_after": retry_after},
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit_by_address(scope: str) -> Callable:
    """Limit a view to API_RATE_LIMIT_PER_MINUTE requests a minute from one address."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            wait = hit(f"{scope}:{client_address(request)}", settings.API_RATE_LIMIT_PER_MINUTE)
            if wait is not None:
                return too_many(wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
