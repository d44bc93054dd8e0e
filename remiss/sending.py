"""The sender's work: send a remiss, answer requests for extension, remind the late.

Services with keyword-only arguments; each checks the person, writes, records and notifies.
Once sent, a remiss' recipients and deadlines change only through these recorded actions.
"""

import datetime
import hashlib
import secrets
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
    Attachment,
    ExtensionRequest,
    Membership,
    Organisation,
    OrganisationQuerySet,
    ReceivedReply,
    Recipient,
    Reminder,
    Remiss,
    ReplyLink,
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
    reference: str = ""
    forwarded_from: Recipient | None = None
    subject_kind: str = ""
    subject_number: str = ""
    subject_mover: str = ""
    subject_party: str = ""


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
        reference=new.reference,
        forwarded_from=new.forwarded_from,
        subject_kind=new.subject_kind,
        subject_number=new.subject_number,
        subject_mover=new.subject_mover,
        subject_party=new.subject_party,
    )
    recipients = _add_recipients(remiss, new.recipients, user)
    for position, (checked, upload, title) in enumerate(new.attachments, start=1):
        store_attachment(
            owner={"remiss": remiss},
            position=position,
            checked=checked,
            upload=upload,
            title=title,
            user=user,
        )
    _tell_recipients(recipients)
    webhooks.remiss_sent(remiss)
    return remiss, moved


def _add_recipients(remiss: Remiss, organisations: list[Organisation], user: User) -> list:
    recipients = Recipient.objects.bulk_create(
        Recipient(remiss=remiss, organisation=org) for org in organisations
    )
    StatusEvent.objects.bulk_create(
        workflow.new_event(
            recipient=recipient,
            action=StatusEvent.Action.RECEIVED,
            user=user,
            target=Recipient.Status.AWAITING,
            comment=f"Svarsdatum {remiss.deadline:%Y-%m-%d}.",
        )
        for recipient in recipients
    )
    return recipients


def _tell_recipients(recipients: list[Recipient]) -> None:
    """The remiss to each new recipient; an outside instans gets its personal reply link."""
    for recipient in recipients:
        token = issue_reply_link(recipient) if recipient.organisation.is_outside else ""
        notifications.remiss_received(recipient, token)


# Changing a sent remiss (issue 16) --------------------------------------------------------------


@transaction.atomic
def change_remiss(
    *,
    remiss: Remiss,
    user: User,
    title: str,
    description: str,
    attachments: list[tuple[CheckedUpload, UploadedFile, str]],
) -> list[str]:
    """Ändra en skickad remiss: its text and new documents. Everyone still answering it is
    told what changed (the sentence is also the event of each case). Returns the changes."""
    locked = workflow.require_open_remiss(remiss=remiss, user=user)
    title, description = title.strip(), description.strip()
    changes = []
    if not title:
        raise SendingError("Remissen måste ha en rubrik.")
    if title != locked.title:
        changes.append(f"Rubriken är ändrad från ”{locked.title}” till ”{title}”.")
    if description != locked.description.strip():
        changes.append("Beskrivningen är ändrad; läs den nya texten i portalen.")
    position = locked.attachments.count()
    for offset, (checked, upload, attachment_title) in enumerate(attachments, start=1):
        attachment = store_attachment(
            owner={"remiss": locked},
            position=position + offset,
            checked=checked,
            upload=upload,
            title=attachment_title,
            user=user,
        )
        changes.append(f"Ny bilaga: {attachment.title}.")
    if not changes:
        raise SendingError("Inget är ändrat.")
    locked.title, locked.description = title, description
    locked._change_reason = "Remissen ändrad"  # type: ignore[attr-defined]
    locked.save()
    for recipient in locked.recipients.awaiting().select_related("organisation", "remiss"):
        workflow.record_event(
            recipient=recipient,
            action=StatusEvent.Action.REMISS_CHANGED,
            user=user,
            comment=" ".join(changes),
        )
        notifications.remiss_changed(recipient, changes)
    remiss.title, remiss.description = locked.title, locked.description
    return changes


@transaction.atomic
def add_recipients(
    *,
    remiss: Remiss,
    user: User,
    organisations: list[Organisation],
    today: datetime.date | None = None,
) -> list[Recipient]:
    """Lägg till remissinstanser to a sent remiss: each is told, as at sending."""
    locked = workflow.require_open_remiss(remiss=remiss, user=user)
    today = today or timezone.localdate()
    if not organisations:
        raise SendingError("Välj minst en remissinstans att lägga till.")
    if locked.deadline <= today:
        raise SendingError(
            f"Svarsdatum {locked.deadline:%Y-%m-%d} har passerat; ingen kan läggas till."
        )
    valid = set(Organisation.objects.valid_on(today).values_list("pk", flat=True))
    gone = [org.name for org in organisations if org.pk not in valid]
    if gone:
        raise SendingError(f"Finns inte längre och kan inte få remissen: {', '.join(gone)}.")
    already = set(locked.recipients.values_list("organisation_id", flat=True))
    twice = [org.name for org in organisations if org.pk in already]
    if twice:
        raise SendingError(f"Har redan fått remissen: {', '.join(twice)}.")
    if locked.sender_id in {org.pk for org in organisations}:
        raise SendingError("Remittenten kan inte vara remissinstans för sin egen remiss.")
    recipients = _add_recipients(locked, organisations, user)
    for recipient in recipients:
        recipient.remiss = locked
    _tell_recipients(recipients)
    return recipients


