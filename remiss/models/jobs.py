"""What a durable job records about its own progress: archived documents, previews, issued
kallelser and outgoing mail (remiss/tasks.py runs them)."""

from django.db import models
from django.utils import timezone


class Job(models.Model):
    """What a durable job records about its own progress (archived documents, previews, kallelser,
    mail)."""

    class State(models.TextChoices):
        PENDING = "pending", "Väntar"
        RUNNING = "running", "Pågår"
        FAILED = "failed", "Misslyckades"
        READY = "ready", "Klar"

    state = models.CharField("läge", max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("försök", default=0)
    next_attempt_at = models.DateTimeField("nästa försök", null=True, blank=True)
    claimed_at = models.DateTimeField("påbörjat", null=True, blank=True)
    claimed_by = models.CharField("arbetsprocess", max_length=64, blank=True)
    created_at = models.DateTimeField("beställd", default=timezone.now)
    error = models.TextField("senaste fel", blank=True)

    class Meta:
        abstract = True

    @property
    def gave_up(self) -> bool:
        """Failed with no automatic retry left: waits for `manage.py requeue_failed`."""
        return self.state == self.State.FAILED and self.next_attempt_at is None
