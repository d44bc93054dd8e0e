"""One paragraph (§) of the minutes as its protokollsutdrag shows it: who served and who was
jävig, the beslutsunderlag, and the utdragsbestyrkande. Used by remiss.pdf (the extract) and
remiss.minutes (the whole protokoll); it imports neither, so there is no import circle."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from remiss import council
from remiss.models import AgendaItem, Decision, Meeting


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


def paragraph_attendance(item: AgendaItem) -> dict[str, Any]:
    """Who served on the paragraph, and who was jävig and left it."""
    recusals = list(item.recusals.select_related("member", "substitute"))
    return {
        "serving": [p.label for p in council.serving_on(item)],
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
