"""The case's workflow: every status change of a statement or a recipient passes through here
(docs/style.md §3).

Each move locks the row, checks that it is allowed from the current state and that the person
may make it, writes the event row and the history reason, and saves. A refused move raises
TransitionError ("not now") or PermissionDenied ("not you") and changes nothing. Which moves a
person may make now is answered by `statement_moves` and `recipient_moves`, for the buttons and
for the check alike.

The statement (tjänsteutlåtande):

    move                from          to            who
    submit              DRAFT       → IN_REVIEW     handläggare, förvaltningschef
    return_to_draft     IN_REVIEW   → DRAFT         förvaltningschef
    sign                IN_REVIEW   → READY         förvaltningschef
    withdraw            READY       → DRAFT         the one who signed
    put_on_agenda       READY       → ON_AGENDA     nämndsekreterare
    decide              ON_AGENDA   → DECIDED       nämndsekreterare
    refer_back          ON_AGENDA   → DRAFT         nämndsekreterare (återremiss)
    table               ON_AGENDA   → ON_AGENDA     nämndsekreterare (bordläggning)
    justify             DECIDED     → JUSTIFIED     at the meeting (omedelbar justering) or when
                                                    the chair and every justifier have justified
    deliver             JUSTIFIED   → DELIVERED     follows justification at once (private)

The recipient (remissinstans), whose answer the sender waits for:

    move                from          to            who
    extend              AWAITING    → AWAITING      the sender's remissamordnare (anstånd)
    decline             AWAITING    → DECLINED      förvaltningschef, nämndsekreterare (avstå)
    deliver             AWAITING    → DELIVERED     with the statement's delivery (private)

Every statement move needs the recipient still awaiting: a recipient that has declined has
closed its case, and its statement goes no further.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from remiss import deadlines, documents, notifications
from remiss.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingProposal,
    Membership,
    Organisation,
    ProtocolNote,
    Recipient,
    Reservation,
    ReviewComment,
    SpecialStatement,
    Statement,
    StatusEvent,
    Vote,
    VoteChoice,
)
from remiss.models.meetings import outcome_of, tally
from remiss.permissions import EDITOR_ROLES, Person, roles_in

S = Statement.Status
R = Recipient.Status
A = StatusEvent.Action
Role = Membership.Role
WRITERS = EDITOR_ROLES  # who drafts the statement: permissions decides it once
HEADS = frozenset({Role.HEAD_OF_ADMINISTRATION})
SECRETARIES = frozenset({Role.SECRETARY})
DELEGATES = frozenset({Role.HEAD_OF_ADMINISTRATION, Role.SECRETARY})
COORDINATORS = frozenset({Role.REMISS_COORDINATOR})
NOBODY: frozenset = frozenset()  # a move that follows another, never asked for by itself


class TransitionError(Exception):
    """The move is not possible now; the message says why, in Swedish."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset
    verb: str  # "lämna till granskning": used in messages and as the history reason
    action: str  # the event it writes (StatusEvent.Action)
    at_sender: bool = False  # the roles are held in the sender's organisation, not the recipient's


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(S.DRAFT, S.IN_REVIEW, WRITERS, "lämna till granskning", A.SUBMITTED),
    "return_to_draft": Transition(S.IN_REVIEW, S.DRAFT, HEADS, "returnera", A.RETURNED),
    "sign": Transition(S.IN_REVIEW, S.READY, HEADS, "signera", A.SIGNED),
    "withdraw": Transition(S.READY, S.DRAFT, HEADS, "ta tillbaka signeringen", A.WITHDRAWN),
    "put_on_agenda": Transition(
        S.READY, S.ON_AGENDA, SECRETARIES, "sätta upp på föredragningslistan", A.PUT_ON_AGENDA
    ),
    "decide": Transition(S.ON_AGENDA, S.DECIDED, SECRETARIES, "protokollföra beslutet", A.DECIDED),
    "refer_back": Transition(S.ON_AGENDA, S.DRAFT, SECRETARIES, "återremittera", A.REFERRED_BACK),
    "table": Transition(S.ON_AGENDA, S.ON_AGENDA, SECRETARIES, "bordlägga", A.TABLED),
    "justify": Transition(S.DECIDED, S.JUSTIFIED, NOBODY, "justera", A.JUSTIFIED),
    "deliver": Transition(S.JUSTIFIED, S.DELIVERED, NOBODY, "expediera", A.DELIVERED),
}

