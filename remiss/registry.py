"""Diarieföring: the recipient's own registry number (dnr) for the remiss it received."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from remiss import workflow
from remiss.models import Recipient, StatusEvent

MAX_LENGTH: int = Recipient._meta.get_field("registration_number").max_length or 60


class RegistryError(Exception):
    """The number cannot be kept; the message says why, in Swedish."""


@transaction.atomic
def register_case(*, recipient: Recipient, user: User, number: str) -> Recipient:
    """Vårt dnr: the registrator or a handläggare of the recipient enters the number its own
    registry gave the case, as written (docs/domain.md: never forced into one pattern). It
    prints on the statement and its PDF, and the sender's compilation shows it. While the case
    is open only: an answered case's documents are archived with the number they had."""
    number = " ".join(number.split())
    locked = (
        Recipient.objects.select_for_update().select_related("organisation").get(pk=recipient.pk)
    )
    workflow.check_recipient_move(user, locked, "register")
    if not number:
        raise RegistryError("Skriv diarienumret, till exempel SÖD 2019/1102.")
    if len(number) > MAX_LENGTH:
        raise RegistryError(f"Diarienumret får vara högst {MAX_LENGTH} tecken.")
    if number == locked.registration_number:
        return locked
    previous = locked.registration_number
    locked.registration_number = number
    locked._change_reason = "Diarienummer registrerat"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise RegistryError(
            f"{locked.organisation} har redan ett ärende med diarienumret {number}."
        ) from None
    workflow.record_event(
        recipient=locked,
        action=StatusEvent.Action.REGISTERED,
        user=user,
        comment=f"Dnr {number}" + (f" (tidigare {previous})" if previous else ""),
    )
    return locked
