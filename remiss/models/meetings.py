"""Council meetings: the agenda, decisions with proposals, votes and reservations, and the
justification of the minutes (sammanträden, föredragningslista, beslut, justering)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from remiss import deadlines
from remiss.history import HistoricalRecords
from remiss.models.jobs import Job
from remiss.models.organisations import Organisation
from remiss.models.remisses import Recipient, organisations_of
from remiss.models.statements import Statement


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        """Meetings of the person's organisations: the agenda is open to every member."""
        return self.filter(organisation_id__in=organisations_of(user))


class Meeting(models.Model):
    """Sammanträde: one meeting of a council, whose minutes are justified as a whole."""

    class ChairCapacity(models.TextChoices):
        """In what capacity the chair presides (KL 6 kap. 26 §)."""

        CHAIR = "chair", "Ordförande"
        VICE_CHAIR = "vice_chair", "Vice ordförande, när ordföranden är frånvarande"
        ELDEST = "eldest", "Ålderspresident, vald när ordförandena är frånvarande"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meetings", verbose_name="nämnd"
    )
    date = models.DateField("datum")
    starts_at = models.TimeField("klockan", null=True, blank=True)
    place = models.CharField("plats", max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ordförande",
    )
    chair_capacity = models.CharField(
        "ordförande i egenskap av",
        max_length=20,
        choices=ChairCapacity.choices,
        default=ChairCapacity.CHAIR,
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sekreterare",
    )
    open = models.BooleanField(
        "offentligt sammanträde",
        default=False,
        help_text="Allmänheten får närvara; föredragningslistan visas på de offentliga sidorna.",
    )
    other_participants = models.TextField(
        "övriga närvarande", blank=True, help_text="Tjänstepersoner och andra, en per rad."
    )
    justification_place = models.CharField("justeringens plats", max_length=200, blank=True)
    justification_date = models.DateField("justeringens dag", null=True, blank=True)
    justifiers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="justerare"
    )
    minutes_justified_on = models.DateField("protokollet justerat", null=True, blank=True)
    notice_date = models.DateField("anslaget", null=True, blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[justifiers])

    class Meta:
        verbose_name = "sammanträde"
        verbose_name_plural = "sammanträden"
        ordering = ["-date", "-starts_at"]
        indexes = [
            # "Protokoll att justera" on every inbox: the few meetings whose minutes are still
            # open, not every meeting the country has held (docs/scale.md).
            models.Index(
                fields=["date"],
                name="meeting_not_justified",
                condition=models.Q(minutes_justified_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}, {self.date:%Y-%m-%d}"

    @property
    def justification_limit(self) -> datetime.date:
        return deadlines.justification_limit(self.date)

    @property
    def last_day_to_justify(self) -> datetime.date:
        return deadlines.last_day_to_justify(self.date)

    def justification_warning(self, today: datetime.date | None = None) -> str | None:
        """A warning as the 14-day limit nears (or has passed) with the minutes unjustified."""
        if self.minutes_justified_on:
            return None
        today = today or timezone.localdate()
        last = self.last_day_to_justify
        days = (last - today).days
        if days < 0:
            return (
                f"Protokollet skulle ha justerats senast {last:%Y-%m-%d} "
                "(14 dagar efter sammanträdet)."
            )
        if days <= 3:
            when = "i dag" if days == 0 else f"om {days} {'dag' if days == 1 else 'dagar'}"
            return f"Protokollet måste justeras senast {last:%Y-%m-%d}, {when}."
        return None


class Attendance(models.Model):
    """Närvaro: a ledamot or ersättare present at the meeting.

    `serving` (tjänstgör) for those who take part in decisions: a present ledamot, or an
    ersättare who serves in an absent ledamot's place (`replaces`). Who arrives late or leaves
    early takes part from `arrives_at` to `leaves_after` (both paragraphs included). Jäv on one
    paragraph is a `Recusal`.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name="sammanträde"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="person"
    )
    seat = models.ForeignKey(
        "remiss.Seat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
        verbose_name="plats",
    )
    serving = models.BooleanField("tjänstgörande", default=True)
    replaces = models.ForeignKey(
        "remiss.Seat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tjänstgör för",
    )
    arrives_at = models.ForeignKey(
        "remiss.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="från och med paragraf",
    )
    leaves_after = models.ForeignKey(
        "remiss.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="till och med paragraf",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "närvarande"
        verbose_name_plural = "närvaro"
        ordering = ["meeting", "-serving", "seat__kind", "seat__position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.seat.label if self.seat else 'närvarande'})"

    def takes_part_in(self, number: int) -> bool:
        """Present for paragraph `number` (late arrival and early leave counted)."""
        if self.arrives_at is not None and number < self.arrives_at.number:
            return False
        return self.leaves_after is None or number <= self.leaves_after.number


class AgendaItem(models.Model):
    """Paragraf: an item on the agenda, numbered (§) as it will stand in the minutes."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="items", verbose_name="sammanträde"
    )
    number = models.PositiveIntegerField("paragraf")
    title = models.CharField("rubrik", max_length=300)
    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="tjänsteutlåtande",
    )
    tabled_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bordlagt från",
    )
    closed = models.BooleanField(
        "stängd paragraf",
        default=False,
        help_text="Behandlas inom stängda dörrar; handlingarna visas aldrig offentligt.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "paragraf"
        verbose_name_plural = "föredragningslista"
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="agenda_item_number_unique_in_meeting",
                violation_error_message="Sammanträdet har redan en paragraf med det numret.",
            ),
            models.UniqueConstraint(
                fields=["meeting", "statement"],
                condition=Q(statement__isnull=False),
                name="statement_once_per_meeting",
                violation_error_message="Utlåtandet står redan på föredragningslistan.",
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.number} {self.title}"


