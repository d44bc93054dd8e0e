"""The imported originals of a statement, listed where the statement is read."""

from django import template

register = template.Library()


@register.inclusion_tag("remiss/includes/imported_files.html")
def imported_files(statement):
    return {"statement": statement, "imports": list(statement.imports.order_by("created_at"))}


@register.filter
def confidence(value) -> str:
    """0.95 → "hög (95 %)": how sure the importer is, in words and as a share."""
    if value is None:
        return "–"
    share = round(float(value) * 100)
    word = "hög" if share >= 85 else "medel" if share >= 60 else "låg"
    return f"{word} ({share} %)"
