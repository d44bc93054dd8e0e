"""The background worker for TASKS_BACKEND=database (production): `make worker`, or

    python manage.py worker

django-tasks-db's db_worker (the same options), and beside it a thread that every minute takes
back stuck work (remiss.tasks.recover): documents and mail whose worker died mid-job, whose
last write the database refused, or whose retry is due.
"""

import logging
import threading

from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from remiss import documents, notifications

logger = logging.getLogger(__name__)
RECOVER_EVERY = 60  # seconds


def recover_forever(stop: threading.Event) -> None:
    while not stop.wait(RECOVER_EVERY):
        close_old_connections()
        try:
            documents.recover()
            notifications.recover()
        except Exception:  # a database that is away now is there the next minute
            logger.exception("Kunde inte gå igenom kön efter fastnade jobb")
        finally:
            close_old_connections()


class Command(db_worker.Command):
    help = "Kör bakgrundsjobben (handlingar, e-post) och tar tillbaka jobb som har fastnat."

    def handle(self, *args, **options):
        documents.recover()
        notifications.recover()
        stop = threading.Event()
        thread = threading.Thread(target=recover_forever, args=(stop,), daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
