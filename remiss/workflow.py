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
    withdraw_submission IN_REVIEW   → DRAFT         its handläggare, before the review starts
    start_review        IN_REVIEW   → IN_REVIEW     förvaltningschef (granskningen påbörjad)
    return_to_draft     IN_REVIEW   → DRAFT         förvaltningschef
    sign                IN_REVIEW   → READY         förvaltningschef
    withdraw            READY       → DRAFT         the one who signed
    put_on_agenda       READY       → ON_AGENDA     nämndsekreterare
    decide              ON_AGENDA   → DECIDED       nämndsekreterare
    refer_back          ON_AGENDA   → DRAFT         nämndsekreterare (återremiss)
    table               ON_AGENDA   → ON_AGENDA     nämndsekreterare (bordläggning)
    take_off_agenda     ON_AGENDA   → READY         nämndsekreterare (punkten stryks före mötet)
    justify             DECIDED     → JUSTIFIED     when the chair and every justerare have
                                                    signed the protokoll, or the paragraph the
                                                    meeting decided to justify at once (omedelbar
                                                    justering); never the secretary
    deliver             JUSTIFIED   → DELIVERED     follows justification at once (private), when
                                                    the decision gives the reply (bifall, bifall
                                                    med ändringar); avslag with an own yttrande
                                                    delivers the recipient only, and the
                                                    rejected statement stays JUSTIFIED
    reopen              JUSTIFIED   → DRAFT         avslag without an own yttrande, the nämnd
                                                    answering later (private)
    answer_on_delegation READY      → DELIVERED     the delegate (förvaltningschef) of a remiss
                                                    that may be answered on delegation

The recipient (remissinstans), whose answer the sender waits for:

    move                from          to            who
    extend              AWAITING    → AWAITING      the sender's remissamordnare (anstånd)
    decline             AWAITING    → DECLINED      förvaltningschef, on delegation (avstå)
    deliver             AWAITING    → DELIVERED     with the statement's delivery (private)
    no_reply            AWAITING    → AWAITING      avslag without an own yttrande: nothing is
                                                    sent, the next step is recorded (private)
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

from remiss import (
    council,
    deadlines,
    documents,
    notifications,
    paragraphs,
    signed_text,
    signing,
)
from remiss.api import webhooks
from remiss.models import (
    AgendaIssue,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    DelegatedDecision,
    Delegation,
    JustificationSignature,
    Meeting,
    MeetingEvent,
    MeetingProposal,
    Membership,
    Notice,
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
# Who decides for the nämnd on delegation (avstå, a reply to a remiss marked for it): the
# förvaltningschef, never the secretary (KL 6 kap. 37 §; docs/domain.md, Delegation).
DELEGATES = frozenset({Role.HEAD_OF_ADMINISTRATION})
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
    "withdraw_submission": Transition(
        S.IN_REVIEW,
        S.DRAFT,
        WRITERS,
        "ta tillbaka utlåtandet från granskningen",
        A.SUBMISSION_WITHDRAWN,
    ),
    "start_review": Transition(
        S.IN_REVIEW, S.IN_REVIEW, HEADS, "påbörja granskningen", A.REVIEW_STARTED
    ),
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
    "reopen": Transition(
        S.JUSTIFIED, S.DRAFT, NOBODY, "återuppta utlåtandet efter avslaget", A.REJECTED
    ),
    "answer_on_delegation": Transition(
        S.READY, S.DELIVERED, DELEGATES, "besvara remissen på delegation", A.DELEGATED
    ),
}

