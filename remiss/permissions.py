"""Who may do what: questions about objects, asked in one place (docs/style.md §6).

Lookups answer 404 for objects outside the person's organisations, so that another
organisation's cases do not even show that they exist; `require` answers 403 to a member whose
role does not allow the action.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from remiss.models import (
    Attachment,
    Meeting,
    Membership,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)
from remiss.prepared import ScopedGet

Role = Membership.Role
# Whoever asks: a person logged in, or nobody (the anonymous get no roles and see nothing).
Person = User | AnonymousUser

# Who writes the statement: the handläggare, or the head of the administration.
EDITOR_ROLES = frozenset({Role.CASE_OFFICER, Role.HEAD_OF_ADMINISTRATION})


def roles_in(user: Person, organisation_id: int) -> set[str]:
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_remiss_roles", {})
    if organisation_id not in cache:
        cache[organisation_id] = set(
            Membership.objects.filter(user=user, organisation_id=organisation_id).values_list(
                "role", flat=True
            )
        )
    return cache[organisation_id]


def member_organisations(user: Person) -> QuerySet:
    return Membership.objects.organisations_of(user)


def recipients_for(user: Person) -> QuerySet[Recipient]:
    """The cases (remisses received) of the person's organisations."""
    return Recipient.objects.received_by(user)


# The scoped lookups of every page and move, built once per process and database
# (remiss/prepared.py): each scope below is the rule, and the SQL is its own.
_RECIPIENT = ScopedGet(
    Recipient,
    lambda person: recipients_for(person).select_related(
        "remiss__sender", "remiss__programme", "organisation"
    ),
    missing="Ärendet finns inte.",
)


def get_recipient(user: Person, pk: int) -> Recipient:
    return _RECIPIENT.get(user, pk)


_STATEMENT = ScopedGet(
    Statement,
    lambda person: Statement.objects.of_organisations_of(person).select_related(
        "recipient__organisation",
        "recipient__remiss__sender",
        "recipient__remiss__programme",
        "case_officer",
    ),
    missing="Tjänsteutlåtandet finns inte.",
)


def get_statement(user: Person, pk: int) -> Statement:
    """A statement of one of the person's organisations, else 404: for a ledamot or ersättare
    only once it stands on an issued agenda (Statement.objects.of_organisations_of)."""
    return _STATEMENT.get(user, pk)


def get_attachment(user: Person, pk: int) -> Attachment:
    """An attachment of a remiss the person's organisations sent or received, or of their
    own organisation's statement."""
    organisations = member_organisations(user)
    visible = Attachment.objects.filter(
        Q(statement__in=Statement.objects.of_organisations_of(user))
        | Q(remiss__sender_id__in=organisations)
        | Q(remiss__recipients__organisation_id__in=organisations)
    ).distinct()
    try:
        return visible.get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404("Bilagan finns inte.") from None


def can_write(user: Person, organisation_id: int) -> bool:
    """May draft statements for the organisation (whatever the statement's state)."""
    return bool(roles_in(user, organisation_id) & EDITOR_ROLES)


def can_edit(user: Person, statement: Statement) -> bool:
    """May change the statement's text now: a writer, the text not yet frozen, and the case
    still open (not declined, nor closed by the sender: withdrawn or the round closed)."""
    return (
        statement.status == Statement.Status.DRAFT
        and statement.recipient.status == Recipient.Status.AWAITING
        and can_write(user, statement.recipient.organisation_id)
    )


def allowed_actions(user: Person, statement: Statement) -> set[str]:
    """What the person may do with the statement: the answer for buttons and for checks."""
    actions = {"view"}
    if can_edit(user, statement):
        actions |= {"edit", "restore", "attach"}
    return actions


def require(user: Person, action: str, statement: Statement) -> None:
    if action not in allowed_actions(user, statement):
        closed = statement.recipient.status != Recipient.Status.AWAITING
        if closed and can_write(user, statement.recipient.organisation_id):
            raise PermissionDenied(
                f"Ärendet är avslutat ({statement.recipient.get_status_display().lower()}); "
                "utlåtandet kan inte ändras."
            )
        if statement.status != Statement.Status.DRAFT and can_write(
            user, statement.recipient.organisation_id
        ):
            raise PermissionDenied(
                f"Utlåtandet är {statement.get_status_display().lower()} och kan inte ändras."
            )
        raise PermissionDenied("Din roll ger inte behörighet att ändra tjänsteutlåtandet.")


_MEETING = ScopedGet(
    Meeting,
    lambda person: Meeting.objects.visible_to(person).select_related(
        "organisation", "chair", "secretary"
    ),
    missing="Sammanträdet finns inte.",
)


def get_meeting(user: Person, pk: int) -> Meeting:
    """A meeting of one of the person's organisations (the agenda is open to every member)."""
    return _MEETING.get(user, pk)


def is_secretary(user: Person, organisation_id: int) -> bool:
    return Membership.Role.SECRETARY in roles_in(user, organisation_id)


def require_secretary(user: Person, organisation_id: int) -> None:
    if not is_secretary(user, organisation_id):
        raise PermissionDenied("Bara nämndsekreteraren kan göra det här.")


_SENT_REMISS = ScopedGet(
    Remiss,
    lambda person: Remiss.objects.sent_by(person).select_related("sender", "programme"),
    missing="Remissen finns inte.",
)


def get_sent_remiss(user: Person, pk: int) -> Remiss:
    """A remiss the person's organisations sent, else 404."""
    return _SENT_REMISS.get(user, pk)


def get_delivered_reply(user: Person, remiss: Remiss, recipient_pk: int) -> Recipient:
    """A delivered reply to the person's remiss. Before delivery the sender sees nothing of a
    recipient's work: an undelivered reply answers 404 like one that does not exist."""
    try:
        return (
            remiss.recipients.replies_to(user).select_related("organisation").get(pk=recipient_pk)
        )
    except Recipient.DoesNotExist:
        raise Http404("Svaret finns inte.") from None


def get_document(user: Person, pk: int) -> StoredDocument:
    """An archived document: for the council's organisation, and for the sender once the reply
    has been delivered (a statement's documents exist only after justification)."""
    organisations = member_organisations(user)
    # The sender's condition as joins on this document's own recipient, not as "recipient in
    # every reply delivered to the sender": PostgreSQL built that set whole on every request
    # (38,689 rows, 25 ms, for kommunstyrelsen in a city of 2,000 remisses).
    recipient = "decision__item__statement__recipient"
    visible = StoredDocument.objects.filter(
        Q(decision__item__meeting__organisation_id__in=organisations)
        | Q(
            **{
                f"{recipient}__status": Recipient.Status.DELIVERED,
                f"{recipient}__remiss__sender_id__in": organisations,
            }
        )
    ).select_related("decision__item__meeting")
    try:
        return visible.get(pk=pk)
    except StoredDocument.DoesNotExist:
        raise Http404("Handlingen finns inte.") from None
