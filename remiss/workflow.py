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
    take_off_agenda     ON_AGENDA   → READY         nämndsekreterare (punkten stryks före mötet)
    justify             DECIDED     → JUSTIFIED     at the meeting (omedelbar justering) or when
                                                    the chair and every justifier have justified
    deliver             JUSTIFIED   → DELIVERED     follows justification at once (private)

The recipient (remissinstans), whose answer the sender waits for:

    move                from          to            who
    extend              AWAITING    → AWAITING      the sender's remissamordnare (anstånd)
    decline             AWAITING    → DECLINED      förvaltningschef, nämndsekreterare (avstå)
    deliver             AWAITING    → DELIVERED     with the statement's delivery (private)
    register_reply      AWAITING    → DELIVERED     the sender's remissamordnare registers an
                                                    outside instans' reply (post, e-mail), or
                                                    the instans sends it through its own link
    recall              AWAITING    → RECALLED      the sender's remissamordnare withdraws the
                                                    remiss (återkalla), with a reason
    close               AWAITING    → NOT_RECEIVED  the sender's remissamordnare closes the round
                                                    after the deadline: "ej inkommit"

Every statement move needs the recipient still awaiting: a recipient that has declined has
closed its case, and its statement goes no further.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from remiss import council, deadlines, documents, notifications
from remiss.api import webhooks
from remiss.models import (
    AgendaIssue,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingEvent,
    MeetingProposal,
    Membership,
    Organisation,
    ProtocolNote,
    ReceivedReply,
    Recipient,
    Recusal,
    Remiss,
    Reservation,
    ReviewComment,
    Seat,
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
    "take_off_agenda": Transition(
        S.ON_AGENDA,
        S.READY,
        SECRETARIES,
        "stryka utlåtandet från föredragningslistan",
        A.TAKEN_OFF_AGENDA,
    ),
    "justify": Transition(S.DECIDED, S.JUSTIFIED, NOBODY, "justera", A.JUSTIFIED),
    "deliver": Transition(S.JUSTIFIED, S.DELIVERED, NOBODY, "expediera", A.DELIVERED),
}

