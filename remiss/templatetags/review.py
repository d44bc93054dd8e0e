"""The reviewer's comments beside the part of the statement they are about."""

from django import template

register = template.Library()


@register.inclusion_tag("remiss/includes/review_notes.html")
def review_notes(anchored: dict | None, *anchor) -> dict:
    """The comments anchored to one part: `{% review_notes anchored "summary" %}`, or for the
    views on a focus area `{% review_notes anchored "focus-" form.focus_area.value %}`."""
    key = "".join(str(part) for part in anchor)
    return {"notes": (anchored or {}).get(key, [])}