class Recusal(models.Model):
    """Jäv (KL 6 kap. 28–32 §§): a member who leaves one paragraph, and the ersättare who
    serves in their place on that paragraph only."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="recusals", verbose_name="paragraf"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="jävig"
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ersättare som tjänstgör",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "jäv"
        verbose_name_plural = "jäv"
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="recusal_once_per_paragraph"),
        ]

    def __str__(self) -> str:
        return f"{self.member.get_full_name()} jävig i {self.item}"


class DecisionQuerySet(models.QuerySet):
    def final(self) -> "DecisionQuerySet":
        """Decisions on the matter itself: not tabled, not referred back."""
        return self.exclude(outcome__in=NOT_FINAL)

    def justified(self) -> "DecisionQuerySet":
        return self.filter(justified_on__isnull=False)

    def sending_reply(self) -> "DecisionQuerySet":
        """Decisions that give the nämnd's reply (Decision.sends_reply): bifall, bifall med
        ändringar, and avslag with an own yttrande; not avslag without one."""
        return self.filter(
            Q(outcome__in=[DecisionOutcome.ADOPTED, DecisionOutcome.ADOPTED_WITH_CHANGES])
            | Q(
                Exists(
                    MeetingProposal.objects.filter(decision=OuterRef("pk"), adopted_as_reply=True)
                ),
                outcome=DecisionOutcome.REJECTED,
            )
        )

    def public(self) -> "DecisionQuerySet":
        """The justified final decisions that sent a public reply (delivered, to a sent
        remiss): what the public pages show and what their archived documents belong to."""
        return (
            self.final()
            .justified()
            .sending_reply()
            .filter(
                item__statement__recipient__status=Recipient.Status.DELIVERED,
                item__statement__recipient__remiss__sent_on__isnull=False,
                item__closed=False,  # a closed paragraph's documents are never public
            )
        )

    def reply_of(self, statement: Statement) -> "Decision | None":
        """The justified final decision that sent the statement's reply, the latest if more."""
        return (
            self.final()
            .justified()
            .sending_reply()
            .filter(item__statement=statement)
            .order_by("-decided_at")
            .first()
        )


class DecisionOutcome(models.TextChoices):
    """Bifall, bifall med ändringar, återremiss, bordläggning, avslag."""

    ADOPTED = "adopted", "Bifall"
    ADOPTED_WITH_CHANGES = "adopted_with_changes", "Bifall med ändringar"
    REFERRED_BACK = "referred_back", "Återremiss"
    TABLED = "tabled", "Bordläggning"
    REJECTED = "rejected", "Avslag"


