"""Documents rendered once from justified data and kept unchanged (arkiverade handlingar)."""

from django.db import models
from django.utils import timezone

from remiss.models.meetings import Decision


class StoredDocument(models.Model):
    """Arkiverad handling: a PDF rendered once when the decision was justified, stored with its
    SHA-256 and served from storage ever after. It is never rendered again from live data: a
    file whose checksum no longer matches is reported, not replaced."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Yttrande (protokollsutdrag, tjänsteutlåtande och bilagor)"
        STATEMENT = "statement", "Tjänsteutlåtande"
        EXTRACT = "extract", "Protokollsutdrag"

    class State(models.TextChoices):
        PENDING = "pending", "Skapas"
        READY = "ready", "Klar"
        FAILED = "failed", "Misslyckades"

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="documents", verbose_name="beslut"
    )
    kind = models.CharField("handling", max_length=20, choices=Kind.choices)
    state = models.CharField("läge", max_length=20, choices=State.choices, default=State.PENDING)
    file = models.FileField("fil", upload_to="arkiv/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField("filnamn vid nedladdning", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("storlek (byte)", default=0)
    pdfa = models.BooleanField("PDF/A", default=False)
    created_at = models.DateTimeField("beställd", default=timezone.now)
    rendered_at = models.DateTimeField("skapad", null=True, blank=True)
    error = models.TextField("fel", blank=True)

    class Meta:
        verbose_name = "arkiverad handling"
        verbose_name_plural = "arkiverade handlingar"
        ordering = ["decision", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind"], name="one_stored_document_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} ({self.decision})"
