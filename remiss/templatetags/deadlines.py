"""Template filters that say how a deadline stands, in Swedish."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def days_left(deadline: datetime.date | None, today: datetime.date | None = None) -> str:
    """'5 dagar kvar', '1 dag kvar', 'Sista dagen i dag', '3 dagar försenad'."""
    if deadline is None:
        return ""
    today = today or timezone.localdate()
    days = (deadline - today).days
    if days == 0:
        return "Sista dagen i dag"
    if days > 0:
        return f"{days} {'dag' if days == 1 else 'dagar'} kvar"
    late = -days
    return f"{late} {'dag' if late == 1 else 'dagar'} försenad"


@register.filter
def deadline_badge(deadline: datetime.date | None, today: datetime.date | None = None) -> str:
    """days_left wrapped in a span whose class (and text, not colour alone) marks lateness."""
    if deadline is None:
        return ""
    today = today or timezone.localdate()
    css = "deadline deadline--late" if deadline < today else "deadline"
    return format_html('<span class="{}">{}</span>', css, days_left(deadline, today))
