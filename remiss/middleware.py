"""Bad numbers in a request are a bad request, not a server error.

SQLite raises OverflowError for an integer wider than 64 bits in a query (PostgreSQL just finds
nothing); forms that look up objects by the id a browser sent (choices of organisations, people,
meetings) would then fail with a 500. This turns that into a 400 page in Swedish.
"""

import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)


class BadNumbersAreBadRequests:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.info("För stort tal i begäran till %s: %s", request.path, exception)
            return render(request, "400.html", status=400)
        return None
