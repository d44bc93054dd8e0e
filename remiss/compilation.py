"""Sammanställning: every delivered reply to one remiss, read for its sender.

One read model feeds the page, the CSV and XLSX exports and the PDF, so that each shows the same
thing. What it reads is limited in the database, not filtered afterwards: statements, focus-area
views and archived documents are fetched only for recipients whose reply has been delivered
(Recipient.status == "delivered"). Before delivery the sender sees nothing of a recipient's work
(permissions.get_delivered_reply), and nothing of it is even loaded here.

The number of queries does not grow with the number of recipients: the recipients (with their
organisations), the delivered statements (with their focus-area views), the programme's focus
areas and the archived reply PDFs are one query each.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import F, Prefetch
from django.utils import timezone

from programs.models import FocusArea
from remiss import markup
from remiss.links import url_for
from remiss.models import (
    AgendaItem,
    Decision,
    FocusAreaView,
    ReceivedReply,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)
from remiss.pdf import safe_filename
from remiss.replies import DecidedReply, decided_reply

Status = Recipient.Status

# The columns of the exports' "Synpunkter" rows, in order.
ROW_HEADINGS = [
    "Remiss dnr",
    "Remissinstans",
    "Remissinstansens dnr",
    "Status",
    "Inkom",
    "Fokusområde nr",
    "Fokusområde",
    "Synpunkter",
]

# Swedish alphabetical order (å, ä, ö after z) on every database, whatever its collation.
_SWEDISH = str.maketrans(
    {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e", "ü": "y"}
)


def swedish_sort_key(name: str) -> str:
    return name.casefold().translate(_SWEDISH)


@dataclass
class Reply:
    """Remissvar: a delivered recipient, its statement and its views per focus area."""

    recipient: Recipient
    statement: Statement | None
    views: list[FocusAreaView]
    document: StoredDocument | None = None  # the archived reply PDF, once rendered
    decided: DecidedReply | None = None  # what the nämnd decided the reply is
    received: ReceivedReply | None = None  # an outside instans' reply, registered as it came

    @property
    def organisation(self):
        return self.recipient.organisation

    @property
    def delivered_on(self) -> datetime.date | None:
        delivered_at = self.recipient.delivered_at
        return timezone.localdate(delivered_at) if delivered_at else None

    @cached_property
    def url(self) -> str:
        """The reply's page (remiss.links: reverse() once per route, not once per reply)."""
        return url_for("reply", self.recipient.remiss_id, self.recipient.pk)

    @cached_property
    def document_url(self) -> str | None:
        """The archived reply PDF, once rendered."""
        return url_for("document", self.document.pk) if self.document else None

    @property
    def proposals(self) -> list[str]:
        """The decided proposals: the statement's, or the nämnd's wording of them."""
        if self.statement is None:
            return []
        return self.decided.proposals if self.decided else list(self.statement.proposals)

    @property
    def is_statement(self) -> bool:
        """The statement (as signed, or with the nämnd's changes) is the reply."""
        return self.statement is not None and (self.decided is None or self.decided.uses_statement)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The reply's written sections, (heading, source), in print order: the statement's,
        in the nämnd's wording where it changed them, or the nämnd's own yttrande."""
        if self.statement is None:
            return []
        sections = self.decided.sections if self.decided else self.statement.sections()
        return [(heading, text) for heading, text in sections if text.strip()]


@dataclass
class AreaViews:
    """One focus area and the delivered views on it, in the order of the recipients."""

    focus_area: FocusArea
    entries: list[tuple[Reply, FocusAreaView]] = field(default_factory=list)
    in_programme: bool = True


@dataclass(frozen=True)
class Row:
    """One row of the exports: a recipient × a focus area it commented on, or the recipient
    alone (empty focus-area columns) when it has no views or has not delivered."""

    remiss_dnr: str
    organisation: str
    recipient_dnr: str
    status: str
    delivered_on: datetime.date | None
    area_number: int | None
    area_title: str
    views: str

    def values(self) -> list:
        return [
            self.remiss_dnr,
            self.organisation,
            self.recipient_dnr,
            self.status,
            self.delivered_on,
            self.area_number,
            self.area_title,
            self.views,
        ]


@dataclass
class Compilation:
    remiss: Remiss
    today: datetime.date
    recipients: list[Recipient]
    replies: list[Reply]
    focus_areas: list[AreaViews]

    @property
    def declined(self) -> list[Recipient]:
        return [r for r in self.recipients if r.status == Status.DECLINED]

    @property
    def awaiting(self) -> list[Recipient]:
        return [r for r in self.recipients if r.status == Status.AWAITING]

    @property
    def overdue(self) -> list[Recipient]:
        return [r for r in self.awaiting if r.deadline < self.today]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": len(self.recipients),
            "delivered": len(self.replies),
            "declined": len(self.declined),
            "awaiting": len(self.awaiting),
            "overdue": len(self.overdue),
        }

    @property
    def filename_stem(self) -> str:
        """ "Sammanställning KS 2019-1543": the dnr with "/" written "-"."""
        return safe_filename(f"Sammanställning {self.remiss.registration_number}")

    def rows(self) -> Iterator[Row]:
        """The exports' rows: every recipient, in name order; a delivered one once per focus
        area it commented on, any other once, with its status and no views."""
        replies = {reply.recipient.pk: reply for reply in self.replies}
        for recipient in self.recipients:
            reply = replies.get(recipient.pk)
            base: dict[str, Any] = {
                "remiss_dnr": self.remiss.registration_number,
                "organisation": recipient.organisation.name,
                "recipient_dnr": recipient.registration_number,
                "status": recipient.get_status_display(),
                "delivered_on": reply.delivered_on if reply else None,
            }
            if reply is not None and reply.decided is not None and not reply.decided.uses_statement:
                # The nämnd's own yttrande: not tagged by focus area, one row with its text.
                own = markup.to_plain_text(reply.decided.own_text)
                yield Row(**base, area_number=None, area_title="", views=own)
                continue
            if reply is None or not reply.views:
                yield Row(**base, area_number=None, area_title="", views="")
                continue
            for view in reply.views:
                yield Row(
                    **base,
                    area_number=view.focus_area.number,
                    area_title=view.focus_area.title,
                    views=markup.to_plain_text(view.text),
                )


def build(remiss: Remiss, *, today: datetime.date | None = None) -> Compilation:
    """The compilation of `remiss` as it stands now (the caller has checked who asks)."""
    recipients = sorted(
        remiss.recipients.select_related("organisation"),
        key=lambda recipient: swedish_sort_key(recipient.organisation.name),
    )
    by_pk = {recipient.pk: recipient for recipient in recipients}
    for recipient in recipients:
        recipient.remiss = remiss  # the deadline reads it; no query per recipient

    # The statements of delivered recipients: the reply itself, or (avslag with an own
    # yttrande) the rejected beslutsunderlag whose decision says what the reply is.
    statements = (
        Statement.objects.filter(
            recipient__remiss=remiss, recipient__status=Status.DELIVERED
        ).prefetch_related(
            Prefetch(
                "focus_area_views",
                queryset=FocusAreaView.objects.select_related("focus_area").order_by(
                    "focus_area__number", "pk"
                ),
            )
        )
        if any(r.status == Status.DELIVERED for r in recipients)
        else []
    )
    statement_of: dict[int, Statement] = {}
    for statement in statements:
        delivered = by_pk.get(statement.recipient_id)
        if delivered is not None and delivered.status == Status.DELIVERED:
            statement.recipient = delivered  # for the views heading, without a query
            statement_of[delivered.pk] = statement

    documents = reply_documents(remiss) if statement_of else {}
    decided = _decided_replies(statement_of)
    from_outside = [
        r.pk for r in recipients if r.status == Status.DELIVERED and r.pk not in statement_of
    ]
    received = (
        {r.recipient_id: r for r in ReceivedReply.objects.filter(recipient_id__in=from_outside)}
        if from_outside
        else {}
    )
    replies = [
        Reply(
            recipient=recipient,
            statement=statement_of.get(recipient.pk),
            views=list(statement_of[recipient.pk].focus_area_views.all())
            if recipient.pk in statement_of and decided[recipient.pk].uses_statement
            else [],
            document=documents.get(recipient.pk),
            decided=decided.get(recipient.pk),
            received=received.get(recipient.pk),
        )
        for recipient in recipients
        if recipient.status == Status.DELIVERED
    ]
    return Compilation(
        remiss=remiss,
        today=today or timezone.localdate(),
        recipients=recipients,
        replies=replies,
        focus_areas=_by_focus_area(remiss, replies),
    )


def _decided_replies(statement_of: dict[int, Statement]) -> dict[int, DecidedReply]:
    """What each delivered reply is, by the decision that sent it (its agenda items, then the
    decisions with their proposals): a statement delivered on delegation has no decision and is
    its own reply."""
    latest: dict[int, Decision] = {}
    # The statements' agenda items first, then their decisions by item (a unique index): in
    # one query joined on the statements, PostgreSQL's generic plan for the prepared statement
    # (it cannot see the outcomes, which are parameters) expected one decision and read every
    # decision of the city, 2.7 ms at 100 remisses and growing; two queries take 0.6 ms.
    items = list(
        AgendaItem.objects.filter(statement__in=list(statement_of.values()))
        .order_by()
        .values_list("pk", flat=True)
    )
    if items:
        for decision in (
            Decision.objects.final()
            .justified()
            .sending_reply()
            .filter(item__in=items)
            .select_related("item")
            .prefetch_related("proposals")
            .order_by("decided_at", "pk")
        ):
            latest[decision.item.statement_id] = decision
    return {
        recipient_pk: decided_reply(statement, latest.get(statement.pk))
        for recipient_pk, statement in statement_of.items()
    }


def reply_documents(remiss: Remiss) -> dict[int, StoredDocument]:
    """The archived reply PDF of each delivered recipient (of its latest decision), when ready:
    the compilation's and the status board's link to it."""
    documents = (
        StoredDocument.objects.filter(
            kind=StoredDocument.Kind.REPLY,
            state=StoredDocument.State.READY,
            decision__item__statement__recipient__in=remiss.recipients.delivered(),
        )
        .annotate(for_recipient=F("decision__item__statement__recipient_id"))
        .order_by("decision__decided_at", "pk")
    )
    return {document.for_recipient: document for document in documents}


def _by_focus_area(remiss: Remiss, replies: list[Reply]) -> list[AreaViews]:
    """Every focus area of the remiss' programme in number order, each with the delivered views
    on it. A view on an area outside the programme (data older than a change of programme) is
    not dropped: its area follows the programme's, marked as such."""
    areas: dict[int, AreaViews] = {}
    if remiss.programme_id:
        for area in FocusArea.objects.filter(programme_id=remiss.programme_id).order_by("number"):
            areas[area.pk] = AreaViews(focus_area=area)
    others: dict[int, AreaViews] = {}
    for reply in replies:
        for view in reply.views:
            target = areas.get(view.focus_area_id)
            if target is None:
                target = others.setdefault(
                    view.focus_area_id, AreaViews(focus_area=view.focus_area, in_programme=False)
                )
            target.entries.append((reply, view))
    return list(areas.values()) + sorted(
        others.values(), key=lambda area: (area.focus_area.number, area.focus_area.pk)
    )