class Decision(models.Model):
    """Beslut: the council's decision on one agenda item (one per item)."""

    Outcome = DecisionOutcome

    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="decision", verbose_name="paragraf"
    )
    outcome = models.CharField("utfall", max_length=30, choices=Outcome.choices)
    text = models.TextField("beslut")
    changes = models.TextField(
        "ändringar",
        blank=True,
        help_text="Den ändrade texten, när beslutet är bifall med ändringar.",
    )
    amendments = models.JSONField(
        "ändrad lydelse",
        default=dict,
        blank=True,
        help_text=(
            "Vid bifall med ändringar: nämndens lydelse per ändrat avsnitt (fältets namn) och "
            "förslagen till beslut (proposals, en lista). Tjänsteutlåtandet ändras inte."
        ),
    )
    next_step = models.CharField(
        "vad som händer sedan",
        max_length=30,
        blank=True,
        choices=[
            ("answer_later", "Nämnden svarar senare"),
            ("request_extension", "Nämnden begär anstånd och svarar senare"),
            ("decline", "Nämnden avstår från att svara"),
        ],
        help_text="Vid avslag utan eget yttrande: vad nämnden beslutade om svaret.",
    )
    next_step_reason = models.TextField("skäl att avstå", blank=True)
    immediate = models.BooleanField("justeras omedelbart", default=False)
    decided_at = models.DateTimeField("beslutat", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="protokollfört av",
    )
    justified_on = models.DateField("justerat", null=True, blank=True)
    notice_date = models.DateField("anslaget", null=True, blank=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslut"
        verbose_name_plural = "beslut"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_known"
            ),
            # Justification and its notice go together.
            models.CheckConstraint(
                condition=Q(justified_on__isnull=True, notice_date__isnull=True)
                | Q(justified_on__isnull=False, notice_date__isnull=False),
                name="decision_notice_follows_justification",
            ),
        ]
        indexes = [
            # "Paragrafer att justera omedelbart" in every header's Att göra count: the few
            # paragraphs to be justified at once and still waiting, not every decision ever
            # taken (a sequential scan of 43,503 decisions at 2,000 remisses, docs/benchmarks.md).
            models.Index(
                fields=["item"],
                name="decision_justify_now",
                condition=Q(immediate=True, justified_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_outcome_display()}"

    @property
    def appeal_ends(self) -> datetime.date | None:
        return deadlines.appeal_ends(self.notice_date) if self.notice_date else None

    @property
    def is_final(self) -> bool:
        """A decision on the matter itself (not tabled or sent back): it is justified and sent."""
        return self.outcome not in NOT_FINAL

    @property
    def amended_parts(self) -> list[tuple[str, str]]:
        """(heading, the nämnd's wording) of each part the decision changed, in print order."""
        headings = dict(Statement.SECTIONS, proposals="Förslag till beslut")
        order = ["proposals", *(name for name, _ in Statement.SECTIONS)]
        parts = []
        for name in order:
            text = (self.amendments or {}).get(name)
            if text:
                if isinstance(text, list):
                    text = "\n".join(f"{n}. {line}" for n, line in enumerate(text, start=1))
                parts.append((headings[name], text))
        return parts

    @property
    def adopted_proposal(self) -> "MeetingProposal | None":
        """Vid avslag: the yrkande whose own yttrande the council adopted as its reply."""
        return next((p for p in self.proposals.all() if p.adopted_as_reply), None)

    @property
    def sends_reply(self) -> bool:
        """The decision gives the council's reply: bifall, bifall med ändringar, or avslag with
        an own yttrande adopted from a yrkande. Avslag without one sends nothing."""
        if self.outcome in (Decision.Outcome.ADOPTED, Decision.Outcome.ADOPTED_WITH_CHANGES):
            return True
        return self.outcome == Decision.Outcome.REJECTED and self.adopted_proposal is not None


# Outcomes that leave the matter open: the statement goes back, or to a later meeting.
NOT_FINAL = (Decision.Outcome.REFERRED_BACK, Decision.Outcome.TABLED)


class ProposalKind(models.TextChoices):
    """What a yrkande asks for."""

    ADOPT = "adopt", "Bifall"
    REJECT = "reject", "Avslag"
    REFER_BACK = "refer_back", "Återremiss"
    TABLE = "table", "Bordläggning"
    AMEND = "amend", "Ändringsyrkande"


class MeetingProposal(models.Model):
    """Yrkande: a proposal made at the meeting, and who made it."""

    Kind = ProposalKind

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="proposals", verbose_name="beslut"
    )
    mover = models.CharField("yrkande av", max_length=200)
    kind = models.CharField("yrkande", max_length=20, choices=Kind.choices)
    text = models.TextField("text", blank=True)
    adopted_as_reply = models.BooleanField(
        "antaget som nämndens yttrande",
        default=False,
        help_text="Nämnden avslog förvaltningens förslag och antog yrkandets text som sitt svar.",
    )

    class Meta:
        verbose_name = "yrkande"
        verbose_name_plural = "yrkanden"
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values), name="proposal_kind_known"
            ),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(adopted_as_reply=True),
                name="one_adopted_reply_per_decision",
            ),
            models.CheckConstraint(
                condition=Q(adopted_as_reply=False) | ~Q(text=""),
                name="adopted_reply_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mover}: {self.get_kind_display()}"


class VoteChoice(models.TextChoices):
    """Röst: ja, nej or avstår; the chair's casting vote is ja or nej."""

    YES = "ja", "Ja"
    NO = "nej", "Nej"
    ABSTAIN = "avstår", "Avstår"


CASTING_CHOICES = [(VoteChoice.YES, VoteChoice.YES.label), (VoteChoice.NO, VoteChoice.NO.label)]


class Vote(models.Model):
    """Votering: an open vote; each serving member answers ja, nej or avstår."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="vote", verbose_name="beslut"
    )
    proposition = models.TextField(
        "propositionsordning", help_text="Vad ja och nej står för, som ordföranden ställde det."
    )
    casting_vote = models.CharField(
        "ordförandens utslagsröst",
        max_length=5,
        blank=True,
        choices=CASTING_CHOICES,
        help_text="Avgör vid lika röstetal.",
    )

    class Meta:
        verbose_name = "votering"
        verbose_name_plural = "voteringar"
        constraints = [
            models.CheckConstraint(
                condition=Q(casting_vote__in=["", VoteChoice.YES, VoteChoice.NO]),
                name="vote_casting_vote_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Votering: {self.decision}"

    def counts(self, ballots=None) -> dict[str, int]:
        ballots = self.ballots.all() if ballots is None else ballots
        return tally(ballot.choice for ballot in ballots)

    def result(self, ballots=None) -> str:
        """ "ja" or "nej": the majority, or the chair's casting vote on a tie."""
        return outcome_of(self.counts(ballots), self.casting_vote)


def tally(choices) -> dict[str, int]:
    """How many answered ja, nej and avstår (keys are the VoteChoice values)."""
    result = dict.fromkeys(VoteChoice.values, 0)
    for choice in choices:
        result[choice] += 1
    return result


def outcome_of(counts: dict[str, int], casting_vote: str) -> str:
    """The majority, or the chair's casting vote on a tie ("" when a tie has none)."""
    yes, no = counts[VoteChoice.YES], counts[VoteChoice.NO]
    if yes != no:
        return VoteChoice.YES if yes > no else VoteChoice.NO
    return casting_vote


class Ballot(models.Model):
    """One member's answer in a vote."""

    Choice = VoteChoice

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ledamot"
    )
    choice = models.CharField("röst", max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = "röst"
        verbose_name_plural = "röster"
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member"),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values), name="ballot_choice_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.get_full_name()}: {self.get_choice_display()}"


