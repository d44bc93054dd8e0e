"""The remiss domain: organisations, memberships, remisses, recipients and statements.

English names in code, the Swedish term in each docstring (see the glossary in the README).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programs.models import FocusArea, Programme


class OrganisationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "OrganisationQuerySet":
        """Organisations that exist on `day` and so may receive a remiss sent that day."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Organisation(models.Model):
    """Nämnd eller styrelse: a political body, served by its förvaltning (administration)."""

    class Kind(models.TextChoices):
        EXECUTIVE_BOARD = "executive_board", "Kommunstyrelse"
        DISTRICT_COUNCIL = "district_council", "Stadsdelsnämnd"
        SPECIALIST_BOARD = "specialist_board", "Facknämnd"
        MUNICIPAL_FEDERATION = "municipal_federation", "Kommunalförbund"
        COMPANY_BOARD = "company_board", "Bolagsstyrelse"

    kind = models.CharField("typ", max_length=30, choices=Kind.choices)
    name = models.CharField("namn", max_length=200, unique=True)
    administration = models.CharField(
        "förvaltning",
        max_length=200,
        blank=True,
        help_text="Förvaltningen eller kontoret som bereder nämndens ärenden.",
    )
    registry_prefix = models.CharField(
        "diarieprefix",
        max_length=12,
        blank=True,
        help_text="Prefixet i förvaltningens diarienummer, till exempel SÖD.",
    )
    valid_from = models.DateField("giltig från")
    valid_to = models.DateField(
        "giltig till och med", null=True, blank=True, help_text="Tomt om organisationen finns kvar."
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="efterträdare",
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="organisation_validity_ordered",
                violation_error_message="Giltig till kan inte ligga före giltig från.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def council_word(self) -> str:
        """How the body names itself in a proposal: "Stadsdelsnämnden", "Nämnden", ..."""
        return {
            self.Kind.EXECUTIVE_BOARD: "Kommunstyrelsen",
            self.Kind.DISTRICT_COUNCIL: "Stadsdelsnämnden",
            self.Kind.MUNICIPAL_FEDERATION: "Direktionen",
            self.Kind.COMPANY_BOARD: "Styrelsen",
        }.get(self.kind, "Nämnden")


class Membership(models.Model):
    """Roll i en organisation: a person holds a role in one organisation, not globally."""

    class Role(models.TextChoices):
        REMISS_COORDINATOR = "remiss_coordinator", "Remissamordnare"
        REGISTRAR = "registrar", "Registrator"
        CASE_OFFICER = "case_officer", "Handläggare"
        HEAD_OF_ADMINISTRATION = "head_of_administration", "Förvaltningschef"
        SECRETARY = "secretary", "Nämndsekreterare"
        CHAIR = "chair", "Ordförande"
        JUSTIFIER = "justifier", "Justerare"
        MEMBER = "member", "Ledamot"
        SUBSTITUTE = "substitute", "Ersättare"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="person",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisation",
    )
    role = models.CharField("roll", max_length=30, choices=Role.choices)
    title = models.CharField(
        "titel", max_length=120, blank=True, help_text="Till exempel Stadsdelsdirektör."
    )
    phone = models.CharField("telefon", max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role",
                violation_error_message="Personen har redan den rollen i organisationen.",
            ),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.get_role_display()} ({self.organisation})"


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
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.AWAITING
    )
    extended_deadline = models.DateField("förlängt svarsdatum", null=True, blank=True)

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


class Statement(models.Model):
    """Tjänsteutlåtande: the administration's written statement to its council."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        IN_REVIEW = "in_review", "Granskas"
        READY = "ready", "Signerat"
        ON_AGENDA = "on_agenda", "På föredragningslistan"
        DECIDED = "decided", "Beslutat"
        JUSTIFIED = "justified", "Justerat"
        DELIVERED = "delivered", "Expedierat"

    # The sections of the statement in print order (DOMAIN.md §8): field name, heading.
    SECTIONS = [
        ("summary", "Sammanfattning"),
        ("background", "Bakgrund"),
        ("preparation", "Ärendets beredning"),
        ("matter", "Ärendet"),
        ("views", "Synpunkter och förslag"),
    ]

    recipient = models.OneToOneField(
        Recipient,
        on_delete=models.PROTECT,
        related_name="statement",
        verbose_name="remissinstans",
    )
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name="handläggare",
    )
    phone = models.CharField("telefon", max_length=40, blank=True)
    addressed_to = models.CharField("till", max_length=200)
    date = models.DateField("datum")
    title = models.CharField("rubrik", max_length=300)
    reference_line = models.CharField("referensrad", max_length=300, blank=True)
    proposals = models.JSONField(
        "förslag till beslut",
        default=list,
        blank=True,
        help_text="Beslutspunkterna i ordning, en text per punkt.",
    )
    summary = models.TextField("sammanfattning", blank=True)
    background = models.TextField("bakgrund", blank=True)
    preparation = models.TextField("ärendets beredning", blank=True)
    matter = models.TextField("ärendet", blank=True)
    views = models.TextField("synpunkter och förslag", blank=True)
    signer_name = models.CharField("undertecknad av", max_length=200, blank=True)
    signer_title = models.CharField("undertecknarens titel", max_length=200, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        "version", default=0, help_text="Numret på den senast sparade versionen."
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    updated_at = models.DateTimeField("senast sparad", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tjänsteutlåtande"
        verbose_name_plural = "tjänsteutlåtanden"
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.recipient.organisation})"

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.proposals, list) or not all(
            isinstance(item, str) and item.strip() for item in self.proposals
        ):
            raise ValidationError(
                {"proposals": "Förslagen till beslut ska vara en lista med texter, inga tomma."}
            )

    @property
    def views_heading(self) -> str:
        """Fackförvaltningar write "Förvaltningens synpunkter och förslag" (DOMAIN.md §8)."""
        if self.recipient.organisation.kind == Organisation.Kind.SPECIALIST_BOARD:
            return "Förvaltningens synpunkter och förslag"
        return "Synpunkter och förslag"

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) in print order."""
        headings = dict(self.SECTIONS, views=self.views_heading)
        return [(headings[field], getattr(self, field)) for field, _ in self.SECTIONS]


