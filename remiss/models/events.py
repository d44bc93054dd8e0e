"""The append-only log of the case: what happened, to what, by whom, when (händelser)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from remiss.models.remisses import Recipient
from remiss.models.statements import Statement


class StatusEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Händelseloggen kan inte ändras i efterhand.")

    def delete(self):
        raise TypeError("Händelseloggen kan inte raderas.")

    def timeline(self) -> "StatusEventQuerySet":
        """In order, with what the sentences name (the person, the organisation, the sender)."""
        return self.select_related(
            "actor", "recipient__organisation", "recipient__remiss__sender"
        ).order_by("created_at", "pk")


class EventAction(models.TextChoices):
    """The vocabulary of the event log: every step of a case is one of these."""

    RECEIVED = "received", "Remissen mottagen"
    REGISTERED = "registered", "Diariefört"
    STARTED = "started", "Utlåtandet påbörjat"
    SUBMITTED = "submitted", "Lämnat till granskning"
    SUBMISSION_WITHDRAWN = "submission_withdrawn", "Tillbakataget från granskning"
    REVIEW_STARTED = "review_started", "Granskningen påbörjad"
    RETURNED = "returned", "Returnerat"
    SIGNED = "signed", "Signerat"
    WITHDRAWN = "withdrawn", "Signeringen tillbakatagen"
    PUT_ON_AGENDA = "put_on_agenda", "Uppsatt på föredragningslistan"
    DECIDED = "decided", "Beslutat"
    REFERRED_BACK = "referred_back", "Återremitterat"
    TABLED = "tabled", "Bordlagt"
    TAKEN_OFF_AGENDA = "taken_off_agenda", "Struket från föredragningslistan"
    JUSTIFIED = "justified", "Justerat"
    DELIVERED = "delivered", "Expedierat"
    DECLINED = "declined", "Avstår"
    REJECTED = "rejected", "Förslaget avslaget"
    DELEGATED = "delegated", "Besvarat på delegation"
    EXTENSION_ASKED = "extension_asked", "Anstånd begärt"
    EXTENSION_GRANTED = "extension_granted", "Anstånd beviljat"
    EXTENSION_REFUSED = "extension_refused", "Anstånd avslaget"
    REMINDED = "reminded", "Påminnelse skickad"
    REMISS_CHANGED = "remiss_changed", "Remissen ändrad"
    RECALLED = "recalled", "Remissen återkallad"
    NOT_RECEIVED = "not_received", "Svar ej inkommit"
    REPLY_REGISTERED = "reply_registered", "Svar registrerat"
    FORWARDED = "forwarded", "Remissen skickad vidare"
    OTHER = "other", "Annan händelse"


class EventSubject(models.TextChoices):
    STATEMENT = "statement", "Tjänsteutlåtandet"
    RECIPIENT = "recipient", "Remissinstansen"


class StatusEvent(models.Model):
    """Händelse: one step of the case, written by the workflow and never changed afterwards.

    Each event has an action from a fixed vocabulary (Action), a subject (the statement or the
    recipient), who took it, when, and an optional comment; a move of status also keeps the
    status before and after. History (django-simple-history) answers "what did the row look
    like then"; this table answers "who moved it, when, and why", and draws the case's
    timeline. Rows are append-only: the model refuses changes and deletions, and a database
    trigger refuses UPDATE.
    """

    Action = EventAction
    Subject = EventSubject

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
    action = models.CharField("händelse", max_length=30, choices=Action.choices)
    subject = models.CharField("gäller", max_length=20, choices=Subject.choices)
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
    to_status = models.CharField("till", max_length=30, blank=True)
    comment = models.TextField("kommentar", blank=True)

    objects = StatusEventQuerySet.as_manager()

    class Meta:
        verbose_name = "händelse"
        verbose_name_plural = "händelser"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=EventAction.values),
                name="status_event_action_known",
            ),
            models.CheckConstraint(
                condition=Q(subject=EventSubject.RECIPIENT)
                | Q(subject=EventSubject.STATEMENT, statement__isnull=False),
                name="status_event_subject_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Händelseloggen kan inte ändras i efterhand.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Händelseloggen kan inte raderas.")

    @property
    def sentence(self) -> str:
        """The event as one Swedish sentence for the timeline, never a code."""
        who = self.actor.get_full_name() or self.actor.get_username() if self.actor else ""
        return SENTENCES[self.action].format(
            who=who or "Portalen",
            organisation=self.recipient.organisation,
            sender=self.recipient.remiss.sender,
        )


A = StatusEvent.Action
# The timeline's sentence for each action; {who} is the person who took the step.
SENTENCES: dict[str, str] = {
    A.RECEIVED: "{organisation} fick remissen från {sender}.",
    A.REGISTERED: "{who} registrerade ärendet i {organisation}s diarium.",
    A.STARTED: "{who} påbörjade tjänsteutlåtandet.",
    A.SUBMITTED: "{who} lämnade utlåtandet till granskning.",
    A.SUBMISSION_WITHDRAWN: "{who} tog tillbaka utlåtandet från granskningen.",
    A.REVIEW_STARTED: "{who} påbörjade granskningen.",
    A.RETURNED: "{who} returnerade utlåtandet till handläggaren.",
    A.SIGNED: "{who} signerade utlåtandet.",
    A.WITHDRAWN: "{who} tog tillbaka signeringen.",
    A.PUT_ON_AGENDA: "{who} satte upp utlåtandet på nämndens föredragningslista.",
    A.DECIDED: "Nämnden beslutade i ärendet; {who} protokollförde beslutet.",
    A.REFERRED_BACK: "Nämnden återremitterade ärendet; {who} protokollförde beslutet.",
    A.TABLED: "Nämnden bordlade ärendet; {who} protokollförde beslutet.",
    A.TAKEN_OFF_AGENDA: "{who} strök utlåtandet från nämndens föredragningslista.",
    A.JUSTIFIED: "Beslutet justerades.",
    A.DELIVERED: "Svaret expedierades till {sender}.",
    A.DECLINED: "{who} beslutade att {organisation} avstår från att svara.",
    A.REJECTED: "Nämnden avslog förvaltningens förslag utan eget yttrande; inget svar skickades.",
    A.DELEGATED: "{who} besvarade remissen på delegation för {organisation}.",
    A.EXTENSION_ASKED: "{who} begärde anstånd.",
    A.EXTENSION_GRANTED: "{who} beviljade anstånd.",
    A.EXTENSION_REFUSED: "{who} avslog begäran om anstånd.",
    A.REMINDED: "{who} skickade en påminnelse.",
    A.REMISS_CHANGED: "{who} ändrade remissen.",
    A.RECALLED: "{who} återkallade remissen; {organisation} behöver inte svara.",
    A.NOT_RECEIVED: "{who} avslutade remissomgången; svar från {organisation} har ej inkommit.",
    A.REPLY_REGISTERED: "Svaret från {organisation} registrerades.",
    A.FORWARDED: "{who} skickade remissen vidare till nämnder och bolag.",
    A.OTHER: "{who} antecknade en händelse.",
}
