"""E-mail to the people a step concerns, in Swedish, each with a link to the page to act on.

Mail never breaks the workflow. `send` writes the message as a row (OutgoingMail) in the
transaction of the step it tells about, and a task sends it after the commit (remiss/tasks.py):
a refused or rolled-back step sends nothing, and a mail server that is down, or refuses a
message, delays the mail (retried with backoff, the error logged and shown in the admin) but
never undoes the step nor shows the user an error. Delivery is at least once: a worker that dies
between the mail server's yes and its own note of it sends the message again.

The first line of each template in templates/email/ is the subject. It is rendered on its own
and folded to a single line, so a title with a line break, a carriage return or a Unicode line
separator (U+2028, kept when text is pasted from a PDF) makes a clean subject, never an invalid
header. Each function returns who was mailed and who has no address, so that the page can say
exactly that.
"""

import contextlib
import contextvars
import logging
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.tasks import TaskContext, task
from django.template import Context, engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from remiss import documents, tasks
from remiss.models import (
    Membership,
    Notification,
    OutgoingMail,
    Recipient,
    Statement,
    StoredDocument,
)

logger = logging.getLogger(__name__)
_quiet = contextvars.ContextVar("quiet", default=False)
SUBJECT_MAX = 200


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


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass
class Mailing:
    """Who a message went to (utskick): the people with an address, and those without one."""

    mailed: list[str] = field(default_factory=list)  # names
    without_address: list[str] = field(default_factory=list)  # names

    def __add__(self, other: "Mailing") -> "Mailing":
        return Mailing(self.mailed + other.mailed, self.without_address + other.without_address)


def partition(people) -> Mailing:
    """Who of these people a message reaches (an address), and who it does not."""
    return Mailing(
        mailed=[person_name(user) for user in people if user.email],
        without_address=[person_name(user) for user in people if not user.email],
    )


def single_line(text: str) -> str:
    """A header value: every run of white space (line breaks, U+2028 and U+2029 included) one
    space, other control and format characters gone, at most SUBJECT_MAX characters."""
    folded = " ".join(text.split())
    clean = "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C")
    return clean[:SUBJECT_MAX].strip()