RECIPIENT_TRANSITIONS: dict[str, Transition] = {
    "extend": Transition(
        R.AWAITING, R.AWAITING, COORDINATORS, "bevilja anstånd", A.EXTENSION_GRANTED, at_sender=True
    ),
    "decline": Transition(R.AWAITING, R.DECLINED, DELEGATES, "avstå från att svara", A.DECLINED),
    "deliver": Transition(R.AWAITING, R.DELIVERED, NOBODY, "expediera svaret", A.DELIVERED),
    "no_reply": Transition(R.AWAITING, R.AWAITING, NOBODY, "avslå utan eget yttrande", A.REJECTED),
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
    if "answer_on_delegation" in moves and not may_answer_on_delegation(user, statement.recipient):
        moves.discard("answer_on_delegation")
    if statement.review_started_at is not None:  # the review has started: it is the head's now
        moves -= {"start_review", "withdraw_submission"}
    if statement.case_officer_id != user.pk:
        moves.discard("withdraw_submission")
    return moves


def may_answer_on_delegation(user: Person, recipient: Recipient) -> bool:
    """The sender marked the remiss "får besvaras på delegation", and the nämnd's
    delegationsordning names a role the person holds (Delegation)."""
    if not recipient.remiss.delegable:
        return False
    roles = roles_in(user, recipient.organisation_id) & DELEGATES
    return (
        bool(roles)
        and Delegation.objects.filter(
            organisation_id=recipient.organisation_id, role__in=roles
        ).exists()
    )


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
        A.SUBMISSION_WITHDRAWN,
        A.REVIEW_STARTED,
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
    "register": frozenset({Role.REGISTRAR, Role.CASE_OFFICER}),  # vårt dnr (registry.register_case)
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
    if action == "withdraw_submission" and statement.case_officer_id != user.pk:
        raise PermissionDenied(NOT_THE_OFFICER)
    if action in REVIEW_NOT_STARTED and statement.status == transition.source:
        raise TransitionError(review_started(statement))
    _require_answering(statement.recipient)
    if action == "answer_on_delegation" and statement.status == transition.source:
        if not statement.recipient.remiss.delegable:
            raise TransitionError(
                "Remittenten har inte angett att remissen får besvaras på delegation; svaret "
                "beslutas av nämnden."
            )
        raise PermissionDenied(
            "Nämndens delegationsordning ger inte din roll rätt att besvara remissen."
        )
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


NOT_THE_OFFICER = "Bara utlåtandets handläggare kan ta tillbaka det från granskningen."
# The moves that are only possible until the förvaltningschef has started the review.
REVIEW_NOT_STARTED = frozenset({"start_review", "withdraw_submission"})


def review_started(statement: Statement) -> str:
    who = statement.review_started_by
    name = (who.get_full_name() or who.get_username()) if who else "Förvaltningschefen"
    return (
        f"{name} har redan påbörjat granskningen "
        f"({timezone.localtime(statement.review_started_at):%Y-%m-%d %H:%M}). Be om att få "
        "utlåtandet returnerat i stället."
    )


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
        changes={"review_started_at": None, "review_started_by": None},
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
def withdraw_submission(
    *, statement: Statement, user: User, comment: str = "", at: datetime.datetime | None = None
) -> Statement:
    """Ta tillbaka från granskningen: the handläggare takes a submitted statement back to
    correct it, as long as the förvaltningschef has not started the review."""
    # Locked alone: PostgreSQL locks no row of the nullable side of an outer join.
    current = Statement.objects.select_for_update().get(pk=statement.pk)
    if current.case_officer_id != user.pk:
        raise PermissionDenied(NOT_THE_OFFICER)
    if current.status == S.IN_REVIEW and current.review_started_at is not None:
        raise TransitionError(review_started(current))
    statement = _move(statement, "withdraw_submission", user=user, at=at, comment=comment.strip())
    notifications.submission_withdrawn(statement, user)
    return statement


@transaction.atomic
def start_review(
    *, statement: Statement, user: User, at: datetime.datetime | None = None
) -> Statement:
    """Påbörja granskningen: the förvaltningschef takes the statement up; from now on the
    handläggare can no longer take it back, and it waits for this person's signature."""
    current = Statement.objects.select_for_update().get(pk=statement.pk)
    if current.status == S.IN_REVIEW and current.review_started_at is not None:
        raise TransitionError(review_started(current))
    return _move(
        statement,
        "start_review",
        user=user,
        at=at,
        changes={"review_started_at": at or timezone.now(), "review_started_by": user},
    )


@transaction.atomic
def return_to_draft(
    *,
    statement: Statement,
    user: User,
    comment: str,
    section_comments: dict[str, str] | None = None,
    at: datetime.datetime | None = None,
) -> Statement:
    """Returnera: back to the handläggare, with a comment and comments anchored to its parts:
    the keys of `section_comments` are a section's name, "proposals", or "focus-<id>" for the
    views on one focus area (the statement's own; others are refused)."""
    section_comments = {k: v.strip() for k, v in (section_comments or {}).items() if v.strip()}
    anchors = {name for name, _ in Statement.SECTIONS} | {ReviewComment.PROPOSALS}
    anchors |= {
        f"focus-{pk}" for pk in statement.focus_area_views.values_list("focus_area_id", flat=True)
    }
    if unknown := set(section_comments) - anchors:
        raise TransitionError(
            f"Kommentaren gäller en del som inte finns i utlåtandet ({', '.join(sorted(unknown))})."
        )
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
            focus_area_id=focus_area_id,
            text=text,
            author=user,
            version=statement.version,
            created_at=when,
        )
        for (section, focus_area_id), text in (
            (_anchored(anchor), text) for anchor, text in section_comments.items()
        )
    )
    notifications.returned(statement, user, comment.strip())
    return statement


