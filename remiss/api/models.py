"""Systems that use the integration API, and the webhooks they receive (issue 18)."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from remiss.models import Organisation

TOKEN_PREFIX = "rp_"  # noqa: S105 (a marker, not a secret)


def hash_token(token: str) -> str:
    """Tokens are long random strings, so one SHA-256 suffices (no password hashing needed);
    only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def for_token(self, token: str) -> "ApiClient | None":
        if not token.startswith(TOKEN_PREFIX):
            return None
        return (
            self.filter(active=True, token_hash=hash_token(token))
            .select_related("organisation")
            .first()
        )


class ApiClient(models.Model):
    """Ansluten system: one system (a diarium, the city's web) with its own token, scoped to one
    organisation. It reads and writes only that organisation's remisses and replies."""

    name = models.CharField("system", max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name="organisation",
    )
    token_hash = models.CharField("token (SHA-256)", max_length=64, unique=True, editable=False)
    token_hint = models.CharField("tokenets början", max_length=12, editable=False)
    active = models.BooleanField("aktiv", default=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    last_used_at = models.DateTimeField("senast använd", null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = "API-klient"
        verbose_name_plural = "API-klienter"
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def new_token(self) -> str:
        """Give the client a new token; returned once, only its hash is kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_hint = token[:8]
        return token


class WebhookSubscription(models.Model):
    """Webhook: where a client wants events, signed with HMAC-SHA256 under its own secret."""

    class Event(models.TextChoices):
        REMISS_SENT = "remiss.sent", "Remiss skickad"
        REPLY_DELIVERED = "reply.delivered", "Svar expedierat"
        RECIPIENT_DECLINED = "recipient.declined", "Remissinstans avstår"

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="webhooks", verbose_name="klient"
    )
    url = models.URLField("adress", max_length=500)
    secret = models.CharField("hemlighet", max_length=100, editable=False)
    events = models.JSONField("händelser", default=list, help_text="Tom lista: alla händelser.")
    active = models.BooleanField("aktiv", default=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"
        ordering = ["client", "pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """Leverans: one event to one webhook; retried with growing pauses until it is received
    (a 2xx answer) or the attempts run out. The row is the durable record of the attempt."""

    class State(models.TextChoices):
        PENDING = "pending", "Väntar"
        DELIVERED = "delivered", "Levererad"
        FAILED = "failed", "Misslyckades"

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="webhook",
    )
    event = models.CharField("händelse", max_length=40)
    payload = models.JSONField("innehåll")
    state = models.CharField("läge", max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("försök", default=0)
    next_attempt_at = models.DateTimeField("nästa försök", default=timezone.now, db_index=True)
    last_status = models.PositiveSmallIntegerField("senaste svarskod", null=True, blank=True)
    last_error = models.TextField("senaste fel", blank=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    delivered_at = models.DateTimeField("levererad", null=True, blank=True)

    class Meta:
        verbose_name = "webhook-leverans"
        verbose_name_plural = "webhook-leveranser"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.get_state_display()})"
