"""The e-arkiv button, shown to those who may export the case (access.py decides)."""

from django import template

from remiss.archive import access

register = template.Library()


@register.inclusion_tag("archive/button.html", takes_context=True)
def archive_button(context, case):
    """For a Recipient (the recipient's case) or a Remiss (the sender's round)."""
    user = context["request"].user
    if hasattr(case, "remiss_id"):
        allowed = access.may_export_recipient(user, case) and case.status != "awaiting"
        url_name = "archive_recipient"
    else:
        allowed = access.may_export_remiss(user, case)
        url_name = "archive_remiss"
    return {"allowed": allowed, "url_name": url_name, "pk": case.pk}
