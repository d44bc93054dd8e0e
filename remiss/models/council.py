"""The council's seats and who takes part in each paragraph of a meeting (ledamöter, ersättare,
närvaro, tjänstgöring, jäv), and the meeting's own log of what the secretary changed."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from remiss.history import HistoricalRecords
from remiss.models.organisations import Organisation


class SeatQuerySet(models.QuerySet):
    def on(self, organisation_id: int, day: datetime.date) -> "SeatQuerySet":
        """The seats of the council during the term (mandatperiod) that includes `day`."""
        return self.filter(
            organisation_id=organisation_id, term_starts__lte=day, term_ends__gte=day
        )

    def members(self) -> "SeatQuerySet":
        return self.filter(kind=Seat.Kind.MEMBER)

    def substitutes(self) -> "SeatQuerySet":
        return self.filter(kind=Seat.Kind.SUBSTITUTE)


class Seat(models.Model):
    """Plats i nämnden: a ledamot or an ersättare for one mandatperiod, with party and order.

    The ledamöter's number is what a quorum is counted against (KL 6 kap. 27 §); the
    ersättare are called in (inkallas) in `position` order.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Ledamot"
        SUBSTITUTE = "substitute", "Ersättare"

    class Office(models.TextChoices):
        NONE = "", "–"
        CHAIR = "chair", "Ordförande"
        VICE_CHAIR = "vice_chair", "Vice ordförande"
        SECOND_VICE_CHAIR = "second_vice_chair", "Andre vice ordförande"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="seats", verbose_name="nämnd"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name="person",
    )
    kind = models.CharField("plats", max_length=20, choices=Kind.choices)
    office = models.CharField(
        "uppdrag", max_length=20, choices=Office.choices, blank=True, default=Office.NONE
    )
    party = models.CharField("parti", max_length=40, help_text="Till exempel S, M, V.")
    position = models.PositiveSmallIntegerField(
        "ordning", help_text="Ledamöternas ordning; för ersättare ordningen de kallas in i."
    )
    term_starts = models.DateField("mandatperioden börjar")
    term_ends = models.DateField("mandatperioden slutar")
    illustrative = models.BooleanField(
        "demodata", default=False, help_text="Påhittad person i demodata, inte en verklig ledamot."
    )

    objects = SeatQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "plats i nämnden"
        verbose_name_plural = "ledamöter och ersättare"
        ordering = ["organisation", "-term_starts", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term_starts", "kind", "position"],
                name="seat_position_unique_in_term",
                violation_error_message="Det finns redan en plats med den ordningen.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "term_starts", "person"],
                name="seat_once_per_person_and_term",
                violation_error_message="Personen har redan en plats i nämnden den perioden.",
            ),
            models.CheckConstraint(
                condition=Q(term_ends__gte=models.F("term_starts")),
                name="seat_term_ordered",
                violation_error_message="Mandatperioden kan inte sluta innan den börjar.",
            ),
            models.CheckConstraint(
                condition=Q(kind="member") | Q(office=""),
                name="seat_office_only_for_members",
                violation_error_message="Ordförande och vice ordförande är ledamöter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party}), {self.label.lower()}"

    @property
    def name(self) -> str:
        return self.person.get_full_name() or self.person.get_username()

    @property
    def label(self) -> str:
        """ "Ordförande", "Ledamot", "Ersättare"."""
        return self.get_office_display() if self.office else self.get_kind_display()


class MeetingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Händelseloggen kan inte ändras i efterhand.")

    def delete(self):
        raise TypeError("Händelseloggen kan inte raderas.")


class MeetingEvent(models.Model):
    """Händelse vid sammanträdet: what the secretary did to the meeting, its agenda or a
    decision, with the reason and the old values. Append-only, like the statement's log."""

    class Action(models.TextChoices):
        CREATED = "created", "Sammanträdet skapades"
        DETAILS_CHANGED = "details_changed", "Tid och plats ändrades"
        ATTENDANCE_RECORDED = "attendance_recorded", "Närvaron registrerades"
        RECUSAL_RECORDED = "recusal_recorded", "Jäv registrerades"
        RECUSAL_REMOVED = "recusal_removed", "Jäv togs bort"
        ITEM_ADDED = "item_added", "Punkt lades till"
        ITEM_MOVED = "item_moved", "Punkt flyttades"
        ITEM_REMOVED = "item_removed", "Punkt ströks"
        AGENDA_ISSUED = "agenda_issued", "Kallelsen skickades"
        DECISION_CORRECTED = "decision_corrected", "Beslutet rättades"
        RESERVATION_REASONS = "reservation_reasons", "Reservationens motivering lämnades"
        MARKED_IMMEDIATE = "marked_immediate", "Paragrafen ska justeras omedelbart"
        JUSTIFICATION_SIGNED = "justification_signed", "Justering undertecknad"
        JUSTIFIED = "justified", "Justerat"
        NOTICE_POSTED = "notice_posted", "Anslaget sattes upp"
        NOTICE_TAKEN_DOWN = "notice_taken_down", "Anslaget togs ned"

    meeting = models.ForeignKey(
        "remiss.Meeting",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="sammanträde",
    )
    item = models.ForeignKey(
        "remiss.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="paragraf",
    )
    action = models.CharField("händelse", max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vem",
    )
    created_at = models.DateTimeField("när", default=timezone.now, db_index=True)
    reason = models.TextField("skäl", blank=True)
    changes = models.JSONField(
        "ändringar", default=dict, blank=True, help_text="Fält: [före, efter]."
    )

    objects = MeetingEventQuerySet.as_manager()

    class Meta:
        verbose_name = "händelse vid sammanträdet"
        verbose_name_plural = "händelser vid sammanträden"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Händelseloggen kan inte ändras i efterhand.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Händelseloggen kan inte raderas.")
