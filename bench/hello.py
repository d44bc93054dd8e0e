"""The framework's ceiling: a bare Django app with one view that answers "Hej" (bench/load.py).

Served by the load benchmark with the same gunicorn settings and measured with the same client
as the portal, so that each page can be given as a fraction of what Django itself can do on this
machine: no middleware, no database, no templates, no session.
"""

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-hello-not-secret",  # noqa: S106 - answers "Hej" on loopback only
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()


def hello(request):
    return HttpResponse("Hej", content_type="text/plain")


urlpatterns = [path("", hello)]

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings

application = get_wsgi_application()