RECIPIENT_TRANSITIONS: dict[str, Transition] = {
    "extend": Transition(
        R.AWAITING, R.AWAITING, COORDINATORS, "bevilja anstånd", A.EXTENSION_GRANTED, at_sender=True
    ),
    "decline": Transition(R.AWAITING, R.DECLINED, DELEGATES, "avstå från att svara", A.DECLINED),
    "deliver": Transition(R.AWAITING, R.DELIVERED, NOBODY, "expediera svaret", A.DELIVERED),
}


def statement_moves(user: Person, statement: Statement) -> set[str]:
    """The moves the person may make on the statement now: the one answer for the buttons
    (templates) and for the check of the POST."""
    if statement.recipient.status != R.AWAITING:
        return set()
    roles = roles_in(user, statement.recipient.organisation_id)
    moves = {
        action
        for action, t in TRANSITIONS.items()
        if t.source == statement.status and t.roles & roles
    }
    if "withdraw" in moves and statement.signed_by_id != user.pk:
        moves.discard("withdraw")
    return moves


def _holds_role(user: Person | None, recipient: Recipient, t: Transition) -> bool:
    if user is None:
        return False
    organisation_id = recipient.remiss.sender_id if t.at_sender else recipient.organisation_id
    return bool(roles_in(user, organisation_id) & t.roles)


def _require_answering(recipient: Recipient) -> None:
    """The recipient still owes an answer: a declined or answered case goes no further."""
    if recipient.status != R.AWAITING:
        raise TransitionError(f"{CLOSED[recipient.status]} Ärendet går inte vidare.")


# Why a recipient's case goes no further, in the words a person reads.
CLOSED: dict[str, str] = {
    R.DELIVERED: "Remissen är redan besvarad.",
    R.DECLINED: "Remissinstansen har avstått från att svara.",
}


def new_event(
    *,
    recipient: Recipient,
    action: str,
    user: User | None,
    statement: Statement | None = None,
    comment: str = "",
    at: datetime.datetime | None = None,
    source: str = "",
    target: str = "",
) -> StatusEvent:
    """An event of the case's log, not yet saved (for bulk_create). The subject is the
    statement when one is named and the step is the statement's own, else the recipient."""
    statement_action = action in STATEMENT_ACTIONS and statement is not None
    return StatusEvent(
        recipient=recipient,
        statement=statement,
        action=action,
        subject=StatusEvent.Subject.STATEMENT
        if statement_action
        else StatusEvent.Subject.RECIPIENT,
        actor=user,
        created_at=at or timezone.now(),
        from_status=source,
        to_status=target,
        comment=comment,
    )


def record_event(**fields: Any) -> StatusEvent:
    """Write one event of the case's log (new_event's arguments): the steps that change no
    status (an extension asked or refused, a reminder, a remiss received) are logged here too,
    in the same vocabulary."""
    event = new_event(**fields)
    event.save()
    return event


# The statement's own steps; every other action is the recipient's.
STATEMENT_ACTIONS = frozenset(
    {
        A.STARTED,
        A.SUBMITTED,
        A.RETURNED,
        A.SIGNED,
        A.WITHDRAWN,
        A.PUT_ON_AGENDA,
        A.DECIDED,
        A.REFERRED_BACK,
        A.TABLED,
        A.JUSTIFIED,
    }
)


def _give_reason(instance: Any, reason: str) -> None:
    """The reason django-simple-history writes on the history row of the next save."""
    instance._change_reason = reason


