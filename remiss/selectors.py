"""Reads: what a person may see, as querysets scoped to their organisations."""

import datetime
from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from remiss import deadlines
from remiss.models import (
    AgendaItem,
    Decision,
    JustificationSignature,
    Meeting,
    Membership,
    Recipient,
    Remiss,
    ReviewComment,
    Statement,
)
from remiss.models.remisses import RecipientQuerySet
from remiss.permissions import Person

# What a row of the inbox shows (templates/remiss/includes/received_table.html), and nothing
# more: a statement's text is never read to list it.
RECEIVED_ROW_FIELDS = (
    "registration_number",
    "status",
    "extended_deadline",
    "remiss__registration_number",
    "remiss__title",
    "remiss__deadline",
    "remiss__sender__name",
    "organisation__name",
    "organisation__usual_justification_days",
    "statement__id",
    "statement__status",
    "statement__recipient_id",
)


def received_remisses(user: Person) -> RecipientQuerySet:
    """Remisses the person's organisations have received and still have to answer, soonest
    deadline first (an extension counts)."""
    return (
        _received(user)
        .awaiting()
        .annotate(effective_deadline=Coalesce("extended_deadline", "remiss__deadline"))
        .order_by("effective_deadline", "remiss__registration_number", "organisation__name", "pk")
    )


def answered_remisses(user: Person) -> RecipientQuerySet:
    """Received remisses already answered or declined, latest deadline first: a list that grows
    with the years, so the page shows the latest and pages through the rest."""
    return (
        _received(user)
        .answered()
        .order_by("-remiss__deadline", "remiss__registration_number", "organisation__name", "pk")
    )


def _received(user: Person) -> RecipientQuerySet:
    return (
        Recipient.objects.received_by(user)
        .select_related("remiss__sender", "organisation", "statement")
        .only(*RECEIVED_ROW_FIELDS)
    )


def sent_remisses(user: Person) -> QuerySet[Remiss]:
    """Remisses the person's organisations have sent, with how many recipients have answered:
    the latest deadline first (the remisses still open come first, the old ones page away)."""
    return (
        Remiss.objects.sent_by(user)
        .only("registration_number", "title", "sent_on", "deadline")
        .order_by("-deadline", "-registration_number", "-pk")
    )


def count_answers(remisses) -> list[Remiss]:
    """The remisses (one page of a list) with `recipient_count` and `answered_count`, counted in
    one query for these remisses only: never a count of every remiss's recipients before paging
    (at national size that was 2.6 million rows for 50 shown)."""
    remisses = list(remisses)
    counts = {
        remiss_id: (total, answered)
        for remiss_id, total, answered in Recipient.objects.filter(
            remiss__in=[r.pk for r in remisses]
        )
        .order_by()
        .values("remiss_id")
        .annotate(
            total=Count("pk"), answered=Count("pk", filter=Q(status=Recipient.Status.DELIVERED))
        )
        .values_list("remiss_id", "total", "answered")
    }
    for remiss in remisses:
        remiss.recipient_count, remiss.answered_count = counts.get(remiss.pk, (0, 0))
    return remisses


def deadline_advice(recipients: list[Recipient], today) -> dict[int, str]:
    """Advice per recipient still to answer whose council's meetings do not fit its deadline
    (deadlines.deadline_advice), read in one query whatever the number of recipients."""
    open_ones = [
        r
        for r in recipients
        if r.status == Recipient.Status.AWAITING
        and r.deadline >= today
        and getattr(_statement_of(r), "status", Statement.Status.DRAFT) in UNDECIDED
    ]
    if not open_ones:
        return {}
    meetings = Meeting.objects.filter(
        organisation_id__in={r.organisation_id for r in open_ones},
        date__gte=today,
        date__lte=max(r.deadline for r in open_ones),
    ).values_list("organisation_id", "date")
    by_organisation = defaultdict(list)
    for organisation_id, day in meetings:
        by_organisation[organisation_id].append(day)
    advice = {}
    for recipient in open_ones:
        text = deadlines.deadline_advice(
            deadline=recipient.deadline,
            today=today,
            meeting_dates=by_organisation[recipient.organisation_id],
            usual_justification_days=recipient.organisation.usual_justification_days,
        )
        if text:
            advice[recipient.pk] = text
    return advice


def _statement_of(recipient: Recipient):
    try:
        return recipient.statement
    except Statement.DoesNotExist:
        return None


UNDECIDED = {
    Statement.Status.DRAFT,
    Statement.Status.IN_REVIEW,
    Statement.Status.READY,
    Statement.Status.ON_AGENDA,
}


