"""Remisses, their recipients (remissinstanser) and attachments (bilagor)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from programs.models import Programme
from remiss.history import HistoricalRecords
from remiss.models.organisations import Membership, Organisation

# Visibility (offentlighetsprincipen and the organisations' own work) is written once, as the
# queryset methods below and on Statement; every view, the search, the public pages, the
# exports and the compilation read through them.


def organisations_of(user):
    """The organisations the person holds any role in, as a subquery."""
    return Membership.objects.organisations_of(user)


class RemissQuerySet(models.QuerySet):
    def public(self) -> "RemissQuerySet":
        """Sent remisses: public documents from the day they are sent (a draft is not)."""
        return self.filter(sent_on__isnull=False)

    def sent_by(self, user) -> "RemissQuerySet":
        """Remisses the person's organisations sent (or are writing), in any state."""
        return self.filter(sender_id__in=organisations_of(user))

    def visible_to(self, user) -> "RemissQuerySet":
        """What the person may read of a remiss: those their organisations sent (even unsent),
        or received once sent."""
        organisations = organisations_of(user)
        received = Recipient.objects.filter(
            remiss=OuterRef("pk"), organisation_id__in=organisations
        )
        return self.filter(
            Q(sender_id__in=organisations) | Q(Exists(received), sent_on__isnull=False)
        )

    def with_answer_counts(self) -> "RemissQuerySet":
        """Each remiss with `recipient_count` and `answered_count` (delivered replies)."""
        return self.annotate(
            recipient_count=Count("recipients"),
            answered_count=Count(
                "recipients", filter=Q(recipients__status=Recipient.Status.DELIVERED)
            ),
        )


class RecipientQuerySet(models.QuerySet):
    def awaiting(self) -> "RecipientQuerySet":
        """Still to answer (inväntar svar), an extension or not."""
        return self.filter(status=Recipient.Status.AWAITING)

    def answered(self) -> "RecipientQuerySet":
        """Answered or declined: the case is closed."""
        return self.exclude(status=Recipient.Status.AWAITING)

    def delivered(self) -> "RecipientQuerySet":
        """The reply has been delivered (expedierat) to the sender."""
        return self.filter(status=Recipient.Status.DELIVERED)

    def public(self) -> "RecipientQuerySet":
        """Replies anyone may read: delivered, to a sent remiss."""
        return self.delivered().filter(remiss__sent_on__isnull=False)

    def received_by(self, user) -> "RecipientQuerySet":
        """The cases of the person's organisations (remisses they received), in any state."""
        return self.filter(organisation_id__in=organisations_of(user))

    def replies_to(self, user) -> "RecipientQuerySet":
        """Delivered replies to remisses the person's organisations sent: before delivery the
        sender sees nothing of a recipient's work."""
        return self.delivered().filter(remiss__sender_id__in=organisations_of(user))

    def visible_to(self, user) -> "RecipientQuerySet":
        """Every recipient whose reply the person may read: their own organisations' cases,
        delivered replies to their remisses, and what is public."""
        organisations = organisations_of(user)
        return self.filter(
            Q(organisation_id__in=organisations)
            | Q(status=Recipient.Status.DELIVERED, remiss__sent_on__isnull=False)
        )


