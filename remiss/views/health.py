"""Operations: the liveness check that load balancers and the benchmark's baseline call."""

from django.http import HttpRequest, HttpResponse


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's baseline: the smallest page Django serves."""
    return HttpResponse("ok", content_type="text/plain")
