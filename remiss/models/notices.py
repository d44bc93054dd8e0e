"""Notiser: messages inside the portal, one per person and step that concerns them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def of(self, user) -> "NotificationQuerySet":
        """The person's own notices: nobody reads another's."""
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


# What each kind of notice is about, by the mail template that tells the same step.
KINDS: dict[str, str] = {
    "submitted": "Att granska",
    "submission_withdrawn": "Tillbakataget från granskning",
    "returned": "Returnerat",
    "signed": "Signerat",
    "decided": "Beslutat",
    "delivered": "Expedierat",
    "reply_received": "Svar inkommet",
    "declined": "Avstår",
    "remiss_received": "Ny remiss",
    "extension_requested": "Begäran om anstånd",
    "extension_decided": "Anstånd besvarat",
    "reminder": "Påminnelse",
    "agenda_issued": "Kallelse",
}


class Notification(models.Model):
    """Notis: a step that concerns the person, told inside the portal beside the e-mail, read
    or not. Written in the transaction of the step (remiss/notifications.py), so a step that is
    rolled back leaves none. (Not the anslag of a justified protokoll: that is the council's
    public notice board.)"""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="mottagare",
    )
    kind = models.CharField("slag", max_length=40)
    text = models.CharField("text", max_length=300)
    link = models.CharField("länk", max_length=500, blank=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    read_at = models.DateTimeField("läst", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notis"
        verbose_name_plural = "notiser"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_latest"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, "Notis")
