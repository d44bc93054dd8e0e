"""Mina ärenden: the start page of everyone who handles remisses."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from remiss import selectors
from remiss.models import Membership

ANSWERED_PER_PAGE = 25


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Mina ärenden: what waits for the person, and the remisses their organisations have
    received or sent."""
    today = timezone.localdate()
    received = list(selectors.received_remisses(request.user))
    advice = selectors.deadline_advice(received, today)
    for recipient in received:
        recipient.advice = advice.get(recipient.pk)
    answered = Paginator(selectors.answered_remisses(request.user), ANSWERED_PER_PAGE).get_page(
        request.GET.get("besvarade")
    )
    return render(
        request,
        "remiss/start.html",
        {
            "received": received,
            "answered": answered,
            "sent": list(selectors.sent_remisses(request.user)),
            "todo": _todo(request.user, today),
            "counts": selectors.counts(request.user),
            "agendas": _latest_per_meeting(selectors.issued_agendas(request.user, today)),
            "can_send": request.user.memberships.filter(
                role=Membership.Role.REMISS_COORDINATOR
            ).exists(),
            "can_register": request.user.memberships.filter(
                role__in=[Membership.Role.REMISS_COORDINATOR, Membership.Role.REGISTRAR]
            ).exists(),
            "today": today,
            "has_membership": request.user.memberships.exists(),
        },
    )


def _todo(user, today) -> list[dict]:
    """Att göra by kind, the kinds with something waiting: their label, count and first
    entries."""
    work = selectors.work_waiting(user, today)
    counts = selectors.counts(user)
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "entries": work[key],
            "more": max(counts[key] - len(work[key]), 0),
        }
        for key, label in selectors.TODO_KINDS
        if work[key]
    ]


def _latest_per_meeting(issues) -> list:
    latest = {}
    for issue in issues:
        latest.setdefault(issue.meeting_id, issue)
    return list(latest.values())
