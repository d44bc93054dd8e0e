"""Who takes part in a paragraph, and whether the council may decide it: the rules of
kommunallagen about quorum, jäv, the chair and the justerare, as questions about a meeting.

Reads only; the workflow asks these before it writes (remiss.workflow)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from remiss.models import AgendaItem, Attendance, Meeting, Organisation, Recusal, Seat


class RuleError(Exception):
    """Kommunallagen does not allow it; the message says why, in Swedish."""


@dataclass(frozen=True)
class Participant:
    """One person serving (tjänstgör) on a paragraph, and for which ledamot's seat."""

    user_id: int
    name: str
    seat: Seat | None  # the person's own seat
    serves_for: Seat | None  # the ledamot's seat they fill (their own, for a ledamot)

    @property
    def label(self) -> str:
        """ "Anna Berg (S), ordförande" or "Olle Ek (M), ersättare för Lena Ek (M)"."""
        own = self.seat
        party = f" ({own.party})" if own and own.party else ""
        if own is None:
            return self.name
        if own.kind == Seat.Kind.SUBSTITUTE and self.serves_for is not None:
            return f"{self.name}{party}, ersättare för {self.serves_for.name}"
        return f"{self.name}{party}, {own.label.lower()}"


def seats(meeting: Meeting):
    """The council's seats in the term of the meeting."""
    return Seat.objects.on(meeting.organisation_id, meeting.date).select_related("person")


def member_count(meeting: Meeting) -> int:
    """How many ledamöter the council has (what a quorum is counted against)."""
    return seats(meeting).members().count()


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """Everyone present at the meeting, with their seats and the paragraphs they came and
    went at."""
    return list(
        meeting.attendance.select_related(
            "user", "seat__person", "replaces__person"
        ).select_related("arrives_at", "leaves_after")
    )


def serving_on(
    item: AgendaItem,
    *,
    attendance: list[Attendance] | None = None,
    recusals: list[Recusal] | None = None,
) -> list[Participant]:
    """Who serves on the paragraph: the serving present for it (late arrival and early leave
    counted), without the jäviga, with the ersättare who steps in for a jävig member on this
    paragraph only (KL 6 kap. 28 §). `attendance` and `recusals`, when given, are the
    meeting's and the paragraph's as read already (with their people)."""
    if attendance is None:
        attendance = attendance_of(item.meeting)
    if recusals is None:
        recusals = list(Recusal.objects.filter(item=item).select_related("member", "substitute"))
    recused = {r.member_id for r in recusals}
    stepping_in = {r.substitute_id: r for r in recusals if r.substitute_id}
    by_user = {a.user_id: a for a in attendance}
    result: list[Participant] = []
    for a in attendance:
        if a.user_id in recused or not a.takes_part_in(item.number):
            continue
        if a.serving:
            serves_for = a.replaces if a.replaces_id else a.seat
            result.append(Participant(a.user_id, _name(a.user), a.seat, serves_for))
        elif a.user_id in stepping_in:
            member = by_user.get(stepping_in[a.user_id].member_id)
            serves_for = member.seat if member else None
            result.append(Participant(a.user_id, _name(a.user), a.seat, serves_for))
    return result


def serving_ids(item: AgendaItem) -> set[int]:
    return {p.user_id for p in serving_on(item)}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def require_quorum(item: AgendaItem) -> list[Participant]:
    """KL 6 kap. 27 §: a nämnd may decide only when more than half of its ledamöter serve.
    Counted on this paragraph, among those who serve."""
    meeting = item.meeting
    members = member_count(meeting)
    if members == 0:
        raise RuleError(
            f"Nämndens ledamöter för mandatperioden som omfattar {meeting.date:%Y-%m-%d} är inte "
            "registrerade, så det går inte att se om nämnden är beslutför (KL 6 kap. 27 §)."
        )
    serving = serving_on(item)
    needed = members // 2 + 1
    if len(serving) < needed:
        raise RuleError(
            f"Nämnden är inte beslutför i § {item.number}: {len(serving)} av {members} ledamöter "
            f"tjänstgör, och minst {needed} måste tjänstgöra (mer än hälften, KL 6 kap. 27 §)."
        )
    return serving


