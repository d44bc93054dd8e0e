"""Remisses, their recipients (remissinstanser) and attachments (bilagor)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programs.models import Programme
from remiss.models.organisations import Organisation


class Remiss(models.Model):
    """Remiss: a request for written views on a draft, with a deadline (svarsdatum)."""

    sender = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sent_remisses",
        verbose_name="remittent",
    )
    registration_number = models.CharField(
        "diarienummer",
        max_length=60,
        help_text="Avsändarens diarienummer, exakt som det skrivs, till exempel KS 2019/1543.",
    )
    title = models.CharField("rubrik", max_length=300)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remisses",
        verbose_name="program",
    )
    description = models.TextField("beskrivning", blank=True)
    sent_on = models.DateField("skickad", null=True, blank=True)
    deadline = models.DateField("svarsdatum")
    created_at = models.DateTimeField("skapad", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "remiss"
        verbose_name_plural = "remisser"
        ordering = ["deadline", "registration_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "registration_number"],
                name="remiss_registration_number_unique_for_sender",
                violation_error_message="Avsändaren har redan en remiss med det diarienumret.",
            ),
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(deadline__gte=models.F("sent_on")),
                name="remiss_deadline_after_sending",
                violation_error_message="Svarsdatum kan inte ligga före dagen remissen skickas.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_number} {self.title}"


class Recipient(models.Model):
    """Remissinstans: one body asked to reply, with its own registration number and status."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Inväntar svar"
        DELIVERED = "delivered", "Svar inkommet"
        DECLINED = "declined", "Avstår"

    remiss = models.ForeignKey(
        Remiss, on_delete=models.PROTECT, related_name="recipients", verbose_name="remiss"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="received",
        verbose_name="remissinstans",
    )
    registration_number = models.CharField(
        "eget diarienummer",
        max_length=60,
        blank=True,
        help_text="Remissinstansens diarienummer för ärendet, till exempel SÖD 2019/1102.",
    )
    reply_registration_number = models.CharField(
        "remittentens diarienummer för svaret",
        max_length=60,
        blank=True,
        help_text="Diarienumret som remittentens diarium gav det inkomna svaret (via API:t).",
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.AWAITING
    )
    extended_deadline = models.DateField("förlängt svarsdatum", null=True, blank=True)
    delivered_at = models.DateTimeField("svar expedierat", null=True, blank=True)
    declined_reason = models.TextField("skäl att avstå", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "remissinstans"
        verbose_name_plural = "remissinstanser"
        ordering = ["remiss", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["remiss", "organisation"],
                name="recipient_once_per_remiss",
                violation_error_message="Organisationen är redan remissinstans för remissen.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "registration_number"],
                condition=~Q(registration_number=""),
                name="recipient_registration_number_unique_in_organisation",
                violation_error_message="Organisationen har redan ett ärende med det diarienumret.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.remiss.registration_number}"

    @property
    def deadline(self) -> datetime.date:
        """The date this recipient must answer by: an extension, or the remiss' deadline."""
        return self.extended_deadline or self.remiss.deadline

    def clean(self) -> None:
        super().clean()
        if self.organisation_id and self.remiss_id:
            day = self.remiss.sent_on or timezone.localdate()
            if not self.organisation.is_valid_on(day):
                raise ValidationError(
                    {
                        "organisation": (
                            f"{self.organisation} finns inte den {day:%Y-%m-%d} och kan inte "
                            "ta emot remissen."
                        )
                    }
                )


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a name of our choosing (the checksum and the extension of the type found in
    # the content): the user's file name is kept only as a label.
    extension = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
    if not extension[1:].isalnum():
        extension = ""
    return f"bilagor/{timezone.now():%Y/%m}/{instance.sha256 or 'fil'}{extension}"


class Attachment(models.Model):
    """Bilaga: a document attached to a remiss (the draft under remiss) or to a statement."""

    remiss = models.ForeignKey(
        Remiss,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="remiss",
    )
    statement = models.ForeignKey(
        "remiss.Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="tjänsteutlåtande",
    )
    title = models.CharField("rubrik", max_length=300)
    file = models.FileField("fil", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("ursprungligt filnamn", max_length=255, blank=True)
    content_type = models.CharField("filtyp", max_length=120)
    size = models.PositiveBigIntegerField("storlek (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    position = models.PositiveSmallIntegerField("ordning", default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="uppladdad av",
    )
    uploaded_at = models.DateTimeField("uppladdad", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(remiss__isnull=False, statement__isnull=True)
                    | Q(remiss__isnull=True, statement__isnull=False)
                ),
                name="attachment_has_one_owner",
                violation_error_message="En bilaga hör till en remiss eller ett utlåtande.",
            ),
        ]

    def __str__(self) -> str:
        return self.title
