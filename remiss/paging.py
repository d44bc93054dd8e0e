"""Paging whose count is bounded by how far the person has paged.

Django's Paginator counts every row of the list to show "Sida 3 av 1 740". On the public list
of a national installation that count read all 87,000 sent remisses for every visit (a
sequential scan, docs/scale.md), while the visitor sees 50. `WindowPaginator` counts at most a
few pages past the one asked for (`SELECT COUNT(*) FROM (… LIMIT n)`, unsorted), so
a request's cost follows the page it shows, not the size of the country: "Sida 3 av fler än
13" when there are more, the exact number of pages when the end is in sight.
"""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

AHEAD = 10  # pages counted past the asked one
MAX_PAGE = 100_000  # a larger number asked for is counted as this (the count's LIMIT fits)


class WindowPaginator(Paginator):
    def __init__(self, object_list, per_page: int, asked: object, *, ahead: int | None = None):
        super().__init__(object_list, per_page)
        try:
            page = min(max(int(str(asked)), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1  # get_page() shows the first page for anything that is not a number
        self.limit = (page + (AHEAD if ahead is None else ahead)) * per_page

    @cached_property
    def count(self) -> int:
        """The rows up to the window's end; one past it, when there are more, so that the
        last page counted has a next one."""
        rows = cast(QuerySet, self.object_list)  # a queryset: counted in the database
        # Unordered: how many rows there are up to the limit does not depend on their order,
        # and sorting them first (with the joins the order needs) was most of the count's cost.
        return rows.order_by()[: self.limit + 1].count()

    @property
    def more(self) -> bool:
        """Are there rows past the counted window (the total is not known)?"""
        return self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        if self.more:
            return self.limit // self.per_page
        return super().num_pages
