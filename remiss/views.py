from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from remiss import selectors


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Startsidan: the remisses the person's organisations have received or sent."""
    received = list(selectors.received_remisses(request.user))
    sent = list(selectors.sent_remisses(request.user))
    return render(
        request,
        "remiss/start.html",
        {
            "received": received,
            "sent": sent,
            "today": timezone.localdate(),
            "has_membership": request.user.memberships.exists(),
        },
    )
