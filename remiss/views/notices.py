"""Notiser: the person's own notices inside the portal, and the counts in the page header."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from remiss import selectors
from remiss.models import Notification

PER_PAGE = 25


def header_counts(request: HttpRequest) -> dict:
    """Context processor: what waits and the unread notices, for the header of every page,
    read (in one query) only when a page shows them."""
    return {"header_counts": SimpleLazyObject(lambda: selectors.counts(request.user))}


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notiser: the latest first, a page at a time; unread ones marked."""
    page = Paginator(Notification.objects.of(request.user), PER_PAGE).get_page(
        request.GET.get("sida")
    )
    return render(request, "remiss/notices.html", {"page": page})


@require_POST
@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice: it is read from now on, and the page it is about opens."""
    notice = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notices")


@require_POST
@login_required
def notices_read_all(request: HttpRequest) -> HttpResponse:
    """Markera alla som lästa."""
    count = Notification.objects.of(request.user).unread().update(read_at=timezone.now())
    if count:
        messages.success(request, f"{count} notiser är markerade som lästa.")
    return redirect("notices")
