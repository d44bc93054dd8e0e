"""The append-only log of status changes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from remiss.models.remisses import Recipient
from remiss.models.statements import Statement


class StatusEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Händelseloggen kan inte ändras i efterhand.")

    def delete(self):
        raise TypeError("Händelseloggen kan inte raderas.")


class StatusEvent(models.Model):
    """Händelse: one status change, written by the workflow and never changed afterwards.

    History (django-simple-history) answers "what did the row look like then"; this table answers
    "who moved it, when, and why", and draws the case's timeline. Rows are append-only: the
    model refuses changes and deletions, and a database trigger refuses UPDATE.
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="events", verbose_name="remissinstans"
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="tjänsteutlåtande",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vem",
    )
    created_at = models.DateTimeField("när", default=timezone.now, db_index=True)
    from_status = models.CharField("från", max_length=30, blank=True)
    to_status = models.CharField("till", max_length=30)
    comment = models.TextField("kommentar", blank=True)

    objects = StatusEventQuerySet.as_manager()

    class Meta:
        verbose_name = "händelse"
        verbose_name_plural = "händelser"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.from_status or '–'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Händelseloggen kan inte ändras i efterhand.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Händelseloggen kan inte raderas.")