class StatementVersion(models.Model):
    """Version: the statement's whole text as one save left it.

    Every save of the drafting form writes one; restoring an old version writes a new one. The
    content is a snapshot (drafting.snapshot) of the fields, proposals, focus-area views and
    preparation steps, so a version can be shown, compared and restored on its own.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="versions", verbose_name="utlåtande"
    )
    number = models.PositiveIntegerField("nummer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sparad av",
    )
    created_at = models.DateTimeField("sparad", default=timezone.now)
    note = models.CharField("anteckning", max_length=200, blank=True)
    content = models.JSONField("innehåll")

    class Meta:
        verbose_name = "version"
        verbose_name_plural = "versioner"
        ordering = ["statement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"],
                name="statement_version_number_unique",
                violation_error_message="Utlåtandet har redan en version med det numret.",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} av {self.statement}"


class AutosavedDraft(models.Model):
    """Autosparat utkast: one person's unsaved form, kept while they write.

    Not a version: it holds the form exactly as it was posted, so that a closed tab, a crash or
    a lost connection never costs the text. Saving the form for real removes it.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="autosaves", verbose_name="utlåtande"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="person"
    )
    base_version = models.PositiveIntegerField("utgår från version")
    data = models.JSONField("formulärdata")
    saved_at = models.DateTimeField("sparat", default=timezone.now)

    class Meta:
        verbose_name = "autosparat utkast"
        verbose_name_plural = "autosparade utkast"
        constraints = [
            models.UniqueConstraint(fields=["statement", "user"], name="one_autosave_per_person"),
        ]

    def __str__(self) -> str:
        return f"Utkast av {self.user} ({self.saved_at:%Y-%m-%d %H:%M})"


class PreparationStep(models.Model):
    """Ärendets beredning: who was consulted on the statement, and when."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Intern beredning"
        STAFF_GROUP = "staff_group", "Förvaltningsgrupp"
        PENSIONERS_COUNCIL = "pensioners_council", "Pensionärsråd"
        DISABILITY_COUNCIL = "disability_council", "Råd för funktionshindersfrågor"
        OTHER = "other", "Annat"

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="preparation_steps",
        verbose_name="tjänsteutlåtande",
    )
    kind = models.CharField("typ", max_length=30, choices=Kind.choices)
    who = models.CharField("vem", max_length=300)
    date = models.DateField("datum", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "beredningssteg"
        verbose_name_plural = "ärendets beredning"
        # Undated steps (the internal preparation) come first on every database.
        ordering = ["statement", models.F("date").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.who}"


class FocusAreaView(models.Model):
    """Synpunkter per fokusområde: the statement's views tagged to one focus area."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="focus_area_views",
        verbose_name="tjänsteutlåtande",
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="views", verbose_name="fokusområde"
    )
    text = models.TextField("synpunkter")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "synpunkt per fokusområde"
        verbose_name_plural = "synpunkter per fokusområde"
        ordering = ["statement", "focus_area__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "focus_area"],
                name="focus_area_view_once_per_statement",
                violation_error_message="Utlåtandet har redan synpunkter på det fokusområdet.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focus_area} – {self.statement}"

    def clean(self) -> None:
        super().clean()
        if self.statement_id and self.focus_area_id:
            programme_id = self.statement.recipient.remiss.programme_id
            if self.focus_area.programme_id != programme_id:
                raise ValidationError(
                    {"focus_area": "Fokusområdet hör inte till det program som remissen gäller."}
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
        Statement,
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