def _move(
    statement: Statement,
    action: str,
    *,
    user: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
    check_person: bool = True,
    changes: dict | None = None,
    record: bool = True,
) -> Statement:
    """Lock, check, change, record. The one place a statement's status is assigned. Without
    `record` the caller writes the event (a delivery is one event for statement and recipient)."""
    transition = TRANSITIONS[action]
    locked = (
        Statement.objects.select_for_update()
        .select_related("recipient__organisation", "recipient__remiss", "case_officer")
        .get(pk=statement.pk)
    )
    if locked.status != transition.source:
        raise TransitionError(
            f"Det går inte att {transition.verb} nu: utlåtandet är "
            f"{locked.get_status_display().lower()}."
        )
    _require_answering(locked.recipient)
    if check_person and (
        user is None or not roles_in(user, locked.recipient.organisation_id) & transition.roles
    ):
        raise PermissionDenied(f"Din roll ger inte behörighet att {transition.verb}.")
    # A conditional UPDATE as well as the lock: of two racing moves exactly one changes a row,
    # on databases without row locks too (SQLite).
    # The fields that go with the status change in the same UPDATE: the database checks them
    # together (a signed statement has its signature).
    if not Statement.objects.filter(pk=locked.pk, status=transition.source).update(
        status=transition.target, **(changes or {})
    ):
        raise TransitionError(f"Det går inte att {transition.verb} nu: utlåtandet har ändrats.")
    locked.status = transition.target
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    _give_reason(locked, transition.verb.capitalize())
    locked.save()
    if record:
        record_event(
            recipient=locked.recipient,
            statement=locked,
            action=transition.action,
            user=user,
            at=at,
            source=transition.source,
            target=transition.target,
            comment=comment,
        )
    return locked


def _move_recipient(
    recipient: Recipient,
    action: str,
    *,
    user: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
    check_person: bool = True,
    changes: dict | None = None,
    statement: Statement | None = None,
) -> Recipient:
    """Lock, check, change, record: the one place a recipient's status is assigned."""
    transition = RECIPIENT_TRANSITIONS[action]
    locked = (
        Recipient.objects.select_for_update()
        .select_related("remiss__sender", "organisation")
        .get(pk=recipient.pk)
    )
    if locked.status != transition.source:
        raise TransitionError(f"Det går inte att {transition.verb} nu. {CLOSED[locked.status]}")
    if check_person and not _holds_role(user, locked, transition):
        raise PermissionDenied(f"Din roll ger inte behörighet att {transition.verb}.")
    if not Recipient.objects.filter(pk=locked.pk, status=transition.source).update(
        status=transition.target, **(changes or {})
    ):
        raise TransitionError(f"Det går inte att {transition.verb} nu: remissen har ändrats.")
    locked.status = transition.target
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    _give_reason(locked, transition.verb.capitalize())
    locked.save()
    record_event(
        recipient=locked,
        statement=statement,
        action=transition.action,
        user=user,
        at=at,
        source=transition.source,
        target=transition.target,
        comment=comment,
    )
    return locked


# The steps around the recipient's moves that a person asks for on the case page, with the
# roles (in the recipient's organisation) that may take them.
RECIPIENT_STEPS: dict[str, frozenset] = {
    "start": WRITERS,  # påbörja tjänsteutlåtandet (drafting.start_statement)
    "request_extension": frozenset(  # begär anstånd (sending.request_extension)
        {Role.CASE_OFFICER, Role.HEAD_OF_ADMINISTRATION, Role.SECRETARY}
    ),
    "decline": DELEGATES,  # avstå (decline, below)
}
# A statement the council has not yet taken up: the recipient can still decline.
DECLINABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.READY})


def recipient_moves(user: Person, recipient: Recipient) -> set[str]:
    """What the person may do with the recipient's case now (start the statement, ask for an
    extension, decline): the one answer for the buttons and for the check of the POST."""
    if recipient.status != R.AWAITING:
        return set()
    roles = roles_in(user, recipient.organisation_id)
    moves = {step for step, allowed in RECIPIENT_STEPS.items() if roles & allowed}
    statement = statement_of(recipient)
    if statement is not None:
        moves.discard("start")
        if statement.status not in DECLINABLE:
            moves.discard("decline")
    return moves


