"""The sender's side (remissamordnare): who has answered a remiss, and each delivered reply."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from remiss import permissions
from remiss.models import Decision, Statement


@login_required
def remiss_status(request: HttpRequest, pk: int) -> HttpResponse:
    remiss = permissions.get_sent_remiss(request.user, pk)
    recipients = list(
        remiss.recipients.select_related("organisation").order_by("organisation__name")
    )
    counts = {}
    for recipient in recipients:
        counts[recipient.status] = counts.get(recipient.status, 0) + 1
    return render(
        request,
        "remiss/remiss_status.html",
        {
            "remiss": remiss,
            "recipients": recipients,
            "counts": counts,
            "today": timezone.localdate(),
        },
    )


@login_required
def reply_detail(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    remiss = permissions.get_sent_remiss(request.user, pk)
    recipient = permissions.get_delivered_reply(request.user, remiss, recipient_pk)
    statement = (
        Statement.objects.filter(recipient=recipient)
        .select_related("case_officer", "recipient__organisation", "recipient__remiss")
        .first()
    )
    decision = (
        Decision.objects.filter(item__statement=statement, justified_on__isnull=False)
        .select_related("item__meeting")
        .prefetch_related("reservations", "special_statements")
        .order_by("-decided_at")
        .first()
        if statement
        else None
    )
    return render(
        request,
        "remiss/reply_detail.html",
        {
            "remiss": remiss,
            "recipient": recipient,
            "statement": statement,
            "decision": decision,
            "focus_area_views": list(statement.focus_area_views.select_related("focus_area"))
            if statement
            else [],
            "statement_attachments": list(statement.attachments.all()) if statement else [],
            "archived": list(decision.documents.order_by("kind")) if decision else [],
        },
    )
