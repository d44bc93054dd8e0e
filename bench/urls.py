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


urlpatterns = [*portal, path("bench/tom/", empty)]