def work_waiting(user: User, roles: set[str]) -> dict[str, list]:
    """Att göra: what waits for this person, asked only for the roles they hold (`roles`, from
    their memberships): the statements in one query, the decisions to record for a secretary,
    the minutes to justify for whoever is chair or justifier of a meeting."""
    Role = Membership.Role
    S = Statement.Status
    work: dict[str, list] = {
        "returned": [],
        "to_review": [],
        "to_agenda": [],
        "to_decide": [],
        "to_justify": [],
    }
    wanted = Q()
    if Role.CASE_OFFICER in roles:
        returned = Exists(ReviewComment.objects.filter(statement=OuterRef("pk")))
        wanted |= Q(returned, status=S.DRAFT, case_officer=user)
    if Role.HEAD_OF_ADMINISTRATION in roles:
        wanted |= Q(
            status=S.IN_REVIEW,
            recipient__organisation_id__in=_organisations_where(user, Role.HEAD_OF_ADMINISTRATION),
        )
    if Role.SECRETARY in roles:
        wanted |= Q(
            status=S.READY,
            recipient__organisation_id__in=_organisations_where(user, Role.SECRETARY),
        )
    if wanted:
        statements = (
            Statement.objects.filter(wanted)
            .select_related("recipient__remiss", "case_officer")
            .only(
                "title",
                "status",
                "case_officer_id",
                "recipient__extended_deadline",
                "recipient__remiss__registration_number",
                "recipient__remiss__deadline",
                "case_officer__first_name",
                "case_officer__last_name",
                "case_officer__username",
            )
            .order_by("recipient__remiss__deadline", "pk")
        )
        key: dict[str, str] = {S.DRAFT: "returned", S.IN_REVIEW: "to_review", S.READY: "to_agenda"}
        for statement in statements:
            work[key[statement.status]].append(statement)
    if Role.SECRETARY in roles:
        work["to_decide"] = list(
            AgendaItem.objects.filter(
                decision__isnull=True,
                meeting__date__lte=timezone.localdate(),
                meeting__organisation_id__in=_organisations_where(user, Role.SECRETARY),
            )
            .select_related("meeting")
            .only("number", "title", "meeting__date")
            .order_by("meeting__date", "number")
        )
    work["to_justify"] = list(minutes_to_justify(user))
    return work


def minutes_to_justify(user: User) -> QuerySet[Meeting]:
    """Protokoll att justera: meetings whose minutes the person is to justify, every paragraph
    decided, not yet signed by them. Any member of a council may be chosen to justify, so it is
    asked of everyone; the partial index meeting_not_justified keeps it to the meetings whose
    minutes are still open, not every meeting ever held."""
    items = AgendaItem.objects.filter(meeting=OuterRef("pk"))
    undecided = items.exclude(Exists(Decision.objects.filter(item=OuterRef("pk"))))
    justifies = Meeting.justifiers.through.objects.filter(meeting=OuterRef("pk"), user=user)
    signed = JustificationSignature.objects.filter(meeting=OuterRef("pk"), user=user)
    return (
        Meeting.objects.filter(minutes_justified_on__isnull=True)
        .filter(Q(chair=user) | Exists(justifies))
        .filter(Exists(items))
        .exclude(Exists(signed))
        .exclude(Exists(undecided))
        .select_related("organisation")
        .order_by("date")
    )


def _organisations_where(user: User, *roles: str) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=roles).values("organisation_id")


def latest_review_comments(statement: Statement) -> list:
    """The comments of the latest return, while the statement is back in draft."""
    if statement.status != Statement.Status.DRAFT:
        return []
    latest = (
        statement.review_comments.order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None:
        return []
    return list(statement.review_comments.filter(created_at=latest).select_related("author"))


# The stage of each recipient on the sender's status board: what the sender may know of the
# work (how far it has come), never its content.
STAGES = [
    ("not_started", "Inte påbörjat"),
    ("drafting", "Utkast"),
    ("in_review", "Granskas"),
    ("on_agenda", "Till nämnden"),
    ("decided", "Beslutat"),
    ("delivered", "Besvarad"),
    ("declined", "Avstår"),
]
_STAGE_OF_STATEMENT: dict[str | None, str] = {
    Statement.Status.DRAFT: "drafting",
    Statement.Status.IN_REVIEW: "in_review",
    Statement.Status.READY: "on_agenda",
    Statement.Status.ON_AGENDA: "on_agenda",
    Statement.Status.DECIDED: "decided",
    Statement.Status.JUSTIFIED: "decided",
    Statement.Status.DELIVERED: "delivered",
}


def status_board(remiss: Remiss, today) -> tuple[list[Recipient], list[tuple[str, str, int]]]:
    """Every recipient with its stage, days left and pending extension request, and the counts
    per stage: in a fixed number of queries however many recipients there are."""
    from remiss.models import ExtensionRequest, Reminder

    recipients = list(
        remiss.recipients.select_related("organisation", "remiss").order_by("organisation__name")
    )
    statuses = dict(
        Statement.objects.filter(recipient__remiss=remiss).values_list("recipient_id", "status")
    )
    pending = {
        request.recipient_id: request
        for request in ExtensionRequest.objects.filter(
            recipient__remiss=remiss, state=ExtensionRequest.State.PENDING
        ).select_related("requested_by")
    }
    last_reminder = dict(
        Reminder.objects.filter(recipient__remiss=remiss)
        .order_by("recipient_id", "sent_at")
        .values_list("recipient_id", "sent_on")
    )
    labels = dict(STAGES)
    counts = dict.fromkeys(labels, 0)
    for recipient in recipients:
        if recipient.status == Recipient.Status.DECLINED:
            stage = "declined"
        elif recipient.status == Recipient.Status.DELIVERED:
            stage = "delivered"
        else:
            stage = _STAGE_OF_STATEMENT.get(statuses.get(recipient.pk), "not_started")
        recipient.stage, recipient.stage_label = stage, labels[stage]
        recipient.days_left = (recipient.deadline - today).days
        recipient.late = recipient.status == Recipient.Status.AWAITING and recipient.days_left < 0
        recipient.pending_extension = pending.get(recipient.pk)
        recipient.last_reminder = last_reminder.get(recipient.pk)
        counts[stage] += 1
    return recipients, [(key, label, counts[key]) for key, label in STAGES]


def issued_agendas(user, today):
    """Kallelser: the meetings, not yet more than two weeks past, of the councils the person has
    a seat in (ledamot or ersättare), whose agenda has been issued; the newest issue first."""
    from remiss.models import AgendaIssue

    return (
        AgendaIssue.objects.filter(
            meeting__organisation__seats__person=user,
            meeting__date__gte=today - datetime.timedelta(days=14),
        )
        .select_related("meeting__organisation")
        .distinct()
        .order_by("meeting__date", "-version")
    )
