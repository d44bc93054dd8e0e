"""Mina ärenden: the start page of everyone who handles remisses.

Bounded work whatever the size of the city: each list is paged (PER_PAGE rows with the total),
each row reads only the fields it shows, and "Att göra" asks only for the roles the person holds.
The lists that grow with the years (answered, sent) count only a window of pages past the one
shown (remiss.paging): "Sida 1 av fler än 11" rather than every reply an organisation ever gave.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from remiss import selectors
from remiss.links import url_for
from remiss.models import Membership, Recipient, Statement
from remiss.paging import WindowPaginator

PER_PAGE = 25


def _page(
    queryset,
    number,
    rows: Callable[[QuerySet], QuerySet] | None = None,
    *,
    window: bool = False,
) -> Page:
    """One page of the list, or an empty page without asking for rows when there are none.

    With `rows`, the page's keys are picked from `queryset` alone and `rows` joins on what they
    show, in the same query (`pk IN (SELECT … ORDER BY … LIMIT 25)`). With `window`, only the
    pages up to a few past this one are counted (WindowPaginator)."""
    keys = queryset if rows is None else queryset.values("pk")
    paginator = WindowPaginator(keys, PER_PAGE, number) if window else Paginator(keys, PER_PAGE)
    page = paginator.get_page(number)
    if not page.paginator.count:
        page.object_list = []
    elif rows is not None:
        page.object_list = rows(page.object_list)
    return page


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Mina ärenden: what waits for the person, and the remisses their organisations have
    received or sent."""
    today = timezone.localdate()
    roles = set(request.user.memberships.values_list("role", flat=True))
    received = _page(
        selectors.received_remisses(request.user),
        request.GET.get("mottagna"),
        lambda keys: selectors.received_rows(keys, selectors.RECEIVED_ORDER),
    )
    received.object_list = _shown(received.object_list)
    advice = selectors.deadline_advice(received.object_list, today)
    for recipient in received.object_list:
        recipient.advice = advice.get(recipient.pk)
    answered = _page(
        selectors.answered_remisses(request.user),
        request.GET.get("besvarade"),
        lambda keys: selectors.received_rows(keys, selectors.ANSWERED_ORDER),
        window=True,
    )
    answered.object_list = _shown(answered.object_list)
    sent = _page(selectors.sent_remisses(request.user), request.GET.get("skickade"), window=True)
    sent.object_list = selectors.count_answers(sent.object_list)
    return render(
        request,
        "remiss/start.html",
        {
            "received": received,
            "answered": answered,
            "sent": sent,
            "todo": _todo(request.user, today),
            "counts": selectors.counts(request.user),
            "agendas": _latest_per_meeting(selectors.issued_agendas(request.user, today)),
            "can_send": Membership.Role.REMISS_COORDINATOR in roles,
            "can_register": bool(
                roles & {Membership.Role.REMISS_COORDINATOR, Membership.Role.REGISTRAR}
            ),
            "today": today,
            "has_membership": bool(roles),
        },
    )


RECIPIENT_LABELS = dict(Recipient.Status.choices)
STATEMENT_LABELS = dict(Statement.Status.choices)


def _shown(rows) -> list:
    """The rows of a received table (templates/remiss/includes/received_table.html) with what
    it shows of them set: their links (remiss.links: reverse() was a fifth of a row's time) and
    status labels, and every attribute it reads, None where there is nothing (a lookup that
    fails in a template costs a dir() of the model instance: 34 on each visit of handläggarens
    inbox)."""
    rows = list(rows)
    for recipient in rows:
        recipient.case_url = url_for("recipient", recipient.pk)
        recipient.status_label = RECIPIENT_LABELS[recipient.status]
        statement = getattr(recipient, "statement", None)  # a case not yet started has none
        recipient.statement_url = statement and url_for("statement", statement.pk)
        recipient.statement_label = statement and STATEMENT_LABELS[statement.status]
        recipient.advice = None
    return rows


def _todo(user, today) -> list[dict]:
    """Att göra by kind, the kinds with something waiting: their label, count and first
    entries."""
    counts = selectors.counts(user)
    work = selectors.work_waiting(user, today, counts)
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "entries": work[key],
            "more": _more(counts[key], len(work[key])),
        }
        for key, label in selectors.TODO_KINDS
        if work[key]
    ]


def _more(count: int, shown: int) -> int:
    """How many more than the shown entries: at least so many, when the count stopped at its
    cap."""
    more = max(count - shown, 0)
    return selectors.AtLeast(more) if isinstance(count, selectors.AtLeast) else more


def _latest_per_meeting(issues) -> list:
    latest = {}
    for issue in issues:
        latest.setdefault(issue.meeting_id, issue)
    return list(latest.values())
