from django import template

from remiss import markup as markup_module

register = template.Library()


@register.filter
def markup(source: str):
    """Render a section's source (the small Markdown subset) to sanitised HTML."""
    return markup_module.render(source or "")
