"""Webhooks: events sent to the systems that asked for them, signed and retried.

An event is written as one WebhookDelivery row per interested webhook in the same transaction as
the change it reports (so it is neither lost nor sent for a change that was rolled back), and
sent after commit by a task. A delivery that fails waits and is tried again: by the task backend
when it can defer (the database backend in production), and otherwise by
`python manage.py send_webhooks` run from cron, which sends whatever is due. After
MAX_ATTEMPTS the delivery is marked failed and stays in the admin for a person to look at.

The signature (docs/api.md): the header X-Remissportalen-Signature is
"t=<unix time>,v1=<hex HMAC-SHA256 of '<unix time>.<body>' under the webhook's secret>".
`verify` is what a receiver does: recompute, compare in constant time, refuse old timestamps.
"""

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from remiss.api.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Remissportalen-Signature"
EVENT_HEADER = "X-Remissportalen-Event"
DELIVERY_HEADER = "X-Remissportalen-Delivery"
MAX_ATTEMPTS = 8
# Pauses before attempt 2, 3, ...: one minute growing to a day.
BACKOFF = [60, 300, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600]
TOLERANCE_SECONDS = 300

Event = WebhookSubscription.Event


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance=TOLERANCE_SECONDS
) -> bool:
    """A receiver's check: the signature matches the body under the secret, and is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (ValueError, KeyError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


def emit(event: str, *, organisation_ids: Iterable[int], data: dict) -> list[WebhookDelivery]:
    """Record the event for every active webhook of the organisations' clients that wants it,
    and send them once the surrounding transaction commits."""
    subscriptions = WebhookSubscription.objects.filter(
        active=True, client__active=True, client__organisation_id__in=set(organisation_ids)
    ).select_related("client")
    created = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            payload={
                "event": event,
                "created": created.isoformat(timespec="seconds"),
                "organisation": subscription.client.organisation_id,
                "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            },
        )
        for subscription in subscriptions
        if subscription.wants(event)
    ]
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


@task
def deliver_webhook(delivery_id: int) -> None:
    """Send one webhook delivery, as a background task; a failure plans its own retry."""
    deliver(delivery_id)


def _enqueue(ids: list[int], run_after: datetime.datetime | None = None) -> None:
    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # send_webhooks (cron) picks it up when due
        task = task.using(run_after=run_after)
    for pk in ids:
        task.enqueue(pk)


def deliver(delivery_id: int) -> WebhookDelivery:
    """Send one delivery now, if it is still pending; record the answer and plan a retry."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.state != WebhookDelivery.State.PENDING:
        return delivery
    subscription = delivery.subscription
    body = json.dumps(
        delivery.payload | {"delivery": delivery.pk}, ensure_ascii=False, sort_keys=True
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is http(s): checked on subscribe)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Remissportalen-Webhook/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.pk),
            SIGNATURE_HEADER: sign(subscription.secret, int(time.time()), body),
        },
    )
    delivery.attempts += 1
    status, error = None, ""
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError) as failure:
        error = str(getattr(failure, "reason", failure))[:1000]
    delivery.last_status = status
    delivery.last_error = error
    now = timezone.now()
    if status is not None and 200 <= status < 300:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
        logger.warning("Webhook %s gav upp efter %s försök: %s", delivery.pk, MAX_ATTEMPTS, error)
    else:
        pause = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
        delivery.next_attempt_at = now + datetime.timedelta(seconds=pause)
    delivery.save()
    if delivery.state == WebhookDelivery.State.PENDING:
        _enqueue([delivery.pk], run_after=delivery.next_attempt_at)
    return delivery


def deliver_due(now: datetime.datetime | None = None) -> int:
    """Send every pending delivery whose time has come (the cron job); returns how many."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        deliver(pk)
    return len(due)


# --- The events ------------------------------------------------------------------------------


def remiss_sent(remiss) -> None:
    """remiss.sent: to the sender's systems and every recipient's."""
    recipients = list(remiss.recipients.values_list("pk", "organisation_id"))
    emit(
        Event.REMISS_SENT,
        organisation_ids=[remiss.sender_id, *(org for _, org in recipients)],
        data={
            "remiss": remiss.pk,
            "registration_number": remiss.registration_number,
            "title": remiss.title,
            "deadline": remiss.deadline,
            "recipients": [pk for pk, _ in recipients],
        },
    )


def _recipient_event(event: str, recipient) -> None:
    emit(
        event,
        organisation_ids=[recipient.remiss.sender_id, recipient.organisation_id],
        data={
            "remiss": recipient.remiss_id,
            "registration_number": recipient.remiss.registration_number,
            "recipient": recipient.pk,
            "organisation": recipient.organisation.name,
            "recipient_registration_number": recipient.registration_number,
            "status": recipient.status,
        },
    )


def reply_delivered(recipient) -> None:
    """reply.delivered: the reply has been sent (expedierat): the sender's diarium registers it
    and fetches its files once archived."""
    _recipient_event(Event.REPLY_DELIVERED, recipient)


def recipient_declined(recipient) -> None:
    _recipient_event(Event.RECIPIENT_DECLINED, recipient)