def _anchored(anchor: str) -> tuple[str, int | None]:
    """A comment's anchor as its fields: "focus-3" is the views on focus area 3."""
    if anchor.startswith("focus-"):
        return ReviewComment.FOCUS_AREA, int(anchor.removeprefix("focus-"))
    return anchor, None


@transaction.atomic
def sign(*, statement: Statement, user: User, at: datetime.datetime | None = None) -> Statement:
    """Signera: the head of administration signs; from now on the text is fixed."""
    membership = Membership.objects.filter(
        user=user, organisation_id=statement.recipient.organisation_id, role__in=HEADS
    ).first()
    when = at or timezone.now()
    statement = _move(
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
    if statement.case_officer_id != user.pk:
        notifications.signed(statement, user)
    return statement


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
    _require_open_minutes(Meeting.objects.select_for_update().get(pk=meeting.pk))
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
    _require_open_minutes(locked)
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
    # Bifall med ändringar: the nämnd's wording per changed section (the statement's field
    # name) and of the proposals ("proposals": a list); the statement itself is not changed.
    amendments: dict = field(default_factory=dict)
    # Avslag with an own yttrande: the index (in `proposals`) of the yrkande whose text the
    # nämnd adopted as its reply.
    reply_proposal: int | None = None
    # Avslag without one: "answer_later", "request_extension" or "decline" (with the reason).
    next_step: str = ""
    next_step_reason: str = ""


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
    back to draft; bordläggning moves the item to a later meeting. Immediate justification is
    only marked here: the chair and the justerare justify the paragraph themselves
    (justify_paragraph), and the reply is delivered when the last of them has.
    Everything is checked (check_decision) before the first row is written.
    """
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "statement__recipient")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    _require_secretary(user, meeting)
    _require_open_minutes(meeting)
    check_decision(item=item, record=record, at=at)
    Outcome = Decision.Outcome
    _check_record(item, record)
    when = at or timezone.now()
    decision = Decision.objects.create(
        item=item,
        outcome=record.outcome,
        text=record.text,
        changes=record.changes,
        **_reply_fields(record),
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
        # The secretary only records that the meeting decided it: the chair and the justerare
        # justify the paragraph themselves (justify_paragraph).
        _meeting_event(
            meeting,
            MeetingEvent.Action.MARKED_IMMEDIATE,
            user=user,
            item=item,
            changes={f"§ {item.number}": ["", "justeras omedelbart"]},
            at=at,
        )
        notifications.paragraph_to_justify(decision)
    if not AgendaItem.objects.filter(meeting=meeting, decision__isnull=True).exists():
        notifications.minutes_to_justify(meeting)  # the last paragraph recorded
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
    _check_reply(item, record)
    if record.outcome == Outcome.TABLED:
        if record.table_to is None or record.table_to.organisation_id != meeting.organisation_id:
            raise TransitionError("Välj det senare sammanträde som ärendet bordläggs till.")
        if record.table_to.date <= meeting.date:
            raise TransitionError("Ett bordlagt ärende flyttas till ett senare sammanträde.")
        if _closed_minutes(record.table_to):
            raise TransitionError(
                f"Protokollet från sammanträdet {record.table_to.date:%Y-%m-%d} är justerat "
                "eller under justering; välj ett annat sammanträde."
            )
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


def _check_reply(item: AgendaItem, record: DecisionRecord) -> None:
    """What the reply will be, by the outcome: bifall med ändringar names the changed wording
    (per section or of the proposals; without a statement, the changes as text); avslag with
    an own yttrande points at a yrkande with a text; avslag without one says what happens next
    (and why, if the nämnd declines)."""
    Outcome = Decision.Outcome
    amendments = {
        name: text
        for name, text in (record.amendments or {}).items()
        if text not in ("", [], None) and name in AMENDABLE
    }
    unknown = set(record.amendments or {}) - AMENDABLE
    if unknown:
        raise TransitionError("Ändringar kan bara gälla utlåtandets avsnitt och förslag.")
    if record.outcome == Outcome.ADOPTED_WITH_CHANGES:
        if item.statement is None and not record.changes.strip():
            raise TransitionError("Skriv vilka ändringar nämnden beslutade.")
        if item.statement is not None and not _really_changed(item.statement, amendments):
            raise TransitionError(
                "Skriv nämndens ändrade lydelse i minst ett avsnitt eller i förslagen till "
                "beslut; förvaltningens tjänsteutlåtande ändras inte."
            )
    elif amendments:
        raise TransitionError("Ändrad lydelse hör bara till bifall med ändringar.")
    if record.reply_proposal is not None:
        if record.outcome != Outcome.REJECTED:
            raise TransitionError(
                "Ett eget yttrande från ett yrkande antas bara när nämnden avslår förvaltningens "
                "förslag."
            )
        if (
            not 0 <= record.reply_proposal < len(record.proposals)
            or not record.proposals[record.reply_proposal][2].strip()
        ):
            raise TransitionError(
                "Välj det yrkande vars text nämnden antog som yttrande; yrkandet behöver en text."
            )
    if record.next_step and (
        record.outcome != Outcome.REJECTED or record.reply_proposal is not None
    ):
        raise TransitionError("Vad som händer sedan beslutas bara vid avslag utan eget yttrande.")
    if record.next_step not in ("", *NEXT_STEPS):
        raise TransitionError("Välj vad som händer med svaret.")
    if record.next_step == "decline" and not record.next_step_reason.strip():
        raise TransitionError("Skriv skälet till att nämnden avstår från att svara.")


# Avslag without an own yttrande: what the nämnd decided about its answer.
NEXT_STEPS = ("answer_later", "request_extension", "decline")
NEXT_STEP_SENTENCES = {
    "answer_later": "Nämnden svarar senare.",
    "request_extension": "Nämnden begär anstånd och svarar senare.",
}
AMENDABLE = frozenset([*(name for name, _ in Statement.SECTIONS), "proposals"])


def _really_changed(statement: Statement, amendments: dict) -> bool:
    for name, text in amendments.items():
        if name == "proposals":
            if [str(p) for p in text] != list(statement.proposals):
                return True
        elif text != getattr(statement, name):
            return True
    return False


def _reply_fields(record: DecisionRecord) -> dict:
    """The decision's fields that say what the reply is (see _check_reply)."""
    Outcome = Decision.Outcome
    rejected_without_reply = record.outcome == Outcome.REJECTED and record.reply_proposal is None
    next_step = (record.next_step or "answer_later") if rejected_without_reply else ""
    return {
        "amendments": {
            name: text
            for name, text in (record.amendments or {}).items()
            if text not in ("", [], None)
        }
        if record.outcome == Outcome.ADOPTED_WITH_CHANGES
        else {},
        "next_step": next_step,
        "next_step_reason": record.next_step_reason.strip() if next_step == "decline" else "",
    }


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
        MeetingProposal(
            decision=decision,
            mover=mover,
            kind=kind,
            text=text,
            adopted_as_reply=number == record.reply_proposal,
        )
        for number, (mover, kind, text) in enumerate(record.proposals)
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
    notice: Notice,
    immediate: bool = False,
) -> None:
    """Justera one paragraph: the decision stands; a statement's reply is delivered at once.
    `day` is the day the last of the chair and the justerare signed; `notice` the anslag
    posted for it, whose day the appeal time counts from."""
    decision.justified_on = day
    decision.notice_date = notice.posted_on
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
        check_person=False,
        comment=f"{how} {day:%Y-%m-%d}. Anslaget {notice.posted_on:%Y-%m-%d}.",
    )
    _send_decided_reply(statement, decision, user=user, at=None)


