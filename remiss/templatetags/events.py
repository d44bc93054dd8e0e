"""How the event tables show a recorded change (templates/remiss/includes/meeting_events.html)."""

from django import template

register = template.Library()


@register.filter
def change_value(value) -> str:
    """One side of a recorded change: a text as it is, a list (the attendance, the justerare)
    joined by "; ", nothing as "–"."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(part) for part in value)
    return str(value) if value not in (None, "") else "–"
