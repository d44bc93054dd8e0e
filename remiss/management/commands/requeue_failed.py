"""Put failed documents, kallelser and mail back on the queue:

    python manage.py requeue_failed

Every archived document, issued kallelse and mail that failed, also those that ran out of
automatic attempts, gets new attempts now; so does work whose worker died (a claim older than
tasks.STALE_AFTER) and work waiting with no task to run it. Run it once the cause is fixed (the
mail server is back, a damaged attachment replaced); the worker takes back stale claims by
itself, every minute. With the immediate backend (`make run`) the work is done at once.
"""

from django.core.management.base import BaseCommand

from remiss import documents, minutes, notifications


class Command(BaseCommand):
    help = "Lägger misslyckade handlingar och e-postmeddelanden i kön igen."

    def handle(self, *args, **options):
        rendered = documents.recover(failed=True) + minutes.recover(failed=True)
        mailed = notifications.recover(failed=True)
        self.stdout.write(f"{rendered} handlingar och {mailed} e-postmeddelanden lagda i kön igen.")
