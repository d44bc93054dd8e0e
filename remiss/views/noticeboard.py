"""Anslagstavlan: the public notice board where the portal posts, on the day of justification,
the notice (anslag) of each justified protokoll and of each paragraph justified at once
(KL 8 kap. 12 §). Open to anyone, without login; with an Atom feed."""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from remiss.models import Decision, Notice

PER_PAGE = 50


def _notices():
    return Notice.objects.select_related("meeting__organisation", "decision__item")


def noticeboard(request: HttpRequest) -> HttpResponse:
    """The notices up now: posted, and their take-down day not yet come."""
    today = timezone.localdate()
    page = Paginator(_notices().current(today), PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "public/noticeboard.html",
        {"page": page, "notices": page.object_list, "today": today, "archive": False},
    )


def noticeboard_archive(request: HttpRequest) -> HttpResponse:
    """Notices taken down: their appeal time is over."""
    today = timezone.localdate()
    page = Paginator(_notices().taken_down(today), PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "public/noticeboard.html",
        {"page": page, "notices": page.object_list, "today": today, "archive": True},
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = _notices().get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404("Anslaget finns inte.") from None
    decisions = Decision.objects.public().filter(item__meeting=notice.meeting)
    if notice.decision_id:
        decisions = decisions.filter(pk=notice.decision_id)
    public = [
        {
            "number": decision.item.number,
            "title": decision.item.title,
            "url": reverse(
                "public_reply",
                args=[
                    decision.item.statement.recipient.remiss_id,
                    decision.item.statement.recipient_id,
                ],
            ),
        }
        for decision in decisions.select_related("item__statement__recipient").order_by(
            "item__number"
        )
    ]
    meeting = notice.meeting
    return render(
        request,
        "public/notice_detail.html",
        {
            "notice": notice,
            "meeting": meeting,
            "up": notice.takes_down_on > timezone.localdate(),
            "public": public,
            "public_meeting": meeting.open and meeting.issues.exists(),
        },
    )


class NoticeFeed(Feed):
    """Anslagstavlan as an Atom feed: the notices up now."""

    feed_type = Atom1Feed
    title = "Anslagstavlan"
    subtitle = "Tillkännagivanden om justerade protokoll (KL 8 kap. 12 §)."

    def link(self) -> str:
        return reverse("noticeboard")

    def items(self):
        return list(_notices().current()[:PER_PAGE])

    def item_title(self, item: Notice) -> str:
        return f"{item.title}, {item.paragraphs}"

    def item_description(self, item: Notice) -> str:
        return (
            f"Anslaget {item.posted_on:%Y-%m-%d}. Sista dag för överklagande "
            f"{item.appeal_ends:%Y-%m-%d}. Anslaget tas ned {item.takes_down_on:%Y-%m-%d}. "
            f"Protokollet förvaras hos {item.kept_at}."
        )

    def item_link(self, item: Notice) -> str:
        return reverse("notice", args=[item.pk])

    def item_pubdate(self, item: Notice):
        return item.posted_at