class SubjectKind(models.TextChoices):
    """What the remiss concerns, when it is a proposal from a member or a citizen."""

    MOTION = "motion", "Motion"
    CITIZEN_PROPOSAL = "citizen_proposal", "Medborgarförslag"


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
    delegable = models.BooleanField(
        "får besvaras på delegation",
        default=False,
        help_text=(
            "Remissinstansen får svara genom ett delegationsbeslut (till exempel av "
            "förvaltningschefen) utan att nämnden sammanträder."
        ),
    )
    deadline = models.DateField("svarsdatum")
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    reference = models.CharField(
        "beteckning",
        max_length=60,
        blank=True,
        help_text="Remittentens beteckning på förslaget, till exempel SOU 2025:12 eller Ds 2025:3.",
    )
    forwarded_from = models.ForeignKey(
        "remiss.Recipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_remisses",
        verbose_name="vidareremitterad från",
        help_text="Kommunstyrelsens ärende om en remiss utifrån, som den här remissen skickar "
        "vidare till nämnder och bolag.",
    )
    subject_kind = models.CharField(
        "gäller", max_length=20, choices=SubjectKind.choices, blank=True, default=""
    )
    subject_number = models.CharField(
        "motionens eller förslagets nummer", max_length=40, blank=True
    )
    subject_mover = models.CharField("motionär eller förslagsställare", max_length=200, blank=True)
    subject_party = models.CharField("parti", max_length=60, blank=True)
    closed_on = models.DateField("omgången avslutad", null=True, blank=True)
    withdrawn_on = models.DateField("återkallad", null=True, blank=True)
    withdrawn_reason = models.TextField("skäl till återkallelsen", blank=True)

    objects = RemissQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "remiss"
        verbose_name_plural = "remisser"
        ordering = ["deadline", "registration_number"]
        indexes = [
            # The public list, newest first, read a page at a time (docs/scale.md).
            models.Index(
                models.F("sent_on").desc(),
                models.F("id").desc(),
                name="remiss_public_newest",
                condition=models.Q(sent_on__isnull=False),
            ),
        ]
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

    @property
    def is_open(self) -> bool:
        """Still asking: sent, neither withdrawn (återkallad) nor closed (avslutad)."""
        return self.sent_on is not None and self.withdrawn_on is None and self.closed_on is None

    @property
    def subject_line(self) -> str:
        """ "Motion 2025:14 av Anna Berg (S)", "Medborgarförslag 2025:3 av …", or ""."""
        if not self.subject_kind:
            return ""
        words = [self.get_subject_kind_display()]
        if self.subject_number:
            words.append(self.subject_number)
        if self.subject_mover:
            words.append(f"av {self.subject_mover}")
        if self.subject_party:
            words.append(f"({self.subject_party})")
        return " ".join(words)


class RecipientStatus(models.TextChoices):
    """The recipient's answer: awaited, delivered, declined (avstår); or closed by the sender:
    the remiss withdrawn (återkallad), or the round closed without an answer (ej inkommit)."""

    AWAITING = "awaiting", "Inväntar svar"
    DELIVERED = "delivered", "Svar inkommet"
    DECLINED = "declined", "Avstår"
    RECALLED = "recalled", "Remissen återkallad"
    NOT_RECEIVED = "not_received", "Ej inkommit"


class Recipient(models.Model):
    """Remissinstans: one body asked to reply, with its own registration number and status."""

    Status = RecipientStatus

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
    # The date this recipient must answer by, kept by the database (migration 0030's triggers:
    # the extension, or the remiss' deadline, also when either changes by a bulk update), so
    # that lists sorted by it read an index instead of every row. For queries only: an instance
    # may hold a stale value (the triggers write after Django's INSERT on SQLite); read the
    # `deadline` property instead.
    answer_by = models.DateField("svara senast", null=True, editable=False)
    delivered_at = models.DateTimeField("svar expedierat", null=True, blank=True)
    declined_reason = models.TextField("skäl att avstå", blank=True)
    next_step = models.CharField(
        "nästa steg",
        max_length=30,
        blank=True,
        choices=[
            ("answer_later", "Nämnden avslog förslaget och svarar senare"),
            ("request_extension", "Nämnden avslog förslaget och begär anstånd"),
        ],
        help_text="När nämnden avslog förvaltningens förslag utan eget yttrande.",
    )

    objects = RecipientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["answer_by"])  # derived, never edited

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
            models.CheckConstraint(
                condition=Q(status__in=RecipientStatus.values), name="recipient_status_known"
            ),
            # Delivered exactly when there is a delivery time; declined exactly with a reason.
            models.CheckConstraint(
                condition=Q(status=RecipientStatus.DELIVERED, delivered_at__isnull=False)
                | (~Q(status=RecipientStatus.DELIVERED) & Q(delivered_at__isnull=True)),
                name="recipient_delivered_at_follows_status",
            ),
            models.CheckConstraint(
                condition=(Q(status=RecipientStatus.DECLINED) & ~Q(declined_reason=""))
                | (~Q(status=RecipientStatus.DECLINED) & Q(declined_reason="")),
                name="recipient_decline_reason_follows_status",
            ),
        ]
        indexes = [
            # Mina ärenden lists and counts what the person's organisations have to answer (and
            # have answered): read from here, not from a scan of every recipient awaiting a
            # reply in the city (5.5 ms for kommunstyrelsen at 2,000 remisses, on every visit).
            models.Index(fields=["organisation", "status"], name="recipient_organisation_status"),
            # Försenade svar: the longest overdue first, read in order from here instead of
            # sorting every overdue reply of the city (13,818 at 2,000 remisses) for twenty.
            models.Index(
                fields=["answer_by"],
                condition=Q(status=RecipientStatus.AWAITING),
                name="recipient_awaiting_answer_by",
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
