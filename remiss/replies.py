"""Remissvar: the reply as its readers see it, read in one place.

The sender's reply page, the public reply page and the recipient's own case page show the same
thing once the reply has been delivered: the justified decision that sent it (with proposals,
vote, reservations and statements), the statement with its views per focus area and its
attachments, and the archived PDFs. Who may read it is the caller's question (the querysets'
`replies_to`, `public`, `received_by`); this module only reads.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from remiss.compare import marked_changes
from remiss.models import (
    Ballot,
    Decision,
    DelegatedDecision,
    FocusAreaView,
    ReceivedReply,
    Recipient,
    Statement,
    StoredDocument,
)

# The part of the reply that the nämnd's changes may replace: the statement's sections and its
# proposals (Decision.amendments holds the new wording under these names).
AMENDABLE = [name for name, _ in Statement.SECTIONS]
PROPOSALS = "proposals"


@dataclass
class Change:
    """One part the nämnd changed: its heading, and the change marked (<del>/<ins>)."""

    heading: str
    marked: SafeString


@dataclass
class DecidedReply:
    """Svaret som nämnden beslutade: what the reply is, by the decision's outcome.

    - bifall (or a delegationsbeslut): the signed statement as it is (`kind` "statement");
    - bifall med ändringar: the statement with the nämnd's wording in the changed parts
      (`kind` "amended"); `changes` marks each change, the statement itself stays unchanged as
      beslutsunderlag;
    - avslag with an own yttrande adopted from a yrkande: that text (`kind` "own"); the
      statement is not the reply.
    """

    kind: str
    statement: Statement
    decision: Decision | None
    proposals: list[str]
    sections: list[tuple[str, str]]  # (heading, text) of the reply, in print order
    changes: list[Change] = field(default_factory=list)
    own_text: str = ""
    own_by: str = ""

    @property
    def uses_statement(self) -> bool:
        """The statement's text (with or without changes) is the reply."""
        return self.kind != "own"

    def as_statement(self) -> "ReplyStatement":
        """The statement as the reply reads, for the templates that print a statement."""
        return ReplyStatement(self)


class ReplyStatement:
    """The statement with the decided text in its sections and proposals: what
    includes/statement_body.html prints for a reply decided with changes. Everything else is
    the statement's own."""

    def __init__(self, reply: DecidedReply) -> None:
        self._reply = reply
        self._statement = reply.statement

    def __getattr__(self, name: str) -> Any:
        return getattr(self._statement, name)

    @property
    def proposals(self) -> list[str]:
        return self._reply.proposals

    def sections(self) -> list[tuple[str, str]]:
        return self._reply.sections


def decided_reply(statement: Statement, decision: Decision | None) -> DecidedReply:
    """The reply that `decision` gave (None: a delegationsbeslut, whose reply is the signed
    statement). Reads the decision's proposals (prefetched by the callers)."""
    sections = statement.sections()
    if decision is None or decision.outcome == Decision.Outcome.ADOPTED:
        return DecidedReply("statement", statement, decision, list(statement.proposals), sections)
    if decision.outcome == Decision.Outcome.REJECTED:
        adopted = decision.adopted_proposal
        text = adopted.text if adopted else ""
        return DecidedReply(
            "own",
            statement,
            decision,
            proposals=[],
            sections=[("Nämndens yttrande", text)] if text else [],
            own_text=text,
            own_by=adopted.mover if adopted else "",
        )
    amendments = decision.amendments or {}
    headings = dict(Statement.SECTIONS, views=statement.views_heading)
    changes: list[Change] = []
    proposals = list(statement.proposals)
    new_proposals = amendments.get(PROPOSALS)
    if isinstance(new_proposals, list) and new_proposals != proposals:
        changes.append(
            Change(
                "Förslag till beslut",
                marked_changes(_numbered(proposals), _numbered(new_proposals)),
            )
        )
        proposals = [str(p) for p in new_proposals]
    decided_sections = []
    for name in AMENDABLE:
        original: str = getattr(statement, name)
        amended = amendments.get(name)
        if isinstance(amended, str) and amended != original:
            changes.append(Change(headings[name], marked_changes(original, amended)))
            decided_sections.append((headings[name], amended))
        else:
            decided_sections.append((headings[name], original))
    return DecidedReply("amended", statement, decision, proposals, decided_sections, changes)


def _numbered(proposals: list) -> str:
    return "\n".join(f"{n}. {text}" for n, text in enumerate(proposals, start=1))


@dataclass
class Reply:
    """One recipient's delivered reply (or, before delivery, what exists of it)."""

    recipient: Recipient
    statement: Statement | None
    decision: Decision | None
    ballots: list[Ballot] = field(default_factory=list)
    focus_area_views: list[FocusAreaView] = field(default_factory=list)
    statement_attachments: list = field(default_factory=list)
    archived: list[StoredDocument] = field(default_factory=list)
    decided: DecidedReply | None = None
    delegated: DelegatedDecision | None = None
    received: ReceivedReply | None = None  # an outside instans' reply, registered as it came

    def context(self) -> dict:
        """The names the reply templates use."""
        return {
            "decided": self.decided,
            "delegated": self.delegated,
            "recipient": self.recipient,
            "statement": self.statement,
            "decision": self.decision,
            "ballots": self.ballots,
            "focus_area_views": self.focus_area_views,
            "statement_attachments": self.statement_attachments,
            "archived": self.archived,
            "received": self.received,
        }


def read(recipient: Recipient, *, ready_documents_only: bool = False) -> Reply:
    """The reply of `recipient`, in a fixed number of queries. The public sees only archived
    documents that are ready (ready_documents_only); the sender and the recipient also see one
    still being rendered."""
    statement = (
        Statement.objects.filter(recipient=recipient)
        .select_related("case_officer", "recipient__organisation", "recipient__remiss")
        .first()
    )
    if statement is None:
        received = ReceivedReply.objects.filter(recipient=recipient).first()
        return Reply(recipient=recipient, statement=None, decision=None, received=received)
    decision = (
        Decision.objects.final()
        .justified()
        .sending_reply()
        .filter(item__statement=statement)
        .select_related("item__meeting", "vote")
        .prefetch_related(
            "proposals", "reservations", "special_statements", "notes", "vote__ballots__member"
        )
        .order_by("-decided_at")
        .first()
    )
    ballots: list[Ballot] = []
    archived: list[StoredDocument] = []
    if decision is not None:
        if hasattr(decision, "vote"):
            ballots = list(decision.vote.ballots.all())
        documents = decision.documents.order_by("kind")
        if ready_documents_only:
            documents = documents.filter(state=StoredDocument.State.READY)
        archived = list(documents)
    delegated = None
    if decision is None:
        delegated = (
            DelegatedDecision.objects.filter(recipient=recipient, kind=DelegatedDecision.Kind.REPLY)
            .order_by("-decided_at")
            .first()
        )
    decided = None
    if decision is not None or delegated is not None:
        decided = decided_reply(statement, decision)
    uses_statement = decided is None or decided.uses_statement
    return Reply(
        recipient=recipient,
        statement=statement,
        decision=decision,
        ballots=ballots,
        # A statement the nämnd rejected is not the reply: neither its views nor its
        # attachments are shown as the reply's.
        focus_area_views=list(statement.focus_area_views.select_related("focus_area"))
        if uses_statement
        else [],
        statement_attachments=list(statement.attachments.all()) if uses_statement else [],
        archived=archived,
        decided=decided,
        delegated=delegated,
    )
