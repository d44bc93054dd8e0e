"""The integration API's writes: registration numbers from the diarium, and webhooks.

No status changes here (those are the workflow's): only the diarium's numbers, recorded in
the history with the reason, and the client's own subscriptions.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from remiss.api.models import ApiClient, WebhookSubscription
from remiss.models import Organisation, Recipient, Remiss


class Conflict(Exception):
    """The number is taken (409)."""


class NotYours(Exception):
    """Visible, but not the organisation's to change (403)."""


class BadWebhook(Exception):
    """A webhook address the portal will not call (400)."""


@transaction.atomic
def register_received(*, remiss: Remiss, organisation: Organisation, number: str) -> Recipient:
    """Remissinstansens diarienummer: the recipient's registry number for the remiss it
    received, as its diarium gave it (stored verbatim)."""
    recipient = (
        Recipient.objects.select_for_update()
        .filter(remiss=remiss, organisation=organisation)
        .first()
    )
    if recipient is None:
        raise NotYours(
            "Bara en remissinstans registrerar sitt diarienummer på remissen; remittenten "
            "registrerar inkomna svar under /svar/{id}/diarienummer."
        )
    recipient.registration_number = number.strip()
    recipient._change_reason = "Diarienummer från diariet (API)"
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise Conflict(
            f"{organisation} har redan ett ärende med diarienumret {number.strip()}."
        ) from None
    return recipient


@transaction.atomic
def register_reply(*, recipient: Recipient, organisation: Organisation, number: str) -> Recipient:
    """Remittentens diarienummer för svaret: the sender's registry number for a reply it
    received."""
    if recipient.remiss.sender_id != organisation.pk:
        raise NotYours("Bara remittenten registrerar det inkomna svaret i sitt diarium.")
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    recipient.reply_registration_number = number.strip()
    recipient._change_reason = "Remittentens diarienummer för svaret (API)"
    recipient.save()
    return recipient


def subscribe(*, client: ApiClient, url: str, events: list[str]) -> WebhookSubscription:
    """A new webhook with its own secret (shown once). Only https, unless
    WEBHOOK_ALLOW_HTTP is on (development and tests)."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise BadWebhook("Adressen måste vara en fullständig https-adress.")
    return WebhookSubscription.objects.create(
        client=client, url=url, events=events, secret=secrets.token_urlsafe(32)
    )