class Reservation(models.Model):
    """Reservation: a member's formal dissent, with written reasons."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="reservations", verbose_name="beslut"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ledamot",
        help_text="Den tjänstgörande som reserverade sig (tom i äldre poster).",
    )
    member = models.CharField("reserverar sig", max_length=300)
    reason = models.TextField("motivering", blank=True)

    class Meta:
        verbose_name = "reservation"
        verbose_name_plural = "reservationer"
        ordering = ["decision", "pk"]

    def __str__(self) -> str:
        return f"Reservation av {self.member}"


class SpecialStatement(models.Model):
    """Särskilt uttalande: a party's statement in the minutes, without dissent."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="special_statements", verbose_name="beslut"
    )
    by = models.CharField("av", max_length=300)
    text = models.TextField("uttalande")

    class Meta:
        verbose_name = "särskilt uttalande"
        verbose_name_plural = "särskilda uttalanden"
        ordering = ["decision", "pk"]

    def __str__(self) -> str:
        return f"Särskilt uttalande av {self.by}"


class ProtocolNote(models.Model):
    """Protokollsanteckning: a note entered in the minutes."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="notes", verbose_name="beslut"
    )
    by = models.CharField("av", max_length=300)
    text = models.TextField("anteckning")

    class Meta:
        verbose_name = "protokollsanteckning"
        verbose_name_plural = "protokollsanteckningar"
        ordering = ["decision", "pk"]

    def __str__(self) -> str:
        return f"Protokollsanteckning av {self.by}"


class AgendaIssue(Job):
    """Kallelse med föredragningslista, as issued to the members: version 1 is the kallelse, a
    later version a tilläggslista after the agenda changed. The PDF is kept as issued.

    Issuing stores the print HTML as it is at that moment; a durable job (minutes.render_agenda)
    lays it out, stores the PDF with its SHA-256 and clears the HTML. Until then the PDF's
    address answers that it is being prepared."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="issues", verbose_name="sammanträde"
    )
    version = models.PositiveSmallIntegerField("version")
    issued_at = models.DateTimeField("skickad", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="av"
    )
    file = models.FileField("fil", upload_to="kallelser/%Y/%m/", max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    html = models.TextField("utskrift att göra PDF av", blank=True)
    items = models.JSONField("punkter", default=list, help_text="Föredragningslistan som skickad.")
    meeting_details = models.JSONField("tid och plats", default=dict)

    class Meta:
        verbose_name = "kallelse"
        verbose_name_plural = "kallelser"
        ordering = ["meeting", "version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="agenda_issue_version"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.meeting}"

    @property
    def label(self) -> str:
        return "Kallelse" if self.version == 1 else f"Tilläggslista {self.version - 1}"

    @property
    def definite(self) -> str:
        """What is being made into a PDF, as the waiting page says it."""
        return "kallelsen" if self.version == 1 else "tilläggslistan"


class JustificationSignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("En justering kan inte ändras i efterhand.")

    def delete(self):
        raise TypeError("En justering kan inte raderas.")

    def of_minutes(self) -> "JustificationSignatureQuerySet":
        return self.filter(decision__isnull=True)


class JustificationSignature(models.Model):
    """Justering: the chair or a justerare confirming, for themselves, either the whole
    protokoll (`decision` empty) or one paragraph justified at once (omedelbar justering,
    `decision` set). Records who, when (the real time of signing) and the SHA-256 of the exact
    text signed (remiss.signed_text), and how the person's identity was confirmed (the signing
    backend, remiss.signing). Append-only: never changed, never deleted."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="signatures", verbose_name="sammanträde"
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name="omedelbart justerad paragraf",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="person"
    )
    signed_at = models.DateTimeField("justerat", default=timezone.now)
    sha256 = models.CharField("SHA-256 av den justerade texten", max_length=64, blank=True)
    method = models.CharField("identifiering", max_length=40, blank=True)
    reference = models.CharField("referens", max_length=200, blank=True)

    objects = JustificationSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "justering"
        verbose_name_plural = "justeringar"
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(decision__isnull=True),
                name="justify_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["decision", "user"],
                condition=Q(decision__isnull=False),
                name="justify_paragraph_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} justerade {self.signed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("En justering kan inte ändras i efterhand.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("En justering kan inte raderas.")


class NoticeQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> "NoticeQuerySet":
        """What the anslagstavla shows now: posted, and the day to take it down not yet come."""
        today = today or timezone.localdate()
        return self.filter(posted_on__lte=today, takes_down_on__gt=today)

    def taken_down(self, today: datetime.date | None = None) -> "NoticeQuerySet":
        """The archive: notices whose time on the anslagstavla is over."""
        today = today or timezone.localdate()
        return self.filter(takes_down_on__lte=today)


class Notice(models.Model):
    """Anslag (KL 8 kap. 12 §): the notice on the anslagstavla that a protokoll (or one
    paragraph justified at once) has been justified. Posted on the day of justification; the
    appeal time (three weeks, KL 13 kap. 5 §) counts from `posted_on`, the day it was really
    posted, and the notice stays up until that time has run out."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="notices", verbose_name="sammanträde"
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name="omedelbart justerad paragraf",
    )
    paragraphs = models.CharField("paragrafer", max_length=200)
    justified_on = models.DateField("justerat")
    posted_on = models.DateField("anslaget")
    posted_at = models.DateTimeField("uppsatt")
    appeal_ends = models.DateField("sista dag för överklagande")
    takes_down_on = models.DateField("tas ned")
    kept_at = models.CharField("förvaringsplats för protokollet", max_length=300)
    taken_down_at = models.DateTimeField("nedtaget", null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "anslag"
        verbose_name_plural = "anslag"
        ordering = ["-posted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(decision__isnull=True),
                name="notice_once_per_minutes",
            ),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(decision__isnull=False),
                name="notice_once_per_paragraph",
            ),
            models.CheckConstraint(
                condition=Q(posted_on__gte=models.F("justified_on"))
                & Q(appeal_ends__gt=models.F("posted_on"))
                & Q(takes_down_on__gt=models.F("appeal_ends")),
                name="notice_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Anslag {self.meeting.organisation}, {self.meeting.date:%Y-%m-%d}, {self.paragraphs}"
        )

    @property
    def title(self) -> str:
        what = "Omedelbart justerad paragraf" if self.decision_id else "Justerat protokoll"
        return f"{what}: {self.meeting.organisation}, sammanträde {self.meeting.date:%Y-%m-%d}"
