"""What the public may see: the one place the APIs ask (offentlighetsprincipen).

The rules live on the models (issue 10: Remiss.objects.public(), Recipient.objects.public(),
Decision.objects.public(), ...), the same methods the public pages (remiss/views/public.py) call;
this module only gathers them for the APIs and adds what the pages do not need to say (closed
paragraphs, which people are public), so the OParl API and the public pages cannot drift apart.

Public:
- a remiss once sent (`sent_on` set), with who was asked;
- a reply once delivered (the recipient DELIVERED), under a sent remiss, with its statement;
- the justified, final decision that sent the reply, and its archived documents once rendered.

Never public here: an unsent remiss, a draft or any statement not delivered, a decision not
justified or not final (återremiss, bordläggning), a document still being rendered, and a closed
paragraph (stängd paragraf). Closed paragraphs come with meeting attendance (issue 11); until the
field exists, `_open_paragraphs` looks for it under the names that branch may use and, finding
none, lets every paragraph through: today the portal has no closed paragraphs to hide.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from remiss.models import (
    AgendaItem,
    Decision,
    Meeting,
    Membership,
    Organisation,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)

# The roles a person holds as an elected member (förtroendevald): public in that role. Officials'
# roles (handläggare, registrator, ...) and contact details are not published through the API.
POLITICAL_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.JUSTIFIER,
    Membership.Role.MEMBER,
    Membership.Role.SUBSTITUTE,
)

# Names under which a closed paragraph may be recorded (issue 11): a boolean that is True when
# closed, or one that is True when public.
_CLOSED_FLAGS = ("closed", "is_closed", "closed_session")
_PUBLIC_FLAGS = ("public", "is_public")


def _field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


def closed_paragraph_filter(prefix: str = "") -> Q:
    """A Q that is true for closed paragraphs (on AgendaItem, or through `prefix`); never true
    while the model has no such field."""
    names = _field_names(AgendaItem)
    for name in _CLOSED_FLAGS:
        if name in names:
            return Q(**{f"{prefix}{name}": True})
    for name in _PUBLIC_FLAGS:
        if name in names:
            return Q(**{f"{prefix}{name}": False})
    return Q(pk__in=[])


def is_closed_paragraph(item: AgendaItem) -> bool:
    names = _field_names(AgendaItem)
    for name in _CLOSED_FLAGS:
        if name in names:
            return bool(getattr(item, name))
    for name in _PUBLIC_FLAGS:
        if name in names:
            return not getattr(item, name)
    return False


def remisses() -> QuerySet[Remiss]:
    """Sent remisses (as public.public_remisses)."""
    return Remiss.objects.public()


def recipients() -> QuerySet[Recipient]:
    """Every recipient of a sent remiss: who was asked is public (the public remiss page)."""
    return Recipient.objects.filter(remiss__in=Remiss.objects.public())


def delivered_recipients() -> QuerySet[Recipient]:
    """Recipients whose reply is delivered, under a sent remiss (as public.public_reply)."""
    return Recipient.objects.public()


def decisions() -> QuerySet[Decision]:
    """Justified, final decisions on a delivered reply's statement, in an open paragraph: the
    decision the public reply page shows."""
    return Decision.objects.public().exclude(closed_paragraph_filter("item__"))


def statements() -> QuerySet[Statement]:
    """Statements of delivered replies whose deciding paragraph is public."""
    return Statement.objects.filter(
        Exists(decisions().filter(item__statement=OuterRef("pk"))),
    )


def agenda_items() -> QuerySet[AgendaItem]:
    """Paragraphs whose decision is public."""
    return AgendaItem.objects.filter(Exists(decisions().filter(item=OuterRef("pk"))))


def meetings() -> QuerySet[Meeting]:
    """Meetings with at least one public paragraph."""
    return Meeting.objects.filter(Exists(agenda_items().filter(meeting=OuterRef("pk"))))


def documents() -> QuerySet[StoredDocument]:
    """Archived documents of public decisions, once rendered (as public.public_document)."""
    return StoredDocument.objects.filter(
        state=StoredDocument.State.READY,
        decision__in=decisions().values("pk"),
    )


def organisations() -> QuerySet[Organisation]:
    """Every organisation: nämnder and their names are public facts."""
    return Organisation.objects.all()


def memberships() -> QuerySet[Membership]:
    """Elected members' roles in their nämnd."""
    return Membership.objects.filter(role__in=POLITICAL_ROLES)


def people():
    """The elected members (förtroendevalda): people with a political role somewhere."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(Exists(memberships().filter(user=OuterRef("pk"))))