def compose(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a template: its first line, folded to one line, and the rest."""
    source = get_template(f"email/{template}.txt").template.source
    subject_source, _, body_source = source.partition("\n")
    engine = engines["django"].engine
    subject = engine.from_string(subject_source).render(Context(context, autoescape=False))
    body = engine.from_string(body_source).render(Context(context, autoescape=False))
    return single_line(subject), body.strip() + "\n"


def send(
    template: str,
    recipients,
    context: dict,
    *,
    also: list[str] | None = None,
    attachment: StoredDocument | None = None,
) -> Mailing:
    """Tell the people of a step, in the caller's transaction: a notice inside the portal for
    each of them (with an address or not), and one message to those with an address; `also`
    names addresses without an account (an outside instans' kontaktadress), `attachment` an
    archived document to send with it (the message waits until it is rendered)."""
    people = list({user.pk: user for user in recipients}.values())
    mailing = partition(people)
    extra = sorted({address for address in also or [] if address})
    mailing.mailed += extra
    if _quiet.get() or not (people or extra):
        return mailing
    subject, body = compose(template, context)
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=template, text=subject, link=_path(context.get("url")))
        for user in people
    )
    addresses = sorted({user.email for user in people if user.email} | set(extra))
    if not addresses:
        return mailing
    mail = OutgoingMail.objects.create(
        template=template, to=addresses, subject=subject, body=body, attachment=attachment
    )
    tasks.enqueue(send_outgoing, mail.pk)
    return mailing


def _path(url: str | None) -> str:
    """The notice links within the portal, wherever it is served: the path of the mail's link."""
    if not url:
        return ""
    return url.removeprefix(settings.SITE_URL) or "/"


@task(takes_context=True)
def send_outgoing(context: TaskContext, mail_id: int) -> bool:
    """Skicka e-post: one attempt at handing one message to the mail server."""
    return tasks.run(OutgoingMail, mail_id, _deliver, send_outgoing, tasks.worker_of(context))


class AttachmentNotReady(Exception):
    """The archived document to send is not rendered yet: the message tries again later."""


def _deliver(mail: OutgoingMail) -> None:
    message = EmailMessage(mail.subject, mail.body, None, mail.to)
    if mail.attachment_id is not None:
        document = StoredDocument.objects.get(pk=mail.attachment_id)
        if document.state != StoredDocument.State.READY:
            raise AttachmentNotReady(
                f"{document} är inte arkiverad ännu; meddelandet skickas när den är klar."
            )
        with documents.open_verified(document) as handle:
            message.attach(document.filename or "handling.pdf", handle.read(), "application/pdf")
    message.send()
    OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now())


def recover(*, failed: bool = False, only: list[int] | None = None) -> int:
    """Put stuck mail back on the queue (see tasks.recover)."""
    return tasks.recover(OutgoingMail, send_outgoing, failed=failed, only=only)


def members_with_role(organisation_id: int, *roles: str):
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def reviewers(statement: Statement):
    """Who reviews a submitted statement: the förvaltningschef (direktör) of its förvaltning."""
    return members_with_role(
        statement.recipient.organisation_id, Membership.Role.HEAD_OF_ADMINISTRATION
    )


def contacts(organisation_id: int):
    """Kontaktpersoner: who is told of a remiss to answer (handläggare and förvaltningschef)."""
    return members_with_role(
        organisation_id, Membership.Role.CASE_OFFICER, Membership.Role.HEAD_OF_ADMINISTRATION
    )


def submitted(statement: Statement, actor) -> Mailing:
    return send(
        "submitted",
        reviewers(statement),
        {"statement": statement, "actor": actor, "url": link("statement", statement.pk)},
    )


def submission_withdrawn(statement: Statement, actor) -> Mailing:
    """The reviewers learn that the statement they were to review has been taken back."""
    return send(
        "submission_withdrawn",
        reviewers(statement),
        {"statement": statement, "actor": actor, "url": link("statement", statement.pk)},
    )


def returned(statement: Statement, actor, comment: str) -> Mailing:
    return send(
        "returned",
        [statement.case_officer],
        {
            "statement": statement,
            "actor": actor,
            "comment": comment,
            "url": link("statement_edit", statement.pk),
        },
    )


def signed(statement: Statement, actor) -> Mailing:
    """Signerat: the handläggare learns that the text is fixed and goes to the council."""
    return send(
        "signed",
        [statement.case_officer],
        {"statement": statement, "actor": actor, "url": link("statement", statement.pk)},
    )


def decided(statement: Statement, decision) -> Mailing:
    return send(
        "decided",
        [statement.case_officer],
        {"statement": statement, "decision": decision, "url": link("statement", statement.pk)},
    )


def _to_justify(template: str, meeting, context: dict, url: str) -> Mailing:
    """The chair and each justerare, each told in their own words (chair or justerare)."""
    from django.contrib.auth import get_user_model

    ids = set(meeting.justifiers.values_list("pk", flat=True)) | {meeting.chair_id}
    people = get_user_model().objects.filter(pk__in=ids - {None}).order_by("pk")
    chair = [person for person in people if person.pk == meeting.chair_id]
    others = [person for person in people if person.pk != meeting.chair_id]
    return send(
        template, chair, {**context, "meeting": meeting, "is_chair": True, "url": url}
    ) + send(template, others, {**context, "meeting": meeting, "is_chair": False, "url": url})


def paragraph_to_justify(decision) -> Mailing:
    """Paragraf att justera omedelbart: the meeting decided to justify this paragraph at once."""
    item = decision.item
    return _to_justify(
        "paragraph_to_justify",
        item.meeting,
        {"item": item},
        link("paragraph", item.meeting_id, item.number),
    )


def minutes_to_justify(meeting) -> Mailing:
    """Protokoll att justera: every paragraph of the meeting is recorded."""
    return _to_justify("minutes_to_justify", meeting, {}, link("meeting", meeting.pk))


def delivered(recipient: Recipient) -> Mailing:
    statement = Statement.objects.filter(recipient=recipient).select_related("case_officer").first()
    context = {"recipient": recipient, "remiss": recipient.remiss}
    mailing = Mailing()
    if statement:
        mailing += send(
            "delivered",
            [statement.case_officer],
            {**context, "url": link("statement", statement.pk)},
        )
    sender = recipient.remiss.sender
    if sender.is_outside:
        # Expediera to a remittent outside the municipality: the reply at its public address,
        # where the archived PDF/A (protokollsutdrag and utlåtande) is published.
        return mailing + reply_to_outside_sender(
            recipient, link("public_reply", recipient.remiss_id, recipient.pk)
        )
    coordinators = members_with_role(sender.pk, Membership.Role.REMISS_COORDINATOR)
    return mailing + send("reply_received", coordinators, {**context, "url": link("start")})


def declined(recipient: Recipient, actor) -> Mailing:
    coordinators = members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR)
    return send(
        "declined",
        coordinators,
        {"recipient": recipient, "remiss": recipient.remiss, "actor": actor, "url": link("start")},
    )


def remiss_received(recipient: Recipient, reply_token: str = "") -> Mailing:
    """The remiss to answer: to the contacts in the portal, or, for an instans outside the
    municipality, to its kontaktadress with the public page and its personal reply link."""
    if recipient.organisation.is_outside:
        return send(
            "remiss_received_outside",
            [],
            {
                "recipient": recipient,
                "remiss": recipient.remiss,
                "url": link("public_remiss", recipient.remiss_id),
                "reply_url": link("reply_link", recipient.remiss_id, reply_token)
                if reply_token
                else "",
            },
            also=[recipient.organisation.contact_email],
        )
    return send(
        "remiss_received",
        contacts(recipient.organisation_id),
        {
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("recipient", recipient.pk),
        },
    )


def _case_people(recipient: Recipient) -> tuple[list, list[str]]:
    """Who works on the recipient's case: its contacts and the statement's handläggare, and
    the kontaktadress of an outside instans."""
    people = list(contacts(recipient.organisation_id))
    statement = Statement.objects.filter(recipient=recipient).select_related("case_officer").first()
    if statement is not None:
        people.append(statement.case_officer)
    return people, [
        recipient.organisation.contact_email
    ] if recipient.organisation.is_outside else []