def check_statement_move(user: Person, statement: Statement, action: str) -> None:
    """Refuse a move the person may not make now, as statement_moves (the buttons) answers:
    PermissionDenied when their role never allows it ("not you"), TransitionError when it is
    not possible in the statement's state ("not now")."""
    if action in statement_moves(user, statement):
        return
    transition = TRANSITIONS[action]
    if not roles_in(user, statement.recipient.organisation_id) & transition.roles:
        raise PermissionDenied(f"Din roll ger inte behörighet att {transition.verb}.")
    if action == "withdraw" and statement.status == transition.source:
        raise PermissionDenied("Bara den som signerade kan ta tillbaka signeringen.")
    _require_answering(statement.recipient)
    raise TransitionError(
        f"Det går inte att {transition.verb} nu: utlåtandet är "
        f"{statement.get_status_display().lower()}."
    )


def check_recipient_move(user: Person, recipient: Recipient, action: str) -> None:
    """As check_statement_move, for the steps on the recipient's case (recipient_moves)."""
    if action in recipient_moves(user, recipient):
        return
    if not roles_in(user, recipient.organisation_id) & RECIPIENT_STEPS[action]:
        raise PermissionDenied("Din roll ger inte behörighet att göra det här.")
    _require_answering(recipient)
    if action == "start":
        raise TransitionError("Tjänsteutlåtandet är redan påbörjat.")
    raise TransitionError("Utlåtandet är redan behandlat av nämnden.")


def statement_of(recipient: Recipient) -> Statement | None:
    try:
        return recipient.statement
    except Statement.DoesNotExist:
        return None


# Review --------------------------------------------------------------------------------------


@transaction.atomic
def submit(
    *, statement: Statement, user: User, comment: str = "", at: datetime.datetime | None = None
) -> Statement:
    """Lämna till granskning: the handläggare hands the statement to the head of administration."""
    statement = _move(
        statement,
        "submit",
        user=user,
        at=at,
        comment=comment.strip(),
    )
    notifications.submitted(statement, user)
    return statement


@transaction.atomic
def return_to_draft(
    *,
    statement: Statement,
    user: User,
    comment: str,
    section_comments: dict[str, str] | None = None,
    at: datetime.datetime | None = None,
) -> Statement:
    """Returnera: back to the handläggare, with a comment and comments on sections."""
    section_comments = {k: v.strip() for k, v in (section_comments or {}).items() if v.strip()}
    if not comment.strip() and not section_comments:
        raise TransitionError("Skriv en kommentar som säger vad som behöver ändras.")
    statement = _move(
        statement,
        "return_to_draft",
        user=user,
        at=at,
        comment=comment.strip() or "Returnerat med kommentarer till avsnitten.",
    )
    if comment.strip():
        section_comments = {ReviewComment.GENERAL: comment.strip(), **section_comments}
    when = at or timezone.now()  # one time for the whole return: the comments belong together
    ReviewComment.objects.bulk_create(
        ReviewComment(
            statement=statement,
            section=section,
            text=text,
            author=user,
            version=statement.version,
            created_at=when,
        )
        for section, text in section_comments.items()
    )
    notifications.returned(statement, user, comment.strip())
    return statement


@transaction.atomic
def sign(*, statement: Statement, user: User, at: datetime.datetime | None = None) -> Statement:
    """Signera: the head of administration signs; from now on the text is fixed."""
    membership = Membership.objects.filter(
        user=user, organisation_id=statement.recipient.organisation_id, role__in=HEADS
    ).first()
    when = at or timezone.now()
    return _move(
        statement,
        "sign",
        user=user,
        at=at,
        changes={
            "signer_name": user.get_full_name() or user.get_username(),
            "signer_title": membership.title if membership else "",
            "signed_by": user,
            "signed_at": when,
        },
    )


