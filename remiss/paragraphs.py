"""One paragraph (§) of the minutes as its protokollsutdrag shows it: who served and who was
jävig, the beslutsunderlag, and the utdragsbestyrkande. Used by remiss.pdf (the extract) and
remiss.minutes (the whole protokoll); it imports neither, so there is no import circle."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from remiss import council
from remiss.models import AgendaItem, Ballot, Decision, Meeting, Recusal, Vote


@dataclass
class Paragraph:
    """A paragraph with everything the protokoll says about it, read for a whole meeting at
    once by `read`."""

    item: AgendaItem
    decision: Decision | None
    recusals: list[Recusal]
    serving: list[council.Participant]
    ballots: list[Ballot]

    @property
    def vote(self) -> Vote | None:
        return getattr(self.decision, "vote", None) if self.decision is not None else None


def read(meeting: Meeting, items: QuerySet[AgendaItem] | None = None) -> list[Paragraph]:
    """The meeting's paragraphs (or `items` of it) in number order, each with its decision,
    proposals, vote and ballots, reservations, special statements, notes, jäv and who served:
    nine queries whatever the number of paragraphs (there were nine per paragraph)."""
    found = list(
        (meeting.items.all() if items is None else items)
        .select_related(
            "statement__recipient__organisation", "statement__recipient__remiss__sender"
        )
        .prefetch_related(
            Prefetch("recusals", queryset=Recusal.objects.select_related("member", "substitute"))
        )
        .order_by("number")
    )
    for item in found:
        item.meeting = meeting  # one meeting object for all: its organisation is read once
    decisions = {
        decision.item_id: decision
        for decision in Decision.objects.filter(item__in=[item.pk for item in found])
        .select_related("vote")
        .prefetch_related("proposals", "reservations", "special_statements", "notes")
    }
    votes = [vote for d in decisions.values() if (vote := getattr(d, "vote", None)) is not None]
    ballots: dict[int, list[Ballot]] = defaultdict(list)
    if votes:
        for ballot in (
            Ballot.objects.filter(vote__in=votes)
            .select_related("member")
            .order_by("member__last_name", "pk")
        ):
            ballots[ballot.vote_id].append(ballot)
    attendance = council.attendance_of(meeting) if found else []
    paragraphs = []
    for item in found:
        decision = decisions.get(item.pk)
        if decision is not None:
            decision.item = item
        recusals = list(item.recusals.all())
        vote = getattr(decision, "vote", None) if decision is not None else None
        paragraphs.append(
            Paragraph(
                item=item,
                decision=decision,
                recusals=recusals,
                serving=council.serving_on(item, attendance=attendance, recusals=recusals),
                ballots=ballots[vote.pk] if vote is not None else [],
            )
        )
    return paragraphs


def name_of(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def basis(item: AgendaItem) -> list[str]:
    """Beslutsunderlag: the tjänsteutlåtande and its date (and its dnr)."""
    statement = item.statement
    if statement is None:
        return []
    recipient = statement.recipient
    dnr = recipient.registration_number or recipient.remiss.registration_number
    return [
        f"{recipient.organisation.administration or recipient.organisation.name}s "
        f"tjänsteutlåtande daterat {statement.date:%Y-%m-%d}, dnr {dnr}"
    ]


def paragraph_attendance(item: AgendaItem, paragraph: Paragraph | None = None) -> dict[str, Any]:
    """Who served on the paragraph, and who was jävig and left it (from `paragraph` when it
    was read already)."""
    if paragraph is not None:
        recusals, serving = paragraph.recusals, paragraph.serving
    else:
        recusals = list(item.recusals.select_related("member", "substitute"))
        serving = council.serving_on(item, recusals=recusals)
    return {
        "serving": [p.label for p in serving],
        "recused": [
            f"{name_of(r.member)} deltar inte på grund av jäv"
            + (f"; {name_of(r.substitute)} tjänstgör i stället" if r.substitute_id else "")
            for r in recusals
        ],
    }


def signers(meeting: Meeting, decision: Decision | None = None) -> list[dict[str, Any]]:
    """Who justifies, in order (the chair, then the justerare), each with the moment they
    signed, or None while they have not: the protokoll's signatures, or the paragraph's when it
    was justified at once (omedelbar justering)."""
    people = []
    if meeting.chair is not None:
        people.append((meeting.chair, "Ordförande"))
    people += [
        (user, "Justerare")
        for user in meeting.justifiers.order_by("last_name", "first_name", "pk")
        if user.pk != meeting.chair_id
    ]
    signatures = meeting.signatures.filter(decision__isnull=True)
    if decision is not None and decision.immediate and decision.signatures.exists():
        signatures = decision.signatures.all()
    signed = {s.user_id: s.signed_at for s in signatures}
    return [
        {
            "name": name_of(user),
            "role": role,
            "signed_at": timezone.localtime(signed[user.pk]) if user.pk in signed else None,
        }
        for user, role in people
    ]


def kept_at(meeting: Meeting) -> str:
    """Förvaringsplats: where the justified protokoll is kept (the MINUTES_KEPT_AT setting)."""
    organisation = meeting.organisation
    return settings.MINUTES_KEPT_AT.format(
        administration=organisation.administration or organisation.name
    )


def certification(meeting: Meeting, day: datetime.date | None = None) -> dict[str, str]:
    """Utdragsbestyrkande: "Rätt utdraget intygar", the secretary's name and the date."""
    return {
        "name": name_of(meeting.secretary),
        "date": (day or timezone.localdate()).isoformat(),
    }


def extract_extras(decision: Decision) -> dict[str, Any]:
    """What the protokollsutdrag adds to pdf.extract_context."""
    item = decision.item
    return {
        "attendance": paragraph_attendance(item),
        "basis": basis(item),
        "certification": certification(item.meeting, decision.justified_on),
    }
