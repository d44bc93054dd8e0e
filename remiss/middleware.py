"""A number no database can hold is a bad request, not a server error.

SQLite raises OverflowError for an integer wider than 64 bits when a form looks it up as an id
(choices of organisations, people, meetings); PostgreSQL just finds nothing. This turns the
SQLite case into a 400 page in Swedish. (NUL characters, which PostgreSQL refuses, are removed
where free text is read: remiss.numbers.text.)
"""

import logging

from django.shortcuts import render

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
