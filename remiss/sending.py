"""The sender's work: send a remiss, answer requests for extension, remind the late.

Services with keyword-only arguments; each checks the person, writes, records and notifies.
Once sent, a remiss' recipients and deadlines change only through these recorded actions.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from programs.models import Programme
from remiss import deadlines, notifications, workflow
from remiss.api import webhooks
from remiss.drafting import store_attachment
from remiss.models import (
    ExtensionRequest,
    Membership,
    Organisation,
    Recipient,
    Reminder,
    Remiss,
    StatusEvent,
)
from remiss.permissions import roles_in
from remiss.uploads import CheckedUpload

Role = Membership.Role


class SendingError(Exception):
    """The action is not possible; the message says why, in Swedish."""


def require_coordinator(user: User, organisation_id: int) -> None:
    if Role.REMISS_COORDINATOR not in roles_in(user, organisation_id):
        raise PermissionDenied("Bara remissamordnaren kan göra det här.")


@dataclass
class NewRemiss:
    sender: Organisation
    registration_number: str
    title: str
    programme: Programme | None
    description: str
    deadline: datetime.date
    recipients: list[Organisation]
    attachments: list[tuple[CheckedUpload, UploadedFile, str]]
    delegable: bool = False  # får besvaras på delegation


@transaction.atomic
def send_remiss(
    *, new: NewRemiss, user: User, today: datetime.date | None = None
) -> tuple[Remiss, str | None]:
    """Skicka remissen: create it, move a deadline that falls on a holiday, add the recipients
    (organisations that exist on the send date), attach the documents and notify everyone.
    Returns the remiss and the notice about a moved deadline, if any."""
    require_coordinator(user, new.sender.pk)
    today = today or timezone.localdate()
    deadline, moved = deadlines.moved_deadline(new.deadline)
    if deadline <= today:
        raise SendingError("Svarsdatum måste ligga efter dagen remissen skickas.")
    if not new.recipients:
        raise SendingError("Välj minst en remissinstans.")
    valid = set(Organisation.objects.valid_on(today).values_list("pk", flat=True))
    gone = [org.name for org in new.recipients if org.pk not in valid]
    if gone:
        raise SendingError(f"Finns inte längre och kan inte få remissen: {', '.join(gone)}.")
    if Remiss.objects.filter(
        sender=new.sender, registration_number=new.registration_number
    ).exists():
        raise SendingError(
            f"{new.sender} har redan en remiss med diarienumret {new.registration_number}."
        )
    remiss = Remiss.objects.create(
        sender=new.sender,
        registration_number=new.registration_number,
        title=new.title,
        programme=new.programme,
        description=new.description,
        sent_on=today,
        deadline=deadline,
        delegable=new.delegable,
    )
    recipients = Recipient.objects.bulk_create(
        Recipient(remiss=remiss, organisation=org) for org in new.recipients
    )
    StatusEvent.objects.bulk_create(
        workflow.new_event(
            recipient=recipient,
            action=StatusEvent.Action.RECEIVED,
            user=user,
            target=Recipient.Status.AWAITING,
            comment=f"Svarsdatum {deadline:%Y-%m-%d}.",
        )
        for recipient in recipients
    )
    for position, (checked, upload, title) in enumerate(new.attachments, start=1):
        store_attachment(
            owner={"remiss": remiss},
            position=position,
            checked=checked,
            upload=upload,
            title=title,
            user=user,
        )
    for recipient in recipients:
        notifications.remiss_received(recipient)
    webhooks.remiss_sent(remiss)
    return remiss, moved


# Extensions -----------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    *, recipient: Recipient, user: User, deadline: datetime.date, reason: str
) -> ExtensionRequest:
    """Begär anstånd: the recipient asks the sender for a later deadline, with a reason."""
    recipient = Recipient.objects.select_for_update().select_related("remiss").get(pk=recipient.pk)
    try:
        workflow.check_recipient_move(user, recipient, "request_extension")
    except workflow.TransitionError as error:
        raise SendingError(str(error)) from None
    if not reason.strip():
        raise SendingError("Skriv varför ni behöver längre tid.")
    if deadline <= recipient.deadline:
        raise SendingError(f"Det begärda datumet måste ligga efter {recipient.deadline:%Y-%m-%d}.")
    if recipient.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
        raise SendingError("Det finns redan en obesvarad begäran om anstånd.")
    request = ExtensionRequest.objects.create(
        recipient=recipient, requested_deadline=deadline, reason=reason.strip(), requested_by=user
    )
    workflow.record_event(
        recipient=recipient,
        action=StatusEvent.Action.EXTENSION_ASKED,
        user=user,
        comment=f"Till {deadline:%Y-%m-%d}: {reason.strip()}",
    )
    notifications.extension_requested(request)
    return request


@transaction.atomic
def decide_extension(
    *, request: ExtensionRequest, user: User, grant: bool, answer: str = ""
) -> ExtensionRequest:
    """Bevilja or avslå: the coordinator answers; a grant moves the recipient's deadline."""
    request = (
        ExtensionRequest.objects.select_for_update()
        .select_related("recipient__remiss")
        .get(pk=request.pk)
    )
    recipient = request.recipient
    require_coordinator(user, recipient.remiss.sender_id)
    if request.state != ExtensionRequest.State.PENDING:
        raise SendingError(f"Begäran är redan {request.get_state_display().lower()}.")
    request.state = ExtensionRequest.State.GRANTED if grant else ExtensionRequest.State.REFUSED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.answer = answer.strip()
    request.save()
    comment = f"Till {request.requested_deadline:%Y-%m-%d}" + (
        f": {request.answer}" if request.answer else "."
    )
    if grant:
        workflow.extend(
            recipient=recipient, user=user, deadline=request.requested_deadline, comment=comment
        )
    else:
        workflow.record_event(
            recipient=recipient,
            action=StatusEvent.Action.EXTENSION_REFUSED,
            user=user,
            comment=comment,
        )
    notifications.extension_decided(request)
    return request