# The outside instans' personal reply link (issue 16) --------------------------------------------

REPLY_LINK_GRACE_DAYS = 14


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reply_link(recipient: Recipient, *, now: datetime.datetime | None = None) -> str:
    """A personal, single-use link for an outside instans, valid until REPLY_LINK_GRACE_DAYS
    after its deadline. Returns the token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = now or timezone.now()
    last_day = recipient.deadline + datetime.timedelta(days=REPLY_LINK_GRACE_DAYS)
    expires = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59)))
    ReplyLink.objects.create(
        recipient=recipient, token_hash=_token_hash(token), created_at=now, expires_at=expires
    )
    return token


class LinkRefused(Exception):
    """The reply link cannot be used; the message says why, in Swedish."""


def reply_link(*, remiss_pk: int, token: str) -> ReplyLink:
    """The link of this token for this remiss, if it may still be used; else LinkRefused (an
    unknown token, or one for another remiss, is refused like one that never existed)."""
    try:
        link = ReplyLink.objects.select_related(
            "recipient__organisation", "recipient__remiss__sender"
        ).get(token_hash=_token_hash(token), recipient__remiss_id=remiss_pk)
    except ReplyLink.DoesNotExist:
        raise LinkRefused("Länken finns inte. Kontrollera att hela adressen kom med.") from None
    if link.used_at is not None:
        raise LinkRefused(
            f"Länken är redan använd: svaret skickades {link.used_at:%Y-%m-%d %H:%M}."
        )
    if link.expires_at < timezone.now():
        raise LinkRefused(
            f"Länken gällde till och med {timezone.localtime(link.expires_at):%Y-%m-%d}. "
            f"Kontakta {link.recipient.remiss.sender} för att lämna ert svar."
        )
    if link.recipient.status != Recipient.Status.AWAITING:
        raise LinkRefused(
            f"{link.recipient.organisation} kan inte längre svara här: "
            f"{link.recipient.get_status_display().lower()}."
        )
    return link


def known_link(*, remiss_pk: int, token: str) -> bool:
    """Was this a real link for this remiss (used or expired now)?"""
    return ReplyLink.objects.filter(
        token_hash=_token_hash(token), recipient__remiss_id=remiss_pk
    ).exists()


@transaction.atomic
def reply_through_link(
    *, remiss_pk: int, token: str, received: "workflow.ReceivedDocument"
) -> ReceivedReply:
    """The outside instans sends its reply through its link: used once, then never again."""
    link = reply_link(remiss_pk=remiss_pk, token=token)
    now = timezone.now()
    if not ReplyLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise LinkRefused("Länken är redan använd.")
    return workflow.register_reply(recipient=link.recipient, user=None, received=received, at=now)


@transaction.atomic
def register_reply(
    *, recipient: Recipient, user: User, received: "workflow.ReceivedDocument"
) -> ReceivedReply:
    """The coordinator registers a reply that came by post or e-mail; any open link closes."""
    require_coordinator(user, recipient.remiss.sender_id)
    reply = workflow.register_reply(recipient=recipient, user=user, received=received)
    ReplyLink.objects.filter(recipient=recipient, used_at__isnull=True).update(
        expires_at=timezone.now()
    )
    return reply


# Remisses from outside (issue 16) ---------------------------------------------------------------


@dataclass
class NewIncoming:
    """An incoming remiss as kommunstyrelsen registers it (remiss utifrån)."""

    remittent: Organisation
    registration_number: str  # the remittent's dnr, e.g. Fi2025/01234
    reference: str  # SOU 2025:12, Ds 2025:3
    title: str
    description: str
    received_on: datetime.date
    deadline: datetime.date
    own_number: str  # kommunstyrelsen's own dnr for the case, e.g. KS 2025/456
    attachments: list[tuple[CheckedUpload, UploadedFile, str]]


def registering_organisations(user: User) -> OrganisationQuerySet:
    """The organisations in which the person may register incoming remisses."""
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role__in=[Role.REMISS_COORDINATOR, Role.REGISTRAR],
    ).distinct()


@transaction.atomic
def register_incoming(*, new: NewIncoming, organisation: Organisation, user: User) -> Recipient:
    """Registrera en inkommen remiss: the remittent's remiss, with kommunstyrelsen (or the
    registering organisation) as its recipient; returns that case."""
    if not roles_in(user, organisation.pk) & {Role.REMISS_COORDINATOR, Role.REGISTRAR}:
        raise PermissionDenied("Bara remissamordnaren eller registratorn kan registrera.")
    if not new.remittent.is_outside:
        raise SendingError(f"{new.remittent} hör till kommunen; välj en remittent utanför den.")
    if new.deadline < new.received_on:
        raise SendingError("Svarsdatum kan inte ligga före dagen remissen kom in.")
    if new.received_on > timezone.localdate():
        raise SendingError("Dagen remissen kom in kan inte ligga i framtiden.")
    if Remiss.objects.filter(
        sender=new.remittent, registration_number=new.registration_number
    ).exists():
        raise SendingError(
            f"En remiss från {new.remittent} med diarienumret {new.registration_number} "
            "finns redan."
        )
    if (
        new.own_number
        and Recipient.objects.filter(
            organisation=organisation, registration_number=new.own_number
        ).exists()
    ):
        raise SendingError(
            f"{organisation} har redan ett ärende med diarienumret {new.own_number}."
        )
    remiss = Remiss.objects.create(
        sender=new.remittent,
        registration_number=new.registration_number,
        reference=new.reference,
        title=new.title,
        description=new.description,
        sent_on=new.received_on,
        deadline=new.deadline,
    )
    case = Recipient.objects.create(
        remiss=remiss, organisation=organisation, registration_number=new.own_number
    )
    workflow.record_event(
        recipient=case,
        action=StatusEvent.Action.RECEIVED,
        user=user,
        target=Recipient.Status.AWAITING,
        comment=f"Inkom {new.received_on:%Y-%m-%d}; svarsdatum {new.deadline:%Y-%m-%d}.",
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
    return case


# Days kommunstyrelsen's office needs between the last internal reply and the meeting.
DRAFTING_DAYS = 14


def suggested_deadline(case: Recipient, *, today: datetime.date | None = None) -> datetime.date:
    """The internal deadline to suggest when kommunstyrelsen sends an outside remiss on: two
    weeks before its last meeting that can still decide the reply in time (a meeting on or
    before the outside deadline); without a planned meeting, four weeks before that deadline.
    Never before tomorrow; a weekend or holiday moves to the working day before."""
    from remiss.models import Meeting

    today = today or timezone.localdate()
    meeting = (
        Meeting.objects.filter(
            organisation_id=case.organisation_id, date__gt=today, date__lte=case.deadline
        )
        .order_by("-date")
        .first()
    )
    if meeting is not None:
        day = meeting.date - datetime.timedelta(days=DRAFTING_DAYS)
    else:
        day = case.deadline - datetime.timedelta(days=2 * DRAFTING_DAYS)
    day = deadlines.previous_working_day(day) if not deadlines.is_working_day(day) else day
    return max(day, today + datetime.timedelta(days=1))


@transaction.atomic
def forward_remiss(
    *,
    case: Recipient,
    user: User,
    registration_number: str,
    deadline: datetime.date,
    description: str,
    recipients: list[Organisation],
    today: datetime.date | None = None,
) -> tuple[Remiss, str | None]:
    """Skicka remissen vidare: kommunstyrelsen sends an outside remiss on to its nämnder and
    bolag (and outside instanser) as its own remiss, with an earlier deadline; their replies
    feed its own reply. The outside remiss' documents go with it."""
    require_coordinator(user, case.organisation_id)
    outside = case.remiss
    if case.status != Recipient.Status.AWAITING:
        raise SendingError("Ärendet är redan avslutat.")
    if deadline > outside.deadline:
        raise SendingError(
            f"Svarsdatum måste ligga före {outside.sender}s svarsdatum "
            f"{outside.deadline:%Y-%m-%d}, så att svaren hinner sammanställas."
        )
    remiss, moved = send_remiss(
        new=NewRemiss(
            sender=case.organisation,
            registration_number=registration_number,
            title=outside.title,
            programme=outside.programme,
            description=description,
            deadline=deadline,
            recipients=recipients,
            attachments=[],
            reference=outside.reference,
            forwarded_from=case,
        ),
        user=user,
        today=today,
    )
    for attachment in outside.attachments.all():
        Attachment.objects.create(
            remiss=remiss,
            title=attachment.title,
            file=attachment.file.name,
            original_name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            position=attachment.position,
            uploaded_by=user,
        )
    workflow.record_event(
        recipient=case,
        action=StatusEvent.Action.FORWARDED,
        user=user,
        comment=f"{remiss.registration_number} till {len(recipients)} remissinstanser, "
        f"svarsdatum {remiss.deadline:%Y-%m-%d}.",
    )
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
