"""Failed logins, kept to throttle guessing (in the database, so every worker sees them)."""

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """Misslyckad inloggning: one failed attempt, by user name and address."""

    username = models.CharField("användarnamn", max_length=150, db_index=True)
    address = models.GenericIPAddressField("adress", null=True, blank=True, db_index=True)
    at = models.DateTimeField("när", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "misslyckad inloggning"
        verbose_name_plural = "misslyckade inloggningar"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} från {self.address} {self.at:%Y-%m-%d %H:%M}"