def _send_decided_reply(
    statement: Statement, decision: Decision, *, user: User | None, at: datetime.datetime | None
) -> None:
    """The reply follows the decision, not the administration's proposal: bifall (with or
    without changes) delivers the statement (replies.decided_reply reads the changes); avslag
    with an own yttrande delivers that text, the rejected statement staying behind as
    beslutsunderlag; avslag without one delivers nothing and records what happens next."""
    if decision.outcome != Decision.Outcome.REJECTED:
        _deliver(statement, user=user, at=at)
    elif decision.sends_reply:
        _deliver(statement, user=user, at=at, statement_is_reply=False)
    else:
        _no_reply(statement, decision, user=user, at=at)


def _no_reply(
    statement: Statement, decision: Decision, *, user: User | None, at: datetime.datetime | None
) -> None:
    """Avslag without an own yttrande: nothing goes to the sender. The nämnd declines (with
    its reason), or answers later: the statement goes back to draft for a new proposal, and the
    recipient's next step (answer later, ask for an extension) shows on the case and on the
    sender's status board."""
    item = decision.item
    label = f"§ {item.number}, sammanträdet {item.meeting.date:%Y-%m-%d}"
    if decision.next_step == "decline":
        reason = f"Nämnden avslog förvaltningens förslag ({label}): {decision.next_step_reason}"
        recipient = _move_recipient(
            statement.recipient,
            "decline",
            user=user,
            at=at,
            check_person=False,
            statement=statement,
            comment=reason,
            changes={"declined_reason": reason},
        )
        notifications.declined(recipient, user)
        webhooks.recipient_declined(recipient)
        return
    statement = _move(
        statement, "reopen", user=user, at=at, check_person=False, changes=_unsigned(), record=False
    )
    _move_recipient(
        statement.recipient,
        "no_reply",
        user=user,
        at=at,
        check_person=False,
        statement=statement,
        comment=f"Nämnden avslog förvaltningens förslag ({label}); inget svar skickades. "
        f"{NEXT_STEP_SENTENCES[decision.next_step]}",
        changes={"next_step": decision.next_step},
    )


