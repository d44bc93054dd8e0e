"""Send the automatic reminders due today. Run once a day, from cron or a systemd timer:

    python manage.py send_reminders

Each recipient still to answer gets one reminder REMINDER_DAYS_BEFORE days before its deadline
and one the day after it; running the command again the same day sends nothing twice.
"""

from django.core.management.base import BaseCommand

from remiss.sending import send_due_reminders


class Command(BaseCommand):
    help = "Skickar dagens automatiska påminnelser om svarsdatum (körs en gång om dagen)."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(
            f"{sent} {'påminnelse skickad' if sent == 1 else 'påminnelser skickade'}."
        )