def _case_url(recipient: Recipient) -> str:
    if recipient.organisation.is_outside:
        return link("public_remiss", recipient.remiss_id)
    return link("recipient", recipient.pk)


def remiss_changed(recipient: Recipient, changes: list[str]) -> Mailing:
    """Remissen ändrad: what changed, to everyone still answering it."""
    people, also = _case_people(recipient)
    return send(
        "remiss_changed",
        people,
        {
            "recipient": recipient,
            "remiss": recipient.remiss,
            "changes": changes,
            "url": _case_url(recipient),
        },
        also=also,
    )


def remiss_recalled(recipient: Recipient) -> Mailing:
    people, also = _case_people(recipient)
    return send(
        "remiss_recalled",
        people,
        {"recipient": recipient, "remiss": recipient.remiss, "url": _case_url(recipient)},
        also=also,
    )


def round_closed(recipient: Recipient) -> Mailing:
    people, also = _case_people(recipient)
    return send(
        "round_closed",
        people,
        {"recipient": recipient, "remiss": recipient.remiss, "url": _case_url(recipient)},
        also=also,
    )


def reply_registered(recipient: Recipient, reply) -> Mailing:
    """An outside instans' reply is in: the sender's coordinators are told (and the instans,
    when it sent the reply itself, gets a receipt)."""
    context = {
        "recipient": recipient,
        "remiss": recipient.remiss,
        "reply": reply,
        "url": link("remiss_status", recipient.remiss_id),
    }
    coordinators = members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR)
    mailing = send("reply_received", coordinators, context)
    if reply.channel == reply.Channel.LINK and recipient.organisation.contact_email:
        mailing += send(
            "reply_receipt",
            [],
            {**context, "url": link("public_reply", recipient.remiss_id, recipient.pk)},
            also=[recipient.organisation.contact_email],
        )
    return mailing


def reply_to_outside_sender(recipient: Recipient, document_url: str) -> Mailing:
    """Expediera to a remittent outside the municipality (a ministry, a region): kommunstyrelsen's
    decided reply, the archived PDF/A (protokollsutdrag, utlåtande and bilagor) attached, to the
    remittent's address, with the address where it is published."""
    reply = (
        StoredDocument.objects.filter(
            kind=StoredDocument.Kind.REPLY, decision__item__statement__recipient=recipient
        )
        .order_by("-pk")
        .first()
    )
    return send(
        "reply_to_remittent",
        [],
        {
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": document_url,
            "attached": reply is not None,
        },
        also=[recipient.remiss.sender.contact_email],
        attachment=reply,
    )


def extension_requested(request) -> Mailing:
    recipient = request.recipient
    return send(
        "extension_requested",
        members_with_role(recipient.remiss.sender_id, Membership.Role.REMISS_COORDINATOR),
        {
            "request": request,
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": link("remiss_status", recipient.remiss_id),
        },
    )


def extension_decided(request) -> Mailing:
    recipient = request.recipient
    return send(
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
    """Remind whoever writes the answer: the statement's handläggare, else the contacts.
    Returns the addresses mailed (none when nobody there has one)."""
    recipient = reminder.recipient
    statement = Statement.objects.filter(recipient=recipient).select_related("case_officer").first()
    people = [statement.case_officer] if statement else list(contacts(recipient.organisation_id))
    outside = [recipient.organisation.contact_email] if recipient.organisation.is_outside else []
    send(
        "reminder",
        people,
        {
            "reminder": reminder,
            "recipient": recipient,
            "remiss": recipient.remiss,
            "url": _case_url(recipient),
        },
        also=outside,
    )
    return sorted({person.email for person in people if person.email} | set(filter(None, outside)))


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


# What the page says -------------------------------------------------------------------------


def names(items: list[str]) -> str:
    """ "A", "A och B", "A, B och C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def reached(organisations) -> tuple[list[str], list[str]]:
    """Of these organisations, (those with a contact with an e-mail address, those without)."""
    with_address, without = [], []
    for organisation in organisations:
        has = contacts(organisation.pk).exclude(email="").exists()
        (with_address if has else without).append(str(organisation))
    return with_address, without


def told(mailing: Mailing) -> str:
    """ "Ann-Christine Jenvén har fått ett e-postmeddelande." and who has no address."""
    sentences = []
    if mailing.mailed:
        sentences.append(f"{names(mailing.mailed)} har fått ett e-postmeddelande.")
    if mailing.without_address:
        sentences.append(
            f"{names(mailing.without_address)} har ingen e-postadress i portalen och har inte "
            "fått något e-postmeddelande."
        )
    return " ".join(sentences)


def no_contact(organisations: list[str]) -> str:
    """ "Bromma stadsdelsnämnd har ingen kontaktperson med e-postadress i portalen" …"""
    if not organisations:
        return ""
    return (
        f"{names(organisations)} har ingen kontaktperson med e-postadress i portalen och "
        "fick därför ingen e-post; kontakta dem på annat sätt."
    )
