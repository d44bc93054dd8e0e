from django.core.management.base import BaseCommand, CommandError

from remiss.api.models import ApiClient
from remiss.models import Organisation


class Command(BaseCommand):
    help = "Skapar en API-klient för ett system och skriver ut dess token (visas bara en gång)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Systemets namn, till exempel 'Diariet'.")
        parser.add_argument("organisation", help="Organisationens namn, exakt som i portalen.")

    def handle(self, *args, name, organisation, **options):
        try:
            found = Organisation.objects.get(name=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"Organisationen {organisation!r} finns inte.") from None
        client = ApiClient(name=name, organisation=found)
        token = client.new_token()
        client.save()
        self.stdout.write(f"API-klient {client} skapad. Token (spara den nu):\n{token}")