def _deliver(
    statement: Statement,
    *,
    user: User | None,
    at: datetime.datetime | None = None,
    statement_is_reply: bool = True,
) -> Statement:
    """Expediera: the justified reply is sent to the remiss' sender, and recorded as sent.

    Private: delivery is what justification does, inside the justification's transaction, so
    a reply is never delivered without the decision that caused it (nor the reverse). When the
    nämnd answered with a text of its own (`statement_is_reply` False), the rejected statement
    is not delivered: only the recipient's answer is."""
    when = at or timezone.now()
    _require_answering(statement.recipient)
    if statement_is_reply:
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
        changes={"delivered_at": when, "next_step": ""},
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


# Justering (KL 5 kap. 69–70 §§) and anslag (KL 8 kap. 12 §) ------------------------------------
#
# The chair and every justerare justify for themselves, each with a fresh confirmation of who
# they are (remiss.signing) and the SHA-256 of the text they read (remiss.signed_text); nobody
# justifies for them, the secretary included. When the last of them has signed, the protokoll
# (or the paragraph justified at once) is justified on that day, its anslag is posted on the
# anslagstavla the same day, and each decided reply is delivered. The day is the real day:
# these functions take no `at`.


def _check_signer(
    meeting: Meeting, user: User, confirmation: signing.Confirmation, sha256: str, current: str
) -> set[int]:
    required = justifiers_of(meeting)
    if user.pk not in required:
        raise PermissionDenied(
            "Bara ordföranden och de utsedda justerarna justerar, var och en själv."
        )
    if not meeting.chair_id:
        raise TransitionError("Sammanträdet har ingen ordförande registrerad; ingen kan justera.")
    if (
        not isinstance(confirmation, signing.Confirmation)
        or confirmation.user_id != user.pk
        or not confirmation.is_fresh()
    ):
        raise PermissionDenied("Bekräfta din identitet på nytt för att justera.")
    if confirmation.sha256 != sha256 or sha256 != current:
        raise TransitionError(
            "Texten har ändrats sedan du läste den. Läs den igen innan du justerar; "
            "ingenting är justerat."
        )
    return required


def may_justify_minutes(user: Person, meeting: Meeting) -> bool:
    """The chair or a justerare who has not yet justified the fully decided minutes."""
    return (
        user.pk in justifiers_of(meeting)
        and not meeting.minutes_justified_on
        and meeting.items.exists()
        and not meeting.items.filter(decision__isnull=True).exists()
        and not JustificationSignature.objects.of_minutes()
        .filter(meeting=meeting, user_id=user.pk)
        .exists()
    )


def may_justify_paragraph(user: Person, decision: Decision) -> bool:
    """The chair or a justerare, on a paragraph the meeting decided to justify at once."""
    return (
        decision.immediate
        and decision.is_final
        and decision.justified_on is None
        and user.pk in justifiers_of(decision.item.meeting)
        and not decision.signatures.filter(user_id=user.pk).exists()
    )


def check_justify_minutes(user: Person, meeting: Meeting) -> None:
    """Refuse as may_justify_minutes answers: PermissionDenied for one who never justifies."""
    if may_justify_minutes(user, meeting):
        return
    if user.pk not in justifiers_of(meeting):
        raise PermissionDenied(
            "Bara ordföranden och de utsedda justerarna justerar, var och en själv."
        )
    if meeting.minutes_justified_on:
        raise TransitionError("Protokollet är redan justerat.")
    if not meeting.items.exists() or meeting.items.filter(decision__isnull=True).exists():
        raise TransitionError("Alla paragrafer har inte beslut ännu.")
    raise TransitionError("Du har redan justerat protokollet.")


def check_justify_paragraph(user: Person, decision: Decision) -> None:
    if may_justify_paragraph(user, decision):
        return
    if user.pk not in justifiers_of(decision.item.meeting):
        raise PermissionDenied(
            "Bara ordföranden och de utsedda justerarna justerar, var och en själv."
        )
    if not (decision.immediate and decision.is_final):
        raise TransitionError(
            "Nämnden beslutade inte att paragrafen ska justeras omedelbart; den justeras med "
            "protokollet."
        )
    if decision.justified_on is not None:
        raise TransitionError(f"Paragrafen är redan justerad {decision.justified_on:%Y-%m-%d}.")
    raise TransitionError("Du har redan justerat paragrafen.")


