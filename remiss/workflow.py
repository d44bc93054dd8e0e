"""The statement's workflow: every status change passes through here (STYLE.md §3).

Each transition locks the row, checks that the move is allowed from the current state and that
the person may make it, writes the event row and the history reason, and saves. A refused move
raises TransitionError ("not now") or PermissionDenied ("not you") and changes nothing.

    action              from          to            who
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
    deliver             JUSTIFIED   → DELIVERED     follows justification at once
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from remiss import deadlines, documents, notifications
from remiss.api import webhooks
from remiss.models import (
    AgendaItem,
    Ballot,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingProposal,
    Membership,
    ProtocolNote,
    Recipient,
    Reservation,
    ReviewComment,
    SpecialStatement,
    Statement,
    StatusEvent,
    Vote,
)
from remiss.permissions import can_decline, roles_in

S = Statement.Status
Role = Membership.Role
WRITERS = frozenset({Role.CASE_OFFICER, Role.HEAD_OF_ADMINISTRATION})
HEADS = frozenset({Role.HEAD_OF_ADMINISTRATION})
SECRETARIES = frozenset({Role.SECRETARY})


class TransitionError(Exception):
    """The move is not possible now; the message says why, in Swedish."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset
    verb: str  # "lämna till granskning": used in messages and as the history reason


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(S.DRAFT, S.IN_REVIEW, WRITERS, "lämna till granskning"),
    "return_to_draft": Transition(S.IN_REVIEW, S.DRAFT, HEADS, "returnera"),
    "sign": Transition(S.IN_REVIEW, S.READY, HEADS, "signera"),
    "withdraw": Transition(S.READY, S.DRAFT, HEADS, "ta tillbaka signeringen"),
    "put_on_agenda": Transition(
        S.READY, S.ON_AGENDA, SECRETARIES, "sätta upp på föredragningslistan"
    ),
    "decide": Transition(S.ON_AGENDA, S.DECIDED, SECRETARIES, "protokollföra beslutet"),
    "refer_back": Transition(S.ON_AGENDA, S.DRAFT, SECRETARIES, "återremittera"),
    "table": Transition(S.ON_AGENDA, S.ON_AGENDA, SECRETARIES, "bordlägga"),
    "justify": Transition(S.DECIDED, S.JUSTIFIED, frozenset(), "justera"),
    "deliver": Transition(S.JUSTIFIED, S.DELIVERED, frozenset(), "expediera"),
}


def allowed_moves(user: AbstractBaseUser, statement: Statement) -> set[str]:
    """The moves the person may make now: the answer for buttons and for checks."""
    roles = roles_in(user, statement.recipient.organisation_id)
    moves = {
        action
        for action, t in TRANSITIONS.items()
        if t.source == statement.status and t.roles & roles
    }
    if "withdraw" in moves and statement.signed_by_id != user.pk:
        moves.discard("withdraw")
    return moves


def _move(
    statement: Statement,
    action: str,
    *,
    user: AbstractBaseUser | None,
    comment: str = "",
    at: datetime.datetime | None = None,
    check_person: bool = True,
    changes: dict | None = None,
) -> Statement:
    """Lock, check, change, record. The one place a statement's status is assigned."""
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
    if check_person and (
        user is None or not roles_in(user, locked.recipient.organisation_id) & transition.roles
    ):
        raise PermissionDenied(f"Din roll ger inte behörighet att {transition.verb}.")
    # A conditional UPDATE as well as the lock: of two racing moves exactly one changes a row,
    # on databases without row locks too (SQLite).
    if not Statement.objects.filter(pk=locked.pk, status=transition.source).update(
        status=transition.target
    ):
        raise TransitionError(f"Det går inte att {transition.verb} nu: utlåtandet har ändrats.")
    locked.status = transition.target
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked._change_reason = transition.verb.capitalize()
    locked.save()
    StatusEvent.objects.create(
        recipient=locked.recipient,
        statement=locked,
        actor=user,
        created_at=at or timezone.now(),
        from_status=transition.source,
        to_status=transition.target,
        comment=comment,
    )
    return locked


# Review --------------------------------------------------------------------------------------


@transaction.atomic
def submit(*, statement: Statement, user: AbstractBaseUser, comment: str = "", at=None):
    """Lämna till granskning: the handläggare hands the statement to the head of administration."""
    statement = _move(
        statement,
        "submit",
        user=user,
        at=at,
        comment=comment or "Lämnat till granskning.",
    )
    notifications.submitted(statement, user)
    return statement


@transaction.atomic
def return_to_draft(
    *,
    statement: Statement,
    user: AbstractBaseUser,
    comment: str,
    section_comments: dict[str, str] | None = None,
    at=None,
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
def sign(*, statement: Statement, user: AbstractBaseUser, at=None) -> Statement:
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
        comment=f"Signerat av {user.get_full_name()}.",
        changes={
            "signer_name": user.get_full_name() or user.get_username(),
            "signer_title": membership.title if membership else "",
            "signed_by": user,
            "signed_at": when,
        },
    )


@transaction.atomic
def withdraw(*, statement: Statement, user: AbstractBaseUser, comment: str = "", at=None):
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
        comment=comment or "Signeringen togs tillbaka.",
        changes=_unsigned(),
    )


def _unsigned() -> dict:
    return {"signer_name": "", "signer_title": "", "signed_by": None, "signed_at": None}


# Meetings ------------------------------------------------------------------------------------


def _require_secretary(user: AbstractBaseUser, meeting: Meeting) -> None:
    if not roles_in(user, meeting.organisation_id) & SECRETARIES:
        raise PermissionDenied("Bara nämndsekreteraren kan ändra sammanträdets föredragningslista.")


