"""The portal's URLs and /bench/tom/: a logged-in view that does nothing (bench/load.py).

What a logged-in request costs before a page does any work of its own: the middleware, the
session, the user. Only the load benchmark serves it (bench/settings.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from remiss.urls import urlpatterns as portal


@login_required
def empty(request):
    return HttpResponse("", content_type="text/plain")


# First, as the start page is: placed after the portal's ninety-odd patterns, resolving its
# address alone cost 0.3 ms, a sixth of the empty view's time, which no page of the portal pays.
urlpatterns = [path("bench/tom/", empty), *portal]