@transaction.atomic
def withdraw(
    *, statement: Statement, user: User, comment: str = "", at: datetime.datetime | None = None
) -> Statement:
    """Ta tillbaka signeringen: only the one who signed, and only before the agenda."""
    if statement.signed_by_id != user.pk:
        current = Statement.objects.get(pk=statement.pk)
        if current.signed_by_id != user.pk:
            raise PermissionDenied("Bara den som signerade kan ta tillbaka signeringen.")
    return _move(
        statement,
        "withdraw",
        user=user,
        at=at,
        comment=comment.strip(),
        changes=_unsigned(),
    )


def _unsigned() -> dict:
    return {"signer_name": "", "signer_title": "", "signed_by": None, "signed_at": None}


# Meetings ------------------------------------------------------------------------------------


def _require_secretary(user: User, meeting: Meeting) -> None:
    if not roles_in(user, meeting.organisation_id) & SECRETARIES:
        raise PermissionDenied("Bara nämndsekreteraren kan ändra sammanträdets föredragningslista.")


@dataclass
class NewMeeting:
    """What the secretary fills in for a meeting (validated by the meeting form)."""

    date: datetime.date
    chair: User
    justifiers: list = field(default_factory=list)
    attendance: list = field(default_factory=list)  # who serves (tjänstgörande)
    starts_at: datetime.time | None = None
    place: str = ""


@transaction.atomic
def create_meeting(*, organisation: Organisation, user: User, new: NewMeeting) -> Meeting:
    """Nytt sammanträde: the secretary creates the council's meeting, with its chair, its
    justifiers and those who serve (the chair always serves)."""
    if not roles_in(user, organisation.pk) & SECRETARIES:
        raise PermissionDenied("Bara nämndsekreteraren kan skapa sammanträden.")
    if new.chair in new.justifiers:
        raise TransitionError("Ordföranden justerar redan; välj andra justerare.")
    meeting = Meeting.objects.create(
        organisation=organisation,
        date=new.date,
        starts_at=new.starts_at,
        place=new.place,
        chair=new.chair,
        secretary=user,
    )
    meeting.justifiers.set(new.justifiers)
    serving = {*new.attendance, new.chair}
    roles = dict(
        Membership.objects.filter(organisation=organisation, user__in=serving).values_list(
            "user_id", "role"
        )
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=person, role=roles.get(person.pk, Role.MEMBER))
        for person in serving
    )
    return meeting


