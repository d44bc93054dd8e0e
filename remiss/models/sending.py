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


class ReceivedReplyChannel(models.TextChoices):
    """How an outside instans' reply reached the sender."""

    POST = "post", "Per post"
    EMAIL = "email", "Per e-post"
    LINK = "link", "Via personlig svarslänk"


def received_reply_path(instance: "ReceivedReply", filename: str) -> str:
    # As attachments: stored under the checksum and the detected type's extension only.
    extension = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    if not extension[1:].isalnum():
        extension = ""
    return f"inkomna-svar/{timezone.now():%Y/%m}/{instance.sha256 or 'fil'}{extension}"


class ReceivedReply(models.Model):
    """Inkommet remissvar: the reply of an instans outside the portal's workflow (a region, a
    myndighet, a förening), registered by the sender's remissamordnare from post or e-mail, or
    sent by the instans itself through its personal link. An inkommen handling: public."""

    Channel = ReceivedReplyChannel

    recipient = models.OneToOneField(
        Recipient,
        on_delete=models.PROTECT,
        related_name="received_reply",
        verbose_name="remissinstans",
    )
    channel = models.CharField("inkom", max_length=10, choices=Channel.choices)
    received_on = models.DateField("inkom den")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registrerat av",
    )
    registered_at = models.DateTimeField("registrerat", default=timezone.now)
    submitted_by_name = models.CharField("inskickat av", max_length=200, blank=True)
    note = models.TextField("anteckning", blank=True)
    file = models.FileField("fil", upload_to=received_reply_path, max_length=300)
    original_name = models.CharField("ursprungligt filnamn", max_length=255, blank=True)
    content_type = models.CharField("filtyp", max_length=120)
    size = models.PositiveBigIntegerField("storlek (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "inkommet remissvar"
        verbose_name_plural = "inkomna remissvar"
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ReceivedReplyChannel.values),
                name="received_reply_channel_known",
            ),
            # Registered by a person, unless the instans sent it itself through its link.
            models.CheckConstraint(
                condition=Q(channel=ReceivedReplyChannel.LINK) | Q(registered_by__isnull=False),
                name="received_reply_registered_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Svar från {self.recipient.organisation} ({self.received_on:%Y-%m-%d})"


class ReplyLink(models.Model):
    """Personlig svarslänk: lets one outside instans send its reply to one remiss without an
    account. Only the SHA-256 of the random token is stored; the link works until it expires,
    the reply has been sent, or the remiss is closed, and only for its own remiss."""

    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="reply_links",
        verbose_name="remissinstans",
    )
    token_hash = models.CharField("kontrollsumma", max_length=64, unique=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    expires_at = models.DateTimeField("gäller till")
    used_at = models.DateTimeField("använd", null=True, blank=True)

    class Meta:
        verbose_name = "svarslänk"
        verbose_name_plural = "svarslänkar"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Svarslänk för {self.recipient} (till {self.expires_at:%Y-%m-%d})"