def check_attendance(meeting: Meeting, attendance: list[Attendance]) -> None:
    """Each ledamot's seat filled by at most one person on any paragraph, and an ersättare
    serves only in the place of a ledamot."""
    for a in attendance:
        if a.seat is None:
            raise RuleError(f"{_name(a.user)} har ingen plats i nämnden under mandatperioden.")
        if a.serving and a.seat.kind == Seat.Kind.SUBSTITUTE and a.replaces_id is None:
            raise RuleError(f"{_name(a.user)} är ersättare: ange vilken ledamot hen tjänstgör för.")
        if a.replaces is not None and a.replaces.kind != Seat.Kind.MEMBER:
            raise RuleError(f"{_name(a.user)} kan bara tjänstgöra för en ledamot.")
        if a.arrives_at and a.leaves_after and a.arrives_at.number > a.leaves_after.number:
            raise RuleError(f"{_name(a.user)} kan inte gå innan hen kommer.")
    for item in meeting.items.prefetch_related(
        Prefetch("recusals", queryset=Recusal.objects.select_related("member", "substitute"))
    ):
        taken: dict[int, str] = {}
        recusals = list(item.recusals.all())
        for participant in serving_on(item, attendance=attendance, recusals=recusals):
            seat = participant.serves_for
            if seat is None:
                continue
            if seat.pk in taken:
                raise RuleError(
                    f"På § {item.number} tjänstgör både {taken[seat.pk]} och {participant.name} "
                    f"för {seat.name}s plats."
                )
            taken[seat.pk] = participant.name
    # Without items yet, check the meeting as a whole.
    taken = {}
    for a in attendance:
        if not a.serving or a.arrives_at_id or a.leaves_after_id:
            continue
        seat = a.replaces or a.seat
        if seat is None:
            continue
        if seat.pk in taken:
            raise RuleError(
                f"Både {taken[seat.pk]} och {_name(a.user)} tjänstgör för {seat.name}s plats."
            )
        taken[seat.pk] = _name(a.user)


def check_officers(
    meeting: Meeting, attendance: list[Attendance], *, chair, capacity: str, justifiers
) -> None:
    """The chair presides by right (ordförande), or as a vice ordförande when the ordförande is
    absent, or as ålderspresident chosen when both are absent (KL 6 kap. 26 §); the justerare
    are serving members of the meeting."""
    Capacity = Meeting.ChairCapacity
    present = {a.user_id: a for a in attendance}
    serving = {a.user_id for a in attendance if a.serving}
    if chair is None:
        raise RuleError("Ange vem som är ordförande vid sammanträdet.")
    name = _name(chair)
    if chair.pk not in serving:
        raise RuleError(f"{name} tjänstgör inte vid sammanträdet och kan inte vara ordförande.")
    offices = {seat.office: seat for seat in seats(meeting).members().exclude(office="")}
    own = present[chair.pk].seat
    office = own.office if own and own.kind == Seat.Kind.MEMBER else ""
    chair_present = (
        offices.get(Seat.Office.CHAIR) and offices[Seat.Office.CHAIR].person_id in present
    )
    vice = {Seat.Office.VICE_CHAIR, Seat.Office.SECOND_VICE_CHAIR}
    vice_present = any(offices[o].person_id in present for o in vice if o in offices)
    if capacity == Capacity.CHAIR and office != Seat.Office.CHAIR:
        raise RuleError(f"{name} är inte nämndens ordförande.")
    if capacity == Capacity.VICE_CHAIR:
        if office not in vice:
            raise RuleError(f"{name} är inte vice ordförande i nämnden.")
        if chair_present:
            raise RuleError("Ordföranden är närvarande och leder själv sammanträdet.")
    if capacity == Capacity.ELDEST:
        if chair_present or vice_present:
            raise RuleError(
                "En ålderspresident väljs bara när varken ordföranden eller någon vice "
                "ordförande är närvarande (KL 6 kap. 26 §)."
            )
        if own is None or (own.kind != Seat.Kind.MEMBER and not present[chair.pk].replaces_id):
            raise RuleError(f"{name} är inte tjänstgörande ledamot och kan inte väljas.")
    for person in justifiers:
        if person.pk == chair.pk:
            raise RuleError("Ordföranden justerar redan; välj andra justerare.")
        if person.pk not in serving:
            raise RuleError(
                f"{_name(person)} tjänstgör inte vid sammanträdet och kan inte vara justerare."
            )


def is_municipal_body(organisation: Organisation) -> bool:
    """A body of the municipality itself (kommunstyrelsen, a nämnd), not a kommunalförbund or a
    company, which are legal persons of their own."""
    Kind = Organisation.Kind
    return organisation.kind in (Kind.EXECUTIVE_BOARD, Kind.DISTRICT_COUNCIL, Kind.SPECIALIST_BOARD)


PREPARATORY = (
    "Beslutet är ett remissvar till en annan nämnd i kommunen, ett beslut av beredande "
    "karaktär, och kan inte överklagas genom laglighetsprövning (KL 13 kap. 2 §)."
)


def appeal_note(item: AgendaItem, appeal_ends: datetime.date | None) -> str:
    """What the paragraph says about överklagande (KL 13 kap.).

    A remiss reply to another body of the same municipality prepares that body's decision and
    cannot be appealed (13 kap. 2 §); a procedural paragraph (val av justerare, anmälningar)
    gets no note; any other decision, a reply to an outside body among them, has the ordinary
    laglighetsprövning text, with the last day counted from the anslag (13 kap. 5 §)."""
    statement = item.statement
    if statement is None:
        return ""
    sender = statement.recipient.remiss.sender
    if is_municipal_body(sender) and is_municipal_body(item.meeting.organisation):
        return PREPARATORY
    text = (
        "Beslutet kan överklagas genom laglighetsprövning (KL 13 kap.). Överklagandet ska ha "
        "kommit in till förvaltningsrätten inom tre veckor från den dag då justeringen av "
        "protokollet tillkännagavs på kommunens anslagstavla"
    )
    return text + (f", det vill säga senast {appeal_ends:%Y-%m-%d}." if appeal_ends else ".")