def next_paragraph(meeting: Meeting) -> int:
    last = meeting.items.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def put_on_agenda(
    *, statement: Statement, meeting: Meeting, user: User, at: datetime.datetime | None = None
) -> AgendaItem:
    """Sätt upp på föredragningslistan: the signed statement becomes the next paragraph."""
    _require_secretary(user, meeting)
    if statement.recipient.organisation_id != meeting.organisation_id:
        raise TransitionError("Utlåtandet hör till en annan nämnd än sammanträdet.")
    if meeting.minutes_justified_on:
        raise TransitionError("Sammanträdets protokoll är redan justerat.")
    number = next_paragraph(meeting)
    statement = _move(
        statement,
        "put_on_agenda",
        user=user,
        at=at,
        comment=f"Sammanträdet {meeting.date:%Y-%m-%d}, § {number}.",
    )
    return AgendaItem.objects.create(
        meeting=meeting, number=number, title=statement.title, statement=statement
    )


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, user: User, title: str) -> AgendaItem:
    """Another item on the agenda (not a statement): it gets the next paragraph number."""
    _require_secretary(user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    return AgendaItem.objects.create(meeting=locked, number=next_paragraph(locked), title=title)


@dataclass
class VoteRecord:
    proposition: str
    ballots: dict[int, str]  # user id → "ja" / "nej" / "avstår"
    casting_vote: str = ""


@dataclass
class DecisionRecord:
    """What the secretary records for one paragraph (validated by the decision form)."""

    outcome: str
    text: str
    changes: str = ""
    immediate: bool = False
    proposals: list[tuple[str, str, str]] = field(default_factory=list)  # mover, kind, text
    vote: VoteRecord | None = None
    reservations: list[tuple[str, str]] = field(default_factory=list)  # member, reason
    special_statements: list[tuple[str, str]] = field(default_factory=list)  # by, text
    notes: list[tuple[str, str]] = field(default_factory=list)  # by, text
    table_to: Meeting | None = None


@transaction.atomic
def record_decision(
    *,
    item: AgendaItem,
    user: User,
    record: DecisionRecord,
    at: datetime.datetime | None = None,
) -> Decision:
    """Protokollför beslutet: the decision, and what it does to the statement.

    Bifall, bifall med ändringar and avslag decide the matter; återremiss sends the statement
    back to draft; bordläggning moves the item to a later meeting. With immediate
    justification the paragraph is justified at the meeting and the reply delivered at once.
    Everything is checked (check_decision) before the first row is written.
    """
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "statement__recipient")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    _require_secretary(user, meeting)
    check_decision(item=item, record=record, at=at)
    Outcome = Decision.Outcome
    when = at or timezone.now()
    decision = Decision.objects.create(
        item=item,
        outcome=record.outcome,
        text=record.text,
        changes=record.changes,
        immediate=record.immediate and record.outcome not in (Outcome.TABLED,),
        decided_at=when,
        recorded_by=user,
    )
    _record_details(decision, record)

    statement = item.statement
    if statement is not None:
        label = f"§ {item.number}, sammanträdet {meeting.date:%Y-%m-%d}"
        if record.outcome == Outcome.REFERRED_BACK:
            statement = _move(
                statement,
                "refer_back",
                user=user,
                at=at,
                comment=f"Återremitterat ({label}).",
                changes=_unsigned(),
            )
        elif record.outcome == Outcome.TABLED:
            target = record.table_to
            assert target is not None  # noqa: S101 - check_decision made sure
            statement = _move(
                statement,
                "table",
                user=user,
                at=at,
                comment=f"Bordlagt ({label}) till sammanträdet {target.date:%Y-%m-%d}.",
            )
            AgendaItem.objects.create(
                meeting=target,
                number=next_paragraph(target),
                title=item.title,
                statement=statement,
                tabled_from=item,
            )
        else:
            statement = _move(
                statement,
                "decide",
                user=user,
                at=at,
                comment=f"Beslut: {decision.get_outcome_display().lower()} ({label}).",
            )
        notifications.decided(statement, decision)
    if decision.immediate and decision.is_final:
        _justify_decision(decision, user=user, day=meeting.date, at=at, immediate=True)
    return decision


def check_decision(
    *, item: AgendaItem, record: DecisionRecord, at: datetime.datetime | None = None
) -> None:
    """Everything a decision must satisfy, checked before anything is written: one decision per
    paragraph, a meeting that has been held, a known outcome with what it needs (the changes,
    a later meeting to table to), well-formed proposals, and a vote whose tie has the chair's
    casting vote. Raises TransitionError with the first thing wrong."""
    meeting = item.meeting
    Outcome = Decision.Outcome
    if Decision.objects.filter(item=item).exists():
        raise TransitionError(
            f"§ {item.number} har redan ett beslut; ett nytt beslut tas som en ny paragraf."
        )
    if meeting.date > timezone.localdate(at or timezone.now()):
        raise TransitionError(
            f"Sammanträdet {meeting.date:%Y-%m-%d} har inte hållits ännu; beslut protokollförs "
            "när det har hållits."
        )
    if record.outcome not in Outcome.values:
        raise TransitionError("Välj ett av de beslut som finns.")
    if not record.text.strip():
        raise TransitionError("Skriv beslutstexten.")
    if record.outcome == Outcome.ADOPTED_WITH_CHANGES and not record.changes.strip():
        raise TransitionError("Skriv vilka ändringar nämnden beslutade.")
    if record.outcome == Outcome.TABLED:
        if record.table_to is None or record.table_to.organisation_id != meeting.organisation_id:
            raise TransitionError("Välj det senare sammanträde som ärendet bordläggs till.")
        if record.table_to.date <= meeting.date:
            raise TransitionError("Ett bordlagt ärende flyttas till ett senare sammanträde.")
    for mover, kind, _text in record.proposals:
        if not mover.strip() or kind not in MeetingProposal.Kind.values:
            raise TransitionError("Varje yrkande behöver vem som yrkade och vad det gäller.")
    for who, _text in [*record.reservations, *record.special_statements, *record.notes]:
        if not who.strip():
            raise TransitionError("Skriv vem varje reservation, uttalande och anteckning gäller.")
    if record.vote is not None:
        _check_vote(record.vote)
    statement = item.statement
    if statement is not None:
        if statement.status != S.ON_AGENDA:
            raise TransitionError(
                f"Utlåtandet är {statement.get_status_display().lower()}, inte på "
                "föredragningslistan."
            )
        _require_answering(statement.recipient)