def _sign(
    meeting: Meeting,
    *,
    user: User,
    confirmation: signing.Confirmation,
    decision: Decision | None,
    item: AgendaItem | None = None,
) -> JustificationSignature:
    signature = JustificationSignature.objects.create(
        meeting=meeting,
        decision=decision,
        user=user,
        signed_at=timezone.now(),
        sha256=confirmation.sha256,
        method=confirmation.method,
        reference=confirmation.reference,
    )
    what = f"§ {item.number} (omedelbar justering)" if item is not None else "protokollet"
    _meeting_event(
        meeting,
        MeetingEvent.Action.JUSTIFICATION_SIGNED,
        user=user,
        item=item,
        changes={"justering": ["", f"{_name(user)} justerade {what}"]},
    )
    return signature


@transaction.atomic
def justify_minutes(
    *, meeting: Meeting, user: User, confirmation: signing.Confirmation, sha256: str
) -> bool:
    """The chair or a justerare justifies the protokoll, for themselves, with a fresh
    confirmation of identity and the SHA-256 of the text they read. When the last of them has,
    the protokoll is justified today: its anslag is posted, every decided paragraph not yet
    justified stands, and its reply is delivered. True when this signature completed it."""
    meeting = Meeting.objects.select_for_update().select_related("organisation").get(pk=meeting.pk)
    check_justify_minutes(user, meeting)
    required = _check_signer(
        meeting, user, confirmation, sha256, signed_text.sha256(signed_text.minutes_text(meeting))
    )
    _sign(meeting, user=user, confirmation=confirmation, decision=None)
    signed = set(
        JustificationSignature.objects.of_minutes()
        .filter(meeting=meeting)
        .values_list("user", flat=True)
    )
    if not required <= signed:
        return False
    now = timezone.now()
    day = timezone.localdate(now)
    notice = _post_notice(meeting, decision=None, user=user, now=now)
    meeting.minutes_justified_on = day
    meeting.notice_date = notice.posted_on
    _give_reason(meeting, "Protokollet justerat")
    meeting.save()
    _meeting_event(
        meeting,
        MeetingEvent.Action.JUSTIFIED,
        user=user,
        changes={"protokollet": ["", f"justerat {day:%Y-%m-%d}"]},
    )
    for decision in Decision.objects.filter(
        item__meeting=meeting, justified_on__isnull=True
    ).select_related("item__statement"):
        _justify_decision(decision, user=user, day=day, notice=notice)
    return True


