"""What a justified paragraph says about överklagande (remiss.council.appeal_note)."""

from django import template

from remiss import council
from remiss.models import Decision

register = template.Library()


@register.filter
def appeal_note(decision: Decision | None) -> str:
    if decision is None or decision.justified_on is None:
        return ""
    return council.appeal_note(decision.item, decision.appeal_ends)