def _check_vote(vote: VoteRecord) -> None:
    if not vote.proposition.strip():
        raise TransitionError("Skriv propositionsordningen: vad ja och nej står för.")
    if not vote.ballots:
        raise TransitionError("Ange hur de tjänstgörande röstade.")
    if any(choice not in VoteChoice.values for choice in vote.ballots.values()):
        raise TransitionError("En röst är ja, nej eller avstår.")
    if vote.casting_vote not in ("", VoteChoice.YES, VoteChoice.NO):
        raise TransitionError("Ordförandens utslagsröst är ja eller nej.")
    if not outcome_of(tally(vote.ballots.values()), vote.casting_vote):
        raise TransitionError("Lika röstetal: ange ordförandens utslagsröst.")


def _record_details(decision: Decision, record: DecisionRecord) -> None:
    MeetingProposal.objects.bulk_create(
        MeetingProposal(decision=decision, mover=mover, kind=kind, text=text)
        for mover, kind, text in record.proposals
    )
    if record.vote is not None:
        vote = Vote.objects.create(
            decision=decision,
            proposition=record.vote.proposition,
            casting_vote=record.vote.casting_vote,
        )
        Ballot.objects.bulk_create(
            Ballot(vote=vote, member_id=member, choice=choice)
            for member, choice in record.vote.ballots.items()
        )
    Reservation.objects.bulk_create(
        Reservation(decision=decision, member=member, reason=reason)
        for member, reason in record.reservations
    )
    SpecialStatement.objects.bulk_create(
        SpecialStatement(decision=decision, by=by, text=text)
        for by, text in record.special_statements
    )
    ProtocolNote.objects.bulk_create(
        ProtocolNote(decision=decision, by=by, text=text) for by, text in record.notes
    )


# Justification and delivery ------------------------------------------------------------------


def _justify_decision(
    decision: Decision,
    *,
    user: User | None,
    day: datetime.date,
    at: datetime.datetime | None = None,
    immediate: bool = False,
) -> None:
    """Justera one paragraph: the decision stands; a statement's reply is delivered at once."""
    decision.justified_on = day
    decision.notice_date = deadlines.notice_date(day)
    decision.save(update_fields=["justified_on", "notice_date"])
    documents.schedule(decision)  # rendered once, after commit, and kept
    statement = decision.item.statement
    if statement is None or not decision.is_final:
        return
    how = "Paragrafen justerades omedelbart" if immediate else "Protokollet justerades"
    statement = _move(
        statement,
        "justify",
        user=user,
        at=at,
        check_person=False,
        comment=f"{how} {day:%Y-%m-%d}. Anslaget {decision.notice_date:%Y-%m-%d}.",
    )
    _deliver(statement, user=user, at=at)


