"""Reads: what a person may see, as querysets scoped to their organisations."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
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
from remiss.models.meetings import NOT_FINAL
from remiss.models.remisses import RecipientQuerySet
from remiss.permissions import Person
from remiss.prepared import stand_in_person

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
    deadline first (an extension counts). Keys and order only: `received_rows` reads what a
    page of them shows."""
    return Recipient.objects.received_by(user).awaiting().order_by(*RECEIVED_ORDER)


def answered_remisses(user: Person) -> RecipientQuerySet:
    """Received remisses already answered or declined, latest deadline first: a list that grows
    with the years, so the page shows the latest and pages through the rest (`received_rows`
    reads them)."""
    return Recipient.objects.received_by(user).answered().order_by(*ANSWERED_ORDER)


# answer_by: the recipient's own deadline (an extension, or the remiss'), kept by the database.
RECEIVED_ORDER = ("answer_by", "remiss__registration_number", "organisation__name", "pk")
ANSWERED_ORDER = ("-remiss__deadline", "remiss__registration_number", "organisation__name", "pk")


def received_rows(keys, order: tuple[str, ...]) -> RecipientQuerySet:
    """The rows of one page of received remisses (`keys`: their primary keys, a list or a
    sliced subquery), in `order`, with what the table shows joined on. Sorting the whole list
    narrow and joining only the page's rows is what keeps a list of years of answered remisses
    cheap: sorting 1,373 of them with their statements and senders joined was 8 ms."""
    return (
        Recipient.objects.filter(pk__in=keys)
        .select_related("remiss__sender", "organisation", "statement")
        .only(*RECEIVED_ROW_FIELDS)
        .order_by(*order)
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


def _organisations_where(user: User, *roles: str) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=roles).values("organisation_id")


# Att göra: the kinds of work that wait for a person, in the order the start page lists them.
TODO_KINDS: list[tuple[str, str]] = [
    ("to_write", "Att skriva"),
    ("returned", "Returnerat till dig"),
    ("to_review", "Att granska"),
    ("to_sign", "Att signera"),
    ("to_agenda", "Att sätta upp på en föredragningslista"),
    ("to_decide", "Beslut att protokollföra"),
    ("to_justify_now", "Paragrafer att justera omedelbart"),
    ("to_justify", "Protokoll att justera"),
    ("extensions", "Begäran om anstånd att besvara"),
    ("overdue", "Försenade svar"),
]
# How many of each kind the start page lists; the count in its heading says how many there are.
TODO_SHOWN = 20


def _todo(
    user: User, today: datetime.date, kinds: Collection[str] | None = None
) -> dict[str, QuerySet]:
    """Att göra: what waits for this person, by their roles, one queryset per kind (unordered:
    the lists and the counts each order or count them); only the given kinds, when given
    (building a queryset is most of what the start page costs in Python)."""
    builders = _todo_builders(user, today)
    return {key: build() for key, build in builders.items() if kinds is None or key in kinds}


def _todo_builders(user: User, today: datetime.date) -> dict[str, Callable[[], QuerySet]]:
    from remiss.models import ExtensionRequest

    Role = Membership.Role
    S = Statement.Status
    mine = Statement.objects.filter(
        status=S.DRAFT, case_officer=user, recipient__status=Recipient.Status.AWAITING
    )
    commented = Exists(ReviewComment.objects.filter(statement=OuterRef("pk")))
    justifies_item = Meeting.justifiers.through.objects.filter(
        meeting=OuterRef("item__meeting"), user=user
    )
    signed_item = JustificationSignature.objects.filter(decision=OuterRef("pk"), user=user)
    coordinated = _organisations_where(user, Role.REMISS_COORDINATOR)
    return {
        "to_write": lambda: mine.exclude(commented),
        "returned": lambda: mine.filter(commented),
        "to_review": lambda: Statement.objects.filter(
            status=S.IN_REVIEW,
            review_started_at__isnull=True,
            recipient__organisation_id__in=_organisations_where(user, Role.HEAD_OF_ADMINISTRATION),
        ),
        "to_sign": lambda: Statement.objects.filter(status=S.IN_REVIEW, review_started_by=user),
        "to_agenda": lambda: Statement.objects.filter(
            status=S.READY,
            recipient__organisation_id__in=_organisations_where(user, Role.SECRETARY),
        ),
        "to_decide": lambda: AgendaItem.objects.filter(
            decision__isnull=True,
            meeting__date__lte=today,
            meeting__organisation_id__in=_organisations_where(user, Role.SECRETARY),
        ),
        "to_justify": lambda: minutes_to_justify(user),
        "extensions": lambda: ExtensionRequest.objects.filter(
            state=ExtensionRequest.State.PENDING, recipient__remiss__sender_id__in=coordinated
        ),
        # Paragraphs the meeting decided to justify at once (omedelbar justering), still
        # waiting for this person's own signature.
        "to_justify_now": lambda: (
            Decision.objects.filter(immediate=True, justified_on__isnull=True)
            .exclude(outcome__in=NOT_FINAL)
            .filter(Q(item__meeting__chair=user) | Exists(justifies_item))
            .exclude(Exists(signed_item))
        ),
        "overdue": lambda: (
            Recipient.objects.awaiting()
            .filter(remiss__sender_id__in=coordinated, remiss__sent_on__isnull=False)
            .filter(answer_by__lt=today)
        ),
    }


