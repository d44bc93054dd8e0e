"""The sender's follow-up: extensions asked and answered, reminders sent (anstånd, påminnelser)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from remiss.models.remisses import Recipient


class ExtensionState(models.TextChoices):
    """Where a request for an extension (anstånd) stands."""

    PENDING = "pending", "Väntar på svar"
    GRANTED = "granted", "Beviljat"
    REFUSED = "refused", "Avslaget"


class ExtensionRequest(models.Model):
    """Anstånd: a recipient asks for a later deadline; the sender's coordinator answers."""

    State = ExtensionState

    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="extension_requests",
        verbose_name="remissinstans",
    )
    requested_deadline = models.DateField("begärt svarsdatum")
    reason = models.TextField("skäl")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="begärt av",
    )
    requested_at = models.DateTimeField("begärt", default=timezone.now)
    state = models.CharField("beslut", max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="beslutat av",
    )
    decided_at = models.DateTimeField("beslutat", null=True, blank=True)
    answer = models.TextField("kommentar till beslutet", blank=True)

    class Meta:
        verbose_name = "begäran om anstånd"
        verbose_name_plural = "begäranden om anstånd"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient"],
                condition=Q(state="pending"),
                name="one_pending_extension_per_recipient",
                violation_error_message="Det finns redan en obesvarad begäran om anstånd.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ExtensionState.values), name="extension_state_known"
            ),
            # Answered exactly when someone answered it, at a time.
            models.CheckConstraint(
                condition=Q(
                    state=ExtensionState.PENDING, decided_by__isnull=True, decided_at__isnull=True
                )
                | (
                    ~Q(state=ExtensionState.PENDING)
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="extension_decision_follows_state",
            ),
        ]

    def __str__(self) -> str:
        return f"Anstånd till {self.requested_deadline:%Y-%m-%d} för {self.recipient}"


class ReminderKind(models.TextChoices):
    """Before the deadline, after it, or sent by hand."""

    BEFORE = "before", "Före svarsdatum"
    OVERDUE = "overdue", "Efter svarsdatum"
    MANUAL = "manual", "Skickad av remissamordnaren"


class Reminder(models.Model):
    """Påminnelse: a reminder sent to a recipient about its deadline; never twice for the same
    deadline and kind (an automatic one), or the same day (one sent by hand)."""

    Kind = ReminderKind

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="reminders", verbose_name="remissinstans"
    )
    kind = models.CharField("slag", max_length=20, choices=Kind.choices)
    for_deadline = models.DateField("gäller svarsdatum")
    sent_on = models.DateField("skickad dag", default=timezone.localdate)
    sent_at = models.DateTimeField("skickad", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="skickad av",
    )
    addresses = models.TextField("mottagare", blank=True)

    class Meta:
        verbose_name = "påminnelse"
        verbose_name_plural = "påminnelser"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "for_deadline"],
                condition=~Q(kind="manual"),
                name="one_automatic_reminder_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["recipient", "for_deadline", "sent_on"],
                name="one_reminder_per_recipient_and_day",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} till {self.recipient} ({self.sent_on:%Y-%m-%d})"