def _deliver(
    statement: Statement, *, user: User | None, at: datetime.datetime | None = None
) -> Statement:
    """Expediera: the justified reply is sent to the remiss' sender, and recorded as sent.

    Private: delivery is what justification does, inside the justification's transaction, so
    a reply is never delivered without the decision that caused it (nor the reverse)."""
    when = at or timezone.now()
    _require_answering(statement.recipient)
    statement = _move(
        statement,
        "deliver",
        user=user,
        at=at,
        check_person=False,
        record=False,  # one event for the delivery: the recipient's, below
    )
    recipient = _move_recipient(
        statement.recipient,
        "deliver",
        user=user,
        at=at,
        check_person=False,
        statement=statement,
        changes={"delivered_at": when},
    )
    notifications.delivered(recipient)
    return statement


def justifiers_of(meeting: Meeting) -> set[int]:
    """Who must justify the minutes: the chair and every appointed justifier."""
    ids = set(meeting.justifiers.values_list("pk", flat=True))
    if meeting.chair_id:
        ids.add(meeting.chair_id)
    return ids


@transaction.atomic
def justify_minutes(*, meeting: Meeting, user: User, at: datetime.datetime | None = None) -> bool:
    """The chair or a justifier justifies the minutes, for themselves. When the last of them
    has, the minutes are justified: every decided paragraph stands and its reply is delivered.
    Returns True when this justification completed the minutes."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    required = justifiers_of(meeting)
    if user.pk not in required:
        raise PermissionDenied("Bara ordföranden och de utsedda justerarna justerar protokollet.")
    if meeting.minutes_justified_on:
        raise TransitionError("Protokollet är redan justerat.")
    if JustificationSignature.objects.filter(meeting=meeting, user=user).exists():
        raise TransitionError("Du har redan justerat protokollet.")
    if meeting.items.filter(decision__isnull=True).exists():
        raise TransitionError("Alla paragrafer har inte beslut ännu.")
    when = at or timezone.now()
    JustificationSignature.objects.create(meeting=meeting, user=user, signed_at=when)
    signed = set(
        JustificationSignature.objects.filter(meeting=meeting).values_list("user", flat=True)
    )
    if not required <= signed:
        return False
    day = timezone.localdate(when)
    meeting.minutes_justified_on = day
    meeting.notice_date = deadlines.notice_date(day)
    _give_reason(meeting, "Protokollet justerat")
    meeting.save()
    for decision in Decision.objects.filter(
        item__meeting=meeting, justified_on__isnull=True
    ).select_related("item__statement"):
        _justify_decision(decision, user=user, day=day, at=at)
    return True


@transaction.atomic
def decline(
    *,
    recipient: Recipient,
    user: User,
    reason: str,
    at: datetime.datetime | None = None,
) -> Recipient:
    """Avstå: the recipient will not answer (usually a delegated decision), with a reason."""
    if not _holds_role(user, recipient, RECIPIENT_TRANSITIONS["decline"]):
        raise PermissionDenied(
            "Bara förvaltningschefen eller nämndsekreteraren kan avstå från att svara."
        )
    if not reason.strip():
        raise TransitionError("Skriv skälet till att avstå.")
    statement = Statement.objects.select_for_update().filter(recipient=recipient).first()
    if statement is not None and statement.status not in DECLINABLE:
        raise TransitionError("Utlåtandet är redan behandlat av nämnden.")
    recipient = _move_recipient(
        recipient,
        "decline",
        user=user,
        at=at,
        statement=statement,
        comment=reason.strip(),
        changes={"declined_reason": reason.strip()},
    )
    notifications.declined(recipient, user)
    return recipient


def extend(
    *,
    recipient: Recipient,
    user: User,
    deadline: datetime.date,
    comment: str,
    at: datetime.datetime | None = None,
) -> Recipient:
    """Anstånd beviljat: the recipient's deadline moves (a weekend or holiday to the next
    working day). Called by sending.decide_extension, inside its transaction."""
    moved, _ = deadlines.moved_deadline(deadline)
    return _move_recipient(
        recipient,
        "extend",
        user=user,
        at=at,
        comment=comment,
        changes={"extended_deadline": moved},
    )