def next_paragraph(meeting: Meeting) -> int:
    last = meeting.items.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def put_on_agenda(
    *, statement: Statement, meeting: Meeting, user: AbstractBaseUser, at=None
) -> AgendaItem:
    """Sätt upp på föredragningslistan: the signed statement becomes the next paragraph."""
    _require_secretary(user, meeting)
    if statement.recipient.organisation_id != meeting.organisation_id:
        raise TransitionError("Utlåtandet hör till en annan nämnd än sammanträdet.")
    if meeting.minutes_justified_on:
        raise TransitionError("Sammanträdets protokoll är redan justerat.")
    statement = _move(
        statement,
        "put_on_agenda",
        user=user,
        at=at,
        comment=f"Uppsatt på föredragningslistan för sammanträdet {meeting.date:%Y-%m-%d}.",
    )
    return AgendaItem.objects.create(
        meeting=meeting, number=next_paragraph(meeting), title=statement.title, statement=statement
    )


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, user: AbstractBaseUser, title: str) -> AgendaItem:
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
    *, item: AgendaItem, user: AbstractBaseUser, record: DecisionRecord, at=None
) -> Decision:
    """Protokollför beslutet: the decision, and what it does to the statement.

    Bifall, bifall med ändringar and avslag decide the matter; återremiss sends the statement
    back to draft; bordläggning moves the item to a later meeting. With immediate
    justification the paragraph is justified at the meeting and the reply delivered at once.
    """
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
    _require_secretary(user, meeting)
    if Decision.objects.filter(item=item).exists():
        raise TransitionError(
            f"§ {item.number} har redan ett beslut; ett nytt beslut tas som en ny paragraf."
        )
    if meeting.date > timezone.localdate(at or timezone.now()):
        raise TransitionError(
            f"Sammanträdet {meeting.date:%Y-%m-%d} har inte hållits ännu; beslut protokollförs "
            "när det har hållits."
        )
    Outcome = Decision.Outcome
    if record.outcome == Outcome.ADOPTED_WITH_CHANGES and not record.changes.strip():
        raise TransitionError("Skriv vilka ändringar nämnden beslutade.")
    if record.outcome == Outcome.TABLED:
        if record.table_to is None or record.table_to.organisation_id != meeting.organisation_id:
            raise TransitionError("Välj det senare sammanträde som ärendet bordläggs till.")
        if record.table_to.date <= meeting.date:
            raise TransitionError("Ett bordlagt ärende flyttas till ett senare sammanträde.")
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
        counts = vote.counts(list(vote.ballots.all()))
        if counts["ja"] == counts["nej"] and not vote.casting_vote:
            raise TransitionError("Lika röstetal: ange ordförandens utslagsröst.")
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
    decision: Decision, *, user, day: datetime.date, at=None, immediate: bool = False
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
    deliver(statement=statement, user=user, at=at)


def deliver(*, statement: Statement, user, at=None) -> Statement:
    """Expediera: the justified reply is sent to the remiss' sender, and recorded as sent."""
    when = at or timezone.now()
    statement = _move(
        statement,
        "deliver",
        user=user,
        at=at,
        check_person=False,
        comment=f"Svaret skickat till {statement.recipient.remiss.sender}.",
    )
    recipient = Recipient.objects.select_for_update().get(pk=statement.recipient_id)
    previous = recipient.status
    recipient.status = Recipient.Status.DELIVERED
    recipient.delivered_at = when
    recipient._change_reason = "Svar expedierat"
    recipient.save()
    StatusEvent.objects.create(
        recipient=recipient,
        statement=statement,
        actor=user,
        created_at=when,
        from_status=previous,
        to_status=recipient.status,
        comment=f"Svar inkommet till {recipient.remiss.sender}.",
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
def justify_minutes(*, meeting: Meeting, user: AbstractBaseUser, at=None) -> bool:
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
    meeting._change_reason = "Protokollet justerat"
    meeting.save()
    for decision in Decision.objects.filter(
        item__meeting=meeting, justified_on__isnull=True
    ).select_related("item__statement"):
        _justify_decision(decision, user=user, day=day, at=at)
    return True


@transaction.atomic
def decline(*, recipient: Recipient, user: AbstractBaseUser, reason: str, at=None) -> Recipient:
    """Avstå: the recipient will not answer (usually a delegated decision), with a reason."""
    if not can_decline(user, recipient.organisation_id):
        raise PermissionDenied(
            "Bara förvaltningschefen eller nämndsekreteraren kan avstå från att svara."
        )
    if not reason.strip():
        raise TransitionError("Skriv skälet till att avstå.")
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.status != Recipient.Status.AWAITING:
        raise TransitionError(f"Remissen är redan {recipient.get_status_display().lower()}.")
    statement = Statement.objects.filter(recipient=recipient).first()
    if statement is not None and statement.status not in (S.DRAFT, S.IN_REVIEW, S.READY):
        raise TransitionError("Utlåtandet är redan behandlat av nämnden.")
    recipient.status = Recipient.Status.DECLINED
    recipient.declined_reason = reason.strip()
    recipient._change_reason = "Avstår från att svara"
    recipient.save()
    StatusEvent.objects.create(
        recipient=recipient,
        statement=statement,
        actor=user,
        created_at=at or timezone.now(),
        from_status=Recipient.Status.AWAITING,
        to_status=Recipient.Status.DECLINED,
        comment=f"Avstår från att svara: {reason.strip()}",
    )
    notifications.declined(recipient, user)
    webhooks.recipient_declined(recipient)
    return recipient
