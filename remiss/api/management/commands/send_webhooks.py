from django.core.management.base import BaseCommand

from remiss.api import webhooks


class Command(BaseCommand):
    help = (
        "Skickar webhook-leveranser som väntar och vars tid har kommit (kör från cron varje "
        "minut när uppgiftskön inte kan vänta med uppgifter)."
    )

    def handle(self, *args, **options):
        count = webhooks.deliver_due()
        self.stdout.write(f"{count} webhook-leveranser skickade.")
