"""Sök: search across the remisses and replies the person may read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from remiss import numbers
from remiss import search as searching

SHOWN_HITS = 50


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = " ".join(numbers.text(request.GET.get("q")).split())[: searching.MAX_QUERY_LENGTH]
    hits = searching.search(request.user, q, limit=SHOWN_HITS + 1) if q else []
    groups = []
    for kind, heading, slug in (
        (searching.REMISS, "Remisser", "remisser"),
        (searching.REPLY, "Svar och utlåtanden", "svar"),
    ):
        found = [hit for hit in hits if hit.kind == kind]
        groups.append(
            {
                "heading": heading,
                "slug": slug,
                "hits": found[:SHOWN_HITS],
                "more": len(found) > SHOWN_HITS,
            }
        )
    return render(
        request,
        "remiss/search.html",
        {
            "q": q,
            "groups": groups,
            "total": sum(len(group["hits"]) for group in groups),
            "shown": SHOWN_HITS,
        },
    )
