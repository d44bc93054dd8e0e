from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from remiss.archive import fgs, validation
from remiss.models import Recipient, Remiss


class Command(BaseCommand):
    help = (
        "Exporterar ett avslutat ärende som FGS-paket (E-ARK CSIP, FGS Ärendehantering): "
        "--remiss ID för remittentens remissomgång, --arende ID för en remissinstans ärende."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--remiss", type=int, help="Remissens id (remittentens ärende).")
        which.add_argument("--arende", type=int, help="Remissinstansens id (dess ärende).")
        parser.add_argument("--till", default=".", help="Mapp att skriva paketet i.")
        parser.add_argument(
            "--zip", action="store_true", help="Skriv en ZIP-fil i stället för en mapp."
        )

    def handle(self, *args, remiss, arende, till, zip, **options):
        try:
            if remiss is not None:
                case = fgs.remiss_case(Remiss.objects.get(pk=remiss))
            else:
                case = fgs.recipient_case(Recipient.objects.get(pk=arende))
        except (Remiss.DoesNotExist, Recipient.DoesNotExist):
            raise CommandError("Ärendet finns inte.") from None
        except fgs.NotReady as reason:
            raise CommandError(str(reason)) from None
        package = fgs.build(case)
        problems = validation.problems(package.files)
        if problems:
            raise CommandError("Paketet validerar inte:\n" + "\n".join(problems))
        target = Path(till)
        target.mkdir(parents=True, exist_ok=True)
        if zip:
            written = target / fgs.filename(package)
            written.write_bytes(package.zip_bytes())
        else:
            written = package.write_folder(target)
        self.stdout.write(
            f"FGS-paket för {case.registration_number} ({len(case.files)} handlingar, "
            f"validerat mot METS och ERMS): {written}"
        )
