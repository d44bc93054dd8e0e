"""How a count is written where it may have stopped at its cap (selectors.COUNT_CAP)."""

from django import template
from django.utils.translation import gettext

from remiss.selectors import COUNT_CAP, AtLeast

register = template.Library()


@register.filter
def count(value: int) -> str:
    """'12', or 'minst 100' for a count that stopped at its cap."""
    if isinstance(value, AtLeast):
        return gettext("minst %(count)s") % {"count": int(value)}
    return str(value)


@register.filter
def badge(value: int) -> str:
    """A count in the header's small badge: '12', or '99+' past the cap."""
    return f"{COUNT_CAP}+" if value > COUNT_CAP else str(value)
