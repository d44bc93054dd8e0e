"""E-mail to the people a step concerns, in Swedish, each with a link to the page to act on.

Mail is sent after the transaction commits, so a refused or rolled-back step never sends any.
The first line of each template in templates/email/ is the subject.
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from remiss.models import Membership, Recipient, Statement

logger = logging.getLogger(__name__)
_quiet = contextvars.ContextVar("quiet", default=False)


@contextlib.contextmanager
def suppressed():
    """No mail inside this block: for replaying past cases (the demo data), not for real work."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def send(template: str, recipients, context: dict) -> None:
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses or _quiet.get():
        return
    subject, _, body = render_to_string(f"email/{template}.txt", context).strip().partition("\n")

    def deliver():
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, addresses)
        except OSError:  # the step is done; a mail server that is down must not undo it
            logger.exception("E-post kunde inte skickas: %s till %s", template, addresses)

    transaction.on_commit(deliver)


def members_with_role(organisation_id: int, *roles: str):
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
    )


def submitted(statement: Statement, actor) -> None:
    heads = members_with_role(
        statement.recipient.organisation_id, Membership.Role.HEAD_OF_ADMINISTRATION
    )
    send(
        "submitted",
        heads,
        {"statement": statement, "actor": actor, "url": link("statement", statement.pk)},
    )


def returned(statement: Statement, actor, comment: str) -> None:
    send(
        "returned",
        [statement.case_officer],
        {
            "statement": statement,
            "actor": actor,
            "comment": comment,
            "url": link("statement_edit", statement.pk),
        },
    )


def decided(statement: Statement, decision) -> None:
    send(
        "decided",
        [statement.case_officer],
        {"statement": statement, "decision": decision, "url": link("statement", statement.pk)},
    )


def delivered(recipient: Recipient) -> None:
    statement = Statement.objects.filter(recipient=recipient).select_related("case_officer").first()
    context = {"recipient": recipient, "remiss": recipient.remiss}
    if statement:
        send(
            "delivered",
            [statement.case_officer],
            {**context, "url": link("statement", statement.pk)},
        )
    coordinators = members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR)
    send("reply_received", coordinators, {**context, "url": link("start")})


def declined(recipient: Recipient, actor) -> None:
    coordinators = members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR)
    send(
        "declined",
        coordinators,
        {"recipient": recipient, "remiss": recipient.remiss, "actor": actor, "url": link("start")},
    )


def _writers(organisation_id: int):
    return members_with_role(
        organisation_id, Membership.Role.CASE_OFFICER, Membership.Role.HEAD_OF_ADMINISTRATION
    )


def remiss_received(recipient: Recipient) -> None:
    send(
        "remiss_received",
        _writers(recipient.organisation_id),
        {
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("recipient", recipient.pk),
        },
    )


def extension_requested(request) -> None:
    recipient = request.recipient
    send(
        "extension_requested",
        members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR),
        {
            "request": request,
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("remiss_status", recipient.remiss_id),
        },
    )


def extension_decided(request) -> None:
    recipient = request.recipient
    send(
        "extension_decided",
        [request.requested_by],
        {
            "request": request,
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("recipient", recipient.pk),
        },
    )


def reminder(reminder) -> list[str]:
    """Remind whoever writes the answer: the statement's handläggare, else the writers."""
    recipient = reminder.recipient
    statement = Statement.objects.filter(recipient=recipient).select_related("case_officer").first()
    people = [statement.case_officer] if statement else list(_writers(recipient.organisation_id))
    send(
        "reminder",
        people,
        {
            "reminder": reminder,
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("recipient", recipient.pk),
        },
    )
    return sorted({person.email for person in people if person.email})


def agenda_issued(issue) -> None:
    """Kallelsen: to every ledamot and ersättare of the council in the meeting's term."""
    from remiss.models import Seat

    meeting = issue.meeting
    people = [
        seat.person
        for seat in Seat.objects.on(meeting.organisation_id, meeting.date).select_related("person")
        if seat.person.is_active
    ]
    send(
        "agenda_issued",
        people,
        {"issue": issue, "meeting": meeting, "url": link("meeting", meeting.pk)},
    )
