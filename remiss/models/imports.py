"""An imported tjänsteutlåtande: the file a person read in, and what the importer found in it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from remiss.models.remisses import Recipient
from remiss.models.statements import Statement


def import_path(instance: "StatementImport", filename: str) -> str:
    extension = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    if not extension[1:].isalnum():
        extension = ""
    return f"inlasta/{timezone.now():%Y/%m}/{instance.sha256 or 'fil'}{extension}"


class StatementImport(models.Model):
    """Inläst tjänsteutlåtande: a Word, OpenDocument, PDF or text file read in as a statement.

    While `statement` is empty the import is pending: the person is reviewing what was
    recognised, and nothing of the statement exists yet. One pending import per person and
    case: a new file replaces it. Saving creates the statement's next version and keeps the
    file here, as the original of that version (never as a bilaga of the reply).
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="imports", verbose_name="remissinstans"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="av"
    )
    file = models.FileField("fil", upload_to=import_path, max_length=300)
    original_name = models.CharField("ursprungligt filnamn", max_length=255)
    content_type = models.CharField("filtyp", max_length=120)
    size = models.PositiveBigIntegerField("storlek (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    recognised = models.JSONField("det som kändes igen")
    created_at = models.DateTimeField("inläst", default=timezone.now)
    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name="tjänsteutlåtande",
    )
    version = models.PositiveIntegerField("blev version", null=True, blank=True)

    class Meta:
        verbose_name = "inläst tjänsteutlåtande"
        verbose_name_plural = "inlästa tjänsteutlåtanden"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pending(self) -> bool:
        return self.statement_id is None