def minutes_to_justify(user: User) -> QuerySet[Meeting]:
    """Protokoll att justera: meetings whose minutes the person is to justify, every paragraph
    decided, not yet signed by them. Any member of a council may be chosen to justify, so it is
    asked of everyone; the partial index meeting_not_justified keeps it to the meetings whose
    minutes are still open, not every meeting ever held. Written with EXISTS throughout: joined
    and made distinct, the planner compared every meeting's items with every undecided item in
    the city (the load benchmark found it)."""
    items = AgendaItem.objects.filter(meeting=OuterRef("pk"))
    undecided = items.exclude(Exists(Decision.objects.filter(item=OuterRef("pk"))))
    justifies = Meeting.justifiers.through.objects.filter(meeting=OuterRef("pk"), user=user)
    signed = JustificationSignature.objects.filter(
        meeting=OuterRef("pk"), user=user, decision__isnull=True
    )
    return (
        Meeting.objects.filter(minutes_justified_on__isnull=True)
        .filter(Q(chair=user) | Exists(justifies))
        .filter(Exists(items))
        .exclude(Exists(signed))
        .exclude(Exists(undecided))
        .select_related("organisation")
        .order_by("date")
    )


def work_waiting(
    user: User, today: datetime.date | None = None, waiting: dict[str, int] | None = None
) -> dict[str, list]:
    """Att göra: the first TODO_SHOWN of each kind, soonest first. Only the kinds with something
    waiting are asked for (`waiting`: the counts, asked in one query for the header anyway), so
    a person with nothing to do costs no list query at all, and one who holds a role gets only
    its lists."""
    waiting = counts(user) if waiting is None else waiting
    todo = _todo(
        user, today or timezone.localdate(), [key for key, _ in TODO_KINDS if waiting.get(key)]
    )
    statement_fields = (
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

    def statements(queryset: QuerySet) -> QuerySet:
        return queryset.select_related("recipient__remiss", "case_officer").only(*statement_fields)

    shown: dict[str, Callable[[QuerySet], QuerySet]] = {
        "to_write": statements,
        "returned": statements,
        "to_review": statements,
        "to_sign": statements,
        "to_agenda": statements,
        "to_decide": lambda q: q.select_related("meeting__organisation"),
        "to_justify_now": lambda q: q.select_related("item__meeting__organisation"),
        "to_justify": lambda q: q,
        "extensions": lambda q: q.select_related(
            "recipient__remiss", "recipient__organisation", "requested_by"
        ),
        "overdue": lambda q: q.select_related("remiss", "organisation"),
    }
    order = {
        "to_decide": ("meeting__date", "number"),
        "to_justify_now": ("item__meeting__date", "item__number"),
        "to_justify": ("date", "pk"),
        "extensions": ("requested_at", "pk"),
        # The longest overdue first, read in order from the index recipient_awaiting_answer_by.
        "overdue": ("answer_by", "remiss__registration_number", "organisation__name", "pk"),
    }
    by_deadline = ("recipient__remiss__deadline", "pk")
    return {
        key: list(shown[key](todo[key]).order_by(*order.get(key, by_deadline))[:TODO_SHOWN])
        if key in todo
        else []
        for key, _ in TODO_KINDS
    }


# The counts stop at COUNT_CAP + 1 rows: what the header and Att göra say ("minst 100") needs
# no more, and a count that read every row it counts would grow with the city (13,818 overdue
# replies for kommunstyrelsen at 2,000 remisses, 11 ms on every page it opened).
COUNT_CAP = 99


class AtLeast(int):
    """A count that stopped at its cap: there are at least this many (the templates say so,
    templatetags/counting.py)."""


class _Count(Subquery):
    """COUNT(*) of a queryset, as a scalar subquery: many counts in one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def counts(user: Person) -> dict[str, int]:
    """How much waits for the person, per kind of Att göra, the total ("todo") and the unread
    notices ("unread"): one query, kept on the person for the rest of the request (the header
    and the start page ask both). A count past COUNT_CAP is an AtLeast: there are at least that
    many."""
    if not user.is_authenticated:
        return {}
    cached = user.__dict__.get("_remiss_counts")
    if cached is not None:
        return cached
    sql, params, keys = _counts_template(connection.alias)
    today = timezone.localdate()
    values = [
        user.pk
        if value == _ANYONE
        else (today.isoformat() if isinstance(value, str) else today)
        if value in _SOME_DAY
        else value
        for value in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone() or (0,) * len(keys)  # the person's account deleted meanwhile
    result = {
        key: AtLeast(value) if value > COUNT_CAP else value
        for key, value in zip(keys, row, strict=True)
    }
    todo = sum(result[key] for key, _ in TODO_KINDS)
    capped = any(isinstance(result[key], AtLeast) for key, _ in TODO_KINDS)
    result["todo"] = AtLeast(todo) if capped else todo
    user.__dict__["_remiss_counts"] = result
    return result


# The counts' query is the same SQL for everyone (only the person and the day differ), and
# building it, ten querysets with some eighty filters, cost more than running it: 38 ms of Python
# on every logged-in page. It is built once per process and database, for a stand-in person and
# day whose values are then replaced in its parameters.
_ANYONE = -739_104_263
_DAY = datetime.date(1901, 2, 3)
_SOME_DAY = (_DAY, _DAY.isoformat())  # PostgreSQL takes the date, SQLite its text
_counts_templates: dict[str, tuple[str, list, list[str]]] = {}


def _counts_template(alias: str) -> tuple[str, list, list[str]]:
    if alias not in _counts_templates:
        _counts_templates[alias] = _counts_query(alias)
    return _counts_templates[alias]


def _counts_query(alias: str) -> tuple[str, list, list[str]]:
    from remiss.models import Notification

    anyone = stand_in_person(_ANYONE)
    subqueries = {
        key: _Count(queryset.order_by().values("pk")[: COUNT_CAP + 1])
        for key, queryset in _todo(anyone, _DAY).items()
    }
    subqueries["unread"] = _Count(
        Notification.objects.of(anyone).unread().order_by().values("pk")[: COUNT_CAP + 1]
    )
    queryset = (
        get_user_model()
        .objects.using(alias)
        .filter(pk=anyone.pk)
        .annotate(**{f"n_{key}": value for key, value in subqueries.items()})
        .values_list(*(f"n_{key}" for key in subqueries))
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    if not any(value == _ANYONE for value in params) or not any(
        value in _SOME_DAY for value in params
    ):  # pragma: no cover - a change to _todo that this template does not foresee
        raise AssertionError("The counts' query no longer takes the person and the day.")
    return sql, list(params), list(subqueries)


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
    return list(
        statement.review_comments.filter(created_at=latest).select_related("author", "focus_area")
    )


def comments_by_anchor(comments: list) -> dict[str, list]:
    """The review comments by the part they are about (ReviewComment.anchor)."""
    anchored: dict[str, list] = defaultdict(list)
    for comment in comments:
        anchored[comment.anchor].append(comment)
    return dict(anchored)


def changes_since_review(statement: Statement) -> dict | None:
    """Ändringar sedan granskningen: while a statement that was returned is in review again,
    the version the reviewer returned and the one resubmitted, compared part by part (the
    bounded comparison of remiss/compare.py). Three queries; None when there is nothing to
    compare."""
    from remiss import compare

    if statement.status != Statement.Status.IN_REVIEW:
        return None
    returned = (
        statement.review_comments.order_by("-created_at", "-pk")
        .values_list("version", flat=True)
        .first()
    )
    if returned is None or returned >= statement.version:
        return None
    versions = {
        version.number: version
        for version in statement.versions.select_related("author").filter(
            number__in=[returned, statement.version]
        )
    }
    if len(versions) != 2:
        return None
    old, new = versions[returned], versions[statement.version]
    parts = [part for part in compare.compare(old.content, new.content) if part.changed]
    return {"old": old, "new": new, "parts": parts}


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
    ("not_received", "Ej inkommit"),
    ("recalled", "Återkallad"),
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
        if recipient.status != Recipient.Status.AWAITING:
            stage = recipient.status
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