@transaction.atomic
def justify_paragraph(
    *, decision: Decision, user: User, confirmation: signing.Confirmation, sha256: str
) -> bool:
    """Omedelbar justering (KL 5 kap. 70 §): the meeting decided that the paragraph is justified
    at once; the chair and each justerare sign its wording themselves, at the meeting or right
    after it. When the last of them has, the paragraph is justified today, its anslag posted,
    and its reply delivered. True when this signature completed it."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("item__meeting__organisation", "item__statement")
        .get(pk=decision.pk)
    )
    item = decision.item
    meeting = item.meeting
    check_justify_paragraph(user, decision)
    required = _check_signer(
        meeting, user, confirmation, sha256, signed_text.sha256(signed_text.extract_text(decision))
    )
    _sign(meeting, user=user, confirmation=confirmation, decision=decision, item=item)
    signed = set(decision.signatures.values_list("user", flat=True))
    if not required <= signed:
        return False
    now = timezone.now()
    day = timezone.localdate(now)
    notice = _post_notice(meeting, decision=decision, user=user, now=now)
    _meeting_event(
        meeting,
        MeetingEvent.Action.JUSTIFIED,
        user=user,
        item=item,
        changes={f"§ {item.number}": ["", f"justerad omedelbart {day:%Y-%m-%d}"]},
    )
    _justify_decision(decision, user=user, day=day, notice=notice, immediate=True)
    return True


def _post_notice(
    meeting: Meeting, *, decision: Decision | None, user: User | None, now: datetime.datetime
) -> Notice:
    """Sätt upp anslaget: on the anslagstavla the day of justification (KL 8 kap. 12 §), the
    appeal time counted from that actual day (KL 13 kap. 5 §); it is taken down the day after
    the appeal time has run out."""
    day = timezone.localdate(now)
    if decision is not None:
        span = f"§ {decision.item.number}"
    else:
        numbers = list(meeting.items.order_by("number").values_list("number", flat=True))
        span = f"§§ {numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else f"§ {numbers[0]}"
    appeal_ends = deadlines.appeal_ends(day)
    notice = Notice.objects.create(
        meeting=meeting,
        decision=decision,
        paragraphs=span,
        justified_on=day,
        posted_on=day,
        posted_at=now,
        appeal_ends=appeal_ends,
        takes_down_on=appeal_ends + datetime.timedelta(days=1),
        kept_at=paragraphs.kept_at(meeting),
    )
    _meeting_event(
        meeting,
        MeetingEvent.Action.NOTICE_POSTED,
        user=user,
        item=decision.item if decision is not None else None,
        changes={
            "anslag": ["", f"{span} anslaget {day:%Y-%m-%d}"],
            "tas ned": ["", f"{notice.takes_down_on:%Y-%m-%d}"],
        },
        at=now,
    )
    return notice


def take_down_notices() -> int:
    """Ta ned anslagen whose day has come (the daily job): each once, with its event. Running it
    again the same day, or on two workers, takes nothing down twice. How many were taken down."""
    now = timezone.now()
    taken = 0
    for notice in Notice.objects.filter(
        takes_down_on__lte=timezone.localdate(now), taken_down_at__isnull=True
    ).select_related("meeting", "decision__item"):
        with transaction.atomic():
            if not Notice.objects.filter(pk=notice.pk, taken_down_at__isnull=True).update(
                taken_down_at=now
            ):
                continue  # another worker took it down meanwhile
            _meeting_event(
                notice.meeting,
                MeetingEvent.Action.NOTICE_TAKEN_DOWN,
                user=None,
                item=notice.decision.item if notice.decision is not None else None,
                changes={
                    "anslag": [f"{notice.paragraphs} anslaget {notice.posted_on:%Y-%m-%d}", ""]
                },
                at=now,
            )
            taken += 1
    return taken


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
            "Att avstå är ett delegationsbeslut av förvaltningschefen; nämndsekreteraren "
            "fattar det inte."
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
    _delegated_decision(
        recipient,
        DelegatedDecision.Kind.DECLINE,
        user=user,
        at=at,
        text=f"{recipient.organisation} avstår från att svara på remissen "
        f"{recipient.remiss.registration_number}: {reason.strip()}",
    )
    notifications.declined(recipient, user)
    webhooks.recipient_declined(recipient)
    return recipient


# Delegation (KL 6 kap. 37–40 §§) ------------------------------------------------------------


def _delegated_decision(
    recipient: Recipient, kind: str, *, user: User, at: datetime.datetime | None, text: str
) -> DelegatedDecision:
    membership = (
        Membership.objects.filter(
            user=user, organisation_id=recipient.organisation_id, role__in=DELEGATES
        )
        .exclude(title="")
        .first()
    )
    return DelegatedDecision.objects.create(
        recipient=recipient,
        kind=kind,
        decided_by=user,
        delegate_name=_name(user),
        delegate_title=membership.title
        if membership
        else Membership.Role.HEAD_OF_ADMINISTRATION.label,
        decided_at=at or timezone.now(),
        text=text,
    )


@transaction.atomic
def answer_on_delegation(
    *, statement: Statement, user: User, at: datetime.datetime | None = None
) -> DelegatedDecision:
    """Besvara på delegation: the delegate (the förvaltningschef, as the nämnd's
    delegationsordning says) decides that the signed statement is the nämnd's reply, without a
    meeting. The reply is delivered at once and the delegationsbeslut waits to be reported
    (anmält) at the nämnd's next meeting."""
    recipient = statement.recipient
    if not may_answer_on_delegation(user, recipient):
        if not recipient.remiss.delegable:
            raise TransitionError(
                "Remittenten har inte angett att remissen får besvaras på delegation; svaret "
                "beslutas av nämnden."
            )
        raise PermissionDenied(
            "Nämndens delegationsordning ger inte din roll rätt att besvara remissen."
        )
    when = at or timezone.now()
    statement = _move(statement, "answer_on_delegation", user=user, at=at)
    decided = _delegated_decision(
        statement.recipient,
        DelegatedDecision.Kind.REPLY,
        user=user,
        at=when,
        text=f'Tjänsteutlåtandet "{statement.title}" överlämnas som '
        f"{statement.recipient.organisation}s svar på remissen "
        f"{statement.recipient.remiss.registration_number}.",
    )
    recipient = _move_recipient(
        statement.recipient,
        "deliver",
        user=user,
        at=at,
        check_person=False,
        statement=statement,
        comment=f"Besvarat på delegation av {decided.delegate_name}, {decided.delegate_title}.",
        changes={"delivered_at": when, "next_step": ""},
    )
    notifications.delivered(recipient)
    webhooks.reply_delivered(recipient)
    return decided


DELEGATION_REPORT_TITLE = "Anmälan av delegationsbeslut"


def delegated_decisions_to_report(organisation_id: int) -> Any:
    """The nämnd's delegationsbeslut not yet reported (anmälda) at a meeting."""
    return (
        DelegatedDecision.objects.filter(
            recipient__organisation_id=organisation_id, reported_at__isnull=True
        )
        .select_related("recipient__remiss", "decided_by")
        .order_by("decided_at", "pk")
    )