RECIPIENT_TRANSITIONS: dict[str, Transition] = {
    "extend": Transition(
        R.AWAITING, R.AWAITING, COORDINATORS, "bevilja anstånd", A.EXTENSION_GRANTED, at_sender=True
    ),
    "decline": Transition(R.AWAITING, R.DECLINED, DELEGATES, "avstå från att svara", A.DECLINED),
    "deliver": Transition(R.AWAITING, R.DELIVERED, NOBODY, "expediera svaret", A.DELIVERED),
    "register_reply": Transition(
        R.AWAITING,
        R.DELIVERED,
        COORDINATORS,
        "registrera svaret",
        A.REPLY_REGISTERED,
        at_sender=True,
    ),
    "recall": Transition(
        R.AWAITING, R.RECALLED, COORDINATORS, "återkalla remissen", A.RECALLED, at_sender=True
    ),
    "close": Transition(
        R.AWAITING,
        R.NOT_RECEIVED,
        COORDINATORS,
        "avsluta remissomgången",
        A.NOT_RECEIVED,
        at_sender=True,
    ),
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
    R.RECALLED: "Remittenten har återkallat remissen.",
    R.NOT_RECEIVED: "Remissomgången är avslutad; svaret har ej inkommit.",
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
    if not notifications.reviewers(statement).exists():  # refused: the move is rolled back
        raise TransitionError(
            f"{statement.recipient.organisation} har ingen förvaltningschef i portalen som kan "
            "granska utlåtandet. Be portalens administratör lägga in förvaltningschefen; "
            "utlåtandet är kvar som utkast."
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
    """What the secretary fills in for a meeting (validated by the meeting form). Who is
    present, the chair and the justerare are recorded afterwards (record_attendance)."""

    date: datetime.date
    starts_at: datetime.time | None = None
    place: str = ""
    open: bool = False


@transaction.atomic
def create_meeting(*, organisation: Organisation, user: User, new: NewMeeting) -> Meeting:
    """Nytt sammanträde: the secretary creates the council's meeting."""
    if not roles_in(user, organisation.pk) & SECRETARIES:
        raise PermissionDenied("Bara nämndsekreteraren kan skapa sammanträden.")
    meeting = Meeting.objects.create(
        organisation=organisation,
        date=new.date,
        starts_at=new.starts_at,
        place=new.place,
        open=new.open,
        secretary=user,
    )
    _meeting_event(meeting, MeetingEvent.Action.CREATED, user=user)
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
    item = AgendaItem.objects.create(
        meeting=meeting, number=number, title=statement.title, statement=statement
    )
    _meeting_event(meeting, MeetingEvent.Action.ITEM_ADDED, user=user, item=item, at=at)
    return item


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, user: User, title: str) -> AgendaItem:
    """Another item on the agenda (not a statement): it gets the next paragraph number."""
    _require_secretary(user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.minutes_justified_on:
        raise TransitionError("Sammanträdets protokoll är redan justerat.")
    item = AgendaItem.objects.create(meeting=locked, number=next_paragraph(locked), title=title)
    _meeting_event(locked, MeetingEvent.Action.ITEM_ADDED, user=user, item=item)
    return item


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
    reservations: list[tuple[int, str]] = field(default_factory=list)  # member's user id, reason
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
    _check_record(item, record)
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
    for who, _text in [*record.special_statements, *record.notes]:
        if not who.strip():
            raise TransitionError("Skriv vem varje uttalande och anteckning gäller.")
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
    labels = {p.user_id: p.label for p in council.serving_on(decision.item)}
    Reservation.objects.bulk_create(
        Reservation(decision=decision, person_id=member, member=labels[member], reason=reason)
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
    documents.schedule(decision)  # ordered in this transaction, rendered by its own task
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
    webhooks.reply_delivered(recipient)
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
    webhooks.recipient_declined(recipient)
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


# The sender closes the round (issue 16) --------------------------------------------------------


def _require_sender_coordinator(user: User, remiss: Remiss) -> None:
    if Role.REMISS_COORDINATOR not in roles_in(user, remiss.sender_id):
        raise PermissionDenied("Bara remissamordnaren kan göra det här.")


def _require_open(remiss: Remiss) -> None:
    if remiss.sent_on is None:
        raise TransitionError("Remissen är inte skickad.")
    if remiss.withdrawn_on is not None:
        raise TransitionError(f"Remissen återkallades {remiss.withdrawn_on:%Y-%m-%d}.")
    if remiss.closed_on is not None:
        raise TransitionError(f"Remissomgången avslutades {remiss.closed_on:%Y-%m-%d}.")


def _lock_remiss(remiss: Remiss) -> Remiss:
    return Remiss.objects.select_for_update().select_related("sender").get(pk=remiss.pk)


def require_open_remiss(*, remiss: Remiss, user: User) -> Remiss:
    """Lock the remiss for a change by its sender's coordinator: refused when it is withdrawn
    or its round closed (the sending services ask this before they change a remiss)."""
    _require_sender_coordinator(user, remiss)
    locked = _lock_remiss(remiss)
    _require_open(locked)
    return locked


@transaction.atomic
def recall_remiss(
    *,
    remiss: Remiss,
    user: User,
    reason: str,
    today: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> list[Recipient]:
    """Återkalla remissen: the sender withdraws it, with a reason. Every recipient still owing
    an answer is told, and its case closes (a statement being written goes no further);
    replies already given stay as they are. Returns the recipients whose case closed."""
    _require_sender_coordinator(user, remiss)
    if not reason.strip():
        raise TransitionError("Skriv varför remissen återkallas.")
    locked = _lock_remiss(remiss)
    _require_open(locked)
    locked.withdrawn_on = today or timezone.localdate()
    locked.withdrawn_reason = reason.strip()
    _give_reason(locked, "Remissen återkallad")
    locked.save()
    closed = []
    for recipient in locked.recipients.awaiting().select_related("organisation"):
        recipient = _move_recipient(
            recipient,
            "recall",
            user=user,
            at=at,
            comment=reason.strip(),
            statement=statement_of(recipient),
        )
        notifications.remiss_recalled(recipient)
        closed.append(recipient)
    remiss.withdrawn_on, remiss.withdrawn_reason = locked.withdrawn_on, locked.withdrawn_reason
    return closed


@transaction.atomic
def close_round(
    *,
    remiss: Remiss,
    user: User,
    today: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> list[Recipient]:
    """Avsluta remissomgången: after the deadline (and after every extension granted), each
    recipient that has not answered is noted "ej inkommit" instead of counting as late for
    ever; it is told so. Returns those recipients."""
    _require_sender_coordinator(user, remiss)
    today = today or timezone.localdate()
    locked = _lock_remiss(remiss)
    _require_open(locked)
    if today <= locked.deadline:
        raise TransitionError(
            f"Remissomgången kan avslutas först efter svarsdatum {locked.deadline:%Y-%m-%d}."
        )
    awaiting = list(locked.recipients.awaiting().select_related("organisation"))
    extended = [r for r in awaiting if r.extended_deadline and r.extended_deadline >= today]
    if extended:
        names = ", ".join(f"{r.organisation} ({r.extended_deadline:%Y-%m-%d})" for r in extended)
        raise TransitionError(f"Anstånd löper fortfarande för {names}; avsluta efter det.")
    locked.closed_on = today
    _give_reason(locked, "Remissomgången avslutad")
    locked.save()
    closed = []
    for recipient in awaiting:
        recipient = _move_recipient(
            recipient,
            "close",
            user=user,
            at=at,
            comment=f"Svarsdatum {recipient.deadline:%Y-%m-%d}; svar har ej inkommit.",
            statement=statement_of(recipient),
        )
        notifications.round_closed(recipient)
        closed.append(recipient)
    remiss.closed_on = locked.closed_on
    return closed


@dataclass
class ReceivedDocument:
    """An outside instans' reply as it arrived: the checked file, when, how, from whom."""

    checked: Any  # uploads.CheckedUpload
    upload: Any  # the UploadedFile
    received_on: datetime.date
    channel: str  # ReceivedReply.Channel
    submitted_by_name: str = ""
    note: str = ""


@transaction.atomic
def register_reply(
    *,
    recipient: Recipient,
    user: User | None,
    received: ReceivedDocument,
    at: datetime.datetime | None = None,
) -> ReceivedReply:
    """Registrera ett inkommet svar: the reply of an instans outside the portal's workflow,
    registered by the sender's remissamordnare (user), or sent by the instans itself through
    its personal link (user None, channel LINK: the link was checked by the caller)."""
    from_link = received.channel == ReceivedReply.Channel.LINK
    if user is None and not from_link:
        raise PermissionDenied("Bara remissamordnaren kan registrera ett svar.")
    if received.received_on > timezone.localdate():
        raise TransitionError("Dagen svaret kom in kan inte ligga i framtiden.")
    if received.received_on < (recipient.remiss.sent_on or received.received_on):
        raise TransitionError("Svaret kan inte ha kommit in innan remissen skickades.")
    if statement_of(recipient) is not None:
        raise TransitionError(
            f"{recipient.organisation} skriver sitt svar i portalen; det expedieras därifrån."
        )
    moved = _move_recipient(
        recipient,
        "register_reply",
        user=user,
        at=at,
        check_person=not from_link,
        comment=(
            f"{ReceivedReply.Channel(received.channel).label}, inkom "
            f"{received.received_on:%Y-%m-%d}."
        ),
        changes={"delivered_at": at or timezone.now()},
    )
    reply = ReceivedReply(
        recipient=moved,
        channel=received.channel,
        received_on=received.received_on,
        registered_by=user,
        submitted_by_name=received.submitted_by_name.strip(),
        note=received.note.strip(),
        original_name=received.checked.original_name,
        content_type=received.checked.content_type,
        size=received.checked.size,
        sha256=received.checked.sha256,
    )
    received.upload.seek(0)
    reply.file.save(
        f"{received.checked.sha256}{received.checked.extension}", received.upload, save=False
    )
    reply.save()
    notifications.reply_registered(moved, reply)
    return reply


# The meeting as the law knows it: attendance, jäv, the agenda, corrections (issue 11) ---------
#
#    action                  when                                  who
#    record_attendance       until a paragraph is justified        nämndsekreterare
#    record_recusal          until the paragraph is decided        nämndsekreterare
#    change_meeting_details  until the minutes are justified       nämndsekreterare, with reason
#    move_item, remove_item  before any paragraph is decided       nämndsekreterare
#    issue_agenda            before the minutes are justified      nämndsekreterare
#    correct_decision        until the paragraph is justified      nämndsekreterare, with reason
#    add_reservation_reasons until the paragraph is justified      nämndsekreterare
#
# Each writes a MeetingEvent with the reason and the old values; simple-history keeps the rows
# as they were.


def _rule(check: Any, *args: Any, **kwargs: Any) -> Any:
    """Ask a rule of kommunallagen (remiss.council); a refusal is a TransitionError."""
    try:
        return check(*args, **kwargs)
    except council.RuleError as error:
        raise TransitionError(str(error)) from None


def _meeting_event(
    meeting: Meeting,
    action: str,
    *,
    user: User | None,
    item: AgendaItem | None = None,
    reason: str = "",
    changes: dict | None = None,
    at: datetime.datetime | None = None,
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting,
        item=item,
        action=action,
        actor=user,
        created_at=at or timezone.now(),
        reason=reason,
        changes=changes or {},
    )


def _open_meeting(meeting: Meeting, user: User) -> Meeting:
    """The meeting, locked, for a change by its secretary before the minutes are justified."""
    _require_secretary(user, meeting)
    locked = Meeting.objects.select_for_update().select_related("organisation").get(pk=meeting.pk)
    if locked.minutes_justified_on:
        raise TransitionError("Protokollet är justerat; sammanträdet kan inte längre ändras.")
    return locked


def _reason(reason: str) -> str:
    if not reason.strip():
        raise TransitionError("Skriv skälet till ändringen; det sparas i händelseloggen.")
    return reason.strip()


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


@dataclass
class AttendanceRow:
    """One person present: serving or not, for whom, from and until which paragraph (pk)."""

    user_id: int
    serving: bool = True
    replaces: int | None = None  # the ledamot's seat an ersättare serves for
    arrives_at: int | None = None  # agenda item pk
    leaves_after: int | None = None


def _attendance_summary(meeting: Meeting) -> list[str]:
    rows = meeting.attendance.select_related("user", "replaces__person", "arrives_at").order_by(
        "-serving", "seat__kind", "seat__position", "pk"
    )
    summary = []
    for a in rows:
        text = _name(a.user) + (" (tjänstgör" if a.serving else " (närvarande")
        if a.replaces is not None:
            text += f" för {a.replaces.name}"
        if a.arrives_at is not None:
            text += f", från § {a.arrives_at.number}"
        if a.leaves_after is not None:
            text += f", till § {a.leaves_after.number}"
        summary.append(text + ")")
    return summary


def _officers(meeting: Meeting) -> dict:
    return {
        "ordförande": f"{_name(meeting.chair)} ({meeting.get_chair_capacity_display().lower()})"
        if meeting.chair_id
        else "",
        "justerare": ", ".join(_name(u) for u in meeting.justifiers.order_by("last_name")),
    }


@transaction.atomic
def record_attendance(
    *,
    meeting: Meeting,
    user: User,
    rows: list[AttendanceRow],
    chair: User | None,
    capacity: str = Meeting.ChairCapacity.CHAIR,
    justifiers: list | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Meeting:
    """Närvaro, ordförande och justerare: who is present and serves, who presides and who
    justifies. A change after attendance was first recorded is a correction and needs a reason.
    Refused if it breaks a rule: a seat filled twice, a chair or justerare who cannot hold the
    office, or a decided paragraph left without quorum."""
    meeting = _open_meeting(meeting, user)
    if Decision.objects.filter(item__meeting=meeting, justified_on__isnull=False).exists():
        raise TransitionError("En paragraf är redan justerad; närvaron kan inte längre ändras.")
    correcting = meeting.attendance.exists()
    if correcting:
        reason = _reason(reason)
    seats = {seat.person_id: seat for seat in council.seats(meeting)}
    by_pk = {seat.pk: seat for seat in seats.values()}
    items = {item.pk: item for item in meeting.items.all()}
    users = get_user_model().objects.in_bulk([row.user_id for row in rows])
    attendance = []
    for row in rows:
        person = users.get(row.user_id)
        if person is None:
            raise TransitionError("Okänd person i närvaron.")
        attendance.append(
            Attendance(
                meeting=meeting,
                user=person,
                seat=seats.get(row.user_id),
                serving=row.serving,
                replaces=by_pk.get(row.replaces) if row.replaces else None,
                arrives_at=items.get(row.arrives_at) if row.arrives_at else None,
                leaves_after=items.get(row.leaves_after) if row.leaves_after else None,
            )
        )
    _rule(council.check_attendance, meeting, attendance)
    _rule(
        council.check_officers,
        meeting,
        attendance,
        chair=chair,
        capacity=capacity,
        justifiers=list(justifiers or []),
    )
    before = {"närvaro": _attendance_summary(meeting), **_officers(meeting)}
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(attendance)
    meeting.chair = chair
    meeting.chair_capacity = capacity
    _give_reason(meeting, reason or "Närvaron registrerad")
    meeting.save()
    meeting.justifiers.set(justifiers or [])
    after = {"närvaro": _attendance_summary(meeting), **_officers(meeting)}
    _check_decided_paragraphs(meeting)
    _meeting_event(
        meeting,
        MeetingEvent.Action.ATTENDANCE_RECORDED,
        user=user,
        reason=reason,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        at=at,
    )
    return meeting


def _check_decided_paragraphs(meeting: Meeting) -> None:
    """After a change of attendance, every decided paragraph must still be one the council
    could decide: quorate, with its ballots and reservations from those who served on it."""
    for decision in Decision.objects.filter(item__meeting=meeting).select_related("item__meeting"):
        item = decision.item
        _rule(council.require_quorum, item)
        serving = council.serving_ids(item)
        voters = set(
            Ballot.objects.filter(vote__decision=decision).values_list("member", flat=True)
        )
        reserving = set(
            decision.reservations.filter(person__isnull=False).values_list("person", flat=True)
        )
        if not (voters | reserving) <= serving:
            raise TransitionError(
                f"Ändringen tar bort någon som röstade eller reserverade sig i § {item.number}; "
                "rätta beslutet först."
            )


@transaction.atomic
def record_recusal(
    *,
    item: AgendaItem,
    user: User,
    member: User,
    substitute: User | None = None,
    at: datetime.datetime | None = None,
) -> Recusal:
    """Jäv: `member` leaves the paragraph (KL 6 kap. 28 §); a present ersättare may serve in
    their place on this paragraph only."""
    meeting = _open_meeting(item.meeting, user)
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if Decision.objects.filter(item=item).exists():
        raise TransitionError(f"§ {item.number} är redan beslutad; rätta beslutet i stället.")
    serving = {p.user_id: p for p in council.serving_on(item)}
    if member.pk not in serving:
        raise TransitionError(f"{_name(member)} tjänstgör inte i § {item.number}.")
    if substitute is not None:
        present = meeting.attendance.filter(user=substitute).select_related("seat").first()
        if present is None or present.seat is None or present.seat.kind != Seat.Kind.SUBSTITUTE:
            raise TransitionError(f"{_name(substitute)} är inte en närvarande ersättare.")
        if substitute.pk in serving:
            raise TransitionError(f"{_name(substitute)} tjänstgör redan i § {item.number}.")
        if present.serving:
            raise TransitionError(
                f"{_name(substitute)} tjänstgör redan för en annan ledamot vid sammanträdet."
            )
    recusal = Recusal.objects.create(item=item, member=member, substitute=substitute)
    text = f"{_name(member)} jävig"
    if substitute is not None:
        text += f"; {_name(substitute)} tjänstgör i stället"
    _meeting_event(
        meeting,
        MeetingEvent.Action.RECUSAL_RECORDED,
        user=user,
        item=item,
        changes={"jäv": ["", text]},
        at=at,
    )
    return recusal


@transaction.atomic
def remove_recusal(
    *, recusal: Recusal, user: User, reason: str, at: datetime.datetime | None = None
) -> None:
    item = recusal.item
    meeting = _open_meeting(item.meeting, user)
    reason = _reason(reason)
    if Decision.objects.filter(item=item).exists():
        raise TransitionError(f"§ {item.number} är redan beslutad; jävet kan inte tas bort.")
    text = f"{_name(recusal.member)} jävig"
    recusal.delete()
    _meeting_event(
        meeting,
        MeetingEvent.Action.RECUSAL_REMOVED,
        user=user,
        item=item,
        reason=reason,
        changes={"jäv": [text, ""]},
        at=at,
    )


@transaction.atomic
def change_meeting_details(
    *,
    meeting: Meeting,
    user: User,
    reason: str,
    at: datetime.datetime | None = None,
    **values: Any,
) -> Meeting:
    """Ändra datum, tid, plats, offentlighet, övriga närvarande eller justeringens tid och plats:
    recorded with the reason and the old values."""
    allowed = {
        "date",
        "starts_at",
        "place",
        "open",
        "other_participants",
        "justification_place",
        "justification_date",
    }
    meeting = _open_meeting(meeting, user)
    changes = {}
    for name, value in values.items():
        if name not in allowed:
            raise ValueError(name)
        old = getattr(meeting, name)
        if old != value:
            label = str(getattr(Meeting._meta.get_field(name), "verbose_name", name))
            changes[label] = [_plain(old), _plain(value)]
            setattr(meeting, name, value)
    if not changes:
        raise TransitionError("Inget ändrades.")
    reason = _reason(reason)
    if "date" in values and council.member_count(meeting) == 0:
        raise TransitionError("Nämnden har inga ledamöter registrerade för det datumet.")
    _give_reason(meeting, reason)
    meeting.save()
    _meeting_event(
        meeting,
        MeetingEvent.Action.DETAILS_CHANGED,
        user=user,
        reason=reason,
        changes=changes,
        at=at,
    )
    return meeting


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def _require_unnumbered(meeting: Meeting) -> None:
    """The §§ are renumbered only until the first decision is recorded: from then on they are
    the minutes' paragraph numbers."""
    if Decision.objects.filter(item__meeting=meeting).exists():
        raise TransitionError(
            "Sammanträdet har börjat protokollföras; paragraferna numreras inte om."
        )


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    # Two steps, because (meeting, number) is unique at every moment.
    offset = 10_000
    for item in ordered:
        AgendaItem.objects.filter(pk=item.pk).update(number=item.number + offset)
    for number, item in enumerate(ordered, start=1):
        item.number = number
        AgendaItem.objects.filter(pk=item.pk).update(number=number)


@transaction.atomic
def move_item(
    *,
    item: AgendaItem,
    user: User,
    position: int,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> AgendaItem:
    """Flytta en punkt: the item takes `position` and the §§ are renumbered."""
    meeting = _open_meeting(item.meeting, user)
    _require_unnumbered(meeting)
    ordered = list(meeting.items.order_by("number"))
    current = next(i for i in ordered if i.pk == item.pk)
    if not 1 <= position <= len(ordered):
        raise TransitionError(f"Välj en plats mellan 1 och {len(ordered)}.")
    old = current.number
    if old == position:
        raise TransitionError("Punkten står redan där.")
    ordered.remove(current)
    ordered.insert(position - 1, current)
    _renumber(meeting, ordered)
    _meeting_event(
        meeting,
        MeetingEvent.Action.ITEM_MOVED,
        user=user,
        item=current,
        reason=reason.strip(),
        changes={"paragraf": [f"§ {old}", f"§ {position}"], "rubrik": [current.title] * 2},
        at=at,
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def remove_item(
    *, item: AgendaItem, user: User, reason: str, at: datetime.datetime | None = None
) -> None:
    """Stryk en punkt före mötet: a statement goes back to signed (ready for another meeting),
    the §§ after it move up."""
    meeting = _open_meeting(item.meeting, user)
    reason = _reason(reason)
    _require_unnumbered(meeting)
    item = AgendaItem.objects.select_related("statement").get(pk=item.pk)
    if item.statement is not None:
        _move(
            item.statement,
            "take_off_agenda",
            user=user,
            at=at,
            comment=f"Struken från föredragningslistan för {meeting.date:%Y-%m-%d}: {reason}",
        )
    _meeting_event(
        meeting,
        MeetingEvent.Action.ITEM_REMOVED,
        user=user,
        reason=reason,
        changes={"paragraf": [f"§ {item.number} {item.title}", ""]},
        at=at,
    )
    _give_reason(item, reason)
    item.delete()
    _renumber(meeting, list(meeting.items.order_by("number")))


def agenda_snapshot(meeting: Meeting) -> list[dict]:
    """The agenda as it is issued: what a new version is compared with."""
    return [
        {
            "number": item.number,
            "title": item.title,
            "statement": item.statement_id,
            "closed": item.closed,
        }
        for item in meeting.items.order_by("number")
    ]


@transaction.atomic
def issue_agenda(
    *, meeting: Meeting, user: User, at: datetime.datetime | None = None
) -> AgendaIssue:
    """Skicka kallelsen: the agenda as a PDF/A, kept as issued, mailed to the council's
    ledamöter and ersättare and shown on their start page. A changed agenda is issued again as
    a new version (tilläggslista)."""
    import hashlib

    from django.core.files.base import ContentFile

    from remiss import minutes

    meeting = _open_meeting(meeting, user)
    snapshot = agenda_snapshot(meeting)
    if not snapshot:
        raise TransitionError("Föredragningslistan är tom; sätt upp ärenden först.")
    last = meeting.issues.order_by("-version").first()
    if last is not None and last.items == snapshot and last.meeting_details == _details(meeting):
        raise TransitionError(
            f"{last.label} är redan skickad och föredragningslistan är oförändrad."
        )
    version = (last.version if last else 0) + 1
    when = at or timezone.now()
    content = minutes.agenda_pdf(meeting, version=version, issued_on=timezone.localdate(when))
    digest = hashlib.sha256(content).hexdigest()
    issue = AgendaIssue(
        meeting=meeting,
        version=version,
        issued_at=when,
        issued_by=user,
        sha256=digest,
        items=snapshot,
        meeting_details=_details(meeting),
    )
    issue.file.save(f"{digest}.pdf", ContentFile(content), save=False)
    issue.save()
    _meeting_event(
        meeting,
        MeetingEvent.Action.AGENDA_ISSUED,
        user=user,
        changes={"kallelse": ["", issue.label]},
        at=at,
    )
    notifications.agenda_issued(issue)
    return issue


def _details(meeting: Meeting) -> dict:
    return {
        "date": meeting.date.isoformat(),
        "starts_at": _plain(meeting.starts_at),
        "place": meeting.place,
    }


def _check_record(item: AgendaItem, record: DecisionRecord) -> None:
    """Before anything is written: the council is quorate on the paragraph, and the ballots
    and reservations come from those who serve on it."""
    serving = {p.user_id for p in _rule(council.require_quorum, item)}
    if record.vote is not None:
        outsiders = set(record.vote.ballots) - serving
        if outsiders:
            raise TransitionError(
                f"Bara de som tjänstgör i § {item.number} röstar; "
                f"{_names(outsiders)} tjänstgör inte."
            )
    reserving = [member for member, _ in record.reservations]
    if set(reserving) - serving:
        raise TransitionError(
            "Bara den som tjänstgör och deltar i beslutet kan reservera sig (KL 4 kap. 27 §); "
            f"{_names(set(reserving) - serving)} tjänstgör inte i § {item.number}."
        )
    if len(set(reserving)) != len(reserving):
        raise TransitionError("Samma ledamot reserverar sig bara en gång per beslut.")
    if record.vote is not None:
        abstained = {m for m, choice in record.vote.ballots.items() if choice == "avstår"}
        if set(reserving) & abstained:
            raise TransitionError(
                "Den som avstod från att rösta deltog inte i beslutet och kan inte reservera sig "
                f"({_names(set(reserving) & abstained)})."
            )


def _names(user_ids: Any) -> str:
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("last_name", "first_name")
    return ", ".join(_name(u) for u in users)


def _decision_summary(decision: Decision) -> dict[str, str]:
    vote = Vote.objects.filter(decision=decision).first()
    ballots = ""
    if vote is not None:
        ballots = f"{vote.proposition}: " + ", ".join(
            f"{_name(b.member)} {b.choice}"
            for b in vote.ballots.select_related("member").order_by("member__last_name")
        )
        if vote.casting_vote:
            ballots += f"; utslagsröst {vote.casting_vote}"
    return {
        "utfall": decision.get_outcome_display(),
        "beslutstext": decision.text,
        "ändringar": decision.changes,
        "yrkanden": "; ".join(
            f"{p.mover}: {p.get_kind_display().lower()}" + (f" ({p.text})" if p.text else "")
            for p in decision.proposals.all()
        ),
        "votering": ballots,
        "reservationer": "; ".join(
            r.member + (f": {r.reason}" if r.reason else "") for r in decision.reservations.all()
        ),
        "särskilda uttalanden": "; ".join(
            f"{s.by}: {s.text}" for s in decision.special_statements.all()
        ),
        "protokollsanteckningar": "; ".join(f"{n.by}: {n.text}" for n in decision.notes.all()),
    }


FINAL_OUTCOMES = frozenset(
    {Decision.Outcome.ADOPTED, Decision.Outcome.ADOPTED_WITH_CHANGES, Decision.Outcome.REJECTED}
)


@transaction.atomic
def correct_decision(
    *,
    decision: Decision,
    user: User,
    record: DecisionRecord,
    reason: str,
    at: datetime.datetime | None = None,
) -> Decision:
    """Rätta ett protokollfört beslut före justeringen: outcome, text, proposals, vote,
    reservations, statements and notes, with the reason; the old values stay in the log and
    in the history. After justification nothing of the paragraph changes."""
    decision = (
        Decision.objects.select_for_update().select_related("item__meeting").get(pk=decision.pk)
    )
    item = decision.item
    _open_meeting(item.meeting, user)
    if decision.justified_on is not None:
        raise TransitionError(
            f"§ {item.number} är justerad {decision.justified_on:%Y-%m-%d}; beslutet kan inte "
            "längre ändras."
        )
    reason = _reason(reason)
    if record.outcome != decision.outcome and not (
        record.outcome in FINAL_OUTCOMES and decision.outcome in FINAL_OUTCOMES
    ):
        raise TransitionError(
            "Återremiss och bordläggning flyttar ärendet och rättas inte i efterhand; "
            "rätta bara mellan bifall, bifall med ändringar och avslag."
        )
    if record.outcome == Decision.Outcome.ADOPTED_WITH_CHANGES and not record.changes.strip():
        raise TransitionError("Skriv vilka ändringar nämnden beslutade.")
    _check_record(item, record)
    before = _decision_summary(decision)
    decision.outcome = record.outcome
    decision.text = record.text
    decision.changes = record.changes
    _give_reason(decision, reason)
    decision.save()
    decision.proposals.all().delete()
    Vote.objects.filter(decision=decision).delete()
    decision.reservations.all().delete()
    decision.special_statements.all().delete()
    decision.notes.all().delete()
    if hasattr(decision, "vote"):
        del decision.vote
    _record_details(decision, record)
    after = _decision_summary(decision)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        raise TransitionError("Inget ändrades i beslutet.")
    _meeting_event(
        item.meeting,
        MeetingEvent.Action.DECISION_CORRECTED,
        user=user,
        item=item,
        reason=reason,
        changes=changes,
        at=at,
    )
    return decision


@transaction.atomic
def add_reservation_reasons(
    *, reservation: Reservation, user: User, reason: str, at: datetime.datetime | None = None
) -> Reservation:
    """Reservationens skriftliga motivering (KL 4 kap. 27 §): handed in before the protokoll is
    justified, and recorded by the secretary."""
    reservation = Reservation.objects.select_related("decision__item__meeting").get(
        pk=reservation.pk
    )
    decision = reservation.decision
    _require_secretary(user, decision.item.meeting)
    if decision.justified_on is not None:
        raise TransitionError(
            "Protokollet är justerat; en skriftlig motivering måste lämnas före justeringen "
            "(KL 4 kap. 27 §)."
        )
    _open_meeting(decision.item.meeting, user)
    if not reason.strip():
        raise TransitionError("Skriv motiveringen.")
    old = reservation.reason
    reservation.reason = reason.strip()
    reservation.save(update_fields=["reason"])
    _meeting_event(
        decision.item.meeting,
        MeetingEvent.Action.RESERVATION_REASONS,
        user=user,
        item=decision.item,
        changes={f"reservation av {reservation.member}": [old, reservation.reason]},
        at=at,
    )
    return reservation
