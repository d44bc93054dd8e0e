"""Remissvar: the reply as its readers see it, read in one place.

The sender's reply page, the public reply page and the recipient's own case page show the same
thing once the reply has been delivered: the justified decision that sent it (with proposals,
vote, reservations and statements), the statement with its views per focus area and its
attachments, and the archived PDFs. Who may read it is the caller's question (the querysets'
`replies_to`, `public`, `received_by`); this module only reads.
"""

from dataclasses import dataclass, field

from remiss.models import (
    Ballot,
    Decision,
    FocusAreaView,
    ReceivedReply,
    Recipient,
    Statement,
    StoredDocument,
)


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
    received: ReceivedReply | None = None  # an outside instans' reply, registered as it came

    def context(self) -> dict:
        """The names the reply templates use."""
        return {
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
    return Reply(
        recipient=recipient,
        statement=statement,
        decision=decision,
        ballots=ballots,
        focus_area_views=list(statement.focus_area_views.select_related("focus_area")),
        statement_attachments=list(statement.attachments.all()),
        archived=archived,
    )
