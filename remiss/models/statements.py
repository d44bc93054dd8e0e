"""The tjänsteutlåtande, its versions, preparation steps and views per focus area."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from programs.models import FocusArea
from remiss.history import HistoricalRecords
from remiss.models.organisations import Membership, Organisation
from remiss.models.remisses import Recipient, organisations_of


class StatementQuerySet(models.QuerySet):
    def of_organisations_of(self, user) -> "StatementQuerySet":
        """The person's own organisations' statements: an official's in any state (drafts
        included); a ledamot's or ersättare's only once the statement stands on an issued
        agenda (kallelse utfärdad), never while the administration drafts it."""
        return self.filter(_own_statements(user))

    def delivered(self) -> "StatementQuerySet":
        """Statements that were delivered (expedierade) as the reply: not a statement the
        council rejected, even when the council answered with a text of its own."""
        return self.filter(
            recipient__status=Recipient.Status.DELIVERED, status=StatementStatus.DELIVERED
        )

    def public(self) -> "StatementQuerySet":
        """Statements anyone may read: the delivered reply to a sent remiss."""
        return self.delivered().filter(recipient__remiss__sent_on__isnull=False)

    def visible_to(self, user) -> "StatementQuerySet":
        """The organisations' own statements in any state; others' only once delivered, and
        only on a remiss the organisations sent or received (what search shows them)."""
        organisations = organisations_of(user)
        received = Recipient.objects.filter(
            remiss=OuterRef("recipient__remiss"), organisation_id__in=organisations
        )
        delivered_on_their_remiss = Q(
            recipient__status=Recipient.Status.DELIVERED, recipient__remiss__sent_on__isnull=False
        ) & (Q(recipient__remiss__sender_id__in=organisations) | Q(Exists(received)))
        delivered_on_their_remiss &= Q(status=StatementStatus.DELIVERED)
        return self.filter(_own_statements(user) | delivered_on_their_remiss)


def _own_statements(user) -> Q:
    """The statements of the person's organisations they may read (of_organisations_of)."""
    AgendaItem = apps.get_model("remiss", "AgendaItem")  # meetings.py imports this module
    on_issued_agenda = Exists(
        AgendaItem.objects.filter(statement=OuterRef("pk"), meeting__issues__isnull=False)
    )
    as_member = Q(recipient__organisation_id__in=Membership.objects.sat_in_by(user)) & (
        (Q(status__in=TAKEN_UP_STATUSES) & Q(on_issued_agenda))
        | Q(status=StatementStatus.DELIVERED)  # the delivered reply is public anyway
    )
    return Q(recipient__organisation_id__in=Membership.objects.served_by(user)) | as_member


class StatementStatus(models.TextChoices):
    """The statement's states (docs/domain.md §4); only the workflow moves between them."""

    DRAFT = "draft", "Utkast"
    IN_REVIEW = "in_review", "Granskas"
    READY = "ready", "Signerat"
    ON_AGENDA = "on_agenda", "På föredragningslistan"
    DECIDED = "decided", "Beslutat"
    JUSTIFIED = "justified", "Justerat"
    DELIVERED = "delivered", "Expedierat"


# Taken up by the council: on the agenda and after; a statement back in draft is not.
TAKEN_UP_STATUSES = [
    StatementStatus.ON_AGENDA,
    StatementStatus.DECIDED,
    StatementStatus.JUSTIFIED,
    StatementStatus.DELIVERED,
]

# Before signing: no signature yet (and none after a withdrawal or a referral back).
UNSIGNED_STATUSES = [StatementStatus.DRAFT, StatementStatus.IN_REVIEW]


class Statement(models.Model):
    """Tjänsteutlåtande: the administration's written statement to its council."""

    Status = StatementStatus

    # The sections of the statement in print order (docs/domain.md §8): field name, heading.
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
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signerat av",
    )
    signed_at = models.DateTimeField("signerat", null=True, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_started_at = models.DateTimeField("granskningen påbörjad", null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="granskas av",
    )
    version = models.PositiveIntegerField(
        "version", default=0, help_text="Numret på den senast sparade versionen."
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    updated_at = models.DateTimeField("senast sparad", auto_now=True)

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tjänsteutlåtande"
        verbose_name_plural = "tjänsteutlåtanden"
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="statement_status_known"
            ),
            # Signed from READY on: the signature is there exactly when the text is signed.
            models.CheckConstraint(
                condition=Q(
                    status__in=UNSIGNED_STATUSES, signed_at__isnull=True, signed_by__isnull=True
                )
                | (~Q(status__in=UNSIGNED_STATUSES) & Q(signed_at__isnull=False)),
                name="statement_signature_follows_status",
                violation_error_message=(
                    "Ett signerat utlåtande har en signering, ett osignerat ingen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.recipient.organisation})"

    @property
    def is_signed(self) -> bool:
        """Signed and not withdrawn: from READY on (the printed statement loses its UTKAST)."""
        return self.status not in UNSIGNED_STATUSES

    @property
    def is_frozen(self) -> bool:
        """From signing on, the text is fixed (docs/domain.md §4)."""
        return self.status != self.Status.DRAFT

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
        """Fackförvaltningar write "Förvaltningens synpunkter och förslag" (docs/domain.md §8)."""
        if self.recipient.organisation.kind == Organisation.Kind.SPECIALIST_BOARD:
            return "Förvaltningens synpunkter och förslag"
        return "Synpunkter och förslag"

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) in print order."""
        headings = dict(self.SECTIONS, views=self.views_heading)
        return [(headings[field], getattr(self, field)) for field, _ in self.SECTIONS]


class ReviewComment(models.Model):
    """Granskningskommentar: the head of administration's comment on one part of the statement,
    given when returning it to the handläggare. Its anchor is the part: the whole statement
    (GENERAL), a section (Statement.SECTIONS), the proposals (PROPOSALS), or the views on one
    focus area (FOCUS_AREA with focus_area), so the editor shows it beside that part."""

    GENERAL = "general"
    PROPOSALS = "proposals"
    FOCUS_AREA = "focus_area"

    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name="utlåtande",
    )
    section = models.CharField("avsnitt", max_length=30)
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fokusområde",
    )
    text = models.TextField("kommentar")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="av"
    )
    created_at = models.DateTimeField("skriven", default=timezone.now)
    version = models.PositiveIntegerField("gäller version")

    class Meta:
        verbose_name = "granskningskommentar"
        verbose_name_plural = "granskningskommentarer"
        ordering = ["statement", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section="focus_area", focus_area__isnull=False)
                | (~Q(section="focus_area") & Q(focus_area__isnull=True)),
                name="review_comment_focus_area_with_its_anchor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section_label}: {self.text[:40]}"

    @property
    def section_label(self) -> str:
        if self.section == self.GENERAL:
            return "Hela utlåtandet"
        if self.section == self.PROPOSALS:
            return "Förslag till beslut"
        if self.section == self.FOCUS_AREA and self.focus_area_id:
            return f"Synpunkter om {self.focus_area}"
        return dict(Statement.SECTIONS).get(self.section, self.section)

    @property
    def anchor(self) -> str:
        """The part it is about, as the editor and the review form name it."""
        if self.section == self.FOCUS_AREA:
            return f"focus-{self.focus_area_id}"
        return self.section


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
