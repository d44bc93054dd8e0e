"""The exact text that is justified, and its SHA-256 (justering).

The chair and the justerare sign the wording of the protokoll, or of one paragraph justified at
once. The signing page shows this text and sends its SHA-256 with the signature; the workflow
computes it again and refuses a signature when the text has changed in between, and every
signature keeps the SHA-256 of what its signer saw. The text is built from the recorded rows
only (never from a date of today), so the same protokoll always gives the same text.
"""

from __future__ import annotations

import hashlib

from remiss import paragraphs
from remiss.models import AgendaItem, Decision, Meeting
from remiss.paragraphs import Paragraph, basis, name_of


def paragraph_text(paragraph: Paragraph) -> str:
    """One paragraph (§) as the protokoll records it."""
    item, decision = paragraph.item, paragraph.decision
    lines = [f"§ {item.number} {item.title}"]
    statement = item.statement
    if statement is not None and statement.reference_line:
        lines.append(statement.reference_line)
    lines += [f"Beslutsunderlag: {line}" for line in basis(item)]
    lines.append("Tjänstgörande: " + "; ".join(p.label for p in paragraph.serving))
    for recusal in paragraph.recusals:
        text = f"Jäv: {name_of(recusal.member)}"
        if recusal.substitute_id:
            text += f"; {name_of(recusal.substitute)} tjänstgör i stället"
        lines.append(text)
    if decision is None:
        lines.append("Inget beslut")
        return "\n".join(lines)
    lines.append(f"Beslut: {decision.get_outcome_display()}")
    lines.append(decision.text.strip())
    if decision.changes.strip():
        lines.append(f"Ändringar: {decision.changes.strip()}")
    if decision.immediate:
        lines.append("Paragrafen justeras omedelbart.")
    for proposal in decision.proposals.all():
        text = f"Yrkande: {proposal.mover}: {proposal.get_kind_display().lower()}"
        lines.append(text + (f". {proposal.text}" if proposal.text else ""))
    vote = paragraph.vote
    if vote is not None:
        lines.append(f"Votering: {vote.proposition}")
        for ballot in paragraph.ballots:
            lines.append(f"  {name_of(ballot.member)}: {ballot.choice}")
        if vote.casting_vote:
            lines.append(f"  Ordförandens utslagsröst: {vote.casting_vote}")
    for reservation in decision.reservations.all():
        lines.append(f"Reservation: {reservation.member}: {reservation.reason}".rstrip(": "))
    for special in decision.special_statements.all():
        lines.append(f"Särskilt uttalande: {special.by}: {special.text}")
    for note in decision.notes.all():
        lines.append(f"Protokollsanteckning: {note.by}: {note.text}")
    return "\n".join(lines)


def _heading(meeting: Meeting) -> list[str]:
    lines = [
        f"Protokoll {meeting.organisation.name}",
        f"Sammanträde {meeting.date:%Y-%m-%d}"
        + (f" kl. {meeting.starts_at:%H:%M}" if meeting.starts_at else "")
        + (f", {meeting.place}" if meeting.place else ""),
    ]
    if meeting.chair_id:
        lines.append(f"Ordförande: {name_of(meeting.chair)}")
    justifiers = meeting.justifiers.order_by("last_name", "first_name", "pk")
    lines.append("Justerare: " + ", ".join(name_of(u) for u in justifiers))
    if meeting.secretary_id:
        lines.append(f"Sekreterare: {name_of(meeting.secretary)}")
    return lines


def minutes_text(meeting: Meeting) -> str:
    """The whole protokoll: the meeting, who presided and justifies, and every paragraph."""
    parts = ["\n".join(_heading(meeting))]
    parts += [paragraph_text(paragraph) for paragraph in paragraphs.read(meeting)]
    return "\n\n".join(parts) + "\n"


def extract_text(decision: Decision) -> str:
    """One paragraph justified at once: the meeting, and the paragraph."""
    meeting = decision.item.meeting
    (paragraph,) = paragraphs.read(meeting, AgendaItem.objects.filter(pk=decision.item_id))
    return "\n".join(_heading(meeting)) + "\n\n" + paragraph_text(paragraph) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