@transaction.atomic
def report_delegated_decisions(
    *, meeting: Meeting, user: User, at: datetime.datetime | None = None
) -> AgendaItem:
    """Anmälan av delegationsbeslut: the delegationsbeslut not yet reported go on the
    meeting's agenda under one item (added to it if the item is already there)."""
    meeting = _open_meeting(meeting, user)
    pending = list(delegated_decisions_to_report(meeting.organisation_id).select_for_update())
    if not pending:
        raise TransitionError("Det finns inga delegationsbeslut att anmäla.")
    item = (
        meeting.items.filter(title=DELEGATION_REPORT_TITLE, decision__isnull=True)
        .order_by("number")
        .first()
    )
    if item is None:
        item = AgendaItem.objects.create(
            meeting=meeting, number=next_paragraph(meeting), title=DELEGATION_REPORT_TITLE
        )
    DelegatedDecision.objects.filter(pk__in=[d.pk for d in pending]).update(reported_at=item)
    _meeting_event(
        meeting,
        MeetingEvent.Action.ITEM_ADDED,
        user=user,
        item=item,
        changes={DELEGATION_REPORT_TITLE: ["", "; ".join(d.text for d in pending)]},
        at=at,
    )
    return item


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


def _closed_minutes(meeting: Meeting) -> bool:
    """A justified protokoll is closed, and so is one that the chair or a justerare has begun
    to sign: what they signed is what stands."""
    return bool(meeting.minutes_justified_on) or (
        JustificationSignature.objects.of_minutes().filter(meeting=meeting).exists()
    )


def _require_open_minutes(meeting: Meeting) -> None:
    if meeting.minutes_justified_on:
        raise TransitionError(
            f"Protokollet är justerat {meeting.minutes_justified_on:%Y-%m-%d}; ingenting kan "
            "läggas till eller ändras."
        )
    if _closed_minutes(meeting):
        raise TransitionError(
            "Justeringen av protokollet har börjat; ingenting kan läggas till eller ändras."
        )


def _open_meeting(meeting: Meeting, user: User) -> Meeting:
    """The meeting, locked, for a change by its secretary before the minutes are signed."""
    _require_secretary(user, meeting)
    locked = Meeting.objects.select_for_update().select_related("organisation").get(pk=meeting.pk)
    _require_open_minutes(locked)
    signing_now = (
        JustificationSignature.objects.filter(
            meeting=locked, decision__isnull=False, decision__justified_on__isnull=True
        )
        .select_related("decision__item")
        .first()
    )
    if signing_now is not None and signing_now.decision is not None:
        # What the chair or a justerare has signed must stay what the others sign.
        raise TransitionError(
            f"Den omedelbara justeringen av § {signing_now.decision.item.number} pågår; "
            "sammanträdet kan ändras när den är klar."
        )
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
    # The document as it is now; a durable job lays it out (minutes.render_agenda), not this
    # request.
    issue = AgendaIssue.objects.create(
        meeting=meeting,
        version=version,
        issued_at=when,
        issued_by=user,
        html=minutes.agenda_html(meeting, version=version, issued_on=timezone.localdate(when)),
        items=snapshot,
        meeting_details=_details(meeting),
    )
    minutes.order_rendering(issue)
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
        "ändrad lydelse": "; ".join(
            f"{name}: {text}" for name, text in sorted(decision.amendments.items())
        ),
        "sedan": decision.get_next_step_display()
        + (f" ({decision.next_step_reason})" if decision.next_step_reason else ""),
        "yrkanden": "; ".join(
            f"{p.mover}: {p.get_kind_display().lower()}"
            + (f" ({p.text})" if p.text else "")
            + (" – antaget som nämndens yttrande" if p.adopted_as_reply else "")
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
    if decision.signatures.exists():
        raise TransitionError(
            f"Justeringen av § {item.number} har börjat; beslutet kan inte längre ändras."
        )
    reason = _reason(reason)
    if record.outcome != decision.outcome and not (
        record.outcome in FINAL_OUTCOMES and decision.outcome in FINAL_OUTCOMES
    ):
        raise TransitionError(
            "Återremiss och bordläggning flyttar ärendet och rättas inte i efterhand; "
            "rätta bara mellan bifall, bifall med ändringar och avslag."
        )
    _check_reply(item, record)
    _check_record(item, record)
    before = _decision_summary(decision)
    decision.outcome = record.outcome
    decision.text = record.text
    decision.changes = record.changes
    for name, value in _reply_fields(record).items():
        setattr(decision, name, value)
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