# Reminders ------------------------------------------------------------------------------------


def remind(
    *, recipient: Recipient, kind: str, user: User | None = None, today: datetime.date | None = None
) -> Reminder | None:
    """Send one reminder, recorded; None when one was already sent (same deadline and kind for
    an automatic one, or the same day)."""
    if user is not None:
        require_coordinator(user, recipient.remiss.sender_id)
    if recipient.status != Recipient.Status.AWAITING:
        return None
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                recipient=recipient,
                kind=kind,
                for_deadline=recipient.deadline,
                sent_on=today,
                sent_by=user,
            )
            addresses = notifications.reminder(reminder)
            reminder.addresses = ", ".join(addresses)
            reminder.save(update_fields=["addresses"])
            workflow.record_event(
                recipient=recipient,
                action=StatusEvent.Action.REMINDED,
                user=user,
                comment=f"{reminder.get_kind_display()}.",
            )
    except IntegrityError:
        return None
    return reminder


def remind_late(
    *, remiss: Remiss, user: User, today: datetime.date | None = None
) -> list[Reminder]:
    """Påminn alla försenade: one reminder to every recipient past its deadline; those sent."""
    require_coordinator(user, remiss.sender_id)
    today = today or timezone.localdate()
    late = [
        r
        for r in remiss.recipients.awaiting().select_related("remiss", "organisation")
        if r.deadline < today
    ]
    sent = [remind(recipient=r, kind=Reminder.Kind.MANUAL, user=user, today=today) for r in late]
    return [reminder for reminder in sent if reminder is not None]


def send_due_reminders(
    *, today: datetime.date | None = None, days_before: int | None = None
) -> int:
    """The automatic reminders (run daily by the send_reminders command): N days before the
    deadline, and the day after it; each at most once per deadline."""
    today = today or timezone.localdate()
    days_before = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    sent = 0
    open_recipients = Recipient.objects.filter(
        status=Recipient.Status.AWAITING, remiss__sent_on__isnull=False
    ).select_related("remiss__sender", "organisation")
    for recipient in open_recipients:
        deadline = recipient.deadline
        if deadlines.plus_days(deadline, -days_before) <= today < deadline:
            kind = Reminder.Kind.BEFORE
        elif today > deadline:
            kind = Reminder.Kind.OVERDUE
        else:
            continue
        if Reminder.objects.filter(recipient=recipient, kind=kind, for_deadline=deadline).exists():
            continue
        sent += remind(recipient=recipient, kind=kind, today=today) is not None
    return sent
