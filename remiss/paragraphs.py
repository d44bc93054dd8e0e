"""One paragraph (§) of the minutes as its protokollsutdrag shows it: who served and who was
jävig, the beslutsunderlag, and the utdragsbestyrkande. Used by remiss.pdf (the extract) and
remiss.minutes (the whole protokoll); it imports neither, so there is no import circle."""

from __future__ import annotations

import datetime
from typing import Any

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
